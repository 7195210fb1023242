import { z } from 'zod';
import { layers } from '../checks/types.js';
import { objectMachinery } from '../base/source.js';
import { duration } from '../base/durations.js';
import { declaredCheck, declaredCheckId } from '../checks/declared/schema.js';

const stepId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'step ids are lower-case words joined by dashes')
  .refine(
    (s) => !objectMachinery.has(s),
    'constructor and prototype name JavaScript object machinery; choose another id',
  );

/** A next step, or one of the special targets that end a phase. */
export const specialTargets = ['$bottom-up', '$no-finding', '$incomplete'] as const;
export type SpecialTarget = (typeof specialTargets)[number];

const target = z
  .string()
  .min(1)
  .refine((s) => !objectMachinery.has(s), 'constructor and prototype name JavaScript object machinery, not a step');

/** A step of this runbook or of an included one (`nn.kubelet-service`). */
const stepRef = z.string().regex(/^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/, 'a step id, or <include>.<step id>');

export { duration, durationMs } from '../base/durations.js';

const common = {
  layer: z.enum(layers),
  why: z.string().min(1),
  title: z.string().min(1).optional(),
};

const paramValue = z.union([z.string(), z.number(), z.boolean()]);

export const checkStep = z.strictObject({
  type: z.literal('check'),
  ...common,
  check: z.string().min(1),
  with: z.record(z.string(), paramValue).default({}),
  timeout: duration.optional(),
  /** Outcome → next step. Every outcome of the check, `error` included, needs one. */
  next: z.record(z.string(), target),
});

export const askStep = z.strictObject({
  type: z.literal('ask'),
  ...common,
  question: z.string().min(1),
  choices: z.record(z.string(), z.strictObject({ label: z.string().min(1), next: target })),
  /** What a headless run answers, recorded as answered by default. */
  default: z
    .string()
    .min(1)
    .refine((s) => !objectMachinery.has(s), 'constructor and prototype name JavaScript object machinery, not a choice'),
});

export const diagnosisStep = z.strictObject({
  type: z.literal('diagnosis'),
  ...common,
  title: z.string().min(1),
  /** From root cause to symptom; each link may cite facts. */
  chain: z.array(z.string().min(1)).min(1),
  fix: z.array(z.string().min(1)).min(1),
  verify: z.array(z.string().min(1)).default([]),
  /**
   * `error`: this diagnosis is about the failure to see (an RBAC denial that
   * rests on the 403 itself), so a check's error outcome may decide it. Any
   * other diagnosis never rests on a check that could not look (lint refuses it).
   * `every-check`: this diagnosis is what is left once every check on the way
   * found its layer clean ("no check on the way found why"), so one that could
   * not look (a host check not run) leaves it unconfirmed: the walk ends incomplete.
   */
  restsOn: z.enum(['error', 'every-check']).optional(),
  /**
   * A catch-all ending (the pod failed, the container exits by itself, the
   * API server is busy): a catalog signature the walk saw on its way, when
   * one matches, decides the diagnosis instead (signatures/README in docs/signatures.md).
   */
  generic: z.boolean().optional(),
});

/** The Kubernetes writes an action may make: a closed set, each with its exact kubectl equivalent. */
export const kubeAction = z.discriminatedUnion(
  'op',
  [
    z.strictObject({ op: z.literal('delete-pod'), namespace: z.string().min(1), name: z.string().min(1) }),
    z.strictObject({
      op: z.literal('patch'),
      resource: z.enum(['pod', 'deployment', 'statefulset', 'daemonset', 'replicaset', 'node', 'service', 'configmap']),
      namespace: z.string().min(1).optional(),
      name: z.string().min(1),
      patchType: z.enum(['strategic', 'merge', 'json']).default('strategic'),
      /** The patch document as kubectl -p takes it (JSON or YAML text), templated. */
      patch: z.string().min(1),
    }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'kube op must be one of: delete-pod, patch' : undefined) },
);

export const actionOutcomes = ['done', 'declined', 'failed'] as const;

export const actionStep = z.strictObject({
  type: z.literal('action'),
  ...common,
  title: z.string().min(1),
  /** A host command: its argv (never a shell line), run on `node` through the session's node access. */
  run: z.array(z.string().min(1)).min(1).optional(),
  node: z.string().min(1).optional(),
  kube: kubeAction.optional(),
  /** A check step that confirms the action worked; it is re-run until healthy or `verifyWithin` passes. */
  verify: stepRef.optional(),
  verifyWithin: duration.optional(),
  timeout: duration.optional(),
  next: z.strictObject({ done: target, declined: target, failed: target }),
});

export const step = z.discriminatedUnion('type', [checkStep, askStep, actionStep, diagnosisStep], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'step type must be one of: check, ask, action, diagnosis' : undefined,
});

export const input = z.strictObject({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/),
  description: z.string().min(1),
  required: z.boolean().default(true),
  default: z.string().optional(),
  /** How the UI offers to pick it: from a live list of these objects. */
  pick: z.enum(['pod', 'node', 'namespace']).optional(),
  /**
   * Text a person pastes (the error a page showed, a log line from elsewhere): when it was not given, the TUI
   * asks for it at the first check that reads it, with this one line saying why the walk wants it.
   */
  paste: z.string().min(8).optional(),
});

/** Another runbook reused as a sub-tree: its steps join this one as `<as>.<step>`. */
export const include = z.strictObject({
  /** A bundled runbook id (`node-not-ready`) or a path relative to this file. */
  runbook: z.string().min(1),
  as: stepId,
  /** Values for the included runbook's inputs, templated over this runbook's inputs and facts. */
  with: z.record(z.string(), paramValue).default({}),
  /** Where the included runbook's own ends go; each defaults to this runbook's same special target. */
  onNoFinding: target.optional(),
  onBottomUp: target.optional(),
  onIncomplete: target.optional(),
});

export const runbook = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  title: z.string().min(1),
  symptom: z.string().min(1),
  inputs: z.array(input).default([]),
  include: z.array(include).default([]),
  /** Checks this runbook declares as data (docs/runbooks.md, "Your own checks"); steps name them like built-in ones. */
  checks: z.record(declaredCheckId, declaredCheck).default({}),
  /** Files of shared declared checks (`checks:` maps), paths relative to this file. */
  checkFiles: z.array(z.string().min(1)).default([]),
  /** First step of the top-down phase. */
  start: stepId,
  /** First step of the bottom-up sweep, entered through `$bottom-up`. */
  bottomUp: stepId.optional(),
  steps: z.record(stepId, step),
});

export type RunbookSpec = z.infer<typeof runbook>;
export type StepSpec = z.infer<typeof step>;
export type CheckStepSpec = z.infer<typeof checkStep>;
export type AskStepSpec = z.infer<typeof askStep>;
export type ActionStepSpec = z.infer<typeof actionStep>;
export type KubeActionSpec = z.infer<typeof kubeAction>;
export type IncludeSpec = z.infer<typeof include>;
export type DiagnosisStepSpec = z.infer<typeof diagnosisStep>;
export type InputSpec = z.infer<typeof input>;
