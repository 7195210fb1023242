import type React from 'react';
import { Box, Text } from 'ink';
import type { KeyContext } from './keys.js';
import { hintsFor } from './keys.js';
import { useTone } from './ThemeProvider.js';

/** The keys that do something now, read from the one keybinding table. */
export function Footer({ context }: { context: KeyContext }): React.JSX.Element {
  const tone = useTone();
  const hints = hintsFor(context);
  return (
    <Box>
      <Text wrap="truncate-end">
        {hints.map((h, i) => (
          <Text key={h.keys}>
            {i > 0 ? <Text {...tone('muted')}> · </Text> : null}
            <Text {...tone('accent')}>{h.keys}</Text> {h.label}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
