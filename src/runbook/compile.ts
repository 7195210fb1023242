import type { Signal } from '../checks/signal.js';
import { assign, emit, fromPromise, setup } from 'xstate';
import type { CheckResult, Facts, Layer } from '../checks/types.js';
import type { ActionStepSpec, AskStepSpec, CheckStepSpec, RunbookSpec, StepSpec } from './schema.js';
import { durationMs } from './schema.js';
import type { Phase } from './structure.js';
import { phases } from './structure.js';

export const defaultCheckTimeoutMs = 30_000;

/** What the engine's check actor receives: the step, its raw (templated) parameters and the values to fill them. */
export interface CheckInvocation {
  step: string;
  check: string;
  with: Record<string, string | number | boolean>;
  timeoutMs: number;
  inputs: Record<string, string>;
  facts: Facts;
  phase: Phase;
}

/** A check's result as the engine records it; `raw` (from CheckResult) is set only when the caller asked runCheck to record it. */
export interface CheckOutput extends CheckResult {
  durationMs: number;
  /** Every line the check read that a signature could match (Events, statuses, logs, host output). */
  signals?: Signal[];
}

/** What the engine's action actor receives: the action, the check step that verifies it, and the values to fill them. */
export interface ActionInvocation {
  step: string;
  action: ActionStepSpec;
  verify: { step: string; spec: CheckStepSpec } | null;
  inputs: Record<string, string>;
  facts: Facts;
  phase: Phase;
}

/** done: ran and (if it has one) its verify check came back healthy; failed: anything else after it ran. */
export interface ActionOutput {
  result: 'done' | 'failed';
  /** Facts the verify check found. */
  facts: Facts;
  durationMs: number;
}

export const defaultActionTimeoutMs = 60_000;

export interface PathEntry {
  step: string;
  check: string | null;
  outcome: string;
  phase: Phase;
  durationMs: number;
  /** An ask step's answer: who gave it (`default`: a headless walk took the declared default; nobody said so). */
  answeredBy?: 'user' | 'default' | 'pasted' | 'scenario';
  /** A check with nothing to look at (it needs a fact an earlier check found absent): not a blind spot. */
  notApplicable?: true;
}

export type EndKind = 'diagnosis' | 'no-finding' | 'incomplete';

export interface RunContext {
  inputs: Record<string, string>;
  facts: Facts;
  phase: Phase;
  path: PathEntry[];
}

export type RunEvent =
  | { type: 'ANSWER'; choice: string; by: 'user' | 'default' | 'pasted' | 'scenario' }
  /** Run the current check: sent at once in auto mode, on the user's key in step mode. */
  | { type: 'CONTINUE' }
  /** The action on screen may run (the user pressed y, or --yes). */
  | { type: 'CONFIRM' }
  /** The action on screen will not run (the user said no, read-only, nobody to confirm). */
  | { type: 'DECLINE' }
  /** The action cannot even be shown (a value it needs is unknown): it takes its failed branch. */
  | { type: 'FAIL' };

/** What the machine tells the engine as it walks; the engine adds texts and times and fans them out. */
export type MachineEmitted =
  | { type: 'step.enter'; step: string; layer: Layer; phase: Phase }
  | { type: 'check.result'; step: string; check: string; output: CheckOutput; phase: Phase; timedOut: boolean }
  | { type: 'answer'; step: string; choice: string; by: 'user' | 'default' | 'pasted' | 'scenario' };

/** Tags on the states that wait for the user, so the engine need not know the state shapes. */
export const awaitingContinue = 'awaiting-continue';
export const awaitingAnswer = 'awaiting-answer';
export const awaitingConfirm = 'awaiting-confirm';

/**
 * xstate reads `.` in state ids and targets as a path: an included step
 * `nn.kubelet-service` becomes the state `nn/kubelet-service` (step ids never hold `/`).
 */
export function stateKey(step: string): string {
  return step.replaceAll('.', '/');
}

export function stepIdOf(key: string): string {
  return key.replaceAll('/', '.');
}

export const checkActorId = (step: string) => `check:${step}`;
export const actionActorId = (step: string) => `action:${step}`;

const endIds: Record<string, EndKind> = { '$no-finding': 'no-finding', $incomplete: 'incomplete' };

/**
 * A fact once known stays known: a later result that leaves it empty (or
 * undefined) does not unset it. Lint's placeholder proof rests on this: a
 * fact set on every path to a step is set there.
 */
