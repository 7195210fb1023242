import type { IncludeSpec, RunbookSpec, StepSpec } from './schema.js';
import { branches, isSpecialTarget } from './structure.js';

/** An include resolved to the runbook it names, already flat itself (its own includes inlined). */
export interface ResolvedInclude {
  include: IncludeSpec;
  spec: RunbookSpec;
}

/** `nn.kubelet-service` → `nn`; a step of this runbook has no prefix. */
export function includePrefix(stepId: string): string | undefined {
  const dot = stepId.indexOf('.');
  return dot > 0 ? stepId.slice(0, dot) : undefined;
}

const inputRef = /\{\{\s*inputs\.([A-Za-z0-9_]+)\s*\}\}/g;

/**
 * The included runbook's inputs as the including one gives them: `with`
 * (itself a template over the including runbook's inputs and facts), else the
 * input's default, else empty (an optional input nobody gave).
 */
export function inputBindings(inc: ResolvedInclude): Record<string, string> {
  const out: Record<string, string> = {};
  for (const input of inc.spec.inputs) {
    const given = inc.include.with[input.name];
    out[input.name] = given !== undefined ? String(given) : (input.default ?? '');
  }
  return out;
}

/** Substitutes `{{inputs.x}}` in every string of a value; facts stay, as facts are shared by the whole walk. */
function bindInputs<T>(value: T, bindings: Record<string, string>): T {
  if (typeof value === 'string') return value.replace(inputRef, (m, name: string) => bindings[name] ?? m) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => bindInputs(v, bindings)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bindInputs(v as unknown, bindings)])) as T;
  }
  return value;
}

/** The same step with every target (and an action's verify step) renamed. */
function retarget(step: StepSpec, rename: (t: string) => string, renameStep: (id: string) => string): StepSpec {
  switch (step.type) {
    case 'check':
      return { ...step, next: Object.fromEntries(Object.entries(step.next).map(([o, t]) => [o, rename(t)])) };
    case 'ask':
      return {
        ...step,
        choices: Object.fromEntries(Object.entries(step.choices).map(([c, v]) => [c, { ...v, next: rename(v.next) }])),
      };
    case 'action':
      return {
        ...step,
        next: { done: rename(step.next.done), declined: rename(step.next.declined), failed: rename(step.next.failed) },
        ...(step.verify ? { verify: renameStep(step.verify) } : {}),
      };
    case 'diagnosis':
      return step;
  }
}

/**
 * Inlines every included runbook: its steps join as `<as>.<step>`, its inputs
 * bound by `with`, its ends mapped to the include's `onNoFinding` /
 * `onBottomUp` / `onIncomplete`. A target naming just `<as>` is the included
 * runbook's start. Included steps the walk can never reach (an included
 * runbook's own bottom-up sweep, say) are dropped; this runbook's own
 * unreachable steps stay, for lint to report.
 */
export function flattenIncludes(spec: RunbookSpec, included: readonly ResolvedInclude[]): RunbookSpec {
  if (included.length === 0) return spec;
  const starts = new Map(included.map((inc) => [inc.include.as, `${inc.include.as}.${inc.spec.start}`]));
  const own = (t: string) => starts.get(t) ?? t;
  const steps: Record<string, StepSpec> = {};
  for (const [id, step] of Object.entries(spec.steps)) steps[id] = retarget(step, own, (s) => s);

  for (const inc of included) {
    const { as } = inc.include;
    const ends: Record<string, string> = {
      '$no-finding': own(inc.include.onNoFinding ?? '$no-finding'),
      '$bottom-up': own(inc.include.onBottomUp ?? '$bottom-up'),
      $incomplete: own(inc.include.onIncomplete ?? '$incomplete'),
    };
    const rename = (t: string) => (isSpecialTarget(t) ? (ends[t] ?? t) : `${as}.${t}`);
    const bindings = inputBindings(inc);
    for (const [id, step] of Object.entries(inc.spec.steps)) {
      steps[`${as}.${id}`] = retarget(bindInputs(step, bindings), rename, (s) => `${as}.${s}`);
    }
  }

  // An included runbook's own includes stay known under their full prefix (`wd.holder`), with their ends
  // renamed as their steps are, so honesty's fallback rule still sees where a nested walk falls back to.
  const nested = included.flatMap((inc) =>
    inc.spec.include.map((n) => ({
      ...n,
      as: `${inc.include.as}.${n.as}`,
      ...(n.onIncomplete !== undefined
        ? { onIncomplete: isSpecialTarget(n.onIncomplete) ? n.onIncomplete : `${inc.include.as}.${n.onIncomplete}` }
        : {}),
    })),
  );
  const flat: RunbookSpec = {
    ...spec,
    include: [...spec.include, ...nested],
    start: own(spec.start),
    ...(spec.bottomUp ? { bottomUp: own(spec.bottomUp) } : {}),
    steps,
  };
  const used = usedSteps(flat);
  for (const id of Object.keys(steps)) {
    if (includePrefix(id) !== undefined && starts.has(includePrefix(id) ?? '') && !used.has(id)) delete steps[id];
  }
  return flat;
}

/** Steps the walk can enter from either phase's first step, and the check steps actions verify with. */
export function usedSteps(spec: RunbookSpec): Set<string> {
  const seen = new Set<string>();
  const verified: string[] = [];
  const queue = [spec.start, ...(spec.bottomUp ? [spec.bottomUp] : [])];
  while (queue.length > 0) {
    const id = queue.pop() ?? '';
    if (seen.has(id) || isSpecialTarget(id)) continue;
    const step = spec.steps[id];
    if (!step) continue;
    seen.add(id);
    for (const b of branches(step)) queue.push(b.target);
    // Only the verify step itself: the action runs its check, the walk never takes its branches from there.
    if (step.type === 'action' && step.verify) verified.push(step.verify);
  }
  for (const id of verified) seen.add(id);
  return seen;
}
