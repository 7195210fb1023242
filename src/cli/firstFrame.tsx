import { render } from 'ink';
import type { Instance } from 'ink';
import { Starting } from '../ui/Starting.js';
import type { StartingProps } from '../ui/Starting.js';
import { onEndSignal } from './guard.js';
import { erasePreFrame } from './preFrame.js';

/** The first frame on screen, and how the walk's screen takes its place (the same Ink instance) or it goes away. */
export interface FirstFrame {
  app: Instance;
  /** When it was painted: the walk's clock goes on from here. */
  startedAt: Date;
  /** Settles when the person quits (q, Ctrl-C, a signal) before the walk's screen is up. */
  quit: Promise<'quit'>;
  /** Stops listening for the quit: the walk's screen and its guard take over. */
  handOver(): void;
}

/** Paints the header and a spinner at once, before the walk's plan (its cluster, kube client and first requests) is ready. */
export function paintFirstFrame(props: Omit<StartingProps, 'onQuit' | 'startedAt'>): FirstFrame {
  let quit!: () => void;
  const quitting = new Promise<'quit'>((resolve) => (quit = () => resolve('quit')));
  const unsignal = onEndSignal(() => quit());
  const startedAt = new Date();
  erasePreFrame();
  const app = render(<Starting {...props} startedAt={startedAt} onQuit={() => quit()} />, {
    exitOnCtrlC: false,
    // As the walk's own render: a TTY on both ends, whatever CI says.
    interactive: true,
  });
  return { app, startedAt, quit: quitting, handOver: unsignal };
}
