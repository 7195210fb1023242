import type { RunbookSpec } from './schema.js';
import type { AnyCheck } from '../checks/types.js';
import type { CheckStepSpec } from './schema.js';
import { includePrefix } from './include.js';
import { isSpecialTarget, phases } from './structure.js';

export type HealthyLookup = (checkId: string) => Pick<AnyCheck, 'healthy'> | undefined;

/**
 * A check that refines a finding already made (which claim, which holder node,
 * which certificate): its error goes where one of its healthy outcomes goes, so
 * the walk falls back on the finding before it, and the check is listed as not
 * checked beside the diagnosis.
 */
export function fallsBack(step: CheckStepSpec, lookup: HealthyLookup): boolean {
  const error = step.next.error;
  if (error === undefined) return false;
  const healthy = lookup(step.check)?.healthy ?? [];
  return healthy.some((o) => step.next[o] === error);
}

/**
 * An included runbook whose \$incomplete the include sends to a diagnosis
 * (`onIncomplete: volume-multi-attach`) declares that what the sub-walk cannot
 * pin down falls back on the finding that led into it.
 */
export function includeFallsBackTo(spec: RunbookSpec, step: string, diagnosis: string): boolean {
  if (includePrefix(step) === undefined) return false;
  // `wd.holder.x` falls back through the nested include `wd.holder` as well as through `wd`.
  const parts = step.split('.');
  const aliases = parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('.'));
  return spec.include.some((i) => aliases.includes(i.as) && i.onIncomplete === diagnosis);
}

/** Outcomes that say the object itself is gone (deleted since the last step), not what it is like. */
const goneOutcomes = new Set(['not-found', 'container-not-found']);

/**
 * A check whose every outcome, error included, goes to one place (apart from
 * "the object is gone") decides nothing: it only gathers facts for the text
 * (the pod's owner, for a fix). The walk was decided before it.
 */
export function gathersOnly(step: CheckStepSpec): boolean {
  return (
    new Set(
      Object.entries(step.next)
        .filter(([o]) => !goneOutcomes.has(o))
        .map(([, t]) => t),
    ).size === 1
  );
}

/**
 * A diagnosis rests on evidence that was seen (DESIGN.md, principle 9). Its
 * deciding evidence is the last thing the walk learned before it: walking back
 * from the diagnosis, actions (a change, not an observation) and questions
 * answered by their default (nobody said so) are passed over, and so are checks
 * that only gather facts, refinements that fall back on the finding before
 * them, and the steps of an include that falls back on it; the first check
 * outcome, person's answer or verified action decides. A check that errored (could not reach
 * its source, was forbidden, timed out, was not collected) saw nothing, so it
 * can decide only a diagnosis that declares `restsOn: error`: one about the
 * failure to see itself (an RBAC denial that rests on the 403).
 */

/** An edge along which a diagnosis would rest on a check that saw nothing. */
export interface ErrorDecidedEdge {
  /** The check step whose `error` outcome is the deciding evidence. */
  step: string;
  /** The diagnosis reached. */
  diagnosis: string;
  /** Steps passed over between them (actions, default answers), in walk order. */
  via: string[];
}

/** Every diagnosis a walk could reach with an `error` outcome as its deciding evidence: what lint refuses. */
export function errorDecidedEdges(spec: RunbookSpec, lookup: HealthyLookup): ErrorDecidedEdge[] {
  const found: ErrorDecidedEdge[] = [];
  // An action's verify step is run by the action, never walked: its branches are not taken.
  const { topDown, bottomUp } = phases(spec);
  for (const [id, step] of Object.entries(spec.steps)) {
    if (step.type !== 'check' || step.next.error === undefined || gathersOnly(step) || fallsBack(step, lookup))
      continue;
    if (!topDown.has(id) && !bottomUp.has(id)) continue;
    const seen = new Set<string>();
    const walk = (target: string, via: string[]) => {
      if (isSpecialTarget(target) || seen.has(target)) return;
      seen.add(target);
      const next = spec.steps[target];
      if (!next) return;
      switch (next.type) {
        case 'diagnosis':
          if (next.restsOn !== 'error' && !includeFallsBackTo(spec, id, target))
            found.push({ step: id, diagnosis: target, via });
          return;
        case 'action':
          // Declined or failed, an action saw nothing; done (its verify check came back healthy) was seen.
          for (const t of new Set([next.next.declined, next.next.failed])) walk(t, [...via, target]);
          return;
        case 'ask': {
          // A headless walk takes the default: that answer is nobody's evidence.
          const d = next.choices[next.default];
          if (d) walk(d.next, [...via, target]);
          return;
        }
        case 'check':
          return;
      }
    };
    walk(step.next.error, []);
  }
  return found;
}

/** One step of a finished walk, as far as honesty needs it. */
export interface WalkedStep {
  step: string;
  check: string | null;
  outcome: string;
  answeredBy?: string;
  notApplicable?: true;
}

/**
 * The step whose result decides a diagnosis reached by this walk, or null when
 * the walk saw nothing at all. Runtime twin of errorDecidedEdges.
 */
export function decidingStep(
  spec: RunbookSpec,
  path: readonly WalkedStep[],
  lookup: HealthyLookup,
  diagnosis?: string,
): WalkedStep | null {
  for (let i = path.length - 1; i >= 0; i--) {
    const entry = path[i];
    if (!entry) continue;
    const step = spec.steps[entry.step];
    if (step?.type === 'action' && entry.outcome !== 'done') continue;
    if (step?.type === 'check' && gathersOnly(step)) continue;
    if (step?.type === 'check' && entry.outcome === 'error' && fallsBack(step, lookup)) continue;
    if (diagnosis !== undefined && includeFallsBackTo(spec, entry.step, diagnosis)) continue;
    if (step?.type === 'ask' && entry.answeredBy === 'default') continue;
    return entry;
  }
  return null;
}

/** True when the walk would end on this diagnosis with nothing seen to stand on. */
export function restsOnError(
  spec: RunbookSpec,
  diagnosis: string,
  path: readonly WalkedStep[],
  lookup: HealthyLookup,
): WalkedStep | null {
  const step = spec.steps[diagnosis];
  if (step?.type !== 'diagnosis' || step.restsOn === 'error') return null;
  const deciding = decidingStep(spec, path, lookup, diagnosis);
  return deciding && deciding.check !== null && deciding.outcome === 'error' ? deciding : null;
}

/**
 * For a diagnosis reached by elimination (`restsOn: every-check`): the first
 * check on the walk's path that could not look, which leaves the elimination
 * unfinished; null when every check looked.
 */
export function unseenOnTheWay(spec: RunbookSpec, diagnosis: string, path: readonly WalkedStep[]): WalkedStep | null {
  const step = spec.steps[diagnosis];
  if (step?.type !== 'diagnosis' || step.restsOn !== 'every-check') return null;
  return path.find((p) => p.check !== null && p.outcome === 'error' && !p.notApplicable) ?? null;
}
