import type React from 'react';
import type { WalkSession } from './walkSession.js';
import { ThemeProvider } from './ThemeProvider.js';
import { WalkScreen } from './WalkScreen.js';

export interface AppProps {
  session: WalkSession;
  header: {
    runbookTitle: string;
    /** Context name, or "drill <scenario>". */
    target: string;
    mode: 'live' | 'drill';
    /** What the pager said. */
    page: string;
    kubeconfigPath: string | null;
    transcriptPath: string;
  };
  startedAt: Date;
  /** Called when the user quits, or dismisses the end of the walk. */
  onExit: () => void;
  /** Off for --no-color / NO_COLOR: plain text, no styles. */
  color?: boolean;
}

export function App({ color = true, ...props }: AppProps): React.JSX.Element {
  return (
    <ThemeProvider color={color}>
      <WalkScreen {...props} />
    </ThemeProvider>
  );
}
