import type { Evidence, Layer } from '../checks/types.js';
import { notApplicable } from '../engine/notApplicable.js';
import { accountLines } from '../engine/textLog.js';
import type {
  AnsweredBy,
  DiagnosisView,
  EndReason,
  Mode,
  RawOutput,
  SessionEvent,
  SessionOutcome,
} from '../engine/events.js';
import type { SampleInfo } from '../nodeaccess/types.js';
import type { Phase } from '../runbook/structure.js';
import type { LayerVerdicts, Verdict } from './verdict.js';
import { combineVerdicts } from './verdict.js';

/**
 * waiting: entered, its check not yet run (step mode); running: check in flight;
 * done: check returned; asking / answered: a question step.
 */
export type StepStatus = 'waiting' | 'running' | 'done' | 'asking' | 'answered';

export interface StepResult {
  outcome: string;
  summary: string;
  evidence: Evidence[];
  durationMs: number;
  /** Manual node access: the time a person took to run the command and paste its output. */
  waitedMs?: number;
  timedOut: boolean;
  verdict: Verdict;
  /** What the command or API returned: the text, or (a replay of a big one) the file the transcript keeps it in. */
  raw?: RawOutput;
  /** It had nothing to look at (a node check for a pod on no node): no verdict for its layer. */
  notApplicable?: true;
}

/** An action step as the screen shows it: the command in full, then the decision, the run and the verification. */
export interface ActionView {
  command: string;
  node: string | null;
  target: 'host' | 'kube';
  allowed: boolean;
  simulated: boolean;
  verify: string | null;
  decision?: { confirmed: boolean; by: string; reason: string };
  executed?: { ran: boolean; ok: boolean; output: string; error?: string; exitCode?: number | null; status?: number };
  verified?: { verifyStep: string; outcome: string; summary: string; ok: boolean; attempts: number };
}

export interface StepView {
  step: string;
  kind: 'check' | 'ask' | 'action';
  title: string;
  layer: Layer;
  phase: Phase;
  why: string;
  status: StepStatus;
  command?: string;
  result?: StepResult;
  question?: { text: string; choices: { id: string; label: string }[]; default: string };
  answer?: { choice: string; label: string; by: AnsweredBy };
  /** Manual node access: the command the user is asked to run on the node. */
  hostPrompt?: { node: string; command: string; argv: string[]; sample?: SampleInfo };
  /** A `paste:` input asked for before this check runs: what it is and why the walk wants it. */
  inputPrompt?: { input: string; description: string; why: string };
  /** Notes the user wrote while this step was on screen. */
  notes?: string[];
  /** An action step: waiting for y/n while `decision` is unset. */
  action?: ActionView;
}

export interface WalkState {
  session: { runbook: string; runbookTitle: string; mode: Mode; scenario: string | null; context: string } | null;
  /** Every check and ask step entered, in order; a step entered twice appears twice. */
  steps: StepView[];
  layers: LayerVerdicts;
  /** Where the walk is now; null before the first step and once it has ended. */
  currentLayer: Layer | null;
  diagnosis: DiagnosisView | null;
  /** `lines`: what the walk could not see and how to see it, what it saw, the answers nobody gave. */
  end: {
    outcome: SessionOutcome | null;
    reason: EndReason;
    error?: string;
    lines?: string[];
    /** Why the signature catalog could not be read: said under a diagnosis too (its known causes were not checked). */
    catalogError?: string;
    /** incomplete: known causes what was seen matches, said under the headline (the rows may cut the lines). */
    candidates?: { id: string; title: string }[];
    /** How many checks could not look (incomplete): none means the walk stopped on what it saw not settling the cause. */
    unseen?: number;
  } | null;
}

export const initialWalkState: WalkState = {
  session: null,
  steps: [],
  layers: {},
  currentLayer: null,
  diagnosis: null,
  end: null,
};

