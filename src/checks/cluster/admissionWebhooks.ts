import { z } from 'zod';
import type { AdmissionregistrationV1WebhookClientConfig, CoreV1Event, V1Endpoints } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/client.js';
import { KubeError } from '../../kube/errors.js';
import { groupEvents } from '../events.js';
import { clip } from '../pods.js';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { quoteArg } from '../../nodeaccess/quote.js';

const outcomes = [
  'healthy',
  'webhook-without-endpoints',
  'webhook-calls-failing',
  'webhook-denied',
  'create-forbidden',
] as const;
type Outcome = (typeof outcomes)[number];

/** FailedCreate events are few on a healthy cluster; a storm of them still fits one page. */
const maxEvents = 500;
/** Webhook configurations grow with installed operators, not with nodes. */
const maxConfigurations = 200;
const maxServicesRead = 10;

interface WebhookRef {
  webhook: string;
  configuration: string;
  kind: 'validating' | 'mutating';
  service: string;
  failurePolicy: string;
}

interface FailedCall {
  webhook: string;
  url: string;
  error: string;
  /** `namespace/name` of the Service the URL names, when it is a cluster Service. */
  service?: string;
  object: string;
  count: number;
  message: string;
}

/** A create the API server answered with a refusal: a webhook that was called and said no, or an admission plugin (quota, limits, Pod Security). */
interface Refusal {
  object: string;
  count: number;
  message: string;
  /** What the refusal says, without the controller's "Error creating:" wrapper. */
  refusal: string;
  webhook?: string;
  denial?: string;
}

