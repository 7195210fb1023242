import type { RunbookSpec } from '../runbook/schema.js';
import type { Difficulty } from './record.js';
import { checksOn, shortestCheckPath } from './shortestPath.js';

/**
 * How hard a drill is, from its runbook alone: the checks the shortest walk to
 * its root cause runs. Up to two is easy, up to four medium, more is hard; a
 * drill with nothing to find (or whose answer no path reaches) is hard, since
 * only the whole sweep can say so. Shown instead of the cause on the home screen.
 */
export function drillDifficulty(spec: RunbookSpec, expectedDiagnosis: string | null): Difficulty {
  const path = expectedDiagnosis === null ? null : shortestCheckPath(spec, expectedDiagnosis);
  if (!path) return 'hard';
  const checks = checksOn(path);
  return checks <= 2 ? 'easy' : checks <= 4 ? 'medium' : 'hard';
}

/** The scale benchmarks (`scale-*`) are bundled as scenarios for `npm run bench`, not as drills to practise. */
export function isBenchmarkScenario(name: string): boolean {
  return name.startsWith('scale-');
}
