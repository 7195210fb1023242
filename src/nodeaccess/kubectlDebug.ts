import { execProcess, missingCommandMessage, runProcess } from './process.js';
import { NodeAccessError } from './types.js';
import type { NodeAccess, RunResult } from './types.js';

export interface KubectlDebugOptions {
  /** The kubectl binary. */
  kubectl?: string;
  kubeconfig?: string;
  context?: string;
  /** Where the debug pod is created; kubectl's default namespace otherwise. */
  namespace?: string;
  /** `--debug-image`: needs `chroot` in it. */
  image?: string;
  profile?: string;
  /**
   * The node's Ready condition: false means the kubelet cannot start a pod
   * there, so we say so instead of waiting for a pod that never runs.
   * undefined (not known) lets the attempt go ahead.
   */
  isNodeReady?: (node: string, signal: AbortSignal) => Promise<boolean | undefined> | boolean | undefined;
  maxOutputBytes?: number;
  cleanupTimeoutMs?: number;
  /** Told when the debug pod could not be deleted, so the user can remove it by hand. */
  onWarning?: (message: string) => void;
}

export const defaultDebugImage = 'busybox';

const created = /^Creating debugging pod (\S+) with container (\S+) on node (\S+)\.$/m;
// kubectl's own chatter on the streams, not the command's output.
const kubectlNoise =
  /^(?:Error attaching, falling back to logs: .*|If you don't see a command prompt, try pressing enter\.|Defaulting debug container name to .*)$/;

/** The kubectl arguments every call shares: which cluster, as the user chose it. */
function globals(o: KubectlDebugOptions): string[] {
  const g: string[] = [];
  if (o.kubeconfig) g.push(`--kubeconfig=${o.kubeconfig}`);
  if (o.context) g.push(`--context=${o.context}`);
  if (o.namespace) g.push(`--namespace=${o.namespace}`);
  return g;
}

/** `kubectl debug node/<name> ... -- chroot /host <argv>`: argv runs in the host's filesystem, namespaces shared. */
export function kubectlDebugArgv(node: string, argv: readonly string[], o: KubectlDebugOptions = {}): string[] {
  return [
    o.kubectl ?? 'kubectl',
    ...globals(o),
    'debug',
    `node/${node}`,
    `--profile=${o.profile ?? 'sysadmin'}`,
    `--image=${o.image ?? defaultDebugImage}`,
    '--attach=true',
    '--',
    'chroot',
    '/host',
    ...argv,
  ];
}

/**
 * `--node-access kubectl-debug`: an ephemeral privileged pod on the node with
 * the host mounted at /host, deleted afterwards. It needs a kubelet that can
 * start pods, so it cannot reach a NotReady node, which is often exactly the
 * node being diagnosed.
 */
export function createKubectlDebugAccess(options: KubectlDebugOptions = {}): NodeAccess {
  const kubectl = options.kubectl ?? 'kubectl';
  const base = [kubectl, ...globals(options)];
  return {
    kind: 'kubectl-debug',
    async run(node, argv, opts) {
      const ready = await options.isNodeReady?.(node, opts.signal);
      if (ready === false) {
        throw new NodeAccessError(
          'not-possible',
          `kubectl debug needs a Ready node: ${node} is not Ready, so its kubelet cannot start the debug pod; use --node-access ssh or manual`,
        );
      }
      const { result, canceled } = await execProcess(kubectlDebugArgv(node, argv, options), {
        ...opts,
        maxOutputBytes: options.maxOutputBytes,
      });
      const said = created.exec(result.stdout);
      const pod = said?.[1];
      try {
        if (canceled) throw new NodeAccessError('cancelled', `kubectl debug on ${node} was cancelled`);
        if (!pod) throw kubectlFailure(node, result);
        const status = await podStatus(base, pod, result, opts.signal);
        if (status.waiting && /ImagePull|ErrImage|InvalidImageName/.test(status.waiting)) {
          throw new NodeAccessError(
            'not-possible',
            `the debug image ${options.image ?? defaultDebugImage} cannot be pulled on ${node} (${status.waiting}); choose another with --debug-image`,
          );
        }
        if (
          status.exitCode === undefined &&
          result.exitCode !== 0 &&
          /^(?:Error from server|error:)/m.test(result.stderr)
        )
          throw kubectlFailure(node, result);
        const out: RunResult = {
          ...result,
          stdout: strip(result.stdout.replace(created, '').replace(/^\n/, '')),
          stderr: strip(result.stderr),
          exitCode: result.timedOut ? null : (status.exitCode ?? null),
          // kubectl's own word for where its pod runs; a node debug pod shares that host's network and UTS namespaces.
          answeredBy: `${said?.[3] ?? node} (kubectl debug pod ${pod})`,
        };
        const missing = missingCommandMessage(argv, out);
        if (missing !== undefined && out.exitCode === 127)
          throw new NodeAccessError('command-missing', `on ${node}: ${missing}`);
        return out;
      } finally {
        if (pod) await deletePod(base, pod, options);
      }
    },
  };
}

function strip(s: string): string {
  return s
    .split('\n')
    .filter((l) => !kubectlNoise.test(l))
    .join('\n');
}

/** kubectl failed before the command ran: say why in our terms. */
function kubectlFailure(node: string, r: RunResult): NodeAccessError {
  const said = r.stderr.trim().split('\n').slice(-3).join(' ') || `kubectl exited ${r.exitCode ?? 'without a status'}`;
  if (r.timedOut) return new NodeAccessError('timeout', `kubectl debug on ${node} did not start within the timeout`);
  if (/is forbidden: User|Unauthorized|You must be logged in/.test(said))
    return new NodeAccessError('auth', `kubectl debug on ${node} was refused: ${said}`);
  if (/Unable to connect to the server|connection refused|i\/o timeout|no such host/.test(said))
    return new NodeAccessError('unreachable', `kubectl cannot reach the cluster: ${said}`);
  return new NodeAccessError('not-possible', `kubectl debug on ${node} failed: ${said}`);
}

interface PodStatus {
  exitCode?: number;
  waiting?: string;
}

/** The debug container's exit code, which `kubectl debug` itself does not pass on. */
async function podStatus(base: string[], pod: string, r: RunResult, signal: AbortSignal): Promise<PodStatus> {
  const query =
    '{.status.containerStatuses[0].state.terminated.exitCode}|{.status.containerStatuses[0].state.waiting.reason}';
  // The kubelet reports termination a moment after the output stream closes.
  for (let i = 0; i < (r.timedOut ? 1 : 10); i++) {
    if (signal.aborted) return {};
    let got: RunResult;
    try {
      got = await runProcess([...base, 'get', 'pod', pod, '-o', `jsonpath=${query}`], { timeoutMs: 10_000, signal });
    } catch {
      return {};
    }
    if (/NotFound/.test(got.stderr)) return {};
    const [code, waiting] = got.stdout.trim().split('|');
    if (code) return { exitCode: Number(code) };
    if (r.timedOut) return { waiting: waiting || undefined };
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return {};
}

async function deletePod(base: string[], pod: string, o: KubectlDebugOptions): Promise<void> {
  // Not the walk's signal: the pod must go even when the walk was cancelled.
  const argv = [...base, 'delete', 'pod', pod, '--ignore-not-found', '--wait=false'];
  try {
    const r = await runProcess(argv, { timeoutMs: o.cleanupTimeoutMs ?? 15_000, signal: new AbortController().signal });
    if (r.exitCode !== 0)
      o.onWarning?.(`could not delete debug pod ${pod}: ${r.stderr.trim()} (run: ${argv.join(' ')})`);
  } catch (err) {
    o.onWarning?.(
      `could not delete debug pod ${pod}: ${err instanceof Error ? err.message : String(err)} (run: ${argv.join(' ')})`,
    );
  }
}