export const clusterAdmissionWebhooks = defineCheck({
  id: 'cluster.admission-webhooks',
  layer: 'cluster',
  title: 'Admission webhooks that fail calls or have no endpoints, and creates the API server refuses',
  why: 'Every create goes through the admission webhooks registered for it; a webhook whose Service has no ready endpoints (its operator pod is down) and failurePolicy Fail rejects the create, so ReplicaSets and StatefulSets cannot make pods and only their FailedCreate events say why.',
  params: z.object({
    /** Where the failing creates happen; unset looks at FailedCreate events in every namespace. */
    namespace: z.string().min(1).optional(),
    /** The controller whose creates fail (`ReplicaSet`, `StatefulSet`...), with `name`. */
    kind: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    /** The pod that should exist: a refusal by the controller its name starts with is preferred over other refusals in the namespace. */
    pod: z.string().min(1).optional(),
  }),
  outcomes,
  healthy: ['healthy'],
  facts: [
    'webhook',
    'webhookService',
    'webhookError',
    'webhookEndpoints',
    'webhookProblem',
    'failingObject',
    'webhookDenial',
    'webhookConfiguration',
    'createRefusal',
    'refusedBy',
  ],
  sets: {
    'webhook-without-endpoints': [
      'failingObject',
      'webhook',
      'webhookEndpoints',
      'webhookError',
      'webhookProblem',
      'webhookService',
    ],
    'webhook-calls-failing': [
      'failingObject',
      'webhook',
      'webhookEndpoints',
      'webhookError',
      'webhookProblem',
      'webhookService',
    ],
    'webhook-denied': ['failingObject', 'webhook', 'webhookDenial', 'webhookConfiguration', 'createRefusal'],
    'create-forbidden': ['failingObject', 'createRefusal', 'refusedBy'],
  },
  command: (p) =>
    `kubectl get events ${p.namespace ? `-n ${quoteArg(p.namespace)}` : '-A'} --field-selector ${quoteArg(eventSelector(p))} | grep -E 'failed calling webhook|denied the request|is forbidden' && kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const [events, configured] = await Promise.all([
      ctx.kube.listEvents({
        namespace: p.namespace,
        fieldSelector: eventSelector(p),
        pageSize: maxEvents,
        maxItems: maxEvents,
      }),
      webhookConfigurations(ctx.kube),
    ]);
    const calls = failedCalls(events);
    const evidence: Evidence[] = [];
    const services = [
      ...new Set(
        [...calls.map((c) => c.service), ...(configured.refs ?? []).map((r) => r.service)].filter(
          (s): s is string => s !== undefined && s !== '',
        ),
      ),
    ].slice(0, maxServicesRead);
    const endpoints = new Map(
      await Promise.all(services.map(async (s) => [s, await readyCount(ctx.kube, s)] as const)),
    );
    if (configured.note) evidence.push({ label: 'webhook configurations', value: configured.note });
    for (const c of calls.slice(0, 5))
      evidence.push({ label: `${c.object} FailedCreate ×${c.count}`, value: clip(c.message, 400) });

    const facts: Facts = {};
    const empty = (s: string | undefined) => s !== undefined && endpoints.get(s)?.ready === 0;
    const failingCall = calls.find((c) => empty(c.service)) ?? calls[0];
    const emptyConfigured = (configured.refs ?? []).filter((r) => empty(r.service));
    for (const r of emptyConfigured.slice(0, 5)) {
      evidence.push({
        label: `${r.kind} webhook ${r.webhook}`,
        value: `service ${r.service}: ${endpoints.get(r.service)?.text}, failurePolicy ${r.failurePolicy}`,
      });
    }
    if (failingCall) {
      facts.webhook = failingCall.webhook;
      facts.webhookError = failingCall.error;
      facts.failingObject = failingCall.object;
      if (failingCall.service) {
        facts.webhookService = failingCall.service;
        const e = endpoints.get(failingCall.service);
        if (e) {
          facts.webhookEndpoints = e.text;
          evidence.push({ label: `endpoints ${failingCall.service}`, value: e.text });
        }
      }
      // The API server's own error names what happened; a TLS error or a timeout means it did reach (or try) an endpoint,
      // whatever the Endpoints read says, so only a call that did not name such a cause is read from the endpoints.
      const problem = webhookProblem(failingCall.error);
      facts.webhookProblem = problem ?? 'its service has no ready endpoints';
      if (facts.webhookEndpoints === undefined)
        facts.webhookEndpoints = failingCall.service ? 'not read' : `no Service (the webhook calls ${failingCall.url})`;
      const noEndpoints =
        /no endpoints available for service/.test(failingCall.error) ||
        (problem === undefined && empty(failingCall.service));
      return {
        outcome: noEndpoints ? 'webhook-without-endpoints' : 'webhook-calls-failing',
        summary: noEndpoints
          ? `creates by ${failingCall.object} are rejected: webhook "${failingCall.webhook}" has no ready endpoints behind ${failingCall.service ?? failingCall.url}; start the webhook's pods (or, as a last resort, set its failurePolicy to Ignore)`
          : `creates by ${failingCall.object} are rejected: the API server cannot call webhook "${failingCall.webhook}": ${clip(failingCall.error, 160)}`,
        evidence,
        facts,
      };
    }
    // The API server reached its verdict: a webhook that answered "denied", or an admission plugin that forbids the pod.
    const refusal = pickRefusal(refusals(events), p.pod);
    if (refusal) {
      for (const r of [refusal])
        evidence.push({ label: `${r.object} FailedCreate ×${r.count}`, value: clip(r.message, 400) });
      facts.failingObject = refusal.object;
      facts.createRefusal = clip(refusal.refusal, 400);
      if (refusal.webhook !== undefined) {
        const ref = (configured.refs ?? []).find((r) => r.webhook === refusal.webhook);
        facts.webhook = refusal.webhook;
        facts.webhookDenial = refusal.denial ?? 'without explanation';
        facts.webhookConfiguration = ref
          ? `${ref.kind}webhookconfiguration ${ref.configuration}`
          : configured.refs
            ? 'not among the service-backed webhook configurations read (a URL-backed webhook, or one since removed)'
            : 'the webhook configurations were not read';
        if (ref)
          evidence.push({
            label: `${ref.kind} webhook ${ref.webhook}`,
            value: `configuration ${ref.configuration}, service ${ref.service}, failurePolicy ${ref.failurePolicy}`,
          });
        return {
          outcome: 'webhook-denied',
          summary: `creates by ${refusal.object} are denied by webhook "${refusal.webhook}", which answered: ${clip(facts.webhookDenial, 200)}; the webhook works, its policy refuses this pod`,
          evidence,
          facts,
        };
      }
      facts.refusedBy = refusedBy(refusal.refusal);
      return {
        outcome: 'create-forbidden',
        summary: `creates by ${refusal.object} are refused by ${facts.refusedBy}: ${clip(refusal.refusal, 200)}`,
        evidence,
        facts,
      };
    }
    const first = emptyConfigured.find((r) => r.failurePolicy === 'Fail') ?? emptyConfigured[0];
    if (first) {
      facts.webhook = first.webhook;
      facts.webhookService = first.service;
      facts.webhookEndpoints = endpoints.get(first.service)?.text ?? '';
      facts.webhookProblem = 'its service has no ready endpoints';
      return {
        outcome: 'webhook-without-endpoints',
        summary: `${emptyConfigured.length} webhook${emptyConfigured.length === 1 ? '' : 's'} point${emptyConfigured.length === 1 ? 's' : ''} at a Service with no ready endpoints (${emptyConfigured.map((r) => `${r.webhook} → ${r.service}`).join(', ')}); with failurePolicy ${first.failurePolicy}, the creates it intercepts ${first.failurePolicy === 'Fail' ? 'are rejected' : 'skip it'}`,
        evidence,
        facts,
      };
    }
    return {
      outcome: 'healthy',
      summary: `no "failed calling webhook", webhook denial or forbidden create in ${p.namespace ? `namespace ${p.namespace}'s` : "the cluster's"} FailedCreate events${configured.refs ? `, and all ${configured.refs.length} service-backed webhooks have ready endpoints` : ''}`,
      evidence,
      facts,
    };
  },
});

