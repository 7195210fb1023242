import type React from 'react';
import { Box, Text } from 'ink';
import type { WalkState } from './walkReducer.js';
import { useTone } from './ThemeProvider.js';

export interface WalkEndProps {
  end: NonNullable<WalkState['end']>;
  transcriptPath: string;
}

/** The end's first line: how the walk ended, said plainly. */
export function endHeadline(end: WalkEndProps['end']): string {
  if (end.reason === 'finished') {
    if (end.outcome === 'unrecognised-evidence')
      return 'No known cause: the walk saw anomalies that no runbook step and no signature explains.';
    if (end.outcome === 'no-finding')
      return 'No diagnosis: every layer the runbook knows was checked and none showed the cause.';
    // Every check looked, yet the walk stopped short: what it saw fits more than one cause, or rests on a question nobody answered.
    return end.unseen === 0
      ? 'The walk could not finish: what it saw does not settle the cause (an unanswered question, or evidence that fits more than one cause).'
      : 'The walk could not finish: some checks could not look, and no diagnosis rests on a check that could not.';
  }
  switch (end.reason) {
    case 'quit':
      return 'Stopped before a diagnosis.';
    case 'interrupted':
      return 'Interrupted before a diagnosis.';
    case 'crashed':
      return `plumbline failed: ${end.error ?? 'internal error'}`;
  }
}

/** The end of a walk that has no diagnosis to show. */
export function WalkEnd({ end, transcriptPath }: WalkEndProps): React.JSX.Element {
  const tone = useTone();
  return (
    <Box flexDirection="column">
      <Text {...tone(end.reason === 'crashed' ? 'error' : 'strong')}>{endHeadline(end)}</Text>
      {(end.candidates ?? []).map((c) => (
        <Text key={c.id} {...tone('finding')}>
          Seen, and may explain it (not confirmed: the walk is incomplete): {c.title} (signature {c.id})
        </Text>
      ))}
      {(end.lines ?? []).map((line, i) => (
        <Text key={i}>{line}</Text>
      ))}
      <Text>
        <Text {...tone('muted')}>Transcript:</Text> {transcriptPath}
      </Text>
    </Box>
  );
}
