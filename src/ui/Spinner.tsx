import type React from 'react';
import { Text, useAnimation } from 'ink';
import { useTone } from './ThemeProvider.js';

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A braille spinner on Ink's shared animation timer: no extra dependency, one timer for all. */
export function Spinner(): React.JSX.Element {
  const { frame } = useAnimation({ interval: 80 });
  const tone = useTone();
  return <Text {...tone('accent')}>{frames[frame % frames.length]}</Text>;
}
