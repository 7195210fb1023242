import { useLayoutEffect, useRef, useState } from 'react';
import type React from 'react';
import { Box, measureElement } from 'ink';
import type { DOMElement } from 'ink';

/**
 * A region of exactly `rows` lines that never grows the frame: what does not
 * fit is cut at the top (`keep="bottom"`: the current question and its keys stay
 * in view) or at the bottom. `onOverflow` hears how many lines were cut.
 */
export function Clip({
  rows,
  keep,
  children,
  onOverflow,
}: {
  rows: number;
  keep: 'top' | 'bottom';
  children: React.ReactNode;
  onOverflow?: (lines: number) => void;
}): React.JSX.Element {
  const inner = useRef<DOMElement>(null);
  const [height, setHeight] = useState(0);
  useLayoutEffect(() => {
    if (!inner.current) return;
    const h = measureElement(inner.current).height;
    if (h !== height) setHeight(h);
    onOverflow?.(Math.max(0, h - rows));
  });
  const cut = Math.max(0, height - rows);
  return (
    <Box flexDirection="column" height={Math.max(0, rows)} flexShrink={0} overflow="hidden">
      <Box ref={inner} flexDirection="column" flexShrink={0} marginTop={keep === 'bottom' ? -cut : 0}>
        {children}
      </Box>
    </Box>
  );
}
