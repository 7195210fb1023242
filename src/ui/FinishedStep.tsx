import type React from 'react';
import { Box, Text } from 'ink';
import { stepMark } from './LayerRail.js';
import { useTone } from './ThemeProvider.js';
import type { StepView } from './walkReducer.js';

/** A settled step, two lines, for the scrollback: layer, title, outcome, summary. */
export function FinishedStep({ step }: { step: StepView }): React.JSX.Element {
  const tone = useTone();
  const { mark, outcome } = stepMark(step, 'answered');
  const summary = step.result ? step.result.summary : (step.answer?.label ?? '');
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text {...tone(mark.tone)}>{mark.symbol}</Text> <Text {...tone('muted')}>{step.layer.padEnd(8)}</Text>
        {step.title}
      </Text>
      <Text wrap="truncate-end">
        {'          '}
        <Text {...tone(mark.tone)}>{outcome}</Text>
        {summary ? `: ${summary}` : ''}
      </Text>
      {(step.notes ?? []).map((n, i) => (
        <Text key={i} wrap="truncate-end" {...tone('muted')}>
          {'          '}note: {n}
        </Text>
      ))}
    </Box>
  );
}
