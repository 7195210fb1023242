import { parseArgs } from 'node:util';
import { nodeAccessKinds } from '../nodeaccess/types.js';
import type { NodeAccessKind } from '../nodeaccess/types.js';
import type { DrillFlags } from './drillArgs.js';
import { drillFlags, drillOptions } from './drillArgs.js';
import { unsafeSshDestination } from '../nodeaccess/sshDestination.js';

export const version = '0.1.0';

export const usage = `plumbline ${version}: a guided Kubernetes troubleshooting runbook

Usage:
  plumbline                                  home screen: pick a drill or a runbook (a TTY; else lists them)
  plumbline run <runbook> [--set k=v ...]    walk a runbook on the current kube context
  plumbline drill [scenario]                 walk a scenario on the built-in drill cluster
  plumbline cluster serve <scenario> [--port N] [--kubeconfig-out PATH]
                                             serve a drill cluster; prints export KUBECONFIG=... first
  plumbline check <check-id> [--set k=v ...] [--node N] [--node-access ...] [--drill <scenario>]
                                             run one check, print its result
  plumbline report <transcript> [--format markdown|json] [--out FILE]
                                             a postmortem from a session transcript
  plumbline replay <transcript> [--speed N] [--step]
                                             play a session back in the TUI, from its transcript alone
  plumbline list runbooks|scenarios|checks|faults [--output json]
  plumbline lint [files...]                  validate runbooks and scenarios (default: the bundled ones)
  plumbline test [scenarios|dirs...] [--pass-rate P]
                                             walk scenarios headless, compare with their expected diagnosis
                                             (a folder: every scenario in it but raw/; --pass-rate 95: exit 0
                                             when at least 95 % pass)
  plumbline graph <runbook> [--format mermaid|dot]
                                             draw a runbook's decision tree

Flags:
  --kubeconfig <file>   --context <name>   -n, --namespace <ns>
  --set key=value       runbook inputs (repeatable)
  --node-access manual|ssh|kubectl-debug|local|drill
                        how host checks run commands on nodes (default: manual live, drill in drills)
  --ssh-user U  --ssh-option O (repeatable)  --debug-image IMAGE (kubectl-debug, default busybox)
  --non-interactive     no TUI: walk automatically, questions take their defaults
  --output text|json    headless output (default text)
  --transcript <file>   where to write the session transcript (JSONL)
  --request-timeout D   how long run waits for the cluster's first answers (default 10s; 500ms, 2m)
  --allow-mutations     let action steps change the cluster (each still shown in full and confirmed;
                        drills allow them by default: the drill cluster is simulated)
  --yes                 with --non-interactive: confirm allowed actions (otherwise they are declined)
  --step                TUI: wait for Enter before each check (default: auto)
  --no-color            plain output (also NO_COLOR)
  -h, --help            -v, --version

Exit codes: 0 finished, 1 scenario mismatch, 2 bad input, 3 could not finish, 130 interrupted.

Training drills (docs/training.md):
  plumbline drill [scenario] --guided|--free  predict each check's outcome (guided) or pick the checks (free), then
                                             name the root cause; a debrief with a score is saved
  plumbline drill --random [--seed N] [--difficulty easy|medium|hard]
                                             a drawn or composed scenario; the same seed gives the same drill
  plumbline drill --history                  progress per scenario, predictions per layer
  plumbline drill <scenario> --instructor [--transcript FILE]
                                             the answer, the shortest path and the trainee's progress, live`;

