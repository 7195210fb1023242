import { z } from 'zod';
import type { V1Pod } from '@kubernetes/client-node';
import { KubeError } from '../../kube/errors.js';
import { groupEvents, involvedObjectSelector } from '../events.js';
import { labelString } from '../format.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { parseSchedulingMessage, primaryReason } from './schedulingMessage.js';
import type { ScheduleReasonKind } from './schedulingMessage.js';

const outcomes = [
  'scheduled',
  'node-selector',
  'taint',
  'insufficient-resources',
  'unbound-pvc',
  'volume-node-affinity',
  'unschedulable-nodes',
  'no-nodes',
  'other',
  'no-scheduler-message',
  'not-found',
] as const;
type Outcome = (typeof outcomes)[number];

export const podScheduling = defineCheck({
  id: 'pod.scheduling',
  layer: 'pod',
  title: 'Why the scheduler will not place the pod',
  why: "A Pending pod with no node was refused by kube-scheduler; its FailedScheduling message counts the nodes each rule excluded, which names the rule to fix.",
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
  outcomes,
  healthy: ['scheduled'],
  facts: ['scheduleReason', 'schedulerMessage', 'nodeSelector', 'nodesTotal', 'nodesExcluded', 'taint', 'resource', 'owner'],
  command: (p) =>
    `kubectl get events -n ${p.namespace} --field-selector ${involvedObjectSelector('Pod', p.name, p.namespace)},reason=FailedScheduling`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    let pod: V1Pod;
    try {
      pod = await ctx.kube.readPod(p.namespace, p.name);
    } catch (err) {
      if (err instanceof KubeError && err.kind === 'not-found') {
        return { outcome: 'not-found', summary: `pod ${p.name} no longer exists`, evidence: [{ label: 'API', value: err.message }], facts: {} };
      }
      throw err;
    }
    const facts: Facts = {};
    const evidence: Evidence[] = [];
    const selector = labelString(pod.spec?.nodeSelector);
    if (selector) {
      facts.nodeSelector = selector;
      evidence.push({ label: 'nodeSelector', value: selector });
    }
    if (pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution) {
      evidence.push({ label: 'nodeAffinity', value: 'required node affinity is set' });
    }
    const owner = pod.metadata?.ownerReferences?.find((o) => o.controller);
    if (owner) facts.owner = `${owner.kind}/${owner.name}`;

    if (pod.spec?.nodeName) {
      return { outcome: 'scheduled', summary: `pod is scheduled to ${pod.spec.nodeName}`, evidence: [{ label: 'node', value: pod.spec.nodeName }, ...evidence], facts };
    }

    // The PodScheduled condition carries the latest message even after its events expired.
    const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    const events = await ctx.kube.listEvents({
      namespace: p.namespace,
      fieldSelector: `${involvedObjectSelector('Pod', p.name, p.namespace)},reason=FailedScheduling`,
    });
    const latest = groupEvents(events)[0];
    const message = latest?.message ?? condition?.message;
    if (!message) {
      return {
        outcome: 'no-scheduler-message',
        summary: 'the pod has no node and the scheduler has said nothing about it: is kube-scheduler running?',
        evidence: [...evidence, { label: 'FailedScheduling events', value: 'none' }],
        facts,
      };
    }
    facts.schedulerMessage = message;
    evidence.push({ label: latest ? `FailedScheduling ×${latest.count}` : 'PodScheduled=False', value: message });
    const parsed = parseSchedulingMessage(message);
    if (parsed.total !== null) facts.nodesTotal = parsed.total;
    const primary = primaryReason(parsed);
    if (!primary) return { outcome: 'other', summary: `the scheduler refused the pod: ${message}`, evidence, facts };
    facts.scheduleReason = primary.kind;
    facts.nodesExcluded = primary.nodes;
    if (primary.kind === 'taint' && primary.detail) facts.taint = primary.detail;
    if (primary.kind === 'insufficient-resources') facts.resource = primary.detail ?? 'pods';
    for (const r of parsed.reasons) evidence.push({ label: `${r.nodes} node(s)`, value: r.text });
    return { outcome: primary.kind satisfies ScheduleReasonKind, summary: summarize(primary.kind, primary.nodes, parsed.total, selector), evidence, facts };
  },
});

function summarize(kind: ScheduleReasonKind, nodes: number, total: number | null, selector: string): string {
  const of = total === null ? `${nodes}` : `${nodes} of ${total}`;
  switch (kind) {
    case 'node-selector':
      return `${of} nodes do not match the pod's node selector/affinity${selector ? ` (${selector})` : ''}`;
    case 'taint':
      return `${of} nodes have a taint the pod does not tolerate`;
    case 'insufficient-resources':
      return `${of} nodes lack the resources the pod requests`;
    case 'unbound-pvc':
      return "the pod's PersistentVolumeClaim is not bound";
    case 'volume-node-affinity':
      return `${of} nodes cannot reach the pod's volume (volume node affinity)`;
    case 'unschedulable-nodes':
      return `${of} nodes are cordoned (unschedulable)`;
    case 'no-nodes':
      return 'the cluster has no nodes the scheduler can use';
    case 'other':
      return 'the scheduler refused the pod for a reason plumbline does not classify';
  }
}
