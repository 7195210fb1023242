import type React from 'react';
import { Box, Text } from 'ink';
import type { Evidence } from '../checks/types.js';
import { evidenceLines } from './text.js';
import { useTone } from './ThemeProvider.js';

/** Lines of evidence shown before `e` expands the rest: enough to decide, short enough for 24 rows. */
export const evidenceCap = 6;

export interface EvidenceListProps {
  evidence: readonly Evidence[];
  expanded: boolean;
  width: number;
}

export function EvidenceList({ evidence, expanded, width }: EvidenceListProps): React.JSX.Element {
  const tone = useTone();
  const lines = evidenceLines(evidence, width);
  const shown = expanded ? lines : lines.slice(0, evidenceCap);
  const hidden = lines.length - shown.length;
  return (
    <Box flexDirection="column">
      {shown.map((line, i) => (
        <Text key={i}>
          {line.label ? <Text {...tone('muted')}>{line.label}</Text> : null}
          {line.text}
        </Text>
      ))}
      {hidden > 0 ? (
        <Text {...tone('muted')}>
          … {hidden} more line{hidden === 1 ? '' : 's'} (e to read all)
        </Text>
      ) : null}
    </Box>
  );
}
