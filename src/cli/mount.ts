import type React from 'react';
import { render } from 'ink';
import type { Instance } from 'ink';
import type { FirstFrame } from './firstFrame.js';
import { erasePreFrame } from './preFrame.js';

/** Puts a walk's screen up: in place of the first frame when one was painted, else a new Ink render. */
export function mount(node: React.ReactNode, frame?: FirstFrame): Instance {
  if (frame) {
    frame.handOver();
    frame.app.rerender(node);
    return frame.app;
  }
  // The caller only gets here with a TTY on both ends. Ink would otherwise see CI=true
  // (set on many build machines and some shells) and draw only the last frame, at exit.
  erasePreFrame();
  return render(node, { exitOnCtrlC: false, interactive: true });
}
