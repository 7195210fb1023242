import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/engine/events.js';
import type { WalkState } from '../../src/ui/walkReducer.js';
import { initialWalkState, splitSteps, visibleEvidence, walkReducer } from '../../src/ui/walkReducer.js';
import { diagnosis, ev } from './fixtures.js';

const fold = (events: SessionEvent[]): WalkState => events.reduce(walkReducer, initialWalkState);
const statuses = (s: WalkState) => s.steps.map((x) => `${x.step}:${x.status}`);

describe('walkReducer', () => {
  it.each<[string, SessionEvent[], Partial<WalkState> & { statuses?: string[] }]>([
    ['nothing yet', [], { steps: [], currentLayer: null, end: null }],
    [
      'session started: knows the runbook, no step yet',
      [ev.start()],
      {
        session: {
          runbook: 'workload-down',
          runbookTitle: 'A pod will not start or keeps restarting',
          mode: 'drill',
          scenario: 'pod-pending-node-selector',
          context: 'plumbline-drill',
        },
        statuses: [],
      },
    ],
    [
      'a check step entered waits (step mode)',
      [ev.start(), ev.enter('pod-status')],
      { currentLayer: 'pod', statuses: ['pod-status:waiting'], layers: {} },
    ],
    [
      'its check started runs',
      [ev.start(), ev.enter('pod-status'), ev.checkStart('pod-status')],
      { statuses: ['pod-status:running'] },
    ],
    [
      'a finding marks the layer',
      [ev.start(), ev.enter('pod-status'), ev.checkStart('pod-status'), ev.result('pod-status', 'unscheduled')],
      { statuses: ['pod-status:done'], layers: { pod: 'finding' } },
    ],
    [
      'a healthy outcome marks the layer ok, and the walk moves down',
      [
        ev.start(),
        ev.enter('node-ready', 'node'),
        ev.checkStart('node-ready'),
        ev.result('node-ready', 'ready'),
        ev.enter('sweep', 'cluster'),
      ],
      { statuses: ['node-ready:done', 'sweep:waiting'], layers: { node: 'ok' }, currentLayer: 'cluster' },
    ],
    [
      'a check that could not check marks the layer error',
      [ev.start(), ev.enter('pod-status'), ev.checkStart('pod-status'), ev.result('pod-status', 'error')],
      { layers: { pod: 'error' } },
    ],
    [
      'a timed-out check is an error whatever its outcome',
      [ev.start(), ev.enter('pod-status'), ev.result('pod-status', 'running', true)],
      { layers: { pod: 'error' } },
    ],
    [
      'a finding in a layer outweighs an earlier ok there',
      [ev.start(), ev.enter('a'), ev.result('a', 'running'), ev.enter('b'), ev.result('b', 'image-pull-failed')],
      { layers: { pod: 'finding' } },
    ],
    [
      'an ask step asks',
      [ev.start(), ev.enter('ask-api-error', 'pod', 'ask'), ev.ask('ask-api-error')],
      { statuses: ['ask-api-error:asking'] },
    ],
    [
      'an answered ask is finished, with its answer',
      [ev.start(), ev.enter('ask-api-error', 'pod', 'ask'), ev.ask('ask-api-error'), ev.answer('ask-api-error')],
      { statuses: ['ask-api-error:answered'] },
    ],
    [
      'a step entered again is a new entry; events update the newest',
      [
        ev.start(),
        ev.enter('pod-status'),
        ev.result('pod-status', 'error'),
        ev.enter('ask', 'pod', 'ask'),
        ev.answer('ask'),
        ev.enter('pod-status'),
        ev.checkStart('pod-status'),
      ],
      { statuses: ['pod-status:done', 'ask:answered', 'pod-status:running'] },
    ],
    [
      'a diagnosis step adds no step; layers keep what their checks concluded',
      [
        ev.start(),
        ev.enter('pod-status'),
        ev.result('pod-status', 'running'),
        ev.enter('pod-healthy', 'pod', 'diagnosis'),
        ev.diagnosis('pod'),
      ],
      { statuses: ['pod-status:done'], layers: { pod: 'ok' }, diagnosis },
    ],
    [
      'the end leaves no current layer',
      [ev.start(), ev.enter('pod-status'), ev.result('pod-status', 'unscheduled'), ev.diagnosis(), ev.end()],
      { currentLayer: null, end: { outcome: 'diagnosis', reason: 'finished' } },
    ],
    [
      'quitting ends it without an outcome',
      [ev.start(), ev.enter('pod-status'), ev.end(null, 'quit')],
      { end: { outcome: null, reason: 'quit' }, statuses: ['pod-status:waiting'] },
    ],
    [
      'events for a step never entered change nothing',
      [ev.start(), ev.checkStart('ghost'), ev.result('ghost', 'running')],
      { statuses: [], layers: {} },
    ],
  ])('%s', (_name, events, expected) => {
    const { statuses: expectedStatuses, ...rest } = expected;
    const state = fold(events);
    expect(state).toMatchObject(rest);
    if (expectedStatuses) expect(statuses(state)).toEqual(expectedStatuses);
  });

  it('keeps the command and the result of a finished check', () => {
    const state = fold([
      ev.start(),
      ev.enter('pod-status'),
      ev.checkStart('pod-status'),
      ev.result('pod-status', 'unscheduled'),
    ]);
    expect(state.steps[0]).toMatchObject({
      command: 'kubectl for pod-status',
      result: {
        outcome: 'unscheduled',
        summary: 'pod-status is unscheduled',
        evidence: [{ label: 'phase', value: 'Pending' }],
        durationMs: 12,
        verdict: 'finding',
      },
    });
  });

  it('starts afresh on a new session', () => {
    const state = fold([ev.start(), ev.enter('pod-status'), ev.result('pod-status', 'error'), ev.start()]);
    expect(state.steps).toEqual([]);
    expect(state.layers).toEqual({});
  });
});

