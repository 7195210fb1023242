import type { Session } from '../engine/session.js';
import { redactStderr } from './fatal.js';

/** The signals that end a command cleanly: Ctrl-C, kill, and a terminal that went away (SIGHUP). */
export const endSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Calls `handler` on any of the end signals (instead of dying on the spot); returns the function that removes it. */
export function onEndSignal(handler: (signal: NodeJS.Signals) => void): () => void {
  for (const s of endSignals) process.on(s, handler);
  return () => {
    for (const s of endSignals) process.off(s, handler);
  };
}

/**
 * Ctrl-C, SIGTERM, SIGHUP and a crash all end the session properly, so the
 * transcript gets its session.end line; returns the function that removes the
 * handlers. `onHangup`: the terminal is gone, so a screen waiting for a key must close itself.
 */
export function guardSession(session: Pick<Session, 'stop'>, opts: { onHangup?: () => void } = {}): () => void {
  const interrupt = (signal: NodeJS.Signals) => {
    session.stop('interrupted');
    if (signal === 'SIGHUP') opts.onHangup?.();
  };
  const crash = (err: unknown) => {
    session.stop('crashed', err);
    process.stderr.write(
      `plumbline: internal error: ${redactStderr(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`,
    );
    process.exit(3);
  };
  const unsignal = onEndSignal(interrupt);
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  return () => {
    unsignal();
    process.off('uncaughtException', crash);
    process.off('unhandledRejection', crash);
  };
}
