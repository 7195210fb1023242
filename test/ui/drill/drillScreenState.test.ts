import { describe, expect, it } from 'vitest';
import type { DrillScreenState, DrillStateInput } from '../../../src/ui/drill/drillScreenState.js';
import { drillScreenState } from '../../../src/ui/drill/drillScreenState.js';

const base: DrillStateInput = { debriefed: false, ended: null, free: false, active: null, needsPrediction: false };
const check = { kind: 'check' as const, status: 'waiting' as const, awaitingDecision: false };

describe('drillScreenState', () => {
  it.each<[string, Partial<DrillStateInput>, DrillScreenState]>([
    ['the debrief wins over everything', { debriefed: true, ended: 'finished', needsPrediction: true }, 'debrief'],
    ['a finished walk asks for the root cause', { ended: 'finished' }, 'pick'],
    ['a walk cut short is done, nothing to pick', { ended: 'quit' }, 'done'],
    ['a crash is done too', { ended: 'crashed', free: true }, 'done'],
    ['free mode with no step running: choose the next check', { free: true }, 'choose'],
    ['free mode while a check runs', { free: true, active: { ...check, status: 'running' } }, 'running'],
    ['guided: a waiting check asks for a prediction', { active: check, needsPrediction: true }, 'predict'],
    ['a question step asks', { active: { kind: 'ask', status: 'asking', awaitingDecision: false } }, 'ask'],
    ['an action waits for y/n', { active: { kind: 'action', status: 'waiting', awaitingDecision: true } }, 'action'],
    [
      'an action already decided runs',
      { active: { kind: 'action', status: 'running', awaitingDecision: false } },
      'running',
    ],
    ['a predicted check runs', { active: { ...check, status: 'running' } }, 'running'],
    ['nothing entered yet', {}, 'running'],
  ])('%s', (_name, input, expected) => {
    expect(drillScreenState({ ...base, ...input })).toBe(expected);
  });
});
