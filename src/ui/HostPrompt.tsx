import type React from 'react';
import { Box, Text } from 'ink';
import { manualAsk } from '../nodeaccess/manual.js';
import { commandLines } from '../nodeaccess/quote.js';
import type { SampleInfo } from '../nodeaccess/types.js';
import { Paragraph } from './Paragraph.js';
import { useTone } from './ThemeProvider.js';

export interface HostPromptProps {
  node: string;
  /** The command to run, as its argv: laid out here so it can be copied off the screen. */
  argv: readonly string[];
  sample?: SampleInfo;
  /** What has been pasted (and edited) so far. */
  pasted: string;
  /** Terminal columns: the command starts at column 0 and no line of it is wider. */
  width: number;
}

/**
 * Manual node access: the exact command to run on the node, once, on lines of
 * its own (broken only where a shell joins them again, never by the terminal's
 * wrap), then what has been pasted back.
 */
export function HostPrompt({ node, argv, sample, pasted, width }: HostPromptProps): React.JSX.Element {
  const tone = useTone();
  const lines = pasted === '' ? [] : pasted.replace(/\n$/, '').split('\n');
  return (
    <Box flexDirection="column">
      <Paragraph {...tone('strong')} text={manualAsk({ node, ...(sample ? { sample } : {}) })} width={width} />
      {commandLines(argv, width).map((line, i) => (
        <Text key={i} {...tone('command')}>
          {line}
        </Text>
      ))}
      <Text {...tone('muted')} wrap="truncate-end">
        {lines.length === 0
          ? 'waiting for the output: paste it here, then ⏎'
          : `${lines.length} line${lines.length === 1 ? '' : 's'} pasted: ⏎ sends ${lines.length === 1 ? 'it' : 'them'}`}
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
