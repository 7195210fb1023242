import type React from 'react';
import { Box, Text } from 'ink';
import type { SelectItem } from '../list/SelectList.js';
import { SelectList } from '../list/SelectList.js';
import { useTone } from '../ThemeProvider.js';
import type { DiagnosisChoice } from '../../training/tracker.js';
import { catalogNote } from '../../engine/textLog.js';

/** Choices whose id, title or layer contain every word typed, in the runbook's order. */
export function filterDiagnoses(choices: readonly DiagnosisChoice[], query: string): DiagnosisChoice[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return choices.filter((c) => {
    const hay = `${c.id} ${c.title} ${c.layer}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

export interface DiagnosisPickerProps {
  choices: readonly DiagnosisChoice[];
  query: string;
  /** Index into the filtered list; null until the trainee moves or types (nothing is preselected: the first could be the answer). */
  selected: number | null;
  /** Picks that were wrong, latest last. */
  wrong: readonly DiagnosisChoice[];
  /** Rows for the list. */
  rows?: number;
  /** Why the signature catalog's known causes are not among the choices (file:line:col: problem), or null. */
  catalogError?: string | null;
}

/** The trainee names the root cause: a searchable list of the runbook's diagnoses, none selected at first. */
export function DiagnosisPicker({
  choices,
  query,
  selected,
  wrong,
  rows = 8,
  catalogError = null,
}: DiagnosisPickerProps): React.JSX.Element {
  const tone = useTone();
  const shown = filterDiagnoses(choices, query);
  const last = wrong.at(-1);
  const items: SelectItem[] = shown.map((c) => ({
    id: c.id,
    row: (on) => (
      <>
        <Text {...(on ? tone('strong') : {})}>{c.title}</Text>{' '}
        <Text {...tone('muted')}>
          ({c.layer} · {c.id})
        </Text>
      </>
    ),
  }));
  return (
    <Box flexDirection="column">
      <Text {...tone('strong')}>The walk is over. What is the root cause?</Text>
      {catalogError ? (
        <Text {...tone('error')} wrap="wrap">
          {catalogNote(catalogError)}
        </Text>
      ) : null}
      {last ? (
        <Text {...tone('finding')} wrap="wrap">
          ✗ not {last.title} ({last.id}); {wrong.length} wrong {wrong.length === 1 ? 'pick' : 'picks'} so far. Pick
          again.
        </Text>
      ) : null}
      <Text wrap="truncate-end">
        search: {query}
        <Text inverse> </Text>
        {selected === null && shown.length > 0 ? <Text {...tone('muted')}> (type to narrow, ↓ to choose)</Text> : null}
      </Text>
      <SelectList
        items={items}
        selected={selected}
        rows={Math.max(1, rows)}
        empty={`no diagnosis matches “${query}”`}
      />
      {shown.length > rows ? (
        <Text {...tone('muted')}>
          {'  '}
          {shown.length} match; type to narrow
        </Text>
      ) : null}
    </Box>
  );
}
