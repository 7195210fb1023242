import { z } from 'zod';
import { decide, namedPortsOf } from '../../kube/networkPolicy.js';
import type { NetworkPolicyView, Party } from '../../kube/networkPolicy.js';
import { selectorText } from '../../kube/labelSelector.js';
import { quoteArg } from '../../nodeaccess/quote.js';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence } from '../types.js';
import { listNetworkPolicies, namespaceLabels, podPort, podReady, selectedPods, servicePorts } from './objects.js';

const outcomes = ['no-policies', 'allowed', 'denied', 'no-target'] as const;
type Outcome = (typeof outcomes)[number];

/** The probe pod's labels: with no client named, the check asks about a pod like the probe. */
export const probeLabels = { 'app.kubernetes.io/managed-by': 'plumbline', 'plumbline.dev/probe': 'true' };

const params = z.object({
  namespace: z.string().min(1),
  service: z.string().min(1),
  /** Where the traffic comes from: a namespace, and a pod there or labels; default a pod like the probe in the Service's namespace. */
  fromNamespace: z.string().default(''),
  fromPod: z.string().default(''),
  fromLabels: z.string().default(''),
});
type Params = z.infer<typeof params>;

function parseLabels(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(',')
      .map((kv) => kv.trim())
      .filter(Boolean)
      .map((kv) => {
        const i = kv.indexOf('=');
        return i < 0 ? [kv, ''] : [kv.slice(0, i), kv.slice(i + 1)];
      }),
  );
}

const command = (p: Params) =>
  `kubectl get networkpolicy -n ${quoteArg(p.namespace)} -o yaml${p.fromNamespace && p.fromNamespace !== p.namespace ? `; kubectl get networkpolicy -n ${quoteArg(p.fromNamespace)} -o yaml` : ''}; kubectl get namespace ${quoteArg(p.fromNamespace || p.namespace)} --show-labels`;

/**
 * The NetworkPolicies on the path, worked out as the policy spec says
 * (src/kube/networkPolicy.ts, the same rules the drill's probe pod follows):
 * a pod selected by a policy for Ingress takes only what some such policy
 * allows; the client's own namespace may limit its Egress the same way.
 */
