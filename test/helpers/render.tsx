import { stripVTControlCharacters } from 'node:util';
import type React from 'react';
import { render } from 'ink-testing-library';
import { ThemeProvider } from '../../src/ui/ThemeProvider.js';

export type Rendered = ReturnType<typeof render> & {
  /** The current frame without ANSI styles, so snapshots hold with or without FORCE_COLOR. */
  frame: () => string;
};

/**
 * Renders a UI tree at a fixed terminal size (80×24 unless told), inside the theme
 * provider. ink-testing-library's fake stdout is 100 columns wide; the size is
 * set before the real tree mounts so every frame, <Static> output included, is laid out at it.
 */
export function renderUi(
  tree: React.ReactElement,
  opts: { columns?: number; rows?: number; color?: boolean } = {},
): Rendered {
  const instance = render(<></>);
  Object.defineProperty(instance.stdout, 'columns', { value: opts.columns ?? 80, configurable: true });
  Object.defineProperty(instance.stdout, 'rows', { value: opts.rows ?? 24, configurable: true });
  instance.stdout.emit('resize');
  instance.rerender(<ThemeProvider color={opts.color ?? true}>{tree}</ThemeProvider>);
  return { ...instance, frame: () => stripVTControlCharacters(instance.lastFrame() ?? '') };
}

type LastFrame = () => string | undefined;

const pollMs = 10;
const defaultTimeoutMs = 5_000;

/** Waits until the frame satisfies `done`, polling; fails with the last frame seen. */
export async function waitForFrame(
  lastFrame: LastFrame,
  done: (frame: string) => boolean,
  what: string,
  timeoutMs = defaultTimeoutMs,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = stripVTControlCharacters(lastFrame() ?? '');
    if (done(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last frame:\n${frame}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Waits until the frame contains `text` (a string or a pattern). */
export function waitForContent(lastFrame: LastFrame, text: string | RegExp, timeoutMs?: number): Promise<string> {
  const has = (frame: string) => (typeof text === 'string' ? frame.includes(text) : text.test(frame));
  return waitForFrame(lastFrame, has, JSON.stringify(String(text)), timeoutMs);
}

/**
 * Writes a key press and waits for the frame to change. React 19 schedules the
 * re-render after the input event, so tests wait here instead of sleeping.
 */
export async function sendInputAndWaitForChange(
  stdin: { write: (data: string) => void },
  lastFrame: LastFrame,
  input: string,
  timeoutMs?: number,
): Promise<string> {
  const before = lastFrame();
  stdin.write(input);
  return waitForFrame(
    lastFrame,
    (frame) => frame !== stripVTControlCharacters(before ?? ''),
    `the frame to change after ${JSON.stringify(input)}`,
    timeoutMs,
  );
}

export const keys = { enter: '\r', ctrlC: '\u0003', escape: '\u001b', backspace: '\u007f' } as const;
