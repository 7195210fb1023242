/** How host commands reach a node (DESIGN.md, "Node access"). */
export type NodeAccessKind = 'manual' | 'ssh' | 'kubectl-debug' | 'local' | 'drill';

export const nodeAccessKinds: readonly NodeAccessKind[] = ['manual', 'ssh', 'kubectl-debug', 'local', 'drill'];

/** What running one argv on a node gave; outputs are capped in size. */
export interface RunResult {
  stdout: string;
  stderr: string;
  /** null when the process did not exit by itself (killed on timeout, signal), or in manual mode when the user did not say. */
  exitCode: number | null;
  /** How long the command ran; null when nobody timed it (manual access: a person ran it and pasted its output). */
  durationMs: number | null;
  timedOut: boolean;
  /** true when stdout or stderr was cut at the cap. */
  truncated: boolean;
  /** The machine that ran it, as the backend learnt it (ssh: the remote's `uname -n`; kubectl-debug: the node kubectl put its pod on; local: this machine). */
  answeredBy?: string;
}

export interface RunOptions {
  timeoutMs: number;
  signal: AbortSignal;
  /** One of several runs of the same command a check compares (/proc/stat twice): a person running it by hand is told which, and how long to wait. */
  sample?: SampleInfo;
}

export interface SampleInfo {
  /** 1-based. */
  index: number;
  count: number;
  /** The least time between two runs. */
  intervalMs: number;
}

/**
 * Why a command could not be run at all (as opposed to running and failing):
 * each becomes the check's `error` outcome with this kind as a fact.
 */
export type NodeAccessErrorKind =
  | 'unreachable' // ssh could not connect, node has no address
  | 'auth' // ssh or the API refused our credentials
  | 'command-missing' // the binary is not on the node
  | 'not-possible' // this access cannot work here (kubectl-debug on a NotReady node)
  | 'timeout'
  | 'cancelled'
  | 'declined' // manual mode: the user chose not to run it
  | 'not-collected'; // a drill built from pasted output: nobody ran this command, so its output is unknown

export class NodeAccessError extends Error {
  constructor(
    readonly kind: NodeAccessErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'NodeAccessError';
  }
}

export interface NodeAccess {
  /** `none` when the walk was started without a way onto nodes (API-only checks). */
  readonly kind: NodeAccessKind | 'none';
  /** Runs argv on the node, never through a local shell; throws NodeAccessError when it cannot run it at all. */
  run(node: string, argv: readonly string[], opts: RunOptions): Promise<RunResult>;
}
