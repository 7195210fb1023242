import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { ArtifactOutput, RawOutput, RawOutputRef, SessionEvent } from '../engine/events.js';
import type { DrillEvent } from '../training/events.js';
import { openPrivate, PrivateFileError } from '../base/privateFile.js';

export const transcriptVersion = 1;

/** Events after which a crash must not lose the line: the start, the verdict and the end. */
const durable = new Set<(SessionEvent | DrillEvent)['type']>([
  'session.start',
  'diagnosis',
  'session.end',
  'drill.debrief',
]);

export function defaultTranscriptDir(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME || join(env.HOME ?? homedir(), '.local', 'state');
  return join(state, 'plumbline', 'transcripts');
}

export function defaultTranscriptPath(runbook: string, now: Date, env: NodeJS.ProcessEnv = process.env): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-').replace('Z', '');
  const rand = Math.random().toString(36).slice(2, 6);
  return join(defaultTranscriptDir(env), `${stamp}-${runbook}-${rand}.jsonl`);
}

/** A check's full output up to this many bytes stays inline on its event; a bigger one goes to a sidecar file. */
export const inlineRawLimit = 4096;

/** `x.jsonl` keeps big outputs in `x.raw/`, one file per content hash. */
export function sidecarDirFor(transcriptPath: string): string {
  return `${transcriptPath.replace(/\.jsonl$/, '')}.raw`;
}

/** `x.jsonl` keeps the files checks captured (CPU profiles) in `x.artifacts/`. */
export function artifactDirFor(transcriptPath: string): string {
  return `${transcriptPath.replace(/\.jsonl$/, '')}.artifacts`;
}

/**
 * One JSONL line per event, written with a direct write(2) so each event is
 * on disk (in the page cache) the moment it is shown; kill -9 loses nothing
 * already written, and the durable events are fsynced.
 */
export class TranscriptWriter {
  private fd: number | undefined;
  private seq = 0;
  /** Sidecars this writer has already put on disk: identical outputs are written once. */
  private readonly stored = new Set<string>();

  /** A device (/dev/null, /dev/full) takes the lines only: no sidecar or artifact files are made beside it. */
  private readonly device: boolean;

  private constructor(
    readonly path: string,
    fd: number,
    private readonly now: () => Date,
  ) {
    this.fd = fd;
    this.device = !fstatSync(fd).isFile();
  }

  /** Why the transcript stopped being written (a full disk, a file size limit): the walk goes on, and the CLI says so at the end. */
  failure: PrivateFileError | undefined;

  static open(path: string, now: () => Date = () => new Date()): TranscriptWriter {
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new PrivateFileError(
        path,
        `transcript ${path}: cannot create its directory (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    }
    // Appending keeps an existing file's events: two sessions never truncate each other.
    try {
      return new TranscriptWriter(path, openPrivate(path, 'append', { device: true }), now);
    } catch (err) {
      throw err instanceof PrivateFileError ? new PrivateFileError(path, `transcript ${err.message}`) : err;
    }
  }

  write(event: SessionEvent | DrillEvent): void {
    if (this.fd === undefined) return;
    // Where this line starts: a line the disk or `ulimit -f` cuts is taken back whole, so no torn line is left.
    let start: number | undefined;
    try {
      if (!this.device && event.type === 'check.result' && event.raw && 'text' in event.raw)
        event = { ...event, raw: this.placeRaw(event.raw.text) };
      if (event.type === 'check.result' && event.artifacts) {
        const { artifacts } = event;
        event = this.device
          ? { ...event, artifacts: undefined }
          : { ...event, artifacts: artifacts.map((a) => ('bytes' in a ? this.placeArtifact(a) : a)) };
      }
      const line = Buffer.from(
        `${JSON.stringify({ v: transcriptVersion, seq: ++this.seq, t: this.now().toISOString(), ...event })}\n`,
        'utf8',
      );
      start = this.device ? undefined : fstatSync(this.fd).size;
      for (let off = 0; off < line.length;) off += writeSync(this.fd, line, off, line.length - off);
      if (durable.has(event.type)) fsyncSync(this.fd);
    } catch (err) {
      // Everything written before this line stays valid; nothing more is tried.
      if (start !== undefined) {
        try {
          ftruncateSync(this.fd, start);
        } catch {
          // The part line stays; a reader skips a cut last line.
        }
      }
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOSPC'
          ? 'no space left on the device'
          : code === 'EFBIG'
            ? 'the file size limit (ulimit -f) is reached'
            : (code ?? String(err));
      this.failure = new PrivateFileError(
        this.path,
        `transcript ${this.path}: ${why}; ${this.seq - 1} events were written`,
      );
      this.close();
    }
  }

  /**
   * Small output stays inline; a big one goes to `<x>.raw/<sha256>.txt`, on
   * disk (fsynced, then renamed into place) before the line that names it,
   * so a reader never finds a reference to a file that is not there.
   */
  private placeRaw(text: string): RawOutput {
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length <= inlineRawLimit) return { text };
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const dir = sidecarDirFor(this.path);
    const ref: RawOutputRef = { sha256, bytes: bytes.length, file: `${basename(dir)}/${sha256}.txt` };
    if (this.stored.has(sha256)) return ref;
    storeFile(dir, `${sha256}.txt`, bytes, sha256);
    this.stored.add(sha256);
    return ref;
  }

  /** A captured file goes to `<x>.artifacts/<hash prefix>-<name>` before the line that names it. */
  private placeArtifact(a: { name: string; mediaType: string; bytes: Uint8Array }): ArtifactOutput {
    const sha256 = createHash('sha256').update(a.bytes).digest('hex');
    const dir = artifactDirFor(this.path);
    const name = `${sha256.slice(0, 12)}-${basename(a.name).replace(/[^\w.-]/g, '_')}`;
    storeFile(dir, name, a.bytes, sha256);
    return { name: a.name, mediaType: a.mediaType, file: `${basename(dir)}/${name}`, sha256, size: a.bytes.length };
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Writes bytes to dir/name (fsynced, then renamed into place), unless a file there already holds them. */
function storeFile(dir: string, name: string, bytes: Uint8Array, sha256: string): void {
  const file = join(dir, name);
  // A file of this name from an earlier session in the same transcript is kept only if it still holds these bytes.
  if (existsSync(file) && createHash('sha256').update(readFileSync(file)).digest('hex') === sha256) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (err) {
    // A full disk or `ulimit -f`: no half file is left behind.
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, file);
  // The rename is durable only once the directory entry is.
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