/** Folds one session event into the screen's state. Pure: the hook and the tests share it. */
export function walkReducer(state: WalkState, event: SessionEvent): WalkState {
  switch (event.type) {
    case 'session.start':
      return {
        ...initialWalkState,
        session: {
          runbook: event.runbook,
          runbookTitle: event.runbookTitle,
          mode: event.mode,
          scenario: event.scenario,
          context: event.context,
        },
      };
    case 'step.enter': {
      // A diagnosis step is shown by its own screen, from the `diagnosis` event.
      if (event.kind === 'diagnosis') return state;
      const step: StepView = {
        step: event.step,
        kind: event.kind,
        title: event.title,
        layer: event.layer,
        phase: event.phase,
        why: event.why,
        status: event.kind === 'ask' ? 'asking' : 'waiting',
        ...(event.command ? { command: event.command } : {}),
      };
      return { ...state, steps: [...state.steps, step], currentLayer: event.layer };
    }
    case 'check.start':
      return updateStep(state, event.step, (s) => ({ ...s, status: 'running', command: event.command }));
    case 'check.result': {
      const verdict = event.verdict;
      const result: StepResult = {
        outcome: event.outcome,
        summary: event.summary,
        evidence: event.evidence,
        durationMs: event.durationMs,
        ...(event.waitedMs === undefined ? {} : { waitedMs: event.waitedMs }),
        timedOut: event.timedOut,
        verdict,
        ...(notApplicable(event.facts) ? { notApplicable: true as const } : {}),
        ...(event.raw ? { raw: event.raw } : {}),
      };
      const next = updateStep(state, event.step, (s) => ({ ...s, status: 'done', result }));
      const layer = lastStep(next, event.step)?.layer;
      // A check with nothing to look at says nothing about its layer.
      if (!layer || result.notApplicable) return next;
      return { ...next, layers: { ...next.layers, [layer]: combineVerdicts(next.layers[layer], verdict) } };
    }
    case 'ask':
      return updateStep(state, event.step, (s) => ({
        ...s,
        status: 'asking',
        question: { text: event.question, choices: event.choices, default: event.default },
      }));
    case 'answer':
      return updateStep(state, event.step, (s) => ({
        ...s,
        status: 'answered',
        answer: { choice: event.choice, label: event.label, by: event.by },
      }));
    case 'diagnosis': {
      // Layers keep what their checks concluded: a diagnosis such as "the pod is healthy now" is no finding.
      const { type: _type, ...diagnosis } = event;
      return { ...state, diagnosis };
    }
    case 'mode.change':
      return state;
    case 'note':
      return event.step
        ? updateStep(state, event.step, (s) => ({ ...s, notes: [...(s.notes ?? []), event.text] }))
        : state;
    case 'host.prompt':
      return updateStep(state, event.step, (s) => ({
        ...s,
        hostPrompt: {
          node: event.node,
          command: event.command,
          argv: event.argv,
          ...(event.sample ? { sample: event.sample } : {}),
        },
      }));
    case 'host.reply':
      return updateStep(state, event.step, (s) => {
        const { hostPrompt: _done, ...rest } = s;
        return rest;
      });
    case 'input.prompt':
      return updateStep(state, event.step, (s) => ({
        ...s,
        inputPrompt: { input: event.input, description: event.description, why: event.why },
      }));
    case 'input.reply':
      return updateStep(state, event.step, (s) => {
        const { inputPrompt: _done, ...rest } = s;
        return rest;
      });
    case 'action.proposed': {
      const action: ActionView = {
        command: event.command,
        node: event.node,
        target: event.target,
        allowed: event.allowed,
        simulated: event.simulated,
        verify: event.verify,
      };
      return updateStep(state, event.step, (s) => ({ ...s, action }));
    }
    case 'action.confirmed':
      return updateAction(
        state,
        event.step,
        (a) => ({ ...a, decision: { confirmed: true, by: event.by, reason: '' } }),
        'running',
      );
    case 'action.declined':
      return finishAction(
        updateAction(state, event.step, (a) => ({
          ...a,
          decision: { confirmed: false, by: event.by, reason: event.reason },
        })),
        event.step,
        'declined',
        event.reason,
        'finding',
      );
    case 'action.executed': {
      const executed = {
        ran: event.ran,
        ok: event.ok,
        output: event.output,
        ...(event.error === undefined ? {} : { error: event.error }),
        ...(event.exitCode === undefined ? {} : { exitCode: event.exitCode }),
        ...(event.status === undefined ? {} : { status: event.status }),
      };
      const next = updateAction(state, event.step, (a) => ({ ...a, executed }));
      const view = lastStep(next, event.step)?.action;
      if (!event.ok) return finishAction(next, event.step, 'failed', event.error ?? 'failed', 'error');
      return view?.verify ? next : finishAction(next, event.step, 'done', 'ran', 'ok');
    }
    case 'action.verified': {
      const verified = {
        verifyStep: event.verifyStep,
        outcome: event.outcome,
        summary: event.summary,
        ok: event.ok,
        attempts: event.attempts,
      };
      const next = updateAction(state, event.step, (a) => ({ ...a, verified }));
      const summary = `verify ${event.verifyStep} → ${event.outcome}: ${event.summary}`;
      return finishAction(next, event.step, event.ok ? 'done' : 'failed', summary, event.ok ? 'ok' : 'finding');
    }
    case 'session.end':
      return {
        ...state,
        currentLayer: null,
        end: {
          outcome: event.outcome,
          reason: event.reason,
          ...(event.error ? { error: event.error } : {}),
          ...(event.catalogError ? { catalogError: event.catalogError } : {}),
          ...(event.candidates?.length ? { candidates: event.candidates.map(({ id, title }) => ({ id, title })) } : {}),
          lines: accountLines(event),
          unseen: event.unseen?.length ?? 0,
        },
      };
  }
}

