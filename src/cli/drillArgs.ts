import type { Difficulty } from '../training/record.js';
import { difficulties } from '../training/record.js';
import { UsageError } from './usageError.js';

export interface DrillFlags {
  /** walk: the plain walk (no predictions, no score); guided and free are training drills. */
  mode: 'walk' | 'guided' | 'free';
  random: boolean;
  seed: number | undefined;
  difficulty: Difficulty | undefined;
  history: boolean;
  instructor: boolean;
}

export interface DrillValues {
  guided?: boolean | undefined;
  free?: boolean | undefined;
  random?: boolean | undefined;
  seed?: string | undefined;
  difficulty?: string | undefined;
  history?: boolean | undefined;
  instructor?: boolean | undefined;
}

export function drillFlags(v: DrillValues): DrillFlags {
  if (v.guided && v.free) throw new UsageError('--guided and --free are two modes; pick one');
  const seed = v.seed === undefined ? undefined : Number(v.seed);
  if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0))
    throw new UsageError(`--seed must be a whole number, not "${v.seed}"`);
  const difficulty = v.difficulty;
  if (difficulty !== undefined && !(difficulties as readonly string[]).includes(difficulty)) {
    throw new UsageError(`--difficulty must be one of ${difficulties.join(', ')}, not "${difficulty}"`);
  }
  if ((seed !== undefined || difficulty !== undefined) && !v.random)
    throw new UsageError('--seed and --difficulty go with --random');
  return {
    mode: v.guided ? 'guided' : v.free ? 'free' : 'walk',
    random: v.random ?? false,
    seed,
    difficulty: difficulty as Difficulty | undefined,
    history: v.history ?? false,
    instructor: v.instructor ?? false,
  };
}
