import { nodeAccessKinds } from '../nodeaccess/types.js';
import type { NodeAccessKind } from '../nodeaccess/types.js';
import type { DrillFlags } from './drillArgs.js';
import { drillFlags } from './drillArgs.js';
import { UsageError } from './usageError.js';
import { unsafeSshDestination } from '../nodeaccess/sshDestination.js';

export { version } from './version.js';

/** The TUI, or text and objects on stdout: a TUI needs a terminal on both ends, and -o json|yaml asks for an object. */
export function wantsTui(args: Pick<CliArgs, 'nonInteractive' | 'output'>): boolean {
  return (
    !args.nonInteractive && args.output === 'text' && Boolean(process.stdout.isTTY) && Boolean(process.stdin.isTTY)
  );
}

/** What `-o/--output` may ask for where a command's output is structured. */
export const outputFormats = ['text', 'json', 'yaml'] as const;
export type OutputFormat = (typeof outputFormats)[number];

export interface CliArgs {
  command: string | undefined;
  positionals: string[];
  /** run: the runbook's main input given as the argument after the runbook (`run node-not-ready worker-2`). */
  mainInput: string | undefined;
  kubeconfig: string | undefined;
  context: string | undefined;
  namespace: string | undefined;
  set: Record<string, string>;
  nonInteractive: boolean;
  allowMutations: boolean;
  yes: boolean;
  /** check: run on this drill scenario's cluster instead of the current context. */
  drillScenario: string | undefined;
  output: OutputFormat;
  transcript: string | undefined;
  /** run: milliseconds to wait for the API server's first answers before the walk. */
  requestTimeoutMs: number;
  step: boolean;
  port: number | undefined;
  /** replay: playback speed (2 = twice as fast). */
  speed: number;
  /** report: markdown, or the report's JSON object (as JSON or YAML). */
  format: 'markdown' | 'json' | 'yaml' | 'html';
  /** graph: its own --format values. */
  graphFormat?: 'mermaid' | 'dot';
  nodeAccess: NodeAccessKind | undefined;
  node: string | undefined;
  /** check: the pod a pod check looks at. */
  pod: string | undefined;
  sshUser: string | undefined;
  sshOptions: string[];
  debugImage: string | undefined;
  out: string | undefined;
  /** report: every raw output in full, not its first lines. */
  fullOutput: boolean;
  kubeconfigOut: string | undefined;
  /** test: exit 0 when at least this percentage of the scenarios pass (default: all must). */
  passRate: number | undefined;
  /** Folders searched for runbooks by id before the bundled ones (then $PLUMBLINE_RUNBOOKS, $XDG_CONFIG_HOME/plumbline/runbooks). */
  runbooks: string[];
  noColor: boolean;
  /** `plumbline drill`'s training flags. */
  drill: DrillFlags;
}

/** Option values as the parser hands them over (camelCase keys), before they are checked. */
export interface RawOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  set?: string[];
  nonInteractive?: boolean;
  allowMutations?: boolean;
  yes?: boolean;
  drill?: string;
  output?: string;
  transcript?: string;
  requestTimeout?: string;
  step?: boolean;
  port?: string;
  speed?: string;
  format?: string;
  nodeAccess?: string;
  node?: string;
  pod?: string;
  sshUser?: string;
  sshOption?: string[];
  debugImage?: string;
  out?: string;
  full?: boolean;
  kubeconfigOut?: string;
  passRate?: string;
  runbooks?: string[];
  /** commander's `--no-color`: false when given. */
  color?: boolean;
  guided?: boolean;
  free?: boolean;
  random?: boolean;
  seed?: string;
  difficulty?: string;
  history?: boolean;
  instructor?: boolean;
}

