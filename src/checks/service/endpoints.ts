import { z } from 'zod';
import type { V1Pod } from '@kubernetes/client-node';
import { selectorText } from '../../kube/labelSelector.js';
import { quoteArg } from '../../nodeaccess/quote.js';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence } from '../types.js';
import { declaredPortsText, listEndpointSlices, podPort, podReady, selectedPods, servicePorts } from './objects.js';

const outcomes = [
  'ready',
  'no-matching-pods',
  'none-ready',
  'ready-pods-unlisted',
  'port-unresolved',
  'port-not-declared',
  'not-found',
] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({ namespace: z.string().min(1), service: z.string().min(1) });
type Params = z.infer<typeof params>;

const command = (p: Params) =>
  `kubectl get endpointslices -n ${quoteArg(p.namespace)} -l kubernetes.io/service-name=${quoteArg(p.service)} -o wide; kubectl get pods -n ${quoteArg(p.namespace)} -o wide --show-labels`;

/** Pods in the namespace that carry every selector key but not every value: the selector's likely typo. */
async function nearMisses(
  ctx: Parameters<typeof serviceEndpoints.run>[0],
  namespace: string,
  selector: Record<string, string>,
): Promise<string[]> {
  const keys = Object.keys(selector);
  const pods = await ctx.kube.listPods({ namespace, labelSelector: keys.join(','), maxItems: 200 });
  const seen = new Set<string>();
  for (const pod of pods)
    seen.add(selectorText(Object.fromEntries(keys.map((k) => [k, pod.metadata?.labels?.[k] ?? '']))));
  if (seen.size > 0) return [...seen].slice(0, 5);
  // No pod carries every key: name the pods that match part of the selector and the labels they lack
  // (honestica/lifen-charts#33: the awx-web pods had instance=awx and name=awx, not component=web).
  const all = await ctx.kube.listPods({ namespace, maxItems: 200 });
  const partial = new Set<string>();
  for (const pod of all) {
    const labels = pod.metadata?.labels ?? {};
    const has = keys.filter((k) => labels[k] === selector[k]);
    if (has.length === 0) continue;
    const lacks = keys.filter((k) => labels[k] !== selector[k]);
    const found = has.map((k) => `${k}=${selector[k] ?? ''}`).join(',');
    const without = lacks.map((k) => `${k}=${selector[k] ?? ''}`).join(',');
    const instead = lacks.flatMap((k) => (labels[k] !== undefined ? [`${k}=${labels[k]}`] : [])).join(',');
    partial.add(`${pod.metadata?.name ?? ''}: ${found}, without ${without}${instead ? ` (it has ${instead})` : ''}`);
  }
  return [...partial].slice(0, 3);
}

/**
 * The Service's EndpointSlices and the pods behind them: the commonest
 * reasons a Service answers nothing are a selector that matches no pod,
 * pods that match but are not Ready (so they are not endpoints), and a
 * targetPort the pods do not serve.
 */
