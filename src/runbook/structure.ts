import type { RunbookSpec, SpecialTarget, StepSpec } from './schema.js';
import { specialTargets } from './schema.js';

export type Phase = 'top-down' | 'bottom-up';

export function isSpecialTarget(t: string): t is SpecialTarget {
  return (specialTargets as readonly string[]).includes(t);
}

/** Each branch out of a step: the outcome or choice it is taken on, and where it goes. */
export function branches(step: StepSpec): { on: string; target: string }[] {
  switch (step.type) {
    case 'check':
      return Object.entries(step.next).map(([on, target]) => ({ on, target }));
    case 'ask':
      return Object.entries(step.choices).map(([on, c]) => ({ on, target: c.next }));
    case 'action':
      return Object.entries(step.next).map(([on, target]) => ({ on, target }));
    case 'diagnosis':
      return [];
  }
}

/** Steps reachable from `from` without crossing into the other phase. */
export function reachable(spec: RunbookSpec, from: string): Set<string> {
  const seen = new Set<string>();
  const queue = [from];
  while (queue.length > 0) {
    const id = queue.pop() ?? '';
    if (seen.has(id) || isSpecialTarget(id)) continue;
    const step = spec.steps[id];
    if (!step) continue;
    seen.add(id);
    for (const b of branches(step)) queue.push(b.target);
  }
  return seen;
}

/**
 * The phase of every non-final step. Diagnoses are shared by both phases; a
 * step that could run in both would blur which pass found what, so lint rejects it.
 */
export function phases(spec: RunbookSpec): { topDown: Set<string>; bottomUp: Set<string> } {
  const onlyWork = (ids: Set<string>) => new Set([...ids].filter((id) => spec.steps[id]?.type !== 'diagnosis'));
  return {
    topDown: onlyWork(reachable(spec, spec.start)),
    bottomUp: spec.bottomUp ? onlyWork(reachable(spec, spec.bottomUp)) : new Set(),
  };
}
