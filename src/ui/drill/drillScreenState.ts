import type { EndReason } from '../../engine/events.js';
import type { StepStatus } from '../walkReducer.js';

export type DrillScreenState = 'choose' | 'predict' | 'ask' | 'action' | 'running' | 'pick' | 'debrief' | 'done';

/** What decides the drill screen's state: the tracker's outcome, the session's end, and the step in progress. */
export interface DrillStateInput {
  /** The debrief is out (a right pick, or giving up). */
  debriefed: boolean;
  /** How the walk ended, or null while it runs. */
  ended: EndReason | null;
  /** Free mode: the trainee picks the checks. */
  free: boolean;
  /** The step in progress, if any. */
  active: { kind: 'check' | 'ask' | 'action'; status: StepStatus; awaitingDecision: boolean } | null;
  /** A guided drill's check waits for the trainee's prediction. */
  needsPrediction: boolean;
}

/**
 * The drill screen's state, in order of precedence: the debrief once out; at
 * the walk's end, naming the root cause (or done, when it was cut short); then
 * what the step in progress waits for.
 */
export function drillScreenState(s: DrillStateInput): DrillScreenState {
  if (s.debriefed) return 'debrief';
  if (s.ended) return s.ended === 'finished' ? 'pick' : 'done';
  if (s.free && !s.active) return 'choose';
  if (s.needsPrediction) return 'predict';
  if (s.active?.status === 'asking') return 'ask';
  if (s.active?.kind === 'action' && s.active.awaitingDecision) return 'action';
  return 'running';
}