export const serviceNetworkPolicy = defineCheck({
  id: 'service.network-policy',
  layer: 'cluster',
  title: 'Do NetworkPolicies let the client reach the pods?',
  why: 'A NetworkPolicy that selects the pods turns them deny-by-default for its direction: once one policy selects a pod, only what some policy allows gets in. The connection then times out, with every pod Ready and every endpoint listed.',
  params,
  outcomes,
  healthy: ['no-policies', 'allowed'],
  facts: ['policyName', 'policies', 'deniedAt', 'deniedBecause', 'allowedBy', 'trafficFrom'],
  sets: {
    '*': ['trafficFrom'],
    denied: ['policyName', 'policies', 'deniedAt', 'deniedBecause'],
    allowed: ['allowedBy', 'policies'],
  },
  command,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const fromNs = p.fromNamespace || p.namespace;
    const svc = await ifExists(ctx.kube.readService(p.namespace, p.service));
    const selector = svc?.spec?.selector ?? {};
    const pods = svc && Object.keys(selector).length > 0 ? await selectedPods(ctx.kube, p.namespace, selector) : [];
    const target = pods.find(podReady) ?? pods[0];
    const source = p.fromPod ? await ifExists(ctx.kube.readPod(fromNs, p.fromPod)) : undefined;
    const fromLabels = source?.metadata?.labels ?? (p.fromLabels ? parseLabels(p.fromLabels) : probeLabels);
    const trafficFrom = p.fromPod
      ? `pod ${fromNs}/${p.fromPod}`
      : `a pod in ${fromNs} labelled ${selectorText(fromLabels) || '(none)'}`;
    if (!svc || !target) {
      return {
        outcome: 'no-target',
        summary: `no pod behind ${p.namespace}/${p.service} to work the policies out for`,
        evidence: [],
        facts: { trafficFrom },
      };
    }
    const policies = await listNetworkPolicies(ctx.kube, p.namespace);
    const sourcePolicies = fromNs === p.namespace ? [] : await listNetworkPolicies(ctx.kube, fromNs);
    const all: NetworkPolicyView[] = [...policies, ...sourcePolicies];
    const evidence: Evidence[] = [
      { label: `policies in ${p.namespace}`, value: policies.map((x) => x.metadata.name).join(', ') || 'none' },
      ...(fromNs !== p.namespace
        ? [{ label: `policies in ${fromNs}`, value: sourcePolicies.map((x) => x.metadata.name).join(', ') || 'none' }]
        : []),
      { label: 'from', value: trafficFrom },
    ];
    if (all.length === 0)
      return {
        outcome: 'no-policies',
        summary: `no NetworkPolicy in ${[...new Set([p.namespace, fromNs])].join(' or ')}: nothing filters this traffic`,
        evidence,
        facts: { trafficFrom },
      };
    const sp = servicePorts(svc)[0];
    const port = sp ? podPort(target, sp) : undefined;
    const labelsCache = new Map<string, Record<string, string>>();
    for (const ns of new Set([p.namespace, fromNs])) labelsCache.set(ns, await namespaceLabels(ctx.kube, ns));
    const to: Party = {
      namespace: p.namespace,
      labels: target.metadata?.labels ?? {},
      ...(target.status?.podIP ? { ip: target.status.podIP } : {}),
      namedPorts: namedPortsOf(target),
    };
    const from: Party = {
      namespace: fromNs,
      labels: fromLabels,
      ...(source?.status?.podIP ? { ip: source.status.podIP } : {}),
    };
    const verdict = decide(all, { from, to, port: port ?? sp?.port ?? 0, protocol: sp?.protocol ?? 'TCP' }, (ns) =>
      labelsCache.get(ns),
    );
    const onTarget = verdict.ingress.isolatedBy;
    evidence.push({
      label: `ingress to ${target.metadata?.name ?? ''} (${selectorText(target.metadata?.labels ?? {})}) on ${port ?? '?'}/${sp?.protocol ?? 'TCP'}`,
      value:
        onTarget.length === 0
          ? 'not isolated (no policy selects it for Ingress)'
          : `isolated by ${onTarget.join(', ')}: ${verdict.ingress.allowed ? `allowed by ${verdict.ingress.allowedBy ?? ''}` : 'no rule allows it'}`,
    });
    evidence.push({
      label: 'egress from the client',
      value:
        verdict.egress.isolatedBy.length === 0
          ? 'not isolated'
          : `isolated by ${verdict.egress.isolatedBy.join(', ')}: ${verdict.egress.allowed ? `allowed by ${verdict.egress.allowedBy ?? ''}` : 'no rule allows it'}`,
    });
    if (!verdict.allowed) {
      const d = verdict.deniedAt === 'egress' ? verdict.egress : verdict.ingress;
      // A policy with no rules for the direction (a default-deny) is the one that shuts the door; name it first.
      const rulesOf = (name: string) => {
        const pol = all.find((x) => x.metadata.name === name);
        return (verdict.deniedAt === 'egress' ? pol?.spec?.egress : pol?.spec?.ingress)?.length ?? 0;
      };
      const ordered = [...d.isolatedBy].sort((a, b) => rulesOf(a) - rulesOf(b));
      const policyName = ordered[0] ?? '';
      const svcPort = svc.spec?.ports?.[0];
      const mistake =
        verdict.deniedAt === 'egress' ? undefined : servicePortInPolicy(all, ordered, svcPort, port, p.service);
      const deniedBecause = `No rule of theirs allows ${trafficFrom}${port !== undefined ? ` on port ${port}` : ''}.${mistake ? ` ${mistake}` : ''}`;
      if (mistake) evidence.push({ label: 'policy port', value: mistake });
      return {
        outcome: 'denied',
        summary: `NetworkPolicy ${policyName}${ordered.length > 1 ? ` (with ${ordered.slice(1).join(', ')})` : ''} ${verdict.deniedAt === 'egress' ? `isolates ${trafficFrom} for Egress` : `selects ${target.metadata?.name ?? 'the pods'} for Ingress`}, and no rule allows ${trafficFrom} to ${p.service}'s pods on port ${port ?? '?'}`,
        evidence,
        facts: {
          policyName,
          policies: ordered.join(', '),
          deniedAt: verdict.deniedAt ?? 'ingress',
          trafficFrom,
          deniedBecause,
        },
      };
    }
    const allowedBy =
      [verdict.ingress.allowedBy, verdict.egress.allowedBy].filter(Boolean).join(', ') ||
      'no policy selects either end';
    return {
      outcome: 'allowed',
      summary: `the policies let ${trafficFrom} reach ${p.service}'s pods on port ${port ?? '?'} (${allowedBy})`,
      evidence,
      facts: { allowedBy, policies: all.map((x) => x.metadata.name).join(', '), trafficFrom },
    };
  },
});

/**
 * A rule's port that is the Service's nodePort or port rather than the pods' (projectcalico/felix#2836: a policy
 * admitting the nodePort 30644 for pods listening on 8080). Policies see traffic after the Service's translation,
 * so such a port admits nothing.
 */
function servicePortInPolicy(
  all: readonly NetworkPolicyView[],
  names: readonly string[],
  svcPort: { port?: number; nodePort?: number } | undefined,
  podPortNumber: number | undefined,
  service: string,
): string | undefined {
  if (!svcPort || podPortNumber === undefined) return undefined;
  for (const name of names) {
    const rules = all.find((x) => x.metadata.name === name)?.spec?.ingress ?? [];
    const ports = rules.flatMap((r) => r.ports ?? []).map((x) => x.port);
    if (ports.includes(podPortNumber)) continue;
    const hit = ports.find(
      (v) => typeof v === 'number' && (v === svcPort.nodePort || (v === svcPort.port && v !== podPortNumber)),
    );
    if (hit === undefined) continue;
    const which = hit === svcPort.nodePort ? 'nodePort' : 'port';
    return `${name} admits port ${hit}, which is ${service}'s ${which}: a policy's port is the pods' port (${podPortNumber}), since traffic reaches them after the Service's translation, so ${hit} admits nothing.`;
  }
  return undefined;
}
