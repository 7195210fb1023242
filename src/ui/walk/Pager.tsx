import type React from 'react';
import { Box, Text } from 'ink';
import { useTone } from '../ThemeProvider.js';
import type { PagerDoc } from './pagerLines.js';

/** The last offset that still fills the pager's rows. */
export function lastOffset(doc: PagerDoc, rows: number): number {
  return Math.max(0, doc.lines.length - rows);
}

/** A document in full, `rows` lines from `offset`; its title and where in it the view is stay on top. */
export function Pager({ doc, offset, rows }: { doc: PagerDoc; offset: number; rows: number }): React.JSX.Element {
  const tone = useTone();
  const body = Math.max(1, rows - 1);
  const first = Math.min(offset, lastOffset(doc, body));
  const shown = doc.lines.slice(first, first + body);
  const end = Math.min(doc.lines.length, first + body);
  return (
    <Box flexDirection="column" height={rows} flexShrink={0} overflow="hidden">
      <Box>
        <Box flexShrink={1}>
          <Text {...tone('strong')} wrap="truncate-end">
            {doc.title}
          </Text>
        </Box>
        <Box flexShrink={0} marginLeft={1}>
          <Text {...tone('muted')}>{doc.lines.length > body ? `${first + 1}-${end} of ${doc.lines.length}` : ''}</Text>
        </Box>
      </Box>
      {shown.map((l, i) => (
        <Text key={first + i} wrap="truncate-end" {...(l.tone ? tone(l.tone) : {})}>
          {l.text === '' ? ' ' : l.text}
        </Text>
      ))}
    </Box>
  );
}
