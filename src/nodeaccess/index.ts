import { createDrillAccess } from './drill.js';
import type { DrillHosts, HostLookup } from './drill.js';
import { createKubectlDebugAccess } from './kubectlDebug.js';
import type { KubectlDebugOptions } from './kubectlDebug.js';
import { createLocalAccess } from './local.js';
import type { LocalAccessOptions } from './local.js';
import { createManualAccess } from './manual.js';
import type { ManualPrompt } from './manual.js';
import { createSshAccess } from './ssh.js';
import type { SshAccessOptions } from './ssh.js';
import type { NodeAccess, NodeAccessKind } from './types.js';

export { shellQuote, quoteArg } from './quote.js';
export { argvKey } from './drill.js';
export type { DrillHosts, DrillResponse, HostAnswer, HostLookup } from './drill.js';
export type { ManualAnswer, ManualPrompt, ManualRequest } from './manual.js';
export type { SshAccessOptions } from './ssh.js';
export type { KubectlDebugOptions } from './kubectlDebug.js';
export { addressResolver, nodeDescriber, readinessProbe } from './kube.js';
export { NodeAccessError, nodeAccessKinds } from './types.js';
export type { NodeAccess, NodeAccessKind, RunOptions, RunResult } from './types.js';

export interface NodeAccessOptions {
  /** manual: how the screen shows the command and takes the pasted output; without it manual access says it needs a terminal. */
  prompt?: ManualPrompt;
  ssh?: SshAccessOptions;
  kubectlDebug?: KubectlDebugOptions;
  local?: LocalAccessOptions;
  /** drill: the scenario's simulated hosts, or how to ask the drill's thread for their answers. */
  hosts?: DrillHosts | HostLookup;
  maxOutputBytes?: number;
}

/** The backend behind `--node-access <kind>`. */
export function createNodeAccess(kind: NodeAccessKind, options: NodeAccessOptions = {}): NodeAccess {
  const maxOutputBytes = options.maxOutputBytes;
  switch (kind) {
    case 'manual':
      return createManualAccess({ prompt: options.prompt, maxOutputBytes });
    case 'ssh':
      return createSshAccess({ maxOutputBytes, ...options.ssh });
    case 'kubectl-debug':
      return createKubectlDebugAccess({ maxOutputBytes, ...options.kubectlDebug });
    case 'local':
      return createLocalAccess({ maxOutputBytes, ...options.local });
    case 'drill':
      return createDrillAccess({ hosts: options.hosts ?? {}, maxOutputBytes });
  }
}
