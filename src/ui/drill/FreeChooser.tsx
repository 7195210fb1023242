import type React from 'react';
import { Box, Text } from 'ink';
import type { Layer } from '../../checks/types.js';
import type { FreeChoice } from '../../training/free.js';
import { useTone } from '../ThemeProvider.js';
import { predictionKeys } from './drillKeys.js';

/** Free mode: the checks of one layer, one key each; ←/→ moves between layers. */
export function FreeChooser({ layers, current, ran, offset, rows }: { layers: readonly { layer: Layer; steps: FreeChoice[] }[]; current: number; ran: ReadonlySet<string>; offset: number; rows: number }): React.JSX.Element {
  const tone = useTone();
  const shown = layers[current];
  return (
    <Box flexDirection="column">
      <Text>
        {layers.map((l, i) => (
          <Text key={l.layer}>
            {i > 0 ? <Text {...tone('muted')}> · </Text> : null}
            <Text {...(i === current ? tone('accent') : tone('muted'))}>{i === current ? `[${l.layer}]` : l.layer}</Text>
          </Text>
        ))}
      </Text>
      <Text {...tone('strong')}>
        Which check next?
        {shown && shown.steps.length > rows ? <Text {...tone('muted')}> ({offset + 1}-{Math.min(offset + rows, shown.steps.length)} of {shown.steps.length}, ↑↓ for more)</Text> : null}
      </Text>
      {freePage(shown?.steps ?? [], offset, rows).map((s, i) => (
        <Text key={s.step} wrap="truncate-end">
          <Text {...tone('accent')}>{predictionKeys[i]}</Text> {s.title} <Text {...tone('muted')}>({s.check}{ran.has(s.step) ? ', run' : ''})</Text>
        </Text>
      ))}
      {shown && shown.steps.length === 0 ? <Text {...tone('muted')}>no checks in this layer</Text> : null}
    </Box>
  );
}

/** The checks on screen: a page of `rows` from `offset`, keyed from 1 on every page. */
export function freePage(steps: readonly FreeChoice[], offset: number, rows: number): FreeChoice[] {
  return steps.slice(offset, offset + Math.min(rows, predictionKeys.length));
}
