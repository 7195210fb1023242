import type { Layer } from '../checks/types.js';
import type { ScoreBreakdown } from './score.js';

export type DrillMode = 'guided' | 'free';
export const difficulties = ['easy', 'medium', 'hard'] as const;
export type Difficulty = (typeof difficulties)[number];

/** One prediction: what the trainee said a check would find, and what it found. */
export interface Prediction {
  step: string;
  check: string;
  layer: Layer;
  predicted: string;
  /** null until the check returns. */
  actual: string | null;
  /** null: not scored (the check could not run, or the drill ended first). */
  right: boolean | null;
}

/** Everything a finished drill is judged on: the debrief, the score and the history line all come from it. */
export interface DrillRecord {
  v: 1;
  /** When the drill ended (ISO 8601). */
  at: string;
  scenario: string;
  runbook: string;
  mode: DrillMode;
  seed: number | null;
  difficulty: Difficulty | null;
  expected: string | null;
  /** Diagnoses the trainee picked, in order; the last one is the answer when `correct`. */
  picks: string[];
  correct: boolean;
  /** Check steps run, in order. */
  checksRun: string[];
  /** Check steps on the shortest path to the expected diagnosis; null when unknown. */
  shortestPath: string[] | null;
  predictions: Prediction[];
  hintsUsed: number;
  durationMs: number;
  score: ScoreBreakdown;
  transcript: string | null;
}