export function mergeFacts(known: Facts, found: Facts): Facts {
  const out: Facts = { ...known };
  for (const [k, v] of Object.entries(found) as [string, Facts[string] | undefined][]) {
    if (v !== undefined && v !== '') out[k] = v;
  }
  return out;
}

function answerOf(event: RunEvent): { choice: string; by: 'user' | 'default' | 'pasted' | 'scenario' } {
  return event.type === 'ANSWER' ? event : { choice: '', by: 'user' };
}

const runbookSetup = setup({
  types: {
    context: {} as RunContext,
    events: {} as RunEvent,
    input: {} as { inputs: Record<string, string> },
    emitted: {} as MachineEmitted,
  },
  actors: {
    // The engine provides the real one (machine.provide); this default says so loudly.
    runCheck: fromPromise<CheckOutput, CheckInvocation>(() => {
      throw new Error('runCheck was not provided: run the machine through the engine');
    }),
    runAction: fromPromise<ActionOutput, ActionInvocation>(() => {
      throw new Error('runAction was not provided: run the machine through the engine');
    }),
  },
  guards: {
    outcomeIs: ({ event }, params: { outcome: string }) =>
      (event as unknown as { output?: CheckOutput }).output?.outcome === params.outcome,
    choiceIs: ({ event }, params: { choice: string }) => event.type === 'ANSWER' && event.choice === params.choice,
    actionDone: ({ event }) => (event as unknown as { output?: ActionOutput }).output?.result === 'done',
  },
  actions: {
    enterStep: emit(({ context }, params: { step: string; layer: Layer }) => ({
      type: 'step.enter' as const,
      step: params.step,
      layer: params.layer,
      phase: context.phase,
    })),
    recordResult: assign(({ context, event }, params: { step: string; check: string }) => {
      const output = (event as unknown as { output: CheckOutput }).output;
      return {
        facts: mergeFacts(context.facts, output.facts),
        path: [
          ...context.path,
          {
            step: params.step,
            check: params.check,
            outcome: output.outcome,
            phase: context.phase,
            durationMs: output.durationMs,
            ...(output.facts.errorKind === 'not-applicable' ? { notApplicable: true as const } : {}),
          },
        ],
      };
    }),
    emitResult: emit(({ context, event }, params: { step: string; check: string }) => ({
      type: 'check.result' as const,
      step: params.step,
      check: params.check,
      output: (event as unknown as { output: CheckOutput }).output,
      phase: context.phase,
      timedOut: false,
    })),
    recordTimeout: assign(({ context }, params: { step: string; check: string; ms: number }) => ({
      path: [
        ...context.path,
        { step: params.step, check: params.check, outcome: 'error', phase: context.phase, durationMs: params.ms },
      ],
    })),
    emitTimeout: emit(({ context }, params: { step: string; check: string; ms: number }) => ({
      type: 'check.result' as const,
      step: params.step,
      check: params.check,
      output: {
        outcome: 'error',
        summary: `timed out after ${params.ms / 1000}s`,
        evidence: [],
        facts: {},
        durationMs: params.ms,
      },
      phase: context.phase,
      timedOut: true,
    })),
    recordAnswer: assign(({ context, event }, params: { step: string }) => ({
      path: [
        ...context.path,
        {
          step: params.step,
          check: null,
          outcome: answerOf(event).choice,
          phase: context.phase,
          durationMs: 0,
          answeredBy: answerOf(event).by,
        },
      ],
    })),
    emitAnswer: emit(({ event }, params: { step: string }) => ({
      type: 'answer' as const,
      step: params.step,
      choice: answerOf(event).choice,
      by: answerOf(event).by,
    })),
    recordAction: assign(({ context, event }, params: { step: string; outcome?: string }) => {
      const output = (event as unknown as { output?: ActionOutput }).output;
      return {
        facts: mergeFacts(context.facts, output?.facts ?? {}),
        path: [
          ...context.path,
          {
            step: params.step,
            check: null,
            outcome: params.outcome ?? output?.result ?? 'failed',
            phase: context.phase,
            durationMs: output?.durationMs ?? 0,
          },
        ],
      };
    }),
    enterBottomUp: assign({ phase: 'bottom-up' as const }),
  },
});

export type RunbookMachine = ReturnType<typeof createRunbookMachine>;

