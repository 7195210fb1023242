import type { Session } from '../engine/session.js';
import { redactStderr } from './fatal.js';

/**
 * Ctrl-C, SIGTERM and a crash all end the session properly, so the transcript
 * gets its session.end line; returns the function that removes the handlers.
 */
export function guardSession(session: Session): () => void {
  const interrupt = () => session.stop('interrupted');
  const crash = (err: unknown) => {
    session.stop('crashed', err);
    process.stderr.write(`plumbline: internal error: ${redactStderr(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`);
    process.exit(3);
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  return () => {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    process.off('uncaughtException', crash);
    process.off('unhandledRejection', crash);
  };
}
