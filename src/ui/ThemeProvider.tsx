import { createContext, useContext } from 'react';
import type React from 'react';
import type { TextProps } from 'ink';

export type Tone = 'accent' | 'ok' | 'finding' | 'error' | 'muted' | 'strong' | 'command';

export type Styler = (tone: Tone) => TextProps;

const colored: Record<Tone, TextProps> = {
  accent: { color: 'cyan', bold: true },
  ok: { color: 'green' },
  finding: { color: 'red', bold: true },
  error: { color: 'yellow' },
  muted: { dimColor: true },
  strong: { bold: true },
  command: { color: 'blue' },
};

const withColor: Styler = (tone) => colored[tone];
const plain: Styler = () => ({});

/** Text styles for each tone; with color off, plain text: no colors, no bold, no dim. */
export function stylerFor(color: boolean): Styler {
  return color ? withColor : plain;
}

const ThemeContext = createContext<Styler | null>(null);

export function ThemeProvider({ color, children }: { color: boolean; children: React.ReactNode }): React.JSX.Element {
  return <ThemeContext value={stylerFor(color)}>{children}</ThemeContext>;
}

/** The tone styler; outside a ThemeProvider is a bug, so it throws rather than guessing. */
export function useTone(): Styler {
  const styler = useContext(ThemeContext);
  if (!styler) throw new Error('useTone must be used inside <ThemeProvider>');
  return styler;
}
