import { z } from 'zod';
import { selectorText } from '../../kube/labelSelector.js';
import { quoteArg } from '../../nodeaccess/quote.js';
import type { KubeClient } from '../../kube/client.js';
import { groupEvents, involvedObjectSelector } from '../events.js';
import { ageSeconds, formatAge } from '../format.js';
import { clip } from '../pods.js';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence } from '../types.js';
import { closest, portText, servicePorts } from './objects.js';

const outcomes = [
  'ok',
  'not-found',
  'no-selector',
  'external-name',
  'headless',
  'headless-port-differs',
  'port-not-exposed',
  'lb-pending',
] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  namespace: z.string().min(1),
  service: z.string().min(1),
  /** What the client calls (`http://web.shop:8080/x`, `10.96.4.7:80`): its port is held against the Service's. */
  url: z.string().default(''),
});
type Params = z.infer<typeof params>;

/** The newest Warning event on the Service, as `reason: message`; read is false when the events could not be listed. */
async function lbWarning(
  ctx: { kube: { listEvents: KubeClient['listEvents'] } },
  p: Params,
): Promise<{ read: boolean; text?: string; error?: string }> {
  try {
    const events = await ctx.kube.listEvents({
      namespace: p.namespace,
      fieldSelector: involvedObjectSelector('Service', p.service, p.namespace),
    });
    const w = groupEvents(events).find((g) => g.type === 'Warning');
    return w ? { read: true, text: clip(`${w.reason}: ${w.message}`, 400) } : { read: true };
  } catch (err) {
    return { read: false, error: clip(err instanceof Error ? err.message : String(err), 160) };
  }
}

