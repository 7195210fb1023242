import type React from 'react';
import { Box, Text } from 'ink';
import { Paragraph } from './Paragraph.js';
import { useTone } from './ThemeProvider.js';

export interface InputPromptProps {
  /** The runbook input's description: what to paste. */
  description: string;
  /** The input's `paste:` line: why the walk wants the text. */
  why: string;
  /** What has been typed or pasted so far. */
  typed: string;
  width: number;
}

/** A runbook input a person pastes (the error a page showed): what it is, why the walk wants it, what is typed. */
export function InputPrompt({ description, why, typed, width }: InputPromptProps): React.JSX.Element {
  const tone = useTone();
  return (
    <Box flexDirection="column">
      <Paragraph {...tone('strong')} text={`Paste ${description}`} width={width} />
      <Paragraph {...tone('muted')} text={`Why: ${why}`} width={width} />
      <Text wrap="truncate-start">
        <Text {...tone('accent')}>› </Text>
        {typed}
        <Text inverse> </Text>
      </Text>
      <Text {...tone('muted')} wrap="truncate-end">
        {typed === '' ? '⏎ with nothing: none given (the check says it was not)' : '⏎ sends it'}
      </Text>
    </Box>
  );
}
