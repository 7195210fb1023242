import { describe, expect, it } from 'vitest';
import { runbook } from '../../src/runbook/schema.js';
import type { RunbookSpec } from '../../src/runbook/schema.js';
import { uncoveredDiagnoses } from '../../src/runbook-graph/coverage.js';
import { reachability, shortestPathTo } from '../../src/runbook-graph/paths.js';

const why = 'because';
const diagnosis = (layer: 'pod' | 'node'): RunbookSpec['steps'][string] => ({
  type: 'diagnosis',
  layer,
  why,
  title: 'found',
  chain: ['cause'],
  fix: ['fix'],
  verify: [],
});

/** Two ways to the scheduler's diagnosis: straight, or through an API error and a retry; and a bottom-up sweep. */
const spec: RunbookSpec = runbook.parse({
  id: 'tiny-pod',
  title: 'tiny',
  symptom: 'pod is down',
  start: 'pod-status',
  bottomUp: 'node-ready',
  steps: {
    'pod-status': {
      type: 'check',
      layer: 'pod',
      why,
      check: 'pod.status',
      next: { unscheduled: 'pod-scheduling', running: '$bottom-up', error: 'ask-retry' },
    },
    'ask-retry': {
      type: 'ask',
      layer: 'pod',
      why,
      question: 'retry?',
      default: 'stop',
      choices: { retry: { label: 'retry', next: 'pod-scheduling' }, stop: { label: 'stop', next: '$incomplete' } },
    },
    'pod-scheduling': {
      type: 'check',
      layer: 'pod',
      why,
      check: 'pod.scheduling',
      next: { 'node-selector': 'unschedulable', other: '$bottom-up', error: '$incomplete' },
    },
    'node-ready': {
      type: 'check',
      layer: 'node',
      why,
      check: 'node.ready',
      next: { ready: '$no-finding', 'not-ready': 'node-down', error: '$incomplete' },
    },
    unschedulable: diagnosis('pod'),
    'node-down': diagnosis('node'),
  },
});

describe('shortestPathTo', () => {
  it('gives the step ids from the start to a diagnosis, along outcomes a healthy API returns', () => {
    expect(shortestPathTo(spec, 'unschedulable')).toEqual(['pod-status', 'pod-scheduling', 'unschedulable']);
  });

  it('crosses into the bottom-up sweep when that is the way there', () => {
    expect(shortestPathTo(spec, 'node-down')).toEqual(['pod-status', 'node-ready', 'node-down']);
  });

  it('takes an error branch when only an error leads to the diagnosis', () => {
    const onlyByError: RunbookSpec = {
      ...spec,
      steps: {
        ...spec.steps,
        'pod-status': {
          ...spec.steps['pod-status'],
          next: { unscheduled: '$incomplete', running: '$bottom-up', error: 'ask-retry' },
        } as RunbookSpec['steps'][string],
      },
    };
    expect(shortestPathTo(onlyByError, 'unschedulable')).toEqual([
      'pod-status',
      'ask-retry',
      'pod-scheduling',
      'unschedulable',
    ]);
  });

  it('refuses a step that is not a diagnosis', () => {
    expect(() => shortestPathTo(spec, 'pod-status')).toThrow('runbook tiny-pod has no diagnosis "pod-status"');
  });
});

describe('reachability', () => {
  it('finds every diagnosis and no state a walk cannot leave', () => {
    const r = reachability(spec);
    expect([...r.diagnoses].sort()).toEqual(['node-down', 'unschedulable']);
    expect(r.stuck).toEqual([]);
  });

  it('names the steps of a loop no walk can leave, and the diagnosis it makes unreachable', () => {
    const looping: RunbookSpec = {
      ...spec,
      steps: {
        ...spec.steps,
        'ask-retry': {
          type: 'ask',
          layer: 'pod',
          why,
          question: 'again?',
          default: 'again',
          choices: { again: { label: 'again', next: 'ask-again' } },
        },
        'ask-again': {
          type: 'ask',
          layer: 'pod',
          why,
          question: 'again?',
          default: 'back',
          choices: { back: { label: 'back', next: 'ask-retry' } },
        },
        'pod-scheduling': {
          ...spec.steps['pod-scheduling'],
          next: { 'node-selector': 'ask-retry', other: '$bottom-up', error: '$incomplete' },
        } as RunbookSpec['steps'][string],
      },
    };
    const r = reachability(looping);
    expect(r.stuck).toEqual(['ask-again', 'ask-retry']);
    expect(r.diagnoses.has('unschedulable')).toBe(false);
  });
});

describe('uncoveredDiagnoses', () => {
  const specs = new Map([['tiny-pod', spec]]);

  it('lists the diagnoses no scenario of the runbook expects', () => {
    const scenarios = [
      { id: 'a', runbook: 'tiny-pod', diagnosis: 'unschedulable' },
      { id: 'b', runbook: 'other', diagnosis: 'node-down' },
      { id: 'c', runbook: 'tiny-pod', diagnosis: null },
    ];
    expect(uncoveredDiagnoses('tiny-pod', specs, scenarios)).toEqual(['node-down']);
  });

  it("counts an included runbook's diagnosis covered by that runbook's own scenario", () => {
    const outer: RunbookSpec = {
      ...spec,
      id: 'outer',
      include: [{ runbook: 'tiny-pod', as: 'tp', with: {} }],
      steps: { ...spec.steps, 'tp.unschedulable': diagnosis('pod'), 'tp.node-down': diagnosis('node') },
    };
    const both = new Map([...specs, ['outer', outer]]);
    const scenarios = [
      { id: 'a', runbook: 'tiny-pod', diagnosis: 'unschedulable' },
      { id: 'b', runbook: 'outer', diagnosis: 'unschedulable' },
      { id: 'c', runbook: 'outer', diagnosis: 'node-down' },
    ];
    expect(uncoveredDiagnoses('outer', both, scenarios)).toEqual(['tp.node-down']);
  });
});
