/**
 * The drill score: deterministic, documented in docs/training.md. Correctness
 * weighs most; efficiency, predictions and time share the rest; each hint costs.
 */

export interface ScoreInput {
  /** The trainee ended on the expected diagnosis (after any number of wrong picks); false: gave up or quit. */
  correct: boolean;
  /** Diagnoses picked before the right one. */
  wrongPicks: number;
  /** Checks run during the drill. */
  checksRun: number;
  /** Checks on the shortest path from the runbook's start to the expected diagnosis; null when unknown. */
  shortestPath: number | null;
  predictionsRight: number;
  predictionsWrong: number;
  hintsUsed: number;
  durationMs: number;
}

export interface ScoreBreakdown {
  correctness: number;
  efficiency: number;
  predictions: number;
  time: number;
  /** Points taken off for hints (a positive number). */
  hintPenalty: number;
  total: number;
}

export const scoreWeights = {
  correctness: 500,
  wrongPickCost: 100,
  correctnessFloor: 100,
  efficiency: 200,
  predictions: 200,
  time: 100,
  hintCost: 50,
  /** Par time: a fixed minute to read the page, then this per check on the shortest path. */
  parBaseMs: 60_000,
  parPerCheckMs: 45_000,
} as const;

export const maxScore =
  scoreWeights.correctness + scoreWeights.efficiency + scoreWeights.predictions + scoreWeights.time;

/** Par time for a drill whose shortest path has `shortestPath` checks. */
export function parTimeMs(shortestPath: number | null): number {
  return scoreWeights.parBaseMs + scoreWeights.parPerCheckMs * Math.max(1, shortestPath ?? 1);
}

export function scoreDrill(input: ScoreInput): ScoreBreakdown {
  const w = scoreWeights;
  const correctness = input.correct
    ? Math.max(w.correctnessFloor, w.correctness - w.wrongPickCost * input.wrongPicks)
    : 0;
  const checks = Math.max(1, input.checksRun);
  // No shortest path known: the trainee's own path is taken as the measure (full marks for efficiency).
  const shortest = input.shortestPath ?? checks;
  const efficiencyRatio = input.checksRun === 0 ? 0 : Math.min(1, shortest / checks);
  // Speed and economy only count towards the right answer: a drill given up earns neither.
  const efficiency = input.correct ? Math.round(w.efficiency * efficiencyRatio) : 0;
  const asked = input.predictionsRight + input.predictionsWrong;
  // Free mode asks for no predictions: choosing the checks is the reasoning scored, so the share follows efficiency.
  const predictions = Math.round(
    w.predictions * (asked === 0 ? (input.correct ? efficiencyRatio : 0) : input.predictionsRight / asked),
  );
  const par = parTimeMs(input.shortestPath);
  const over = Math.max(0, input.durationMs - par);
  // Full marks up to par, then linearly down to nothing at three times par.
  const time = input.correct ? Math.round(w.time * Math.max(0, 1 - over / (2 * par))) : 0;
  const hintPenalty = w.hintCost * input.hintsUsed;
  const total = Math.max(0, correctness + efficiency + predictions + time - hintPenalty);
  return { correctness, efficiency, predictions, time, hintPenalty, total };
}
