import { z } from 'zod';
import type { V1Pod, V1Taint } from '@kubernetes/client-node';
import { podNotFound, readPodIfExists } from '../pods.js';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { quoteArg } from '../../nodeaccess/quote.js';
import { taintString, toleratesTaint, tolerationString } from '../../kube/semantics/scheduling.js';

const outcomes = [
  'schedulable',
  'cordoned',
  'repels-pods',
  'pod-repelled',
  'pod-tolerates',
  'static-pod',
  'not-found',
] as const;
type Outcome = (typeof outcomes)[number];

const unschedulableTaint: V1Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** Taints Kubernetes sets by itself, and what put them there. */
const knownTaints: Record<string, string> = {
  'node.kubernetes.io/not-ready': 'the node is NotReady',
  'node.kubernetes.io/unreachable': 'the node stopped reporting (Ready Unknown)',
  'node.kubernetes.io/unschedulable': 'the node is cordoned',
  'node.kubernetes.io/disk-pressure': 'the kubelet reports DiskPressure',
  'node.kubernetes.io/memory-pressure': 'the kubelet reports MemoryPressure',
  'node.kubernetes.io/pid-pressure': 'the kubelet reports PIDPressure',
  'node.kubernetes.io/network-unavailable': 'the node network is not configured',
  'node.kubernetes.io/out-of-service': 'an admin marked the node out of service (volumes are force-detached)',
  'node.cloudprovider.kubernetes.io/uninitialized': 'the cloud controller has not initialised the node yet',
  'node-role.kubernetes.io/control-plane': 'a control-plane node keeps ordinary workloads off',
};

