import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import type { AdjacencyValue } from 'xstate/graph';
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { actionActorId, checkActorId, compileRunbook, stepIdOf } from '../runbook/compile.js';
import type { RunbookSpec } from '../runbook/schema.js';

/** The events no one step owns. */
const generalEvents: readonly EventObject[] = [
  { type: 'CONTINUE' },
  { type: 'CONFIRM' },
  { type: 'DECLINE' },
  { type: 'FAIL' },
];

/** What a step's own check, action or question can finish with (its outcomes, results or choices). */
function stepEvents(id: string, step: RunbookSpec['steps'][string]): EventObject[] {
  const events: EventObject[] = [];
  switch (step.type) {
    case 'check':
      for (const outcome of new Set([...Object.keys(step.next), 'error'])) {
        events.push({
          type: `xstate.done.actor.${checkActorId(id)}`,
          output: { outcome, summary: '', evidence: [], facts: {}, durationMs: 0 },
        } as EventObject);
      }
      break;
    case 'action':
      for (const result of ['done', 'failed']) {
        events.push({
          type: `xstate.done.actor.${actionActorId(id)}`,
          output: { result, facts: {}, durationMs: 0 },
        } as EventObject);
      }
      break;
    case 'ask':
      for (const choice of Object.keys(step.choices))
        events.push({ type: 'ANSWER', choice, by: 'default' } as EventObject);
      break;
    case 'diagnosis':
      break;
  }
  return events;
}

/**
 * The events to try at a snapshot, with the outputs a check or action can finish with: the general ones
 * and its own step's (xstate/graph keeps those the state accepts, and a plain `{ type }` for the rest:
 * timeouts, actor errors). Another step's events are never this state's; offered every event of the
 * runbook at every state, the bundled runbooks' reachability and shortest paths took 183 s of CPU, 3 s
 * offered their own, with the same results.
 */
function eventsAt(spec: RunbookSpec): (snapshot: AnyMachineSnapshot) => EventObject[] {
  const byStep = new Map(
    Object.entries(spec.steps).map(([id, step]) => [id, [...generalEvents, ...stepEvents(id, step)]]),
  );
  return (snapshot) => byStep.get(stepOfSnapshot(snapshot)) ?? [...generalEvents];
}

/** The step a snapshot is at: `{ topDown: { 'pod-status': 'running' } }` → `pod-status`; a final state is its own step. */
export function stepOfSnapshot(snapshot: AnyMachineSnapshot): string {
  const value: unknown = snapshot.value;
  if (typeof value === 'string')
    return value === 'no-finding' ? '$no-finding' : value === 'incomplete' ? '$incomplete' : stepIdOf(value);
  const phase = Object.values(value as Record<string, unknown>)[0];
  if (typeof phase === 'string') return stepIdOf(phase);
  return stepIdOf(Object.keys(phase as Record<string, unknown>)[0] ?? '');
}

function isFailure(event: EventObject): boolean {
  const output = (event as { output?: { outcome?: string; result?: string } }).output;
  return (
    event.type.startsWith('xstate.error.') ||
    event.type.startsWith('xstate.after.') ||
    event.type === 'FAIL' ||
    output?.outcome === 'error' ||
    output?.result === 'failed'
  );
}

/** Facts and the path taken grow with every step; two walks at the same state are the same vertex. */
const byValue = (snapshot: AnyMachineSnapshot) => JSON.stringify(snapshot.value);

function traversal(spec: RunbookSpec) {
  const events = eventsAt(spec);
  // Traversed with synthetic done events, which the machine's typed event union does not name.
  const machine: AnyStateMachine = compileRunbook(spec);
  return { machine, options: { events, serializeState: byValue, input: { inputs: {} } } };
}

/**
 * The step ids of the shortest walk from the runbook's start to one of its
 * diagnoses (the diagnosis last), through the compiled machine; null when no
 * walk reaches it.
 */
export function shortestPathTo(spec: RunbookSpec, diagnosisId: string): string[] | null {
  if (spec.steps[diagnosisId]?.type !== 'diagnosis')
    throw new Error(`runbook ${spec.id} has no diagnosis "${diagnosisId}"`);
  const { machine, options } = traversal(spec);
  const toState = (s: AnyMachineSnapshot) => s.status === 'done' && stepOfSnapshot(s) === diagnosisId;
  // A drill should teach the walk a healthy API gives: error branches, timeouts and failed actions only when nothing else gets there.
  const clean = getShortestPaths(machine, {
    ...options,
    toState,
    filterEvents: (_s: AnyMachineSnapshot, e: EventObject) => !isFailure(e),
  });
  const path =
    clean.find((p) => toState(p.state)) ??
    getShortestPaths(machine, { ...options, toState }).find((p) => toState(p.state));
  if (!path) return null;
  const steps: string[] = [];
  for (const s of path.steps) {
    const id = stepOfSnapshot(s.state);
    if (steps.at(-1) !== id) steps.push(id);
  }
  return steps;
}

export interface Reachability {
  /** Diagnoses some walk ends on. */
  diagnoses: Set<string>;
  /** Steps a walk can enter from which no sequence of events reaches a final state. */
  stuck: string[];
}

/** Walks the compiled machine's whole state space: which diagnoses it reaches, and where a walk could get stuck. */
export function reachability(spec: RunbookSpec): Reachability {
  const { machine, options } = traversal(spec);
  const adjacency = getAdjacencyMap(machine, options) as Record<
    string,
    AdjacencyValue<AnyMachineSnapshot, EventObject>
  >;
  const reverse = new Map<string, Set<string>>();
  const done: string[] = [];
  for (const [key, v] of Object.entries(adjacency)) {
    if (v.state.status === 'done') done.push(key);
    for (const t of Object.values(v.transitions)) {
      const to = byValue(t.state);
      if (!reverse.has(to)) reverse.set(to, new Set());
      reverse.get(to)?.add(key);
    }
  }
  const canFinish = new Set(done);
  const queue = [...done];
  while (queue.length > 0) {
    for (const from of reverse.get(queue.pop() ?? '') ?? []) {
      if (!canFinish.has(from)) {
        canFinish.add(from);
        queue.push(from);
      }
    }
  }
  const diagnoses = new Set<string>();
  const stuck = new Set<string>();
  for (const [key, v] of Object.entries(adjacency)) {
    const step = stepOfSnapshot(v.state);
    if (v.state.status === 'done' && spec.steps[step]?.type === 'diagnosis') diagnoses.add(step);
    if (!canFinish.has(key)) stuck.add(step);
  }
  return { diagnoses, stuck: [...stuck].sort() };
}