/** The checked arguments of one command; every value a command reads has its default here. */
export function toCliArgs(
  command: string | undefined,
  positionals: string[],
  v: RawOptions,
  env: NodeJS.ProcessEnv = process.env,
  mainInput?: string,
): CliArgs {
  const fail: (message: string) => never = (message) => {
    throw new UsageError(message, command);
  };
  const output = v.output ?? 'text';
  if (
    !(outputFormats as readonly string[]).includes(output) &&
    !(command === 'report' && (output === 'markdown' || output === 'html'))
  )
    fail(`--output must be one of ${outputFormats.join(', ')}, not "${output}"`);
  const set: Record<string, string> = {};
  for (const kv of v.set ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) fail(`--set takes key=value, not "${kv}"`);
    set[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const port = v.port === undefined ? undefined : Number(v.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536))
    fail(`--port must be a port number, not "${v.port}"`);
  const speed = v.speed === undefined ? 1 : Number(v.speed);
  if (!(Number.isFinite(speed) && speed > 0)) fail(`--speed must be a positive number, not "${v.speed}"`);
  const requestTimeoutMs = v.requestTimeout === undefined ? 10_000 : durationMs(v.requestTimeout);
  if (requestTimeoutMs === undefined)
    return fail(`--request-timeout takes a duration such as 10s, 500ms or 2m, not ${JSON.stringify(v.requestTimeout)}`);
  const passRate = v.passRate === undefined ? undefined : Number(v.passRate);
  if (passRate !== undefined && !(Number.isFinite(passRate) && passRate >= 0 && passRate <= 100))
    fail(`--pass-rate must be a percentage from 0 to 100, not "${v.passRate}"`);
  const graph = command === 'graph';
  const graphFormat = graph ? (v.format ?? 'mermaid') : undefined;
  if (graphFormat !== undefined && graphFormat !== 'mermaid' && graphFormat !== 'dot')
    fail(`--format must be mermaid or dot, not "${graphFormat}"`);
  // report: -o json|yaml|markdown, or the older --format markdown|json.
  const format = graph
    ? 'markdown'
    : command === 'report' && v.output !== undefined
      ? v.output === 'text'
        ? 'markdown'
        : v.output
      : (v.format ?? 'markdown');
  if (format !== 'markdown' && format !== 'json' && format !== 'yaml' && !(format === 'html' && command === 'report'))
    return fail(`--format must be markdown or json, not "${format}"`);
  const nodeAccess = v.nodeAccess;
  if (nodeAccess !== undefined && !(nodeAccessKinds as readonly string[]).includes(nodeAccess)) {
    fail(`--node-access must be one of ${nodeAccessKinds.join(', ')}, not "${nodeAccess}"`);
  }
  const sshUser = v.sshUser;
  if (sshUser !== undefined && unsafeSshDestination('x', sshUser) !== undefined)
    fail(`--ssh-user must be a plain user name, not ${JSON.stringify(sshUser)}`);
  let drill: DrillFlags;
  try {
    drill = drillFlags(v);
  } catch (err) {
    throw err instanceof UsageError ? new UsageError(err.message, command) : err;
  }
  return {
    command,
    positionals,
    mainInput,
    kubeconfig: v.kubeconfig,
    context: v.context,
    namespace: v.namespace,
    set,
    nonInteractive: v.nonInteractive ?? false,
    allowMutations: v.allowMutations ?? false,
    yes: v.yes ?? false,
    drillScenario: v.drill,
    output: command === 'report' ? 'text' : (output as OutputFormat),
    transcript: v.transcript,
    requestTimeoutMs,
    step: v.step ?? false,
    port,
    speed,
    format,
    fullOutput: v.full ?? false,
    ...(graphFormat ? { graphFormat } : {}),
    nodeAccess: nodeAccess as NodeAccessKind | undefined,
    node: v.node,
    pod: v.pod,
    sshUser,
    sshOptions: v.sshOption ?? [],
    debugImage: v.debugImage,
    out: v.out,
    kubeconfigOut: v.kubeconfigOut,
    passRate,
    runbooks: v.runbooks ?? [],
    noColor: v.color === false || Boolean(env.NO_COLOR),
    drill,
  };
}

/** A positive duration as kubectl's --request-timeout writes it (1s, 500ms, 2m; a bare number is seconds). */
function durationMs(text: string): number | undefined {
  const m = /^(\d{1,6}(?:\.\d{1,3})?)(ms|s|m)?$/.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000);
  return ms >= 1 ? Math.round(ms) : undefined;
}
