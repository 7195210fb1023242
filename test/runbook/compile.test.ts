import { getShortestPaths } from 'xstate/graph';
import { describe, expect, it } from 'vitest';
import { bundledNames, resolveAsset } from '../../src/assets.js';
import { findCheck } from '../../src/checks/registry.js';
import { compileRunbook, endingOf } from '../../src/runbook/compile.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import { eventsFor, serializeState, stepOf } from '../helpers/runbookEvents.js';

const runbooks = bundledNames('runbooks');

describe.each(runbooks)('runbook %s as a machine', (name) => {
  it('reaches every diagnosis it declares', async () => {
    const { spec } = await loadRunbookFile(resolveAsset('runbooks', name), findCheck);
    const machine = compileRunbook(spec);
    const paths = getShortestPaths(machine, {
      events: eventsFor(spec) as never,
      serializeState,
      input: { inputs: {} },
    });
    const reached = new Set(paths.map((p) => endingOf(spec, p.state.value)?.diagnosis).filter(Boolean));
    const declared = Object.entries(spec.steps)
      .filter(([, s]) => s.type === 'diagnosis')
      .map(([id]) => id);
    expect(declared.length).toBeGreaterThan(0);
    expect([...declared].filter((d) => !reached.has(d))).toEqual([]);
  });

  it('ends every walk in a final state: no state the walk can get stuck in', async () => {
    const { spec } = await loadRunbookFile(resolveAsset('runbooks', name), findCheck);
    const machine = compileRunbook(spec);
    const events = eventsFor(spec);
    // One path to every reachable state (a state is its value, serializeState): a dead end is a
    // reachable state, so this sees every one that simple paths would, without enumerating every
    // simple path (minutes on workload-down, whose branches multiply).
    const paths = getShortestPaths(machine, { events: events as never, serializeState, input: { inputs: {} } });
    expect(paths.length).toBeGreaterThan(0);
    // A path's last state with no outgoing event and not final would be a dead end.
    const stuck = paths
      .filter((p) => p.state.status !== 'done' && events(p.state).length === 0)
      .map((p) => stepOf(p.state.value));
    expect(stuck).toEqual([]);
    const finals = paths.filter((p) => p.state.status === 'done');
    expect(finals.length).toBeGreaterThan(0);
  });
});

describe('phases', () => {
  it('walks into the bottom-up sweep when top-down finds nothing, and records the phase', async () => {
    const { spec } = await loadRunbookFile(resolveAsset('runbooks', 'workload-down'), findCheck);
    const machine = compileRunbook(spec);
    const paths = getShortestPaths(machine, {
      events: eventsFor(spec) as never,
      serializeState,
      input: { inputs: {} },
      toState: (s) => endingOf(spec, s.value)?.kind === 'no-finding',
    });
    const path = paths.find((p) => endingOf(spec, p.state.value)?.kind === 'no-finding');
    expect(path).toBeDefined();
    const phases = path?.state.context.path.map((e: { phase: string }) => e.phase) ?? [];
    expect(phases[0]).toBe('top-down');
    expect(phases.at(-1)).toBe('bottom-up');
  });
});
