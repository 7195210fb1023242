import type { PathEntry } from '../runbook/compile.js';
import type { RunbookSpec } from '../runbook/schema.js';
import type { Evidence } from '../checks/types.js';
import type {
  DefaultAnswer,
  SeenFinding,
  SessionEvent,
  SessionOutcome,
  UnseenCheck,
  WalkAccount,
  WalkPathEntry,
} from './events.js';

interface LoggedCheck {
  step: string;
  title: string;
  check: string;
  command: string;
  node: string | null;
  outcome?: string;
  summary?: string;
  errorKind?: string | null;
  verdict?: string;
  evidence?: Evidence[];
}

/** What each check of the walk showed, from the session's own events (already redacted). */
export class WalkLog {
  private readonly titles = new Map<string, string>();
  private readonly labels = new Map<string, string>();
  readonly checks: LoggedCheck[] = [];

  track(e: SessionEvent): void {
    switch (e.type) {
      case 'step.enter':
        this.titles.set(e.step, e.title);
        return;
      case 'check.start': {
        // A parameter still written {{...}} was never filled (the fact it needs was not found): it names no node.
        const node = typeof e.params.node === 'string' && !e.params.node.includes('{{') ? e.params.node : null;
        this.checks.push({
          step: e.step,
          title: this.titles.get(e.step) ?? e.step,
          check: e.check,
          command: e.command,
          node,
        });
        return;
      }
      case 'check.result': {
        let entry = this.checks.findLast((c) => c.step === e.step && c.outcome === undefined);
        if (!entry) {
          // A check that timed out before it started, or never reported its start.
          entry = { step: e.step, title: this.titles.get(e.step) ?? e.step, check: e.check, command: '', node: null };
          this.checks.push(entry);
        }
        entry.outcome = e.outcome;
        entry.summary = e.summary;
        entry.evidence = e.evidence;
        entry.verdict = e.verdict;
        entry.errorKind = typeof e.facts.errorKind === 'string' ? e.facts.errorKind : e.timedOut ? 'timeout' : null;
        return;
      }
      case 'answer':
        this.labels.set(e.step, e.label);
        return;
      default:
        return;
    }
  }

  /** The first check that declares `fact` among its facts and looked without error: it found the fact absent. */
  foundAbsentBy(fact: string, declared: (check: string) => readonly string[]): string | null {
    return (
      this.checks.find((c) => c.outcome !== undefined && c.outcome !== 'error' && declared(c.check).includes(fact))
        ?.check ?? null
    );
  }

  labelOf(step: string): string | undefined {
    return this.labels.get(step);
  }
}

/** What could not be seen and how to see it, what was seen, and which answers nobody gave. */
export function accountOf(
  log: WalkLog,
  spec: RunbookSpec,
  path: readonly PathEntry[],
  outcome: SessionOutcome,
): Omit<WalkAccount, 'unconfirmed' | 'catalogError' | 'candidates'> {
  const onPath = new Set(path.map((p) => p.step));
  const done = log.checks.filter((c) => c.outcome !== undefined && onPath.has(c.step));
  const unseen: UnseenCheck[] = done
    .filter((c) => c.outcome === 'error' && c.errorKind !== 'not-applicable')
    .map((c) => ({
      step: c.step,
      title: c.title,
      check: c.check,
      summary: c.summary ?? '',
      errorKind: c.errorKind ?? null,
      command: c.command || howToSee(spec, c.step),
      node: c.node,
    }));
  // A diagnosis says its own findings; an incomplete walk lists what it still knows.
  const seen: SeenFinding[] =
    outcome === 'diagnosis'
      ? []
      : done
          .filter((c) => c.verdict === 'finding')
          .map((c) => ({
            step: c.step,
            title: c.title,
            check: c.check,
            outcome: c.outcome ?? '',
            summary: c.summary ?? '',
          }));
  const defaultsUsed: DefaultAnswer[] = path
    .filter((p) => p.answeredBy === 'default')
    .map((p) => ({ step: p.step, choice: p.outcome, label: log.labelOf(p.step) ?? p.outcome }));
  return { unseen, seen, defaultsUsed, anomalies: [], lookNext: [] };
}

function howToSee(spec: RunbookSpec, step: string): string {
  const s = spec.steps[step];
  return s?.type === 'check' ? `plumbline check ${s.check}` : '';
}

/** One line a person can act on: why the check could not look, and what to do about it. */
export function seeItHint(u: Pick<UnseenCheck, 'errorKind' | 'node'>): string {
  switch (u.errorKind) {
    case 'unreachable':
    case 'not-possible':
    case 'declined':
    case 'command-missing':
      return u.node
        ? `run it on ${u.node} yourself, or re-run with another --node-access (ssh, kubectl-debug, manual to paste its output)`
        : 'check the kube context, VPN or proxy, then re-run';
    case 'not-collected':
      return u.node
        ? `it was not collected: run it on ${u.node} and paste its output (--node-access manual)`
        : 'it was not collected: run it and look';
    case 'auth':
    case 'unauthorized':
      return 'the credentials were refused: fix the kubeconfig or ssh credentials, then re-run';
    case 'forbidden':
      return 'RBAC forbids this read: run it with a role that may (kubectl auth can-i), or ask a cluster admin';
    case 'timeout':
      return 'it timed out: run it by hand and wait for it';
    default:
      return 'run it by hand';
  }
}

/** The path with what each check on it saw: its n-th visit of a step gets that step's n-th result. */
export function pathWithResults(path: readonly PathEntry[], log: WalkLog): WalkPathEntry[] {
  const visits = new Map<string, number>();
  return path.map((p) => {
    if (p.check === null) return p;
    const n = visits.get(p.step) ?? 0;
    visits.set(p.step, n + 1);
    const c = log.checks.filter((x) => x.step === p.step && x.outcome !== undefined)[n];
    return c ? { ...p, title: c.title, summary: c.summary ?? '', evidence: c.evidence ?? [], command: c.command } : p;
  });
}
