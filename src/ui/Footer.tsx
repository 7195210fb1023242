import type React from 'react';
import { Box, Text } from 'ink';
import type { KeyContext, KeyHint } from './keys.js';
import { hintsFor } from './keys.js';
import { useTone } from './ThemeProvider.js';

/** One line of key hints: the pinned ones (help, quit) at the right end are never cut; Ink cuts the rest by terminal width. */
export function HintLine({ hints }: { hints: readonly KeyHint[] }): React.JSX.Element {
  const tone = useTone();
  const left = hints.filter((h) => !h.pinned);
  const right = hints.filter((h) => h.pinned);
  const render = (list: readonly KeyHint[]) =>
    list.map((h, i) => (
      <Text key={`${h.keys}:${h.label}`}>
        {i > 0 ? <Text {...tone('muted')}> · </Text> : null}
        <Text {...tone('accent')}>{h.keys}</Text> {h.label}
      </Text>
    ));
  return (
    <Box>
      <Box flexShrink={1}>
        <Text wrap="truncate-end">{render(left)}</Text>
      </Box>
      {right.length > 0 ? (
        <Box flexShrink={0}>
          <Text>
            {left.length > 0 ? <Text {...tone('muted')}> · </Text> : null}
            {render(right)}
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}

/** The keys that do something now, read from the one keybinding table. */
export function Footer({ context }: { context: KeyContext }): React.JSX.Element {
  return <HintLine hints={hintsFor(context)} />;
}
