import type React from 'react';
import { Box, Text, useInput } from 'ink';
import { Header } from './Header.js';
import { Spinner } from './Spinner.js';
import { ThemeProvider, useTone } from './ThemeProvider.js';

export interface StartingProps {
  header: { runbookTitle: string; target: string; mode: 'live' | 'drill'; auto: boolean; modeLabel?: string };
  /** What is being waited for, e.g. "starting the drill cluster". */
  waitingFor: string;
  startedAt: Date;
  color: boolean;
  /** q or Ctrl-C before the walk's screen is up. */
  onQuit: () => void;
}

/** The first frame, painted while the walk's cluster starts: the header the walk will have, and what it waits for. */
export function Starting({ color, ...props }: StartingProps): React.JSX.Element {
  return (
    <ThemeProvider color={color}>
      <StartingFrame {...props} />
    </ThemeProvider>
  );
}

function StartingFrame({ header, waitingFor, startedAt, onQuit }: Omit<StartingProps, 'color'>): React.JSX.Element {
  const tone = useTone();
  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) onQuit();
  });
  return (
    <Box flexDirection="column">
      <Header
        runbookTitle={header.runbookTitle}
        target={header.target}
        mode={header.mode}
        startedAt={startedAt}
        running
        auto={header.auto}
        {...(header.modeLabel ? { modeLabel: header.modeLabel } : {})}
      />
      <Text>
        <Spinner /> {waitingFor}… <Text {...tone('muted')}>(q quits)</Text>
      </Text>
    </Box>
  );
}
