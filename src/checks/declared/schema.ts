import { z } from 'zod';
import { layers } from '../types.js';
import { duration } from '../../base/durations.js';

/**
 * A check a runbook declares as data (DESIGN.md, "Runbooks are data; checks
 * are code or data"): what to read (a Kubernetes object or list, a host
 * command, an HTTP GET, a container's log), and rules in CEL that decide the
 * outcome from what was read.
 */

/** `shop.healthz`: like the built-in ids, a dotted lower-case name. */
export const declaredCheckId = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$/,
    'a check id is dotted lower-case words, like shop.healthz (the part before the first dot names its owner)',
  );

/** A name CEL and templates can refer to: a CEL identifier. */
const celName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a name made of letters, digits and _ (not starting with a digit)');

/** A CEL expression, checked by lint against the variables its source provides. */
const cel = z.string().min(1, 'a CEL expression');

/** Text with `{{params.x}}` and `{{<bound name>}}` placeholders. */
const template = z.string();

const param = z.strictObject({
  description: z.string().min(1),
  /** Used when the step's `with` does not give it; without one the parameter is required. */
  default: z.string().optional(),
});

export const kubeSource = z.strictObject({
  /** `v1`, `apps/v1`, `example.com/v1alpha1`: the API group and version, as in a manifest. */
  apiVersion: z
    .string()
    .regex(/^([a-z0-9.-]+\/)?v[0-9]+([a-z]+[0-9]+)?$/, 'an apiVersion like v1, apps/v1 or example.com/v1alpha1'),
  /** The kind, as in a manifest (`Deployment`, a CRD's `kind`); found through the API's discovery. */
  kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'a kind like Deployment or EndpointSlice'),
  /** One object by name (a get); without it, a list. */
  name: template.optional(),
  namespace: template.optional(),
  labelSelector: template.optional(),
  fieldSelector: template.optional(),
  /** At most this many items in one request (`limit`): a list never reads a whole cluster. */
  limit: z.number().int().min(1).max(500).default(100),
});

export const hostSource = z.strictObject({
  /** The node to run it on (a template, usually `{{params.node}}`). */
  node: template.min(1),
  /** The command as an argv, never a shell line; each element a template. */
  argv: z.array(template).min(1),
  timeout: duration.optional(),
});

export const httpSource = z.strictObject({
  /**
   * `local`: a GET from plumbline's own machine to `url`. `cluster`: a GET from
   * inside the cluster through the API server's service proxy
   * (`kubectl get --raw /api/v1/namespaces/<ns>/services/<svc>:<port>/proxy/<path>`).
   */
  from: z.enum(['local', 'cluster']).default('local'),
  /** from: local: an http:// or https:// URL (a template). */
  url: template.optional(),
  /** from: cluster: the Service, its namespace, port (name or number) and the path. */
  service: template.optional(),
  namespace: template.optional(),
  port: z.union([template, z.number().int().min(1).max(65535)]).optional(),
  path: template.default('/'),
  headers: z.record(z.string(), template).default({}),
  timeout: duration.optional(),
});

export const logsSource = z.strictObject({
  namespace: template.min(1),
  pod: template.min(1),
  container: template.optional(),
  /** The container's log before its last restart (`kubectl logs --previous`). */
  previous: z.boolean().default(false),
  /** The last N lines. */
  tailLines: z.number().int().min(1).max(10_000).default(200),
});

const evidenceLine = z.strictObject({ label: z.string().min(1), value: template });

export const rule = z.strictObject({
  /** The outcome this rule decides. */
  outcome: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, 'an outcome is lower-case words joined by dashes')
    .refine((s) => s !== 'error', 'error is implicit: a check that cannot look ends in error by itself'),
  /** A CEL expression that is true when this rule applies; without it, the rule always applies (a last rule). */
  when: cel.optional(),
  /** Values this rule binds (CEL), for its summary, evidence and facts. */
  let: z.record(celName, cel).default({}),
  summary: template.optional(),
  evidence: z.array(evidenceLine).default([]),
  /** Facts later steps read as `{{facts.name}}`: each a CEL expression, always set on this outcome. */
  facts: z.record(celName, cel).default({}),
});

const common = {
  layer: z.enum(layers),
  title: z.string().min(1),
  why: z.string().min(1),
  params: z.record(celName, param).default({}),
  /** Values bound before the rules, for every rule (CEL). */
  let: z.record(celName, cel).default({}),
  /** Tried in order; the first whose `when` holds decides. When none does, the check says so and ends in error. */
  rules: z.array(rule).min(1),
  /** The outcomes that mean "nothing wrong here". */
  healthy: z.array(z.string().min(1)).default([]),
  /** Evidence every rule shows (before its own). */
  evidence: z.array(evidenceLine).default([]),
};

export const declaredCheck = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('kube'), ...common, kube: kubeSource }),
    z.strictObject({ type: z.literal('host'), ...common, host: hostSource }),
    z.strictObject({ type: z.literal('http'), ...common, http: httpSource }),
    z.strictObject({ type: z.literal('logs'), ...common, logs: logsSource }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union' ? 'check type must be one of: kube, host, http, logs' : undefined,
  },
);

/** A shared file of checks a runbook names in `checkFiles`. */
export const checkFile = z.strictObject({
  checks: z.record(declaredCheckId, declaredCheck),
});

export type DeclaredCheckSpec = z.infer<typeof declaredCheck>;
export type DeclaredRule = z.infer<typeof rule>;
export type KubeSourceSpec = z.infer<typeof kubeSource>;
export type HostSourceSpec = z.infer<typeof hostSource>;
export type HttpSourceSpec = z.infer<typeof httpSource>;
export type LogsSourceSpec = z.infer<typeof logsSource>;