export const nodeSchedulable = defineCheck({
  id: 'node.schedulable',
  layer: 'node',
  title: 'Cordon and taints: which pods the node refuses',
  why: 'A cordoned node takes no new pods; a NoSchedule taint refuses pods without a matching toleration and NoExecute also evicts running ones. Kubernetes taints sick nodes itself, so a taint often names the real problem.',
  params: z.object({ name: z.string().min(1), namespace: z.string().optional(), pod: z.string().optional() }),
  outcomes,
  healthy: ['schedulable', 'pod-tolerates', 'static-pod'],
  facts: ['cordoned', 'taints', 'taint', 'untoleratedTaints', 'noExecuteTaints'],
  sets: { 'pod-repelled': ['taint', 'untoleratedTaints'] },
  command: (p) =>
    `kubectl get node ${quoteArg(p.name)} -o jsonpath='{.spec.unschedulable}{"\\n"}{range .spec.taints[*]}{.key}={.value}:{.effect}{"\\n"}{end}'${p.pod ? ` && kubectl get pod ${quoteArg(p.pod)} -n ${quoteArg(p.namespace ?? 'default')} -o jsonpath='{.spec.tolerations}'` : ''}`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const ns = p.namespace ?? 'default';
    const [node, pod] = await Promise.all([
      ifExists(ctx.kube.readNode(p.name)),
      p.pod ? readPodIfExists(ctx.kube, ns, p.pod) : Promise.resolve(undefined),
    ]);
    if (!node)
      return {
        outcome: 'not-found',
        summary: `node ${p.name} does not exist`,
        evidence: [{ label: 'API', value: `nodes "${p.name}" not found` }],
        facts: {},
      };
    if (p.pod && !pod) return podNotFound(ns, p.pod);

    const cordoned = node.spec?.unschedulable === true;
    const taints = node.spec?.taints ?? [];
    // The scheduler treats a cordon like this taint, even before the controller adds it.
    const repelling = [...taints.filter((t) => t.effect !== 'PreferNoSchedule')];
    if (cordoned && !repelling.some((t) => t.key === unschedulableTaint.key)) repelling.push(unschedulableTaint);
    const facts: Facts = {
      cordoned,
      taints: taints.map(taintString).join(','),
      noExecuteTaints: taints
        .filter((t) => t.effect === 'NoExecute')
        .map(taintString)
        .join(','),
    };
    const evidence: Evidence[] = [
      { label: 'unschedulable', value: cordoned ? 'true (cordoned: SchedulingDisabled)' : 'false' },
    ];
    for (const t of taints.slice(0, 8)) evidence.push({ label: `taint ${taintString(t)}`, value: explain(t) });
    if (taints.length === 0) evidence.push({ label: 'taints', value: 'none' });

    if (pod) {
      // A static pod is run by the node's kubelet from a manifest: no scheduler places it, so no taint can refuse it.
      if (isMirrorPod(pod)) {
        return {
          outcome: 'static-pod',
          summary: `pod ${p.pod} is a static (mirror) pod of node ${p.name}'s kubelet: taints${taints.length > 0 ? ` (${taints.map(taintString).join(', ')})` : ''} do not apply to it`,
          evidence,
          facts,
        };
      }
      // A pod already bound to this node only feels NoExecute taints; NoSchedule ones keep new pods away.
      const bound = pod.spec?.nodeName === p.name;
      const untolerated = repelling.filter(
        (t) =>
          (!bound || t.effect === 'NoExecute') && !(pod.spec?.tolerations ?? []).some((tol) => toleratesTaint(tol, t)),
      );
      evidence.push({
        label: `pod ${p.pod} tolerations`,
        value: (pod.spec?.tolerations ?? []).map(tolerationString).join(', ') || 'none',
      });
      facts.untoleratedTaints = untolerated.map(taintString).join(',');
      const first = untolerated[0];
      if (first) {
        facts.taint = taintString(first);
        const evicts = untolerated.some((t) => t.effect === 'NoExecute');
        return {
          outcome: 'pod-repelled',
          summary: `node ${p.name} refuses pod ${p.pod}: it does not tolerate ${untolerated.map(taintString).join(', ')}${evicts ? ' (NoExecute: it would be evicted even if running)' : ''}`,
          evidence,
          facts,
        };
      }
      const ignored = bound
        ? repelling.filter(
            (t) => t.effect !== 'NoExecute' && !(pod.spec?.tolerations ?? []).some((tol) => toleratesTaint(tol, t)),
          )
        : [];
      if (ignored.length > 0) {
        return {
          outcome: 'pod-tolerates',
          summary: `pod ${p.pod} already runs on node ${p.name}: its NoSchedule taints (${ignored.map(taintString).join(', ')}) only keep new pods away, and no NoExecute taint evicts it`,
          evidence,
          facts,
        };
      }
      return {
        outcome: 'pod-tolerates',
        summary: `pod ${p.pod} tolerates every taint on node ${p.name}${cordoned ? ', including the cordon' : ''}`,
        evidence,
        facts,
      };
    }

    if (cordoned) {
      facts.taint = taintString(unschedulableTaint);
      return {
        outcome: 'cordoned',
        summary: `node ${p.name} is cordoned (SchedulingDisabled): it takes no new pods; uncordon it when its maintenance is over`,
        evidence,
        facts,
      };
    }
    const first = repelling[0];
    if (first) {
      facts.taint = taintString(first);
      const noExecute = repelling.filter((t) => t.effect === 'NoExecute');
      return {
        outcome: 'repels-pods',
        summary: `node ${p.name} has ${repelling.length === 1 ? '1 taint that refuses' : `${repelling.length} taints that refuse`} pods without a toleration: ${repelling.map(taintString).join(', ')}${noExecute.length > 0 ? ' (NoExecute also evicts running pods)' : ''}`,
        evidence,
        facts,
      };
    }
    return {
      outcome: 'schedulable',
      summary: `node ${p.name} is schedulable: not cordoned, no NoSchedule or NoExecute taints`,
      evidence,
      facts,
    };
  },
});

/** A static pod's API copy: the kubelet marks it with the config.mirror annotation and owns it by its Node. */
export function isMirrorPod(pod: V1Pod): boolean {
  return (
    pod.metadata?.annotations?.['kubernetes.io/config.mirror'] !== undefined ||
    (pod.metadata?.ownerReferences ?? []).some((o) => o.kind === 'Node')
  );
}

function explain(t: V1Taint): string {
  const effect =
    t.effect === 'NoExecute'
      ? 'refuses new pods and evicts running ones without a matching toleration'
      : t.effect === 'NoSchedule'
        ? 'refuses new pods without a matching toleration'
        : 'the scheduler avoids it when it can';
  const known = knownTaints[t.key];
  return known ? `${effect}; set because ${known}` : effect;
}
