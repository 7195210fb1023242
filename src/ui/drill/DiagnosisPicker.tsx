import type React from 'react';
import { Box, Text } from 'ink';
import type { SelectItem } from '../list/SelectList.js';
import { SelectList } from '../list/SelectList.js';
import { useTone } from '../ThemeProvider.js';
import type { DiagnosisChoice } from '../../training/tracker.js';
import { catalogNote } from '../../engine/textLog.js';
import { Paragraph } from '../Paragraph.js';
import { wrapText } from '../text.js';

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
  /** Rows the picker may take: the list gets what its lines above leave (they wrap, so they are counted wrapped). */
  height?: number;
  /** Why the signature catalog's known causes are not among the choices (file:line:col: problem), or null. */
  catalogError?: string | null;
  /** The last check's finding, said again: at 24 rows the walk's findings have scrolled above the frame. */
  lastFinding?: string | null;
  /** Columns, for wrapping the finding at words. */
  width?: number;
}

/** The line that repeats the last check's finding above the picker. */
export function lastFindingLine(step: { title: string; result?: { outcome: string; summary: string } }): string {
  return `Last finding (${step.title}) → ${step.result?.outcome ?? 'not run'}: ${step.result?.summary ?? ''}; every finding is in the scrollback above.`;
}

/** The trainee names the root cause: a searchable list of the runbook's diagnoses, none selected at first. */
export function DiagnosisPicker({
  choices,
  query,
  selected,
  wrong,
  height = 12,
  catalogError = null,
  lastFinding = null,
  width = 80,
}: DiagnosisPickerProps): React.JSX.Element {
  const tone = useTone();
  const shown = filterDiagnoses(choices, query);
  const last = wrong.at(-1);
  const wrongLine = last
    ? `✗ not ${last.title} (${last.id}); ${wrong.length} wrong ${wrong.length === 1 ? 'pick' : 'picks'} so far. Pick again.`
    : null;
  const notes = [lastFinding, catalogError ? catalogNote(catalogError) : null, wrongLine];
  // The title, the search line and the "N match" line, and the notes as wrapped.
  const used = 3 + notes.reduce((n, t) => n + (t ? wrapText(t, width).length : 0), 0);
  const rows = Math.max(1, height - used);
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
      {lastFinding ? <Paragraph text={lastFinding} width={width} {...tone('muted')} /> : null}
      {catalogError ? <Paragraph text={catalogNote(catalogError)} width={width} {...tone('error')} /> : null}
      {wrongLine ? <Paragraph text={wrongLine} width={width} {...tone('finding')} /> : null}
      <Text wrap="truncate-end">
        search: {query}
        <Text inverse> </Text>
        {selected === null && shown.length > 0 ? <Text {...tone('muted')}> (type to narrow, ↓ to choose)</Text> : null}
      </Text>
      <SelectList items={items} selected={selected} rows={rows} empty={`no diagnosis matches “${query}”`} />
      {shown.length > rows ? (
        <Text {...tone('muted')}>
          {'  '}
          {shown.length} match; type to narrow
        </Text>
      ) : null}
    </Box>
  );
}