/** The port a URL or host:port names, if any. */
export function urlPort(url: string): number | undefined {
  const m = /^(?:[a-z]+:\/\/)?(?:\[[^\]]+\]|[^/:]+):(\d{1,5})(?:[/?#]|$)/i.exec(url.trim());
  return m?.[1] ? Number(m[1]) : undefined;
}

/** A cloud load balancer takes a minute or two to appear; longer than this, nothing is making one. */
const lbGraceSeconds = 180;

// The Service's events only matter (and are only read) while a LoadBalancer waits for its address.
const command = (p: Params) =>
  `kubectl get service ${quoteArg(p.service)} -n ${quoteArg(p.namespace)} -o wide && kubectl get events -n ${quoteArg(p.namespace)} --field-selector ${quoteArg(involvedObjectSelector('Service', p.service, p.namespace))}`;

/**
 * The Service itself, as the Debug Services page starts: does it exist, what
 * type, which ports and selector. A headless Service has no virtual IP, so
 * a client reaches the pods on their own port; a port the client uses that
 * the Service does not expose never reaches anything.
 */
export const serviceSpec = defineCheck({
  id: 'service.spec',
  layer: 'cluster',
  title: 'Does the Service exist, and what does it expose?',
  why: 'Every path to the pods starts at the Service: its type says who can reach it, its ports what they must call, its selector which pods get the traffic.',
  params,
  outcomes,
  healthy: ['ok', 'headless'],
  facts: [
    'clusterIP',
    'serviceType',
    'selector',
    'servicePorts',
    'servicePort',
    'targetPort',
    'similarService',
    'externalName',
    'clientPort',
    'pendingFor',
    'lbEvent',
    'lbEventsRead',
  ],
  sets: {
    ok: ['clusterIP', 'serviceType', 'servicePorts', 'selector', 'servicePort', 'targetPort'],
    headless: ['serviceType', 'servicePorts', 'selector', 'servicePort', 'targetPort'],
    'headless-port-differs': ['servicePort', 'targetPort', 'servicePorts'],
    'port-not-exposed': ['clientPort', 'servicePorts', 'serviceType'],
    'external-name': ['externalName'],
    'no-selector': ['serviceType', 'servicePorts'],
    'lb-pending': [
      'clusterIP',
      'serviceType',
      'servicePorts',
      'selector',
      'servicePort',
      'targetPort',
      'pendingFor',
      'lbEventsRead',
    ],
  },
  command,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const svc = await ifExists(ctx.kube.readService(p.namespace, p.service));
    if (!svc) {
      const names = (
        await ctx.kube.listJson<{ metadata: { name: string } }>(
          `/api/v1/namespaces/${encodeURIComponent(p.namespace)}/services`,
          { maxItems: 500 },
        )
      ).map((s) => s.metadata.name);
      const near = closest(p.service, names);
      return {
        outcome: 'not-found',
        summary: `there is no Service ${p.service} in namespace ${p.namespace}${near ? `; did you mean ${near}?` : ''}`,
        evidence: [
          {
            label: 'services in the namespace',
            value:
              names.length > 0
                ? names.slice(0, 12).join(', ') + (names.length > 12 ? ` (+${names.length - 12})` : '')
                : 'none',
          },
        ],
        facts: near ? { similarService: near } : {},
      };
    }
    const spec = svc.spec ?? {};
    const type = spec.type ?? 'ClusterIP';
    const ports = servicePorts(svc);
    const portsText = ports.map(portText).join(', ') || 'none';
    const selector = spec.selector ?? {};
    const evidence: Evidence[] = [
      { label: 'type', value: type },
      { label: 'clusterIP', value: spec.clusterIP ?? '(none)' },
      { label: 'ports (port→targetPort)', value: portsText },
      { label: 'selector', value: selectorText(selector) || '(none)' },
    ];
    const first = ports[0];
    const facts = {
      serviceType: type,
      servicePorts: portsText,
      selector: selectorText(selector),
      ...(spec.clusterIP && spec.clusterIP !== 'None' ? { clusterIP: spec.clusterIP } : {}),
      ...(first ? { servicePort: first.port, targetPort: String(first.targetPort ?? first.port) } : {}),
    };
    if (type === 'ExternalName') {
      return {
        outcome: 'external-name',
        summary: `${p.service} is an ExternalName Service: DNS answers with a CNAME to ${spec.externalName ?? '(unset)'}, no proxying, no endpoints`,
        evidence: [...evidence, { label: 'externalName', value: spec.externalName ?? '' }],
        facts: { ...facts, externalName: spec.externalName ?? '(unset)' },
      };
    }
    const asked = urlPort(p.url);
    if (
      asked !== undefined &&
      !ports.some((x) => x.port === asked) &&
      !(svc.spec?.ports ?? []).some((x) => x.nodePort === asked)
    ) {
      const why =
        type === 'ClusterIP'
          ? ` It is of type ClusterIP: reachable only inside the cluster, on ${ports.map((x) => x.port).join(', ')}; a node port needs type NodePort.`
          : '';
      return {
        outcome: 'port-not-exposed',
        summary: `the client calls port ${asked}, which ${p.service} does not expose (ports ${portsText}${type === 'NodePort' || type === 'LoadBalancer' ? `, node ports ${(svc.spec?.ports ?? []).map((x) => x.nodePort).join(', ')}` : ''}).${why}`,
        evidence: [...evidence, { label: 'the client calls', value: p.url }],
        facts: { ...facts, clientPort: asked },
      };
    }
    if (Object.keys(selector).length === 0) {
      return {
        outcome: 'no-selector',
        summary: `${p.service} has no selector: its endpoints are whatever someone wrote by hand (or a controller other than Kubernetes')`,
        evidence,
        facts,
      };
    }
    if (spec.clusterIP === 'None') {
      const differs = ports.find((x) =>
        typeof x.targetPort === 'number'
          ? x.targetPort !== x.port
          : x.targetPort !== undefined && x.targetPort !== String(x.port),
      );
      if (differs) {
        return {
          outcome: 'headless-port-differs',
          summary: `${p.service} is headless (clusterIP None): its name resolves to the pods' own IPs and nothing translates ports, so a client calling port ${differs.port} reaches the pods on ${differs.port}, not on targetPort ${String(differs.targetPort)}`,
          evidence,
          facts: { ...facts, servicePort: differs.port, targetPort: String(differs.targetPort) },
        };
      }
      return {
        outcome: 'headless',
        summary: `${p.service} is headless: its name resolves to the ready pods' IPs`,
        evidence,
        facts,
      };
    }
    // jenkins-x/jx#8367: on a cluster with no load-balancer implementation the Service waits for an address forever.
    const ingress = svc.status?.loadBalancer?.ingress ?? [];
    const age = ageSeconds(svc.metadata?.creationTimestamp, ctx.now());
    if (type === 'LoadBalancer' && ingress.length === 0 && age !== undefined && age >= lbGraceSeconds) {
      // What the controller that should give the address says about it (kubectl describe service's Events):
      // cluster-api-provider-aws#1008, "could not find any suitable subnets for creating the ELB".
      const warning = await lbWarning(ctx, p);
      const lbFacts = {
        ...facts,
        pendingFor: formatAge(age),
        lbEventsRead: warning.read,
        ...(warning.text ? { lbEvent: warning.text } : {}),
      };
      return {
        outcome: 'lb-pending',
        summary: `${p.service} is a LoadBalancer Service with no external address after ${formatAge(age)} (EXTERNAL-IP pending); inside the cluster it answers on ${spec.clusterIP ?? ''}, ports ${portsText}${warning.text ? `; the Service's last warning: ${warning.text}` : ''}`,
        evidence: [
          ...evidence,
          { label: 'status.loadBalancer', value: 'no ingress address' },
          {
            label: 'Service events',
            value: warning.text ?? (warning.read ? 'no Warning event' : `not read: ${warning.error ?? ''}`),
          },
        ],
        facts: lbFacts,
      };
    }
    return {
      outcome: 'ok',
      summary: `${p.service} is a ${type} Service on ${spec.clusterIP ?? ''}, ports ${portsText}, selecting ${selectorText(selector)}`,
      evidence,
      facts,
    };
  },
});
