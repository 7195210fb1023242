import { capOutput, missingCommandMessage } from './process.js';
import { NodeAccessError } from './types.js';
import type { NodeAccess, RunResult } from './types.js';

/** What a simulated host answers to one command line. */
export interface DrillResponse {
  stdout: string;
  stderr?: string;
  /** Defaults to 0. */
  exitCode?: number;
  /** How long the command "takes" (honours the timeout and cancellation). */
  delayMs?: number;
  /** Never finishes: the call ends at its timeout with `timedOut`, as a stuck command would. */
  hang?: boolean;
  /** Nobody collected this output: the call fails as a source that could not be read, never with a default. */
  notCollected?: boolean;
}

/** A node's answer to every command it has no entry for (a scenario built from pasted output sets it to not collected). */
export const anyCommand = '*';

/**
 * The scenario's hosts: node → argv joined by single spaces → response. A list
 * answers successive calls in order and then repeats its last entry (two
 * samples of /proc/stat must differ).
 */
export type DrillHosts = Record<string, Record<string, DrillResponse | readonly DrillResponse[]>>;

/** One host's answer to one command, and whether the host is there at all. */
export interface HostAnswer {
  host: boolean;
  entry?: DrillResponse | readonly DrillResponse[];
}

/**
 * Looks a command up on a simulated host: the answers held here, or (a drill
 * whose cluster runs in another thread) asked of the thread that holds them.
 */
export type HostLookup = (node: string, key: string) => HostAnswer | Promise<HostAnswer>;

export interface DrillAccessOptions {
  hosts: DrillHosts | HostLookup;
  maxOutputBytes?: number;
}

/** The lookup over hosts held in this thread: the exact command, else the host's answer to any command. */
export function lookupIn(hosts: DrillHosts): HostLookup {
  return (node, key) => {
    const host = Object.hasOwn(hosts, node) ? hosts[node] : undefined;
    if (!host) return { host: false };
    const entry = Object.hasOwn(host, key) ? host[key] : Object.hasOwn(host, anyCommand) ? host[anyCommand] : undefined;
    return entry === undefined ? { host: true } : { host: true, entry };
  };
}

/** The key a command is looked up by. */
export function argvKey(argv: readonly string[]): string {
  return argv.join(' ');
}

/** `--node-access drill`: host commands answered from the scenario, through the same interface as a real node. */
export function createDrillAccess(options: DrillAccessOptions): NodeAccess {
  const calls = new Map<string, number>();
  const lookup = typeof options.hosts === 'function' ? options.hosts : lookupIn(options.hosts);
  return {
    kind: 'drill',
    async run(node, argv, opts) {
      const key = argvKey(argv);
      const { host, entry } = await lookup(node, key);
      if (!host)
        throw new NodeAccessError(
          'unreachable',
          `ssh: Could not resolve hostname ${node}: the drill has no host by that name`,
        );
      if (opts.signal.aborted) throw new NodeAccessError('cancelled', 'cancelled before the command ran');
      if (!entry) {
        const r = notFound(argv);
        throw new NodeAccessError('command-missing', missingCommandMessage(argv, r) ?? r.stderr.trim());
      }
      const n = calls.get(`${node}\0${key}`) ?? 0;
      calls.set(`${node}\0${key}`, n + 1);
      const response: DrillResponse | undefined = isList(entry) ? entry[Math.min(n, entry.length - 1)] : entry;
      if (!response)
        throw new NodeAccessError('command-missing', `the drill's host ${node} has an empty answer list for ${key}`);
      if (response.notCollected)
        throw new NodeAccessError('not-collected', `not collected in this scenario: ${key} on ${node}`);
      const started = performance.now();
      const waited = await wait(response.hang ? Infinity : (response.delayMs ?? 0), opts.timeoutMs, opts.signal);
      const durationMs = Math.round(performance.now() - started);
      if (waited === 'timeout')
        return { stdout: '', stderr: '', exitCode: null, durationMs, timedOut: true, truncated: false };
      const out = capOutput(response.stdout, options.maxOutputBytes);
      const err = capOutput(response.stderr ?? '', options.maxOutputBytes);
      const result: RunResult = {
        stdout: out.text,
        stderr: err.text,
        exitCode: response.exitCode ?? 0,
        durationMs,
        timedOut: false,
        truncated: out.truncated || err.truncated,
      };
      if (result.exitCode === 127)
        throw new NodeAccessError(
          'command-missing',
          missingCommandMessage(argv, result) ?? `${argv[0] ?? ''}: command not found`,
        );
      return result;
    },
  };
}

function isList(e: DrillResponse | readonly DrillResponse[]): e is readonly DrillResponse[] {
  return Array.isArray(e);
}

function notFound(argv: readonly string[]): RunResult {
  return {
    stdout: '',
    stderr: `bash: ${argv[0] ?? ''}: command not found\n`,
    exitCode: 127,
    durationMs: 0,
    timedOut: false,
    truncated: false,
  };
}

function wait(ms: number, timeoutMs: number, signal: AbortSignal): Promise<'done' | 'timeout'> {
  if (ms <= 0) return Promise.resolve('done');
  return new Promise((resolve, reject) => {
    const timedOut = ms >= timeoutMs;
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve(timedOut ? 'timeout' : 'done');
      },
      Math.min(ms, timeoutMs),
    );
    const onAbort = () => {
      clearTimeout(timer);
      reject(new NodeAccessError('cancelled', 'cancelled while the command ran'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