function createRunbookMachine(config: ReturnType<typeof machineConfig>) {
  return runbookSetup.createMachine(config as unknown as Parameters<typeof runbookSetup.createMachine>[0]);
}

/**
 * A runbook as an xstate machine: `topDown` and `bottomUp` compound states
 * hold the work steps of each phase, diagnoses and the two other endings are
 * final states at the root, reachable from either phase.
 */
export interface CompileOptions {
  /** Layers whose checks wait without a timeout: host commands a human runs and pastes (manual node access). */
  untimedLayers?: readonly Layer[];
}

/** Machines already built, per spec and options: a machine is immutable, each walk provides its own actors. */
const built = new WeakMap<RunbookSpec, Map<string, RunbookMachine>>();

/**
 * Builds a runbook's machine once (a large runbook is 15-35 ms of one task);
 * the TUI builds it while the drill cluster starts, so the walk's session is not a long task.
 */
export function compileRunbook(spec: RunbookSpec, options: CompileOptions = {}): RunbookMachine {
  const key = (options.untimedLayers ?? []).join(',');
  let bySpec = built.get(spec);
  if (!bySpec) built.set(spec, (bySpec = new Map<string, RunbookMachine>()));
  let machine = bySpec.get(key);
  if (!machine) {
    const config = configs.get(spec)?.get(key) ?? machineConfig(spec, options);
    configs.get(spec)?.delete(key);
    machine = createRunbookMachine(config);
    bySpec.set(key, machine);
  }
  return machine;
}

/** Configs built ahead by prepareRunbook, until compileRunbook makes them a machine. */
const configs = new WeakMap<RunbookSpec, Map<string, ReturnType<typeof machineConfig>>>();

/**
 * The first half of compileRunbook, in a task of its own: the machine's config from the spec (xstate then
 * builds its states from it, the other half). The TUI does each while the drill cluster starts.
 */
export function prepareRunbook(spec: RunbookSpec, options: CompileOptions = {}): void {
  const key = (options.untimedLayers ?? []).join(',');
  if (built.get(spec)?.has(key) || configs.get(spec)?.has(key)) return;
  let bySpec = configs.get(spec);
  if (!bySpec) configs.set(spec, (bySpec = new Map<string, ReturnType<typeof machineConfig>>()));
  bySpec.set(key, machineConfig(spec, options));
}