function eventSelector(p: {
  namespace?: string | undefined;
  kind?: string | undefined;
  name?: string | undefined;
}): string {
  return [
    'reason=FailedCreate',
    ...(p.kind ? [`involvedObject.kind=${p.kind}`] : []),
    ...(p.name ? [`involvedObject.name=${p.name}`] : []),
  ].join(',');
}

/**
 * `Internal error occurred: failed calling webhook "X": failed to call webhook: Post "https://svc.ns.svc:443/path?timeout=10s": no endpoints available for service "svc"`
 * (the `failed to call webhook:` part appeared in 1.23; older servers omit it and the URL's quotes).
 */
// Kubernetes 1.9-1.13 said `failed calling admission webhook "X": Post https://...` (istio/istio#6186).
const failedCallRe =
  /failed calling (?:admission )?webhook "([^"]+)": (?:failed to call webhook: )?Post "?(https?:\/\/[^\s"]+)"?: (.*)$/;

/** What the API server's error says went wrong, in words; undefined when it says nothing more than "no endpoints". */
export function webhookProblem(error: string): string | undefined {
  if (/no endpoints available for service/.test(error)) return 'its service has no ready endpoints';
  if (/service "[^"]+" not found/.test(error)) return 'its service does not exist';
  if (/x509: certificate has expired/.test(error)) return 'its serving certificate has expired';
  if (/x509|tls:/.test(error))
    return "the API server does not trust its serving certificate (the webhook's caBundle does not match)";
  if (/connection refused/.test(error)) return 'nothing listens on its port';
  if (/deadline exceeded|Client\.Timeout|i\/o timeout|timed out|request canceled/.test(error))
    return 'it does not answer in time (a network path from the API server, or a hung backend)';
  return undefined;
}

/**
 * `Error creating: admission webhook "X" denied the request: <why>` (or `... without explanation`): the webhook answered.
 * `Error creating: pods "p" is forbidden: <why>` (and a StatefulSet's `create Pod p in StatefulSet s failed error: pods "p" is forbidden: <why>`):
 * an admission plugin refused it (ResourceQuota, LimitRange, Pod Security, a missing service account).
 */
const deniedRe = /admission webhook "([^"]+)" denied the request(?:: ([^]*)| without explanation)/;
const forbiddenRe = /(?:Error creating: |failed error: )(.{0,200}? is forbidden: [^]*)$/;

function refusals(events: CoreV1Event[]): Refusal[] {
  const out: Refusal[] = [];
  const objects = new Map<string, string>();
  for (const e of events)
    objects.set(
      `${e.reason}\u0000${(e.message ?? '').trim()}`,
      `${e.involvedObject.kind}/${e.involvedObject.name}${e.involvedObject.namespace ? ` in ${e.involvedObject.namespace}` : ''}`,
    );
  for (const g of groupEvents(events)) {
    if (failedCallRe.test(g.message)) continue;
    const object = objects.get(`${g.reason}\u0000${g.message}`) ?? '';
    const denied = deniedRe.exec(g.message);
    if (denied) {
      const why = denied[2]?.trim();
      out.push({
        object,
        count: g.count,
        message: g.message,
        refusal: g.message.replace(/^Error creating: /, ''),
        webhook: denied[1] ?? '',
        ...(why ? { denial: why } : {}),
      });
      continue;
    }
    const forbidden = forbiddenRe.exec(g.message);
    if (forbidden) out.push({ object, count: g.count, message: g.message, refusal: forbidden[1] ?? g.message });
  }
  return out;
}