export const serviceEndpoints = defineCheck({
  id: 'service.endpoints',
  layer: 'pod',
  title: 'Does the Service have ready endpoints on the right port?',
  why: 'A Service forwards only to the Ready pods its selector matches, on its targetPort. No endpoints means the traffic has nowhere to go, whatever the network does.',
  params,
  outcomes,
  healthy: ['ready'],
  facts: [
    'readyEndpoints',
    'endpointPod',
    'endpointIP',
    'endpointNode',
    'endpointNodes',
    'endpointPort',
    'endpointIPs',
    'notReadyPod',
    'readyPod',
    'readyPods',
    'podLabels',
    'selector',
    'targetPort',
    'podPorts',
  ],
  sets: {
    ready: [
      'readyEndpoints',
      'endpointPod',
      'endpointIP',
      'endpointNode',
      'endpointNodes',
      'endpointPort',
      'endpointIPs',
    ],
    'no-matching-pods': ['selector', 'podLabels'],
    'none-ready': ['notReadyPod', 'selector'],
    'ready-pods-unlisted': ['readyPod', 'readyPods', 'selector'],
    'port-unresolved': ['targetPort', 'podPorts', 'endpointPod'],
    'port-not-declared': ['targetPort', 'podPorts', 'endpointPod'],
  },
  command,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const svc = await ifExists(ctx.kube.readService(p.namespace, p.service));
    if (!svc)
      return {
        outcome: 'not-found',
        summary: `there is no Service ${p.service} in ${p.namespace}`,
        evidence: [],
        facts: {},
      };
    const selector = svc.spec?.selector ?? {};
    const sel = selectorText(selector);
    const [slices, pods] = await Promise.all([
      listEndpointSlices(ctx.kube, p.namespace, p.service),
      Object.keys(selector).length > 0 ? selectedPods(ctx.kube, p.namespace, selector) : Promise.resolve([] as V1Pod[]),
    ]);
    const endpoints = slices.flatMap((s) => (s.endpoints ?? []).map((e) => ({ ...e, ports: s.ports ?? [] })));
    const readyEps = endpoints.filter((e) => e.conditions?.ready !== false);
    const evidence: Evidence[] = [
      { label: 'selector', value: sel || '(none)' },
      {
        label: 'pods it matches',
        value:
          pods.length === 0
            ? 'none'
            : `${pods.length} (${pods.filter(podReady).length} Ready): ${pods
                .slice(0, 4)
                .map((x) => x.metadata?.name ?? '')
                .join(', ')}${pods.length > 4 ? ', …' : ''}`,
      },
      {
        label: 'EndpointSlice endpoints',
        value:
          endpoints.length === 0
            ? 'none'
            : `${endpoints.length} (${readyEps.length} ready): ${endpoints
                .slice(0, 4)
                .map((e) => `${e.addresses[0] ?? ''}${e.conditions?.ready === false ? ' (not ready)' : ''}`)
                .join(', ')}`,
      },
    ];
    if (Object.keys(selector).length > 0 && pods.length === 0) {
      const near = await nearMisses(ctx, p.namespace, selector);
      return {
        outcome: 'no-matching-pods',
        summary: `the selector ${sel} matches no pod in ${p.namespace}${near.length > 0 ? `; pods there carry ${near.join(' / ')}` : ''}`,
        evidence: [...evidence, { label: 'pods with the same label keys', value: near.join(', ') || 'none' }],
        facts: { selector: sel, podLabels: near.join(', ') || 'no pod with those label keys' },
      };
    }
    const ready = pods.filter(podReady);
    if (pods.length > 0 && ready.length === 0) {
      const first = pods[0];
      return {
        outcome: 'none-ready',
        summary: `${pods.length} pod(s) match ${sel} but none is Ready, so none is an endpoint`,
        evidence,
        facts: { notReadyPod: first?.metadata?.name ?? '', selector: sel },
      };
    }
    const sp = servicePorts(svc)[0];
    const pod = ready[0] ?? pods[0];
    if (sp && pod) {
      const resolved = podPort(pod, sp);
      const declared = declaredPortsText(pod);
      if (resolved === undefined) {
        return {
          outcome: 'port-unresolved',
          summary: `targetPort ${String(sp.targetPort)} names no container port of the pods (they declare ${declared}): the endpoints carry no port, so the Service forwards nowhere`,
          evidence: [...evidence, { label: 'pod ports', value: `${pod.metadata?.name ?? ''}: ${declared}` }],
          facts: { targetPort: String(sp.targetPort), podPorts: declared, endpointPod: pod.metadata?.name ?? '' },
        };
      }
      const declaresAny = (pod.spec?.containers ?? []).some((c) => (c.ports ?? []).length > 0);
      const declaresIt = (pod.spec?.containers ?? []).some((c) =>
        (c.ports ?? []).some((x) => x.containerPort === resolved && (x.protocol ?? 'TCP') === (sp.protocol ?? 'TCP')),
      );
      if (declaresAny && !declaresIt) {
        return {
          outcome: 'port-not-declared',
          summary: `targetPort ${resolved} is not a port the pods declare (${declared}): traffic reaches the pod on ${resolved}, where nothing is said to listen`,
          evidence: [...evidence, { label: 'pod ports', value: `${pod.metadata?.name ?? ''}: ${declared}` }],
          facts: { targetPort: String(resolved), podPorts: declared, endpointPod: pod.metadata?.name ?? '' },
        };
      }
    }
    if (readyEps.length === 0 && ready.length > 0) {
      // Pods are Ready but no slice lists them: not the pods' fault, the EndpointSlice controller has not written them.
      return {
        outcome: 'ready-pods-unlisted',
        summary: `the EndpointSlices of ${p.service} list no ready endpoint, though ${ready.length} matching pod(s) are Ready: the EndpointSlice controller (kube-controller-manager) has not listed them`,
        evidence,
        facts: { readyPod: ready[0]?.metadata?.name ?? '', readyPods: ready.length, selector: sel },
      };
    }
    if (readyEps.length === 0) {
      return {
        outcome: 'none-ready',
        summary: `the EndpointSlices of ${p.service} list no ready endpoint`,
        evidence,
        facts: { notReadyPod: pods[0]?.metadata?.name ?? '(none)', selector: sel },
      };
    }
    const first = readyEps[0];
    const nodes = [...new Set(readyEps.map((e) => e.nodeName ?? '').filter(Boolean))];
    const port = first?.ports[0]?.port;
    return {
      outcome: 'ready',
      summary: `${readyEps.length} ready endpoint(s)${endpoints.length > readyEps.length ? ` (${endpoints.length - readyEps.length} not ready)` : ''} on ${nodes.join(', ') || 'unknown nodes'}`,
      evidence,
      facts: {
        readyEndpoints: readyEps.length,
        endpointPod: first?.targetRef?.name ?? '(unnamed)',
        endpointIP: first?.addresses[0] ?? '',
        endpointIPs: readyEps.map((e) => e.addresses[0] ?? '').join(','),
        endpointNode: first?.nodeName ?? nodes[0] ?? '(unknown)',
        endpointNodes: nodes.join(',') || '(unknown)',
        endpointPort: port ?? (sp ? (podPort(pod ?? {}, sp) ?? sp.port) : 0),
      },
    };
  },
});
