import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SessionEvent } from '../engine/events.js';
import type { DrillEvent } from '../training/events.js';

export const transcriptVersion = 1;

/** Events after which a crash must not lose the line: the start, the verdict and the end. */
const durable = new Set<(SessionEvent | DrillEvent)['type']>(['session.start', 'diagnosis', 'session.end', 'drill.debrief']);

export function defaultTranscriptDir(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME || join(env.HOME ?? homedir(), '.local', 'state');
  return join(state, 'plumbline', 'transcripts');
}

export function defaultTranscriptPath(runbook: string, now: Date, env: NodeJS.ProcessEnv = process.env): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-').replace('Z', '');
  const rand = Math.random().toString(36).slice(2, 6);
  return join(defaultTranscriptDir(env), `${stamp}-${runbook}-${rand}.jsonl`);
}

/**
 * One JSONL line per event, written with a direct write(2) so each event is
 * on disk (in the page cache) the moment it is shown; kill -9 loses nothing
 * already written, and the durable events are fsynced.
 */
export class TranscriptWriter {
  private fd: number | undefined;
  private seq = 0;

  private constructor(readonly path: string, fd: number, private readonly now: () => Date) {
    this.fd = fd;
  }

  static open(path: string, now: () => Date = () => new Date()): TranscriptWriter {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // 'a' keeps an existing file's events: two sessions never truncate each other.
    const fd = openSync(path, 'a', 0o600);
    return new TranscriptWriter(path, fd, now);
  }

  write(event: SessionEvent | DrillEvent): void {
    if (this.fd === undefined) return;
    const line = JSON.stringify({ v: transcriptVersion, seq: ++this.seq, t: this.now().toISOString(), ...event });
    writeSync(this.fd, `${line}\n`);
    if (durable.has(event.type)) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
