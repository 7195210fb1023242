import type React from 'react';
import { Box, Text } from 'ink';
import { useTone } from '../ThemeProvider.js';

/** The hints taken so far, numbered, each one revealing more. */
export function Hints({ hints, total }: { hints: readonly string[]; total: number }): React.JSX.Element | null {
  const tone = useTone();
  if (hints.length === 0) return null;
  return (
    <Box flexDirection="column">
      {hints.map((h, i) => (
        <Text key={i} wrap="wrap">
          <Text {...tone('accent')}>
            hint {i + 1}/{total}:
          </Text>{' '}
          {h}
        </Text>
      ))}
    </Box>
  );
}