/** Bad usage: printed as one line and exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CliArgs {
  command: string | undefined;
  positionals: string[];
  kubeconfig: string | undefined;
  context: string | undefined;
  namespace: string | undefined;
  set: Record<string, string>;
  nonInteractive: boolean;
  allowMutations: boolean;
  yes: boolean;
  /** check: run on this drill scenario's cluster instead of the current context. */
  drillScenario: string | undefined;
  output: 'text' | 'json';
  transcript: string | undefined;
  /** run: milliseconds to wait for the API server's first answers before the walk. */
  requestTimeoutMs: number;
  step: boolean;
  port: number | undefined;
  /** replay: playback speed (2 = twice as fast). */
  speed: number;
  format: 'markdown' | 'json';
  /** graph: its own --format values. */
  graphFormat?: 'mermaid' | 'dot';
  nodeAccess: NodeAccessKind | undefined;
  node: string | undefined;
  sshUser: string | undefined;
  sshOptions: string[];
  debugImage: string | undefined;
  out: string | undefined;
  kubeconfigOut: string | undefined;
  /** test: exit 0 when at least this percentage of the scenarios pass (default: all must). */
  passRate: number | undefined;
  noColor: boolean;
  help: boolean;
  version: boolean;
  /** `plumbline drill`'s training flags. */
  drill: DrillFlags;
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        namespace: { type: 'string', short: 'n' },
        set: { type: 'string', multiple: true },
        'non-interactive': { type: 'boolean' },
        'allow-mutations': { type: 'boolean' },
        yes: { type: 'boolean' },
        drill: { type: 'string' },
        output: { type: 'string', short: 'o' },
        transcript: { type: 'string' },
        'request-timeout': { type: 'string' },
        step: { type: 'boolean' },
        port: { type: 'string' },
        speed: { type: 'string' },
        format: { type: 'string' },
        'node-access': { type: 'string' },
        node: { type: 'string' },
        'ssh-user': { type: 'string' },
        'ssh-option': { type: 'string', multiple: true },
        'debug-image': { type: 'string' },
        out: { type: 'string' },
        'kubeconfig-out': { type: 'string' },
        'pass-rate': { type: 'string' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        ...drillOptions,
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const v = parsed.values;
  const output = v.output ?? 'text';
  if (output !== 'text' && output !== 'json') throw new UsageError(`--output must be text or json, not "${output}"`);
  const set: Record<string, string> = {};
  for (const kv of v.set ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set takes key=value, not "${kv}"`);
    set[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const port = v.port === undefined ? undefined : Number(v.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError(`--port must be a port number, not "${v.port}"`);
  const speed = v.speed === undefined ? 1 : Number(v.speed);
  if (!(Number.isFinite(speed) && speed > 0)) throw new UsageError(`--speed must be a positive number, not "${v.speed}"`);
  const requestTimeoutMs = v['request-timeout'] === undefined ? 10_000 : durationMs(v['request-timeout']);
  if (requestTimeoutMs === undefined) throw new UsageError(`--request-timeout takes a duration such as 10s, 500ms or 2m, not ${JSON.stringify(v['request-timeout'])}`);
  const passRate = v['pass-rate'] === undefined ? undefined : Number(v['pass-rate']);
  if (passRate !== undefined && !(Number.isFinite(passRate) && passRate >= 0 && passRate <= 100)) throw new UsageError(`--pass-rate must be a percentage from 0 to 100, not "${v['pass-rate']}"`);
  const graph = parsed.positionals[0] === 'graph';
  const graphFormat = graph ? (v.format ?? 'mermaid') : undefined;
  if (graphFormat !== undefined && graphFormat !== 'mermaid' && graphFormat !== 'dot') throw new UsageError(`--format must be mermaid or dot, not "${graphFormat}"`);
  const format = graph ? 'markdown' : (v.format ?? 'markdown');
  if (format !== 'markdown' && format !== 'json') throw new UsageError(`--format must be markdown or json, not "${format}"`);
  const nodeAccess = v['node-access'];
  if (nodeAccess !== undefined && !(nodeAccessKinds as readonly string[]).includes(nodeAccess)) {
    throw new UsageError(`--node-access must be one of ${nodeAccessKinds.join(', ')}, not "${nodeAccess}"`);
  }
  const sshUser = v['ssh-user'];
  if (sshUser !== undefined && unsafeSshDestination('x', sshUser) !== undefined) throw new UsageError(`--ssh-user must be a plain user name, not ${JSON.stringify(sshUser)}`);
  const [command, ...positionals] = parsed.positionals;
  return {
    command,
    positionals,
    kubeconfig: v.kubeconfig,
    context: v.context,
    namespace: v.namespace,
    set,
    nonInteractive: v['non-interactive'] ?? false,
    allowMutations: v['allow-mutations'] ?? false,
    yes: v.yes ?? false,
    drillScenario: v.drill,
    output,
    transcript: v.transcript,
    requestTimeoutMs,
    step: v.step ?? false,
    port,
    speed,
    format,
    ...(graphFormat ? { graphFormat } : {}),
    nodeAccess: nodeAccess as NodeAccessKind | undefined,
    node: v.node,
    sshUser,
    sshOptions: v['ssh-option'] ?? [],
    debugImage: v['debug-image'],
    out: v.out,
    kubeconfigOut: v['kubeconfig-out'],
    passRate,
    noColor: (v['no-color'] ?? false) || Boolean(env.NO_COLOR),
    help: v.help ?? false,
    version: v.version ?? false,
    drill: drillFlags(v),
  };
}

/** A positive duration as kubectl's --request-timeout writes it (1s, 500ms, 2m; a bare number is seconds). */
function durationMs(text: string): number | undefined {
  const m = /^(\d{1,6}(?:\.\d{1,3})?)(ms|s|m)?$/.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000);
  return ms >= 1 ? Math.round(ms) : undefined;
}