function machineConfig(spec: RunbookSpec, options: CompileOptions) {
  const { topDown, bottomUp } = phases(spec);
  const ref = (t: string) => `#${stateKey(t)}`;

  const workState = (id: string, step: Exclude<StepSpec, { type: 'diagnosis' }>) => {
    const entry = [{ type: 'enterStep', params: { step: id, layer: step.layer } }];
    switch (step.type) {
      case 'check':
        return checkState(id, step, entry);
      case 'ask':
        return askState(id, step, entry);
      case 'action':
        return actionState(id, step, entry);
    }
  };

  const actionState = (id: string, step: ActionStepSpec, entry: unknown[]) => {
    const verifySpec = step.verify ? spec.steps[step.verify] : undefined;
    const verify = step.verify && verifySpec?.type === 'check' ? { step: step.verify, spec: verifySpec } : null;
    return {
      id: stateKey(id),
      entry,
      initial: 'confirming',
      states: {
        confirming: {
          tags: [awaitingConfirm],
          on: {
            CONFIRM: 'running',
            DECLINE: {
              target: ref(step.next.declined),
              actions: [{ type: 'recordAction', params: { step: id, outcome: 'declined' } }],
            },
            FAIL: {
              target: ref(step.next.failed),
              actions: [{ type: 'recordAction', params: { step: id, outcome: 'failed' } }],
            },
          },
        },
        running: {
          invoke: {
            id: actionActorId(id),
            src: 'runAction',
            input: ({ context }: { context: RunContext }): ActionInvocation => ({
              step: id,
              action: step,
              verify,
              inputs: context.inputs,
              facts: context.facts,
              phase: context.phase,
            }),
            onDone: [
              {
                guard: 'actionDone',
                target: ref(step.next.done),
                actions: [{ type: 'recordAction', params: { step: id } }],
              },
              { target: ref(step.next.failed), actions: [{ type: 'recordAction', params: { step: id } }] },
            ],
            onError: {
              target: ref(step.next.failed),
              actions: [{ type: 'recordAction', params: { step: id, outcome: 'failed' } }],
            },
          },
        },
      },
    };
  };

  const checkState = (id: string, step: CheckStepSpec, entry: unknown[]) => {
    const ms = step.timeout === undefined ? defaultCheckTimeoutMs : durationMs(step.timeout);
    const record = (extra: object) => [
      { type: 'recordResult', params: { step: id, check: step.check, ...extra } },
      { type: 'emitResult', params: { step: id, check: step.check, ...extra } },
    ];
    const errorTarget = ref(step.next.error ?? '$incomplete');
    const timed = !options.untimedLayers?.includes(step.layer);
    return {
      id: stateKey(id),
      entry,
      initial: 'waiting',
      states: {
        waiting: { tags: [awaitingContinue], on: { CONTINUE: 'running' } },
        running: {
          invoke: {
            id: checkActorId(id),
            src: 'runCheck',
            input: ({ context }: { context: RunContext }): CheckInvocation => ({
              step: id,
              check: step.check,
              with: step.with,
              timeoutMs: ms,
              inputs: context.inputs,
              facts: context.facts,
              phase: context.phase,
            }),
            onDone: [
              ...Object.entries(step.next)
                .filter(([outcome]) => outcome !== 'error')
                .map(([outcome, target]) => ({
                  guard: { type: 'outcomeIs', params: { outcome } },
                  target: ref(target),
                  actions: record({}),
                })),
              // `error`, and anything the check should not have returned, take the error branch.
              { target: errorTarget, actions: record({}) },
            ],
            onError: { target: errorTarget },
          },
          // A check that ignores its AbortSignal still cannot hold the walk: the machine moves on.
          ...(timed
            ? {
                after: {
                  [ms]: {
                    target: errorTarget,
                    actions: [
                      { type: 'recordTimeout', params: { step: id, check: step.check, ms } },
                      { type: 'emitTimeout', params: { step: id, check: step.check, ms } },
                    ],
                  },
                },
              }
            : {}),
        },
      },
    };
  };

  const askState = (id: string, step: AskStepSpec, entry: unknown[]) => ({
    id: stateKey(id),
    entry,
    tags: [awaitingAnswer],
    on: {
      ANSWER: Object.entries(step.choices).map(([choice, c]) => ({
        guard: { type: 'choiceIs', params: { choice } },
        target: ref(c.next),
        actions: [
          { type: 'recordAnswer', params: { step: id } },
          { type: 'emitAnswer', params: { step: id } },
        ],
      })),
    },
  });

  const phaseStates = (ids: Set<string>) =>
    Object.fromEntries(
      [...ids].map((id) => {
        const step = spec.steps[id];
        if (!step || step.type === 'diagnosis') throw new Error(`compile: ${id} is not a work step`);
        return [stateKey(id), workState(id, step)];
      }),
    );

  const finals: Record<string, unknown> = {};
  for (const [id, step] of Object.entries(spec.steps)) {
    if (step.type !== 'diagnosis') continue;
    finals[stateKey(id)] = {
      id: stateKey(id),
      type: 'final',
      entry: [{ type: 'enterStep', params: { step: id, layer: step.layer } }],
    };
  }
  for (const [id, kind] of Object.entries(endIds)) {
    finals[kind] = { id, type: 'final' };
  }

  const config = {
    id: spec.id,
    initial: 'topDown',
    context: ({ input }: { input: { inputs: Record<string, string> } }): RunContext => ({
      inputs: input.inputs,
      facts: {},
      phase: 'top-down',
      path: [],
    }),
    states: {
      topDown: { initial: stateKey(spec.start), states: phaseStates(topDown) },
      ...(spec.bottomUp
        ? {
            bottomUp: {
              id: '$bottom-up',
              initial: stateKey(spec.bottomUp),
              entry: ['enterBottomUp'],
              states: phaseStates(bottomUp),
            },
          }
        : {}),
      ...finals,
    },
  };
  return config;
}

/** Which ending a final snapshot reached, from the state value. */
export function endingOf(spec: RunbookSpec, value: unknown): { kind: EndKind; diagnosis: string | null } | null {
  if (typeof value !== 'string') return null;
  if (value === 'no-finding' || value === 'incomplete') return { kind: value, diagnosis: null };
  const step = stepIdOf(value);
  if (spec.steps[step]?.type === 'diagnosis') return { kind: 'diagnosis', diagnosis: step };
  return null;
}
