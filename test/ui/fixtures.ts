import type { Layer } from '../../src/checks/types.js';
import type { DiagnosisView, SessionEvent } from '../../src/engine/events.js';
import type { StepView } from '../../src/ui/walkReducer.js';

/** Session events as the engine emits them, for the walk in scenarios/pod-pending-node-selector.yaml. */
export const ev = {
  start: (): SessionEvent => ({
    type: 'session.start',
    runbook: 'workload-down',
    runbookTitle: 'A pod will not start or keeps restarting',
    runbookHash: 'sha256:0',
    symptom: 'pod web-0 in namespace shop is not running',
    page: 'pod web-0 in namespace shop is not starting',
    mode: 'drill',
    scenario: 'pod-pending-node-selector',
    context: 'plumbline-drill',
    server: 'https://127.0.0.1:6443',
    inputs: { namespace: 'shop', pod: 'web-0' },
  }),
  enter: (step: string, layer: Layer = 'pod', kind: 'check' | 'ask' | 'diagnosis' = 'check'): SessionEvent => ({
    type: 'step.enter',
    step,
    kind,
    title: `title of ${step}`,
    layer,
    phase: 'top-down',
    why: `why ${step}`,
  }),
  checkStart: (step: string): SessionEvent => ({
    type: 'check.start',
    step,
    check: 'pod.status',
    params: {},
    command: `kubectl for ${step}`,
  }),
  result: (step: string, outcome: string, timedOut = false): SessionEvent => ({
    type: 'check.result',
    step,
    check: 'pod.status',
    outcome,
    summary: `${step} is ${outcome}`,
    evidence: [{ label: 'phase', value: 'Pending' }],
    facts: {},
    durationMs: 12,
    timedOut,
    // As the engine derives it from pod.status's healthy outcomes.
    verdict:
      outcome === 'error' || timedOut
        ? 'error'
        : ['running', 'ready', 'scheduled', 'no-warnings'].includes(outcome)
          ? 'ok'
          : 'finding',
  }),
  ask: (step: string): SessionEvent => ({
    type: 'ask',
    step,
    question: 'Try again, or stop here?',
    choices: [
      { id: 'retry', label: 'Try again' },
      { id: 'stop', label: 'Stop' },
    ],
    default: 'stop',
  }),
  answer: (step: string, choice = 'retry'): SessionEvent => ({
    type: 'answer',
    step,
    choice,
    label: choice === 'retry' ? 'Try again' : 'Stop',
    by: 'user',
  }),
  diagnosis: (layer: Layer = 'pod'): SessionEvent => ({ type: 'diagnosis', ...diagnosis, layer }),
  end: (
    outcome: 'diagnosis' | 'no-finding' | 'incomplete' | null = 'diagnosis',
    reason: 'finished' | 'quit' = 'finished',
  ): SessionEvent => ({
    type: 'session.end',
    outcome,
    reason,
  }),
};

export const diagnosis: DiagnosisView = {
  id: 'unschedulable-node-selector',
  title: "No node matches the pod's node selector (disktype=ssd)",
  layer: 'pod',
  why: 'The scheduler only places a pod on nodes whose labels match its nodeSelector.',
  chain: [
    'The pod requires nodes labelled disktype=ssd.',
    "The scheduler found 3 of 4 nodes that do not match: 0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match Pod's node affinity/selector.",
    'So the pod is never bound to a node and stays Pending.',
  ],
  fix: [
    'If a node should run it, label it: kubectl label node <node> disktype=ssd',
    "If the selector is wrong, correct it in the pod's controller (StatefulSet/web): kubectl -n shop edit StatefulSet/web",
  ],
  verify: ['kubectl get nodes -l disktype=ssd  (at least one Ready node)'],
};

export function stepView(over: Partial<StepView> = {}): StepView {
  return {
    step: 'pod-status',
    kind: 'check',
    title: 'Is the pod there, and what state is each container in?',
    layer: 'pod',
    phase: 'top-down',
    why: "Start where the symptom is. The pod's phase and container states tell which stage failed.",
    status: 'waiting',
    ...over,
  };
}
