import type React from 'react';
import type { AppProps } from './appProps.js';
import { ThemeProvider } from './ThemeProvider.js';
import { WalkScreen } from './WalkScreen.js';

export function App({ color = true, ...props }: AppProps): React.JSX.Element {
  return (
    <ThemeProvider color={color}>
      <WalkScreen {...props} />
    </ThemeProvider>
  );
}
