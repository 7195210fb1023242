import { closeSync, mkdirSync, writeSync } from 'node:fs';
import { openPrivate, PrivateFileError } from '../base/privateFile.js';
import { dirname } from 'node:path';

/** The recording beside a transcript: `x.jsonl` → `x.cast`. */
export function castPathFor(transcriptPath: string): string {
  return `${transcriptPath.replace(/\.jsonl$/, '')}.cast`;
}

export interface CastHeader {
  width: number;
  height: number;
  title: string;
  /** When the recording starts (the header's unix `timestamp`). */
  startedAt: Date;
}

/**
 * An asciicast v2 recording (https://docs.asciinema.org/manual/asciicast/v2/):
 * a JSON header line, then `[seconds, "o", text]` for everything drawn and
 * `[seconds, "m", label]` markers players can jump between. Written line by
 * line like the transcript, so a killed session leaves a playable prefix.
 */
export class CastWriter {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    private readonly startMs: number,
    private readonly clock: () => number,
  ) {
    this.fd = fd;
  }

  static open(path: string, header: CastHeader, clock: () => number = () => Date.now()): CastWriter {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // A recording is never overwritten: a second walk on the same transcript records beside the first.
    let fd: number | undefined;
    for (let n = 1; fd === undefined; n++) {
      const candidate = n === 1 ? path : path.replace(/(\.cast)?$/, `.${n}.cast`);
      try {
        fd = openPrivate(candidate, 'new');
        path = candidate;
      } catch (err) {
        if (!(err instanceof PrivateFileError && err.message.endsWith('already exists') && n < 1000)) throw err;
      }
    }
    const startMs = header.startedAt.getTime();
    const line = {
      version: 2,
      width: header.width,
      height: header.height,
      timestamp: Math.floor(startMs / 1000),
      title: header.title,
      env: { TERM: process.env.TERM ?? 'xterm-256color', SHELL: process.env.SHELL ?? '/bin/sh' },
    };
    writeSync(fd, `${JSON.stringify(line)}\n`);
    return new CastWriter(path, fd, startMs, clock);
  }

  /** Text exactly as it went to the terminal, escape sequences included. */
  output(text: string): void {
    // A terminal turns \n into \r\n (onlcr); players replay the terminal's side.
    if (text) this.event('o', text.replace(/\r?\n/g, '\r\n'));
  }

  marker(label: string): void {
    this.event('m', label);
  }

  resize(width: number, height: number): void {
    this.event('r', `${width}x${height}`);
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private event(code: 'o' | 'm' | 'r', data: string): void {
    if (this.fd === undefined) return;
    // Players need non-decreasing times; ms precision as asciinema writes them.
    const seconds = Math.max(0, this.clock() - this.startMs) / 1000;
    writeSync(this.fd, `${JSON.stringify([Number(seconds.toFixed(6)), code, data])}\n`);
  }
}

/**
 * Tees everything written to `stream` into the recording until the returned
 * function is called; the terminal sees exactly what it saw before.
 */
export function recordStream(stream: NodeJS.WriteStream, cast: CastWriter): () => void {
  const own = Object.getOwnPropertyDescriptor(stream, 'write');
  const original = stream.write.bind(stream) as (...a: unknown[]) => boolean;
  const tee = (chunk: unknown, ...rest: unknown[]): boolean => {
    cast.output(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return original(chunk, ...rest);
  };
  stream.write = tee;
  return () => {
    if (own) Object.defineProperty(stream, 'write', own);
    else delete (stream as { write?: unknown }).write;
  };
}
