import { missingCommandMessage, runProcess } from './process.js';
import { shellQuote } from './quote.js';
import { NodeAccessError } from './types.js';
import { unsafeSshDestination } from './sshDestination.js';

export { unsafeSshDestination } from './sshDestination.js';
import type { NodeAccess, RunResult } from './types.js';

export interface SshAccessOptions {
  /** `--ssh-user`; without it ssh uses the user's ssh config or login name. */
  user?: string;
  /** `--ssh-option`: each becomes `-o <value>` (e.g. `ProxyJump=bastion`). */
  options?: readonly string[];
  port?: number;
  identityFile?: string;
  /** An ssh config file instead of ~/.ssh/config (`-F`). */
  configFile?: string;
  connectTimeoutSeconds?: number;
  /** The node's address: its InternalIP from the API, or the name itself for ssh config aliases. */
  resolveAddress?: (node: string, signal: AbortSignal) => Promise<string | undefined> | string | undefined;
  /** The ssh binary (tests may point at another). */
  ssh?: string;
  maxOutputBytes?: number;
}

/**
 * The ssh argv for one remote command: every option, then `--`, then the destination, so nothing
 * taken from the cluster can be parsed as an option; the remote argv is shell-quoted because sshd
 * hands it to the login shell as one string.
 */
export function sshArgv(target: string, argv: readonly string[], o: SshAccessOptions = {}): string[] {
  const unsafe = unsafeSshDestination(target, o.user);
  if (unsafe !== undefined) throw new NodeAccessError('not-possible', `refusing to ssh: ${unsafe}`);
  const args = [o.ssh ?? 'ssh', '-o', 'BatchMode=yes', '-o', `ConnectTimeout=${o.connectTimeoutSeconds ?? 10}`];
  if (o.configFile) args.push('-F', o.configFile);
  if (o.identityFile) args.push('-i', o.identityFile);
  if (o.port !== undefined) args.push('-p', String(o.port));
  for (const opt of o.options ?? []) args.push('-o', opt);
  args.push('--', o.user ? `${o.user}@${target}` : target, shellQuote(argv));
  return args;
}

// ssh's own words when it never reached the remote shell (exit 255).
const authFailure =
  /Permission denied \(|Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|Too many authentication failures|No more authentication methods/;
const connectFailure =
  /Could not resolve hostname|Connection refused|Connection timed out|No route to host|Network is unreachable|Connection closed by|Connection reset by|kex_exchange_identification|Operation timed out|port \d+: /;

/** `--node-access ssh`: the user's own ssh, config and keys; BatchMode so it never waits for a password prompt. */
export function createSshAccess(options: SshAccessOptions = {}): NodeAccess {
  // Per destination, the name the machine that answers there gives itself: asked once, after a command got through.
  const names = new Map<string, Promise<string | undefined>>();
  return {
    kind: 'ssh',
    async run(node, argv, opts) {
      const target = (await options.resolveAddress?.(node, opts.signal)) ?? node;
      if (!target) throw new NodeAccessError('unreachable', `node ${node} has no address to ssh to`);
      const r = await runProcess(sshArgv(target, argv, options), { ...opts, maxOutputBytes: options.maxOutputBytes });
      classifySshFailure(node, target, r);
      const missing = missingCommandMessage(argv, r);
      if (missing !== undefined && r.exitCode === 127)
        throw new NodeAccessError('command-missing', `on ${node}: ${missing}`);
      let name = names.get(target);
      if (!name) {
        name = remoteName(target, options);
        names.set(target, name);
      }
      const destination = options.user ? `${options.user}@${target}` : target;
      return { ...r, answeredBy: `${(await name) ?? 'a machine that did not say its name'} (ssh ${destination})` };
    },
  };
}

/** `uname -n` on the destination (POSIX, no shell syntax, so any login shell runs it); undefined when it does not say. */
async function remoteName(target: string, options: SshAccessOptions): Promise<string | undefined> {
  try {
    const r = await runProcess(sshArgv(target, ['uname', '-n'], options), {
      timeoutMs: 15_000,
      signal: new AbortController().signal,
    });
    const name = r.exitCode === 0 ? r.stdout.trim() : '';
    return /^[^\s]{1,253}$/.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

function classifySshFailure(node: string, target: string, r: RunResult): void {
  if (r.exitCode !== 255) return;
  const said = r.stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('Warning: Permanently added'))
    .join(' ')
    .trim();
  if (authFailure.test(said)) throw new NodeAccessError('auth', `ssh to ${node} (${target}) was refused: ${said}`);
  if (connectFailure.test(said) || (r.stdout === '' && /^ssh: /.test(said))) {
    throw new NodeAccessError('unreachable', `cannot ssh to ${node} (${target}): ${said}`);
  }
  // Otherwise the remote command itself exited 255: a result like any other.
}