function lastIndexOf(state: WalkState, step: string): number {
  return state.steps.findLastIndex((s) => s.step === step);
}

function lastStep(state: WalkState, step: string): StepView | undefined {
  return state.steps[lastIndexOf(state, step)];
}

function updateStep(state: WalkState, step: string, update: (s: StepView) => StepView): WalkState {
  const i = lastIndexOf(state, step);
  const current = state.steps[i];
  if (!current) return state;
  const steps = state.steps.slice();
  steps[i] = update(current);
  return { ...state, steps };
}

function updateAction(
  state: WalkState,
  step: string,
  update: (a: ActionView) => ActionView,
  status?: StepStatus,
): WalkState {
  return updateStep(state, step, (s) =>
    s.action ? { ...s, action: update(s.action), ...(status ? { status } : {}) } : s,
  );
}

/** An action ends as a result with its branch as the outcome, so the scrollback shows it like a check. */
function finishAction(
  state: WalkState,
  step: string,
  outcome: 'done' | 'declined' | 'failed',
  summary: string,
  verdict: Verdict,
): WalkState {
  return updateStep(state, step, (s) => ({
    ...s,
    status: 'done',
    result: { outcome, summary, evidence: [], durationMs: 0, timedOut: false, verdict },
  }));
}

/** Evidence worth showing: an error's evidence often just repeats its summary. */
export function visibleEvidence(result: StepResult): Evidence[] {
  return result.evidence.filter((e) => e.value !== result.summary);
}

export function isFinished(step: StepView): boolean {
  return step.status === 'done' || step.status === 'answered';
}

/**
 * How the steps split on screen: `settled` scroll above in <Static> (only ever
 * grows), `latest` is the last finished step shown in full with its evidence,
 * `active` is the step in progress or waiting for the user.
 */
export function splitSteps(state: WalkState): {
  settled: StepView[];
  latest: StepView | undefined;
  active: StepView | undefined;
} {
  const last = state.steps.at(-1);
  const active = last && !isFinished(last) && !state.end ? last : undefined;
  // Only the last step can be unfinished: a walk that ends while one runs drops it.
  const finished = state.steps.filter(isFinished);
  // Once the walk is over, its own screen takes the space; every step settles.
  if (state.end) return { settled: finished, latest: undefined, active: undefined };
  return { settled: finished.slice(0, -1), latest: finished.at(-1), active };
}
