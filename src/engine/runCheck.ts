import { KubeError } from '../kube/errors.js';
import type { KubeClient } from '../kube/client.js';
import { NodeAccessError } from '../nodeaccess/types.js';
import type { NodeAccess } from '../nodeaccess/types.js';
import { findCheck } from '../checks/registry.js';
import type { CheckResult } from '../checks/types.js';
import type { CheckInvocation, CheckOutput } from '../runbook/compile.js';
import { MissingValueError, render } from '../runbook/template.js';

export interface RunCheckDeps {
  kube: KubeClient;
  nodes: NodeAccess;
  now: () => Date;
  /** Checks that write (the node test pod) run only when this is on. */
  allowMutations?: boolean;
  /** Called once the parameters are known, before the check talks to anything. */
  onStart: (info: { params: Record<string, unknown>; command: string }) => void;
}

/**
 * Runs one check step and always resolves: any failure becomes the `error`
 * outcome with a summary a human can act on, never an exception in the walk.
 */
export async function runCheck(inv: CheckInvocation, signal: AbortSignal, deps: RunCheckDeps): Promise<CheckOutput> {
  const started = performance.now();
  const done = (r: CheckResult): CheckOutput => ({ ...r, durationMs: Math.round(performance.now() - started) });
  const check = findCheck(inv.check);
  if (!check) {
    deps.onStart({ params: inv.with, command: '' });
    return done(errorResult(`unknown check ${inv.check}`, 'internal'));
  }

  let params: unknown;
  try {
    const rendered = Object.fromEntries(
      Object.entries(inv.with).map(([k, v]) => [k, typeof v === 'string' ? render(v, inv) : v]),
    );
    const parsed = check.params.safeParse(rendered);
    if (!parsed.success) {
      deps.onStart({ params: rendered, command: '' });
      const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      return done(errorResult(`bad parameters for ${check.id}: ${issues}`, 'bad-parameters'));
    }
    params = parsed.data;
  } catch (err) {
    if (!(err instanceof MissingValueError)) throw err;
    deps.onStart({ params: inv.with, command: '' });
    return done(errorResult(`cannot run ${check.id}: ${err.message}`, 'missing-value'));
  }

  deps.onStart({ params: params as Record<string, unknown>, command: check.command(params as never) });
  try {
    const result = await check.run({ kube: deps.kube.withSignal(signal), nodes: deps.nodes, signal, now: deps.now, allowMutations: deps.allowMutations ?? false }, params as never);
    if (result.outcome !== 'error' && !check.outcomes.includes(result.outcome)) {
      return done(errorResult(`check ${check.id} returned undeclared outcome "${result.outcome}"`, 'internal'));
    }
    return done(result);
  } catch (err) {
    if (err instanceof KubeError) return done(errorResult(`${err.kind}: ${err.message}`, err.kind));
    if (err instanceof NodeAccessError) return done(errorResult(`${err.kind}: ${err.message}`, err.kind));
    return done(errorResult(`check ${check.id} failed: ${err instanceof Error ? err.message : String(err)}`, 'internal'));
  }
}

function errorResult(summary: string, kind: string): CheckResult {
  return { outcome: 'error', summary, evidence: [], facts: { errorKind: kind } };
}
