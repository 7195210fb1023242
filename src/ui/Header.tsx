import { memo } from 'react';
import type React from 'react';
import { Box, Text } from 'ink';
import { formatElapsed } from './text.js';
import { useTone } from './ThemeProvider.js';
import { useElapsed } from './useElapsed.js';

export interface HeaderProps {
  runbookTitle: string;
  target: string;
  mode: 'live' | 'drill';
  startedAt: Date;
  /** Whether the walk is still going; the clock stops when it ends. */
  running: boolean;
  auto: boolean;
  /** The clock (tests pin it; a loaded machine must not change what they see). */
  now?: () => number;
  /** Said instead of step/auto mode: a replay's state and speed. */
  modeLabel?: string;
}

/** Memoized: the walk's screen redraws on every session event, and the header's own clock redraws it each second. */
export const Header = memo(function Header({
  runbookTitle,
  target,
  mode,
  startedAt,
  running,
  auto,
  now,
  modeLabel,
}: HeaderProps): React.JSX.Element {
  const tone = useTone();
  const elapsed = useElapsed(startedAt, running, now);
  return (
    <Box flexDirection="column">
      <Box justifyContent="space-between">
        <Box flexShrink={1}>
          <Text wrap="truncate-end">
            <Text {...tone('accent')}>plumbline</Text> · <Text {...tone('strong')}>{runbookTitle}</Text>
          </Text>
        </Box>
        <Box flexShrink={0} marginLeft={1}>
          <Text {...tone('muted')}>{formatElapsed(elapsed)}</Text>
        </Box>
      </Box>
      <Text wrap="truncate-end">
        {target} · {mode} · {modeLabel ?? (auto ? 'auto mode' : 'step mode')}
      </Text>
    </Box>
  );
});
