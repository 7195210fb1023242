import { runCheck } from '../../../src/engine/runCheck.js';
import type { KubeClient } from '../../../src/kube/client.js';
import type { NodeAccess, RunResult } from '../../../src/nodeaccess/types.js';
import type { CheckOutput } from '../../../src/runbook/compile.js';

/** Host checks never read the API: a client that fails loudly if one tries. */
const noKube = {
  withSignal() {
    return noKube;
  },
} as unknown as KubeClient;

/** A command's output as a node access returns it, for a parser read directly. */
export function ranOutput(stdout: string, stderr = '', exitCode = 0): RunResult {
  return { stdout, stderr, exitCode, durationMs: 1, timedOut: false, truncated: false };
}

/** Runs a registered check exactly as the engine does (parameter validation, error handling), on the given node access. */
export async function runHostCheck(
  id: string,
  params: Record<string, string | number>,
  nodes: NodeAccess,
  timeoutMs = 30_000,
): Promise<CheckOutput & { command: string }> {
  let command = '';
  const out = await runCheck(
    { step: id, check: id, with: params, timeoutMs, inputs: {}, facts: {}, phase: 'bottom-up' },
    AbortSignal.timeout(timeoutMs),
    { kube: noKube, nodes, now: () => new Date(), onStart: (s) => (command = s.command) },
  );
  return { ...out, command };
}

/**
 * What a host check needs beyond its node, to run it with sample parameters: kube-proxy's rules
 * are read for one Service (here default/kubernetes, which every cluster and drill has).
 */
export const sampleHostParams: Record<string, Record<string, string | number>> = {
  'host.kube-proxy-rules': { clusterIP: '10.96.0.1', port: 443 },
};
