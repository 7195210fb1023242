import type React from 'react';
import { Box, Text } from 'ink';
import { Paragraph } from './Paragraph.js';
import { useTone } from './ThemeProvider.js';

export interface HostPromptProps {
  node: string;
  command: string;
  /** What has been pasted so far. */
  pasted: string;
  width: number;
}

/** Manual node access: the exact command to run on the node, and the output pasted back so far. */
export function HostPrompt({ node, command, pasted, width }: HostPromptProps): React.JSX.Element {
  const tone = useTone();
  const lines = pasted === '' ? [] : pasted.replace(/\n$/, '').split('\n');
  return (
    <Box flexDirection="column">
      <Paragraph {...tone('strong')} text={`Run this on ${node} and paste its output here:`} width={width} />
      <Text {...tone('command')}>  {command}</Text>
      <Text {...tone('muted')}>
        {lines.length === 0 ? 'waiting for the output…' : `${lines.length} line${lines.length === 1 ? '' : 's'} pasted`}
      </Text>
      {lines.slice(-3).map((line, i) => (
        <Text key={i} wrap="truncate-end" {...tone('muted')}>
          {'  '}
          {line}
        </Text>
      ))}
    </Box>
  );
}

/** Appends what the terminal delivered: a paste arrives as one chunk with carriage returns. */
export function appendPaste(buffer: string, input: string, isReturn: boolean): string {
  if (isReturn) return `${buffer}\n`;
  return buffer + input.replace(/\r\n?/g, '\n');
}

/** A line holding only "." ends the paste, as in mail(1); Ctrl-D does too. */
export function pasteFinished(buffer: string): string | undefined {
  const m = /(^|\n)\.\n$/.exec(buffer);
  return m ? buffer.slice(0, m.index + m[1]!.length) : undefined;
}
