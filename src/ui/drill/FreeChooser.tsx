import type React from 'react';
import { Box, Text } from 'ink';
import type { Layer } from '../../checks/types.js';
import type { FreeChoice } from '../../training/free.js';
import { useTone } from '../ThemeProvider.js';
import { predictionKeys } from './drillKeys.js';

/** Free mode: the checks of one layer, one key each; ←/→ moves between layers. */
export function FreeChooser({ layers, current, ran }: { layers: readonly { layer: Layer; steps: FreeChoice[] }[]; current: number; ran: ReadonlySet<string> }): React.JSX.Element {
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
      <Text {...tone('strong')}>Which check next?</Text>
      {(shown?.steps ?? []).slice(0, predictionKeys.length).map((s, i) => (
        <Text key={s.step} wrap="truncate-end">
          <Text {...tone('accent')}>{predictionKeys[i]}</Text> {s.title} <Text {...tone('muted')}>({s.check}{ran.has(s.step) ? ', run' : ''})</Text>
        </Text>
      ))}
      {shown && shown.steps.length === 0 ? <Text {...tone('muted')}>no checks in this layer</Text> : null}
    </Box>
  );
}
