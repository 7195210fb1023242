import { KubeError } from '../kube/errors.js';
import type { KubeClient, RecordedResponse } from '../kube/client.js';
import { NodeAccessError } from '../nodeaccess/types.js';
import type { NodeAccess } from '../nodeaccess/types.js';
import { findCheck } from '../checks/registry.js';
import type { AnyCheck, CheckResult } from '../checks/types.js';
import type { CheckInvocation, CheckOutput } from '../runbook/compile.js';
import { MissingValueError, render } from '../runbook/template.js';
import { redactAhead, redactEvent } from '../base/redact.js';
import { signalsOf } from '../signatures/signals.js';
import { notApplicableKind } from './notApplicable.js';

export interface RunCheckDeps {
  kube: KubeClient;
  nodes: NodeAccess;
  now: () => Date;
  /** Checks that write (the node test pod) run only when this is on. */
  allowMutations?: boolean;
  /** Called once the parameters are known, before the check talks to anything. */
  onStart: (info: { params: Record<string, unknown>; command: string }) => void;
  /** Keep what the check saw as `raw` (the transcript's full output); off, nothing is recorded. */
  recordRaw?: boolean;
  /** The extra patterns the raw output will be redacted with when its event is emitted: it is redacted ahead, in a task of its own. */
  redactPatterns?: readonly RegExp[];
  /** Where check ids are found: the runbook's declared checks, then the built-in ones (default: built-in only). */
  lookup?: (id: string) => AnyCheck | undefined;
  /**
   * The earlier check on this walk that declares `fact` and looked without
   * error, so a missing value is known to be absent (a Pending pod has no
   * nodeName), not unseen; null when no such check ran.
   */
  foundAbsentBy?: (fact: string) => string | null;
}

/**
 * Runs one check step and always resolves: any failure becomes the `error`
 * outcome with a summary a human can act on, never an exception in the walk.
 */
export async function runCheck(inv: CheckInvocation, signal: AbortSignal, deps: RunCheckDeps): Promise<CheckOutput> {
  const started = performance.now();
  const responses: RecordedResponse[] | undefined = deps.recordRaw ? [] : undefined;
  let signalParams: Record<string, unknown> = {};
  const done = async (r: CheckResult): Promise<CheckOutput> => {
    const { raw: hostRaw, ...rest } = r;
    const out: CheckOutput = { ...rest, durationMs: Math.round(performance.now() - started) };
    if (!responses) return out;
    // The lines read and the bodies kept each get a task of their own: on a large cluster each is tens of ms
    // (a 5,000-node list), and with the check's own work in the same task the TUI's keys and frames waited for all.
    await nextTask();
    // What the check read, line by line, for the signature catalog: also what its outcome did not need.
    const known = findCheck(inv.check);
    if (known) {
      const signals = signalsOf(known, signalParams, responses, hostRaw);
      if (signals.length > 0) out.signals = signals;
    }
    await nextTask();
    // A host check hands back its command's output; any other check's is the API responses it read.
    const raw = hostRaw ?? (responses.length > 0 ? apiRaw(responses) : undefined);
    if (raw === undefined) return out;
    if (deps.redactPatterns) {
      await nextTask();
      redactAhead(raw, deps.redactPatterns);
      // The result is emitted (and drawn) as this resolves: in a task after the redaction, not in it.
      await nextTask();
    }
    return { ...out, raw };
  };
  const check = (deps.lookup ?? findCheck)(inv.check);
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
    signalParams = parsed.data;
  } catch (err) {
    if (!(err instanceof MissingValueError)) throw err;
    deps.onStart({ params: inv.with, command: '' });
    const absentBy = err.ref.scope === 'facts' ? (deps.foundAbsentBy?.(err.ref.name) ?? null) : null;
    // Nothing to look at (no node for a pod that was never scheduled) is not a blind spot: said as such, never as "could not see".
    if (absentBy)
      return done(errorResult(`${check.id} needs ${err.ref.name}, and ${absentBy} found none`, notApplicableKind));
    return done(errorResult(`cannot run ${check.id}: ${err.message}`, 'missing-value'));
  }

  deps.onStart({ params: params as Record<string, unknown>, command: check.command(params as never) });
  try {
    const kube = deps.kube.withSignal(signal);
    const result = await check.run(
      {
        kube: responses ? kube.recording(responses) : kube,
        nodes: deps.nodes,
        signal,
        now: deps.now,
        allowMutations: deps.allowMutations ?? false,
      },
      params as never,
    );
    if (result.outcome !== 'error' && !check.outcomes.includes(result.outcome)) {
      return done(errorResult(`check ${check.id} returned undeclared outcome "${result.outcome}"`, 'internal'));
    }
    return done(result);
  } catch (err) {
    if (err instanceof KubeError) {
      // The drill answers a container log nobody pasted as the kubelet would fail it (src/drill/apiserver/logs.ts):
      // that is pasted output missing, like a host command not collected, not a kubelet the walk could not reach.
      if (err.message.includes(': not collected in this scenario: '))
        return done(errorResult(`not run (not-collected): ${err.message}`, 'not-collected'));
      return done(errorResult(`${err.kind}: ${err.message}`, err.kind));
    }
    if (err instanceof NodeAccessError)
      return done(
        errorResult(`${neverRan.has(err.kind) ? `not run (${err.kind})` : err.kind}: ${err.message}`, err.kind),
      );
    return done(
      errorResult(`check ${check.id} failed: ${err instanceof Error ? err.message : String(err)}`, 'internal'),
    );
  }
}

/**
 * Each response under its request line, as `kubectl get --raw` would print
 * the body: JSON indented, with secrets redacted by structure (a Secret's
 * data, an env var's value) before it is text that only text rules could read.
 */
function apiRaw(responses: readonly RecordedResponse[]): string {
  return responses.map((r) => `${r.method} ${r.path} → ${r.status}\n${withNewline(bodyText(r.body))}`).join('\n');
}

function bodyText(body: string): string {
  const t = body.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return body;
  try {
    return JSON.stringify(redactEvent(JSON.parse(body) as unknown), null, 2);
  } catch {
    return body;
  }
}

/**
 * A later turn of the event loop, with its timers and input before it. Twice through setImmediate: a check
 * usually finishes as its response arrives (the loop's poll phase), and an immediate queued there runs in
 * the same turn, right after it.
 */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

function withNewline(s: string): string {
  return s === '' || s.endsWith('\n') ? s : `${s}\n`;
}

/** Node-access failures where the command never ran on the node: said as "not run", so nobody reads them as the node's answer. */
const neverRan = new Set<string>(['not-possible', 'unreachable', 'auth', 'declined', 'not-collected']);

function errorResult(summary: string, kind: string): CheckResult {
  return { outcome: 'error', summary, evidence: [], facts: { errorKind: kind } };
}
