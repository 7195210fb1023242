import type React from 'react';
import { Box, Text } from 'ink';
import type { Layer } from '../../checks/types.js';
import type { FreeChoice } from '../../training/free.js';
import type { SelectItem } from '../list/SelectList.js';
import { SelectList } from '../list/SelectList.js';
import { useTone } from '../ThemeProvider.js';
import { predictionKeys } from './drillKeys.js';

/** Free mode: the checks of one layer, one key each (the first ones) or ↑/↓ and ⏎; ←/→ moves between layers. */
export function FreeChooser({
  layers,
  current,
  ran,
  selected,
  rows,
}: {
  layers: readonly { layer: Layer; steps: FreeChoice[] }[];
  current: number;
  ran: ReadonlySet<string>;
  selected: number | null;
  rows: number;
}): React.JSX.Element {
  const tone = useTone();
  const shown = layers[current];
  const steps = shown?.steps ?? [];
  const items: SelectItem[] = steps.map((s, i) => ({
    id: s.step,
    row: (on) => (
      <>
        <Text {...tone('accent')}>{predictionKeys[i] ?? ' '}</Text>{' '}
        <Text {...(on ? tone('strong') : {})}>{s.title}</Text>{' '}
        <Text {...tone('muted')}>
          ({s.check}
          {ran.has(s.step) ? ', run' : ''})
        </Text>
      </>
    ),
  }));
  return (
    <Box flexDirection="column">
      <Text>
        {layers.map((l, i) => (
          <Text key={l.layer}>
            {i > 0 ? <Text {...tone('muted')}> · </Text> : null}
            <Text {...(i === current ? tone('accent') : tone('muted'))}>
              {i === current ? `[${l.layer}]` : l.layer}
            </Text>
          </Text>
        ))}
      </Text>
      <Text {...tone('strong')}>
        Which check next?
        {steps.length > rows ? <Text {...tone('muted')}> ({steps.length} in this layer, ↑↓ for more)</Text> : null}
      </Text>
      <SelectList items={items} selected={selected} rows={rows} empty="no checks in this layer" />
    </Box>
  );
}

/** The checks a key runs: the first ones of the layer, one key each. */
export function keyedChecks(steps: readonly FreeChoice[]): FreeChoice[] {
  return steps.slice(0, predictionKeys.length);
}
