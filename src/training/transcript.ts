import { z } from 'zod';
import { layers } from '../checks/types.js';
import type { DrillEvent } from './events.js';

/** A drill event as a transcript line: with the same envelope as the engine's events. */
export type DrillTranscriptEvent = DrillEvent & { v: number; seq: number; t: string };

const layer = z.enum(layers);

/** The fields a reader relies on, per drill event type; loose, as the engine's are. */
export const drillEventSchemas: Record<DrillEvent['type'], z.ZodType> = {
  'drill.start': z.looseObject({
    mode: z.enum(['guided', 'free']),
    scenario: z.string(),
    seed: z.number().nullable(),
    difficulty: z.enum(['easy', 'medium', 'hard']).nullable(),
    hints: z.number(),
  }),
  'drill.prediction': z.looseObject({ step: z.string(), check: z.string(), layer, predicted: z.string() }),
  'drill.hint': z.looseObject({ index: z.number().int().positive(), text: z.string() }),
  'drill.pick': z.looseObject({ diagnosis: z.string(), correct: z.boolean() }),
  'drill.reveal': z.looseObject({ diagnosis: z.string().nullable() }),
  'drill.debrief': z.looseObject({
    debrief: z.looseObject({
      scenario: z.string(),
      correct: z.boolean(),
      durationMs: z.number(),
      checksRun: z.array(z.looseObject({ step: z.string(), title: z.string() })),
      shortestPath: z.array(z.looseObject({ step: z.string(), title: z.string() })).nullable(),
      predictions: z.array(z.looseObject({ step: z.string(), predicted: z.string() })),
      hints: z.array(z.string()),
      score: z.looseObject({ total: z.number() }),
      maxScore: z.number(),
      chain: z.array(z.string()),
      fix: z.array(z.string()),
      readNext: z.array(z.string()),
    }),
  }),
};
