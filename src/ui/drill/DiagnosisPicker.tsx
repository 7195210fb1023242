import type React from 'react';
import { Box, Text } from 'ink';
import { useTone } from '../ThemeProvider.js';
import type { DiagnosisChoice } from '../../training/tracker.js';

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
  /** Index into the filtered list. */
  selected: number;
  /** Picks that were wrong, latest last. */
  wrong: readonly DiagnosisChoice[];
  /** Rows for the list. */
  rows?: number;
}

/** The trainee names the root cause: a searchable list of the runbook's diagnoses. */
export function DiagnosisPicker({ choices, query, selected, wrong, rows = 8 }: DiagnosisPickerProps): React.JSX.Element {
  const tone = useTone();
  const shown = filterDiagnoses(choices, query);
  const first = Math.max(0, Math.min(selected - Math.floor(rows / 2), shown.length - rows));
  const window = shown.slice(first, first + rows);
  const last = wrong.at(-1);
  return (
    <Box flexDirection="column">
      <Text {...tone('strong')}>The walk is over. What is the root cause?</Text>
      {last ? (
        <Text {...tone('finding')}>
          ✗ not {last.title} ({last.id}); {wrong.length} wrong {wrong.length === 1 ? 'pick' : 'picks'} so far. Pick again.
        </Text>
      ) : null}
      <Text>
        search: {query}
        <Text inverse> </Text>
      </Text>
      {shown.length === 0 ? <Text {...tone('muted')}>no diagnosis matches “{query}”</Text> : null}
      {window.map((c) => {
        const on = shown.indexOf(c) === selected;
        return (
          <Text key={c.id} wrap="truncate-end">
            <Text {...tone(on ? 'accent' : 'muted')}>{on ? '› ' : '  '}</Text>
            <Text {...(on ? tone('strong') : {})}>{c.title}</Text> <Text {...tone('muted')}>
              ({c.layer} · {c.id})
            </Text>
          </Text>
        );
      })}
      {shown.length > rows ? <Text {...tone('muted')}>  {shown.length} match; type to narrow</Text> : null}
    </Box>
  );
}
