import type React from 'react';
import { Box, Text } from 'ink';
import type { KeyHint } from '../keys.js';
import { useTone } from '../ThemeProvider.js';

/** `?`: every key of the screen underneath, read from the keymap that drives it. */
export function HelpOverlay({ hints, rows }: { hints: readonly KeyHint[]; rows: number }): React.JSX.Element {
  const tone = useTone();
  const width = Math.max(...hints.map((h) => h.keys.length));
  return (
    <Box flexDirection="column" height={rows} flexShrink={0} overflow="hidden">
      <Text {...tone('strong')}>Keys on this screen</Text>
      {hints.map((h) => (
        <Text key={`${h.keys}:${h.label}`} wrap="truncate-end">
          {'  '}
          <Text {...tone('accent')}>{h.keys.padEnd(width)}</Text> {h.label}
        </Text>
      ))}
    </Box>
  );
}