describe('splitSteps', () => {
  const names = (s: ReturnType<typeof splitSteps>) => ({
    settled: s.settled.map((x) => x.step),
    latest: s.latest?.step ?? null,
    active: s.active?.step ?? null,
  });

  it.each<[string, SessionEvent[], { settled: string[]; latest: string | null; active: string | null }]>([
    ['first step waiting', [ev.start(), ev.enter('a')], { settled: [], latest: null, active: 'a' }],
    [
      'first done, second waiting: the done one stays in full',
      [ev.start(), ev.enter('a'), ev.result('a', 'unscheduled'), ev.enter('b')],
      { settled: [], latest: 'a', active: 'b' },
    ],
    [
      'older finished steps settle into the scrollback',
      [ev.start(), ev.enter('a'), ev.result('a', 'x'), ev.enter('b'), ev.result('b', 'y'), ev.enter('c')],
      { settled: ['a'], latest: 'b', active: 'c' },
    ],
    [
      'at the end every finished step settles',
      [ev.start(), ev.enter('a'), ev.result('a', 'x'), ev.enter('b'), ev.result('b', 'y'), ev.diagnosis(), ev.end()],
      { settled: ['a', 'b'], latest: null, active: null },
    ],
    [
      'quit while a step waits: it is dropped',
      [ev.start(), ev.enter('a'), ev.result('a', 'x'), ev.enter('b'), ev.end(null, 'quit')],
      { settled: ['a'], latest: null, active: null },
    ],
  ])('%s', (_name, events, expected) => {
    expect(names(splitSteps(fold(events)))).toEqual(expected);
  });
});

describe('visibleEvidence', () => {
  it('drops evidence that only repeats the summary', () => {
    const result = {
      outcome: 'error',
      summary: 'forbidden: pods is forbidden',
      evidence: [
        { label: 'error', value: 'forbidden: pods is forbidden' },
        { label: 'user', value: 'oncall' },
      ],
      durationMs: 3,
      timedOut: false,
      verdict: 'error' as const,
    };
    expect(visibleEvidence(result)).toEqual([{ label: 'user', value: 'oncall' }]);
  });
});
