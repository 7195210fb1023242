import type { Layer, Verdict } from '../checks/types.js';

/** What one check, or a whole layer, concluded: the check declares which outcomes are healthy. */
export type { Verdict };

const weight: Record<Verdict, number> = { ok: 0, error: 1, finding: 2 };

/** A layer concludes the most telling thing seen in it: a finding beats "could not check" beats ok. */
export function combineVerdicts(a: Verdict | undefined, b: Verdict): Verdict {
  return a !== undefined && weight[a] >= weight[b] ? a : b;
}

export type LayerVerdicts = Partial<Record<Layer, Verdict>>;
