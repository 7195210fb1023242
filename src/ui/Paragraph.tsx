import type React from 'react';
import { Box, Text } from 'ink';
import type { TextProps } from 'ink';
import { wrapText } from './text.js';

export interface ParagraphProps extends Omit<TextProps, 'children' | 'wrap'> {
  text: string;
  /** Columns available; the parent knows its indent. */
  width: number;
}

/**
 * Prose wrapped at word boundaries by us: Ink's own wrapping keeps the space it
 * broke at, so continuation lines would start one column off.
 */
export function Paragraph({ text, width, ...style }: ParagraphProps): React.JSX.Element {
  return (
    <Box flexDirection="column">
      {wrapText(text, width).map((line, i) => (
        <Text key={i} {...style}>
          {line}
        </Text>
      ))}
    </Box>
  );
}
