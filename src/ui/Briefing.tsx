import type React from 'react';
import { Box, Text } from 'ink';
import { quoteArg } from '../nodeaccess/quote.js';
import { Paragraph } from './Paragraph.js';
import { useTone } from './ThemeProvider.js';

export interface BriefingProps {
  page: string;
  /** Drill only: the kubeconfig a trainee can point kubectl at while the drill runs. */
  kubeconfigPath: string | null;
  /** Step mode waits for ⏎ before each check; auto runs them. */
  auto: boolean;
  width: number;
  /** How this walk goes, when it is not the plain walk's (a drill's predictions). */
  how?: string;
}

/** What the pager said, how the walk goes, and in a drill how to look at the cluster yourself: one screen before the first result. */
export function Briefing({ page, kubeconfigPath, auto, width, how: given }: BriefingProps): React.JSX.Element {
  const tone = useTone();
  const how =
    given ??
    (auto
      ? 'Each step says why it looks there and the command behind it, then what it found. a stops before each check; ? lists every key.'
      : 'Each step says why it looks there and the command behind it before it runs: ⏎ runs it. a runs the rest on their own; ? lists every key.');
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Paragraph text={`Page: ${page}`} width={width} {...tone('strong')} />
      <Paragraph {...tone('muted')} text={how} width={width} />
      {kubeconfigPath ? (
        <>
          <Text {...tone('muted')}>kubectl alongside, while the drill runs:</Text>
          <Text {...tone('command')} wrap="truncate-end">
            {'  '}export KUBECONFIG={quoteArg(kubeconfigPath)}
          </Text>
        </>
      ) : null}
    </Box>
  );
}
