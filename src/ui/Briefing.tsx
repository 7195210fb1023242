import type React from 'react';
import { Box, Text } from 'ink';
import { quoteArg } from '../nodeaccess/quote.js';
import { useTone } from './ThemeProvider.js';

export interface BriefingProps {
  page: string;
  /** Drill only: the kubeconfig a trainee can point kubectl at. */
  kubeconfigPath: string | null;
}

/** What the pager said, and in a drill how to look at the cluster yourself. */
export function Briefing({ page, kubeconfigPath }: BriefingProps): React.JSX.Element {
  const tone = useTone();
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text>
        <Text {...tone('finding')}>Page:</Text> {page}
      </Text>
      {kubeconfigPath ? (
        <>
          <Text {...tone('muted')}>Use kubectl alongside on the drill cluster:</Text>
          <Text {...tone('command')}>  export KUBECONFIG={quoteArg(kubeconfigPath)}</Text>
        </>
      ) : null}
    </Box>
  );
}
