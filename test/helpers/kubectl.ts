import { execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export interface KubectlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

let found: string | undefined | null = null;

/** The kubectl on PATH, if any (looked up once). */
function kubectlPath(): string | undefined {
  if (found !== null) return found;
  found = undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, process.platform === 'win32' ? 'kubectl.exe' : 'kubectl');
    try {
      accessSync(candidate, constants.X_OK);
      found = candidate;
      break;
    } catch {
      // not here; keep looking
    }
  }
  return found;
}

export function kubectlAvailable(): boolean {
  return kubectlPath() !== undefined;
}

/** Says loudly why kubectl tests are skipped, so a green run without them is not mistaken for coverage. */
export function warnIfKubectlMissing(suite: string): void {
  if (!kubectlAvailable()) {
    console.warn(
      `\n*** SKIPPED: ${suite}: no kubectl on PATH. These tests prove the drill API server works with the real kubectl; install kubectl to run them. ***\n`,
    );
  }
}

/**
 * Runs the real kubectl against a kubeconfig, never throwing on a non-zero
 * exit. Discovery is cached next to the kubeconfig, not in ~/.kube, so runs
 * neither share nor leave a cache behind.
 */
function fullArgs(kubeconfigPath: string, args: string[]): string[] {
  return ['--kubeconfig', kubeconfigPath, '--cache-dir', join(dirname(kubeconfigPath), 'kube-cache'), ...args];
}

export function runKubectl(
  kubeconfigPath: string,
  args: string[],
  opts: { timeoutMs?: number } = {},
): Promise<KubectlResult> {
  const bin = kubectlPath();
  if (!bin) return Promise.reject(new Error('kubectl is not on PATH'));
  return new Promise((resolve) => {
    execFile(
      bin,
      fullArgs(kubeconfigPath, args),
      {
        timeout: opts.timeoutMs ?? 20_000,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, KUBECONFIG: kubeconfigPath },
      },
      (err, stdout, stderr) => {
        const code =
          err && typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : err ? 1 : 0;
        resolve({ stdout, stderr, exitCode: code });
      },
    );
  });
}

/** A kubectl that keeps running (`get -w`, `logs -f`): its output so far, a wait for a line, and a way to stop it. */
export interface RunningKubectl {
  stdout(): string;
  stderr(): string;
  /** Resolves with stdout (or stderr) once it matches, or rejects with what was printed after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number, stream?: 'stdout' | 'stderr'): Promise<string>;
  stop(): Promise<void>;
}

export function spawnKubectl(kubeconfigPath: string, args: string[]): RunningKubectl {
  const bin = kubectlPath();
  if (!bin) throw new Error('kubectl is not on PATH');
  const child = spawn(bin, fullArgs(kubeconfigPath, args), {
    env: { ...process.env, KUBECONFIG: kubeconfigPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString('utf8');
    for (const w of waiters) w();
  });
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString('utf8');
    for (const w of waiters) w();
  });
  return {
    stdout: () => out,
    stderr: () => err,
    waitFor(pattern, timeoutMs = 10_000, stream = 'stdout') {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const text = stream === 'stdout' ? out : err;
          if (!pattern.test(text)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(text);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `kubectl printed no match for ${String(pattern)} in ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
