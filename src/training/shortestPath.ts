import type { RunbookSpec, StepSpec } from '../runbook/schema.js';

export interface PathStep {
  step: string;
  kind: StepSpec['type'];
  title: string;
  layer: string;
  /** For a check step: the check it runs. */
  check: string | null;
}

/**
 * The path from the runbook's start to a diagnosis that runs the fewest
 * checks (questions and actions cost nothing: a trainee does not pick them),
 * avoiding `error` outcomes and failed actions when it can.
 * `$bottom-up` leads to the sweep's first step; other special targets and
 * references into included runbooks end a branch. Null when unreachable.
 */
export function shortestCheckPath(spec: RunbookSpec, diagnosis: string): PathStep[] | null {
  if (spec.steps[diagnosis]?.type !== 'diagnosis') return null;
  // A drill teaches the walk a working API gives: error branches only when nothing else gets there.
  return search(spec, diagnosis, false) ?? search(spec, diagnosis, true);
}

function search(spec: RunbookSpec, diagnosis: string, withFailures: boolean): PathStep[] | null {
  // 0-1 BFS: leaving a check costs one, leaving anything else costs nothing.
  const dist = new Map<string, number>([[spec.start, 0]]);
  const prev = new Map<string, string>();
  const deque: string[] = [spec.start];
  while (deque.length > 0) {
    const id = deque.shift()!;
    const step = spec.steps[id];
    if (!step) continue;
    const cost = step.type === 'check' ? 1 : 0;
    const base = dist.get(id)!;
    for (const raw of successors(step, withFailures)) {
      const next = raw === '$bottom-up' ? spec.bottomUp : raw;
      if (!next || !spec.steps[next]) continue;
      const d = base + cost;
      if (d >= (dist.get(next) ?? Infinity)) continue;
      dist.set(next, d);
      prev.set(next, id);
      if (cost === 0) deque.unshift(next);
      else deque.push(next);
    }
  }
  if (!dist.has(diagnosis)) return null;
  const ids: string[] = [];
  for (let at: string | undefined = diagnosis; at !== undefined; at = prev.get(at)) ids.unshift(at);
  return ids.map((id) => {
    const step = spec.steps[id]!;
    return {
      step: id,
      kind: step.type,
      title: step.title ?? id,
      layer: step.layer,
      check: step.type === 'check' ? step.check : null,
    };
  });
}

/** The number of checks a path runs. */
export function checksOn(path: readonly PathStep[]): number {
  return path.filter((p) => p.kind === 'check').length;
}

function successors(step: StepSpec, withFailures: boolean): string[] {
  switch (step.type) {
    case 'check':
      return Object.entries(step.next).flatMap(([outcome, next]) =>
        withFailures || outcome !== 'error' ? [next] : [],
      );
    case 'ask':
      return Object.values(step.choices).map((c) => c.next);
    case 'action':
      return Object.entries(step.next).flatMap(([result, next]) => (withFailures || result !== 'failed' ? [next] : []));
    case 'diagnosis':
      return [];
  }
}
