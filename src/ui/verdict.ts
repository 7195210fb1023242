import type { Layer } from '../checks/types.js';

/** What one check, or a whole layer, concluded. */
export type Verdict = 'ok' | 'finding' | 'error';

/**
 * Outcomes that mean "nothing wrong here". Checks do not declare this yet, so
 * the UI keeps the list; everything else but `error` counts as a finding.
 */
const healthyOutcomes: ReadonlySet<string> = new Set(['running', 'ready', 'scheduled', 'no-warnings', 'ok', 'healthy']);

export function verdictOf(outcome: string, timedOut = false): Verdict {
  if (outcome === 'error' || timedOut) return 'error';
  return healthyOutcomes.has(outcome) ? 'ok' : 'finding';
}

const weight: Record<Verdict, number> = { ok: 0, error: 1, finding: 2 };

/** A layer concludes the most telling thing seen in it: a finding beats "could not check" beats ok. */
export function combineVerdicts(a: Verdict | undefined, b: Verdict): Verdict {
  return a !== undefined && weight[a] >= weight[b] ? a : b;
}

export type LayerVerdicts = Partial<Record<Layer, Verdict>>;
