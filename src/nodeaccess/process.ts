import { execa } from 'execa';
import { NodeAccessError } from './types.js';
import type { RunOptions, RunResult } from './types.js';

/** Per stream: enough for `ps` on a busy node, small enough that a runaway command cannot fill memory. */
export const defaultMaxOutputBytes = 256 * 1024;

export interface ProcessOptions extends RunOptions {
  maxOutputBytes?: number;
  /** Extra environment on top of ours (tests point busctl at a private bus this way). */
  env?: Record<string, string>;
}

/**
 * Runs argv as a child process of plumbline: execa with an argv array, never a
 * shell. A timeout is a result (`timedOut`), because for some checks a hang is
 * the finding; a missing binary or a cancellation is a NodeAccessError.
 */
export async function runProcess(argv: readonly string[], opts: ProcessOptions): Promise<RunResult> {
  const { result, canceled } = await execProcess(argv, opts);
  if (canceled) throw new NodeAccessError('cancelled', `${argv[0] ?? ''} was cancelled after ${result.durationMs} ms`);
  return result;
}

/** As runProcess, but a cancelled process still hands back what it printed (kubectl debug must learn its pod's name). */
export async function execProcess(
  argv: readonly string[],
  opts: ProcessOptions,
): Promise<{ result: RunResult; canceled: boolean }> {
  const [file, ...args] = argv;
  if (file === undefined) throw new NodeAccessError('not-possible', 'empty command');
  if (opts.signal.aborted) throw new NodeAccessError('cancelled', `cancelled before ${file} started`);
  const started = performance.now();
  const r = await execa(file, args, {
    reject: false,
    shell: false,
    stdin: 'ignore',
    timeout: opts.timeoutMs,
    cancelSignal: opts.signal,
    maxBuffer: opts.maxOutputBytes ?? defaultMaxOutputBytes,
    stripFinalNewline: false,
    env: { LC_ALL: 'C', ...opts.env },
    extendEnv: true,
    // A killed command gets SIGTERM, then SIGKILL if it ignores that.
    forceKillAfterDelay: 2000,
  });
  const durationMs = Math.round(performance.now() - started);
  if (r.failed && r.exitCode === undefined && !r.timedOut && !r.isMaxBuffer && !r.isCanceled) {
    const code = r.code ?? (r.cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') throw new NodeAccessError('command-missing', `${file}: command not found`);
    if (code === 'EACCES') throw new NodeAccessError('command-missing', `${file}: not executable (permission denied)`);
    throw new NodeAccessError('not-possible', `${file} could not be started: ${r.shortMessage}`);
  }
  const result: RunResult = {
    stdout: text(r.stdout),
    stderr: text(r.stderr),
    exitCode: r.exitCode ?? null,
    durationMs,
    timedOut: r.timedOut,
    truncated: r.isMaxBuffer,
  };
  return { result, canceled: r.isCanceled };
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Cuts text to the cap, as the process backends do, for backends that are handed their output. */
export function capOutput(s: string, maxBytes = defaultMaxOutputBytes): { text: string; truncated: boolean } {
  if (Buffer.byteLength(s) <= maxBytes) return { text: s, truncated: false };
  return { text: Buffer.from(s).subarray(0, maxBytes).toString('utf8'), truncated: true };
}

/**
 * Whether a finished command says its binary is not there: exit 127 from a
 * shell, chroot or busybox, or (for pasted output, with no exit code) the
 * shells' own words for it. `cat: x: No such file or directory` is not.
 */
export function missingCommandMessage(
  argv: readonly string[],
  r: Pick<RunResult, 'stdout' | 'stderr' | 'exitCode'>,
): string | undefined {
  const cmd = argv[0] ?? '';
  const out = `${r.stderr}\n${r.stdout}`.trim();
  const firstLine =
    out
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? '';
  const shellSays =
    /command not found/.test(firstLine) ||
    new RegExp(`^\\S*sh: (?:\\d+: |line \\d+: )?${escapeRe(cmd)}: not found$`).test(firstLine) ||
    /(?:can't execute|failed to run command) .*No such file or directory/.test(firstLine);
  if (r.exitCode === 127 && (shellSays || /not found|No such file or directory/.test(firstLine) || out === '')) {
    return firstLine || `${cmd}: command not found (exit 127)`;
  }
  if (r.exitCode !== 0 && shellSays && out.split('\n').length <= 3) return firstLine;
  return undefined;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