/** The refusal by the paged pod's own controller (a name the pod's starts with) first, then the newest. */
function pickRefusal(list: Refusal[], pod: string | undefined): Refusal | undefined {
  const name = (r: Refusal) => /^[^/]+\/(\S+)/.exec(r.object)?.[1] ?? '';
  return (pod ? list.find((r) => name(r) !== '' && pod.startsWith(`${name(r)}-`)) : undefined) ?? list[0];
}

/** Which admission step the refusal comes from, in words. */
export function refusedBy(refusal: string): string {
  if (/exceeded quota: /.test(refusal)) return 'a ResourceQuota';
  if (/violates PodSecurity /.test(refusal)) return 'Pod Security admission';
  if (
    /(?:maximum|minimum) \S+ usage per (?:Container|Pod)|max limit to request ratio per|must specify limits\.|must specify requests\./.test(
      refusal,
    )
  )
    return 'a LimitRange';
  if (/unable to validate against any pod security policy/.test(refusal)) return 'a PodSecurityPolicy';
  if (/serviceaccount "[^"]+" not found|error looking up service account/.test(refusal))
    return 'the ServiceAccount admission (the service account does not exist)';
  return 'an admission plugin';
}

function failedCalls(events: CoreV1Event[]): FailedCall[] {
  const out: FailedCall[] = [];
  const objects = new Map<string, string>();
  for (const e of events)
    objects.set(
      `${e.reason}\u0000${(e.message ?? '').trim()}`,
      `${e.involvedObject.kind}/${e.involvedObject.name}${e.involvedObject.namespace ? ` in ${e.involvedObject.namespace}` : ''}`,
    );
  for (const g of groupEvents(events)) {
    const m = failedCallRe.exec(g.message);
    if (!m) continue;
    const url = m[2] ?? '';
    const host = /^https?:\/\/([^/:]+)/.exec(url)?.[1] ?? '';
    const svc = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.|$)/.exec(host);
    out.push({
      webhook: m[1] ?? '',
      url,
      error: (m[3] ?? '').replace(/'?\s*$/, ''),
      ...(svc ? { service: `${svc[2]}/${svc[1]}` } : {}),
      object: objects.get(`${g.reason}\u0000${g.message}`) ?? '',
      count: g.count,
      message: g.message,
    });
  }
  return out;
}

/** Service-backed webhooks of both kinds; a server that does not serve the kinds (or refuses the read) leaves a note instead. */
async function webhookConfigurations(kube: KubeClient): Promise<{ refs?: WebhookRef[]; note?: string }> {
  try {
    const [validating, mutating] = await Promise.all([
      kube.listValidatingWebhookConfigurations({ pageSize: maxConfigurations, maxItems: maxConfigurations }),
      kube.listMutatingWebhookConfigurations({ pageSize: maxConfigurations, maxItems: maxConfigurations }),
    ]);
    const refs: WebhookRef[] = [];
    const add = (
      kind: WebhookRef['kind'],
      configuration: string,
      webhooks:
        | { name: string; clientConfig: AdmissionregistrationV1WebhookClientConfig; failurePolicy?: string }[]
        | undefined,
    ) => {
      for (const w of webhooks ?? []) {
        const s = w.clientConfig.service;
        if (s)
          refs.push({
            webhook: w.name,
            configuration,
            kind,
            service: `${s.namespace}/${s.name}`,
            failurePolicy: w.failurePolicy ?? 'Fail',
          });
      }
    };
    for (const c of validating) add('validating', c.metadata?.name ?? '', c.webhooks);
    for (const c of mutating) add('mutating', c.metadata?.name ?? '', c.webhooks);
    return { refs };
  } catch (err) {
    // Events alone still name a failing webhook; the configurations only add the ones not yet called.
    if (err instanceof KubeError && (err.kind === 'forbidden' || err.kind === 'not-found'))
      return { note: `not read: ${err.message}` };
    throw err;
  }
}

async function readyCount(kube: KubeClient, service: string): Promise<{ ready: number | undefined; text: string }> {
  const [namespace = '', name = ''] = service.split('/');
  let ep: V1Endpoints | undefined;
  try {
    ep = await ifExists(kube.readEndpoints(namespace, name));
  } catch (err) {
    if (err instanceof KubeError && err.kind === 'forbidden')
      return { ready: undefined, text: `not read: ${err.message}` };
    throw err;
  }
  if (!ep) return { ready: 0, text: 'no Endpoints object (no such Service?)' };
  const ready = (ep.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const notReady = (ep.subsets ?? []).reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  return {
    ready,
    text: `${ready} ready address${ready === 1 ? '' : 'es'}${notReady ? `, ${notReady} not ready` : ''}`,
  };
}
