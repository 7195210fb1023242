import { findCheck } from '../checks/registry.js';
import { verdictOf } from '../checks/types.js';
import type { AnyCheck } from '../checks/types.js';
import { KubeError } from '../kube/errors.js';
import type { KubeClient, PatchableResource, RawResponse } from '../kube/client.js';
import { NodeAccessError } from '../nodeaccess/types.js';
import type { NodeAccess } from '../nodeaccess/types.js';
import type { ActionInvocation, ActionOutput, CheckOutput } from '../runbook/compile.js';
import { defaultActionTimeoutMs, defaultCheckTimeoutMs } from '../runbook/compile.js';
import { durationMs } from '../runbook/schema.js';
import type { ResolvedAction } from './action.js';
import type { SessionEvent } from './events.js';
import { runCheck } from './runCheck.js';

export const defaultVerifyWithinMs = 30_000;
const verifyPollMs = 2_000;

export interface RunActionDeps {
  kube: KubeClient;
  nodes: NodeAccess;
  now: () => Date;
  emit: (event: SessionEvent) => void;
  /** Between two runs of the verify check while it is not healthy yet. */
  pollMs?: number;
  /** Where check ids are found (the runbook's declared checks first). */
  lookup?: (id: string) => AnyCheck | undefined;
}

type Executed = Extract<SessionEvent, { type: 'action.executed' }>;

/**
 * Runs a confirmed action, then its verify check until it is healthy or the
 * time to verify runs out. Always resolves: a failure is the `failed` branch,
 * with what happened in the events.
 */
export async function runAction(
  inv: ActionInvocation,
  resolved: ResolvedAction,
  signal: AbortSignal,
  deps: RunActionDeps,
): Promise<ActionOutput> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  const timeoutMs = inv.action.timeout === undefined ? defaultActionTimeoutMs : durationMs(inv.action.timeout);
  const executed = await execute(resolved, timeoutMs, signal, deps);
  deps.emit({ ...executed, step: inv.step });
  if (!executed.ok || !inv.verify) return { result: executed.ok ? 'done' : 'failed', facts: {}, durationMs: took() };

  const { verify } = inv;
  const within = inv.action.verifyWithin === undefined ? defaultVerifyWithinMs : durationMs(inv.action.verifyWithin);
  const deadline = performance.now() + within;
  const check = (deps.lookup ?? findCheck)(verify.spec.check);
  let attempts = 0;
  let command = '';
  let out: CheckOutput;
  for (;;) {
    attempts++;
    out = await runCheck(
      {
        step: verify.step,
        check: verify.spec.check,
        with: verify.spec.with,
        timeoutMs: verify.spec.timeout === undefined ? defaultCheckTimeoutMs : durationMs(verify.spec.timeout),
        inputs: inv.inputs,
        facts: inv.facts,
        phase: inv.phase,
      },
      signal,
      { kube: deps.kube, nodes: deps.nodes, now: deps.now, onStart: (s) => (command = s.command) },
    );
    // A controller needs a moment to recreate a pod, a kubelet to report Ready: ask again until it is time to give up.
    if (
      verdictOf(check, out.outcome) === 'ok' ||
      performance.now() + (deps.pollMs ?? verifyPollMs) > deadline ||
      signal.aborted
    )
      break;
    await sleep(deps.pollMs ?? verifyPollMs, signal);
  }
  const verdict = verdictOf(check, out.outcome);
  deps.emit({
    type: 'action.verified',
    step: inv.step,
    verifyStep: verify.step,
    check: verify.spec.check,
    command,
    outcome: out.outcome,
    summary: out.summary,
    evidence: out.evidence,
    verdict,
    ok: verdict === 'ok',
    attempts,
  });
  return { result: verdict === 'ok' ? 'done' : 'failed', facts: out.facts, durationMs: took() };
}

async function execute(
  action: ResolvedAction,
  timeoutMs: number,
  signal: AbortSignal,
  deps: RunActionDeps,
): Promise<Executed> {
  const started = performance.now();
  const base = (): Pick<Executed, 'type' | 'step' | 'durationMs'> => ({
    type: 'action.executed',
    step: '',
    durationMs: Math.round(performance.now() - started),
  });
  try {
    if (action.target === 'host') {
      // Through node access, as an argv: never a shell on this machine.
      const r = await deps.nodes.run(action.node, action.argv, { timeoutMs, signal });
      const output = [r.stdout, r.stderr]
        .filter((s) => s !== '')
        .join(r.stdout.endsWith('\n') || r.stdout === '' ? '' : '\n');
      if (r.timedOut)
        return {
          ...base(),
          ran: true,
          ok: false,
          exitCode: null,
          output,
          error: `timed out after ${timeoutMs / 1000}s`,
        };
      return {
        ...base(),
        ran: true,
        ok: r.exitCode === 0,
        exitCode: r.exitCode,
        output,
        ...(r.exitCode === 0 ? {} : { error: `exit status ${r.exitCode ?? 'unknown'}` }),
      };
    }
    const kube = deps.kube.withSignal(AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]));
    const res =
      action.op === 'delete-pod'
        ? await kube.deletePod(action.namespace ?? '', action.name)
        : await kube.patchObject(
            action.resource as PatchableResource,
            action.namespace ?? undefined,
            action.name,
            action.patchType ?? 'strategic',
            action.patch ?? '{}',
          );
    const ok = res.status >= 200 && res.status < 300;
    const output = ok ? kubectlSays(action) : statusMessage(res);
    return { ...base(), ran: true, ok, status: res.status, output, ...(ok ? {} : { error: `HTTP ${res.status}` }) };
  } catch (err) {
    if (err instanceof NodeAccessError || err instanceof KubeError) {
      return { ...base(), ran: false, ok: false, output: '', error: `${err.kind}: ${err.message}` };
    }
    return { ...base(), ran: false, ok: false, output: '', error: err instanceof Error ? err.message : String(err) };
  }
}

/** What kubectl prints for the same write. */
function kubectlSays(action: Extract<ResolvedAction, { target: 'kube' }>): string {
  if (action.op === 'delete-pod') return `pod "${action.name}" deleted\n`;
  const kind =
    action.resource === 'pod' ||
    action.resource === 'node' ||
    action.resource === 'service' ||
    action.resource === 'configmap'
      ? action.resource
      : `${action.resource}.apps`;
  return `${kind}/${action.name} patched\n`;
}

/** `Error from server (NotFound): pods "x" not found`, as kubectl reports a refused write. */
function statusMessage(res: RawResponse): string {
  try {
    const status = JSON.parse(res.body) as { reason?: string; message?: string };
    if (status.message) return `Error from server${status.reason ? ` (${status.reason})` : ''}: ${status.message}\n`;
  } catch {
    // Not a Status: show the body as it came.
  }
  return res.body;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
