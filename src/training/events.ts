import type { Layer } from '../checks/types.js';
import type { Debrief } from './debrief.js';
import type { Difficulty, DrillMode } from './record.js';

/**
 * What a training drill adds to a session's transcript, beside the engine's
 * events: the trainee's predictions, hints, picks and the debrief.
 */
export type DrillEvent =
  | {
      type: 'drill.start';
      mode: DrillMode;
      scenario: string;
      seed: number | null;
      difficulty: Difficulty | null;
      hints: number;
    }
  | { type: 'drill.prediction'; step: string; check: string; layer: Layer; predicted: string }
  | { type: 'drill.hint'; index: number; text: string }
  | { type: 'drill.pick'; diagnosis: string; correct: boolean }
  /** The trainee gave up picking: the answer is shown. */
  | { type: 'drill.reveal'; diagnosis: string | null }
  | { type: 'drill.debrief'; debrief: Debrief };

export const drillEventTypes = [
  'drill.start',
  'drill.prediction',
  'drill.hint',
  'drill.pick',
  'drill.reveal',
  'drill.debrief',
] as const satisfies readonly DrillEvent['type'][];

export function isDrillEventType(type: string): type is DrillEvent['type'] {
  return (drillEventTypes as readonly string[]).includes(type);
}
