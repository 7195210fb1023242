import { z } from 'zod';
import type { V1Node, V1Pod, V1Taint } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/client.js';
import { KubeError } from '../../kube/errors.js';
import { groupEvents, involvedObjectSelector } from '../events.js';
import { labelString } from '../format.js';
import { taintString, toleratesTaint } from '../../kube/semantics/scheduling.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { isConditionTaint, parseSchedulingMessage, primaryReason } from './schedulingMessage.js';
import type { ScheduleReasonKind } from './schedulingMessage.js';
import { quoteArg } from '../../nodeaccess/quote.js';

const outcomes = [
  'scheduled',
  'node-selector',
  'taint',
  'node-condition',
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
  why: 'A Pending pod with no node was refused by kube-scheduler; its FailedScheduling message counts the nodes each rule excluded, which names the rule to fix.',
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
  outcomes,
  healthy: ['scheduled'],
  facts: [
    'scheduleReason',
    'schedulerMessage',
    'nodeSelector',
    'nodeLabelSelector',
    'nodeLabels',
    'nodesTotal',
    'nodesExcluded',
    'taint',
    'taintedNodes',
    'taintedNode',
    'taintKey',
    'nodeConditions',
    'resource',
    'owner',
  ],
  // Every outcome past no-scheduler-message read a FailedScheduling message; the rest is set only when the message or the pod names it.
  sets: {
    'node-selector': ['schedulerMessage', 'nodesExcluded', 'nodeSelector'],
    taint: ['schedulerMessage', 'nodesExcluded'],
    'node-condition': ['schedulerMessage', 'nodesExcluded', 'taint', 'nodeConditions'],
    'insufficient-resources': ['schedulerMessage', 'nodesExcluded', 'resource'],
    'unbound-pvc': ['schedulerMessage', 'nodesExcluded'],
    'volume-node-affinity': ['schedulerMessage', 'nodesExcluded'],
    'unschedulable-nodes': ['schedulerMessage', 'nodesExcluded'],
    other: ['schedulerMessage'],
  },
  command: (p) =>
    `kubectl get events -n ${quoteArg(p.namespace)} --field-selector ${quoteArg(involvedObjectSelector('Pod', p.name, p.namespace))},reason=FailedScheduling`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    let pod: V1Pod;
    try {
      pod = await ctx.kube.readPod(p.namespace, p.name);
    } catch (err) {
      if (err instanceof KubeError && err.kind === 'not-found') {
        return {
          outcome: 'not-found',
          summary: `pod ${p.name} no longer exists`,
          evidence: [{ label: 'API', value: err.message }],
          facts: {},
        };
      }
      throw err;
    }
    const facts: Facts = {};
    const evidence: Evidence[] = [];
    const selector = labelString(pod.spec?.nodeSelector);
    if (selector) {
      facts.nodeSelector = selector;
      // For a command (kubectl get nodes -l): nodeSelector may later become words, for required affinity.
      facts.nodeLabelSelector = selector;
      // For kubectl label node: the same pairs, one argument each.
      facts.nodeLabels = Object.entries(pod.spec?.nodeSelector ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      evidence.push({ label: 'nodeSelector', value: selector });
    }
    if (pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution) {
      evidence.push({ label: 'nodeAffinity', value: 'required node affinity is set' });
    }
    const owner = pod.metadata?.ownerReferences?.find((o) => o.controller);
    if (owner) facts.owner = `${owner.kind}/${owner.name}`;

    if (pod.spec?.nodeName) {
      return {
        outcome: 'scheduled',
        summary: `pod is scheduled to ${pod.spec.nodeName}`,
        evidence: [{ label: 'node', value: pod.spec.nodeName }, ...evidence],
        facts,
      };
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
    for (const r of parsed.reasons)
      evidence.push({
        label: parsed.overlapping ? `${r.text}` : `${r.nodes} node(s)`,
        value: parsed.overlapping
          ? `${r.nodes} node(s) (this release counts a node under every rule it fails)`
          : r.text,
      });
    let kind: ScheduleReasonKind = primary.kind;
    if (primary.detail && (kind === 'taint' || kind === 'node-condition')) facts.taint = primary.detail;
    // Releases before 1.16 do not name the taint; the nodes do. A taint set for a node condition means sick nodes, not a missing toleration.
    if (kind === 'taint' || kind === 'node-condition') {
      const found = await untoleratedTaints(ctx.kube, pod, typeof facts.taint === 'string' ? facts.taint : undefined);
      if (found) {
        evidence.push(...found.evidence);
        if (!facts.taint && found.taint) facts.taint = found.taint;
        if (found.nodes.length > 0) {
          facts.taintedNodes = found.nodes.slice(0, 10).join(' ');
          facts.taintedNode = found.nodes[0] ?? '';
        }
        // For kubectl taint ... key-: the key as the nodes carry it, not the message's `{key: value}`.
        if (found.taint) facts.taintKey = found.taint;
        if (found.conditions) facts.nodeConditions = found.conditions;
        if (kind === 'taint' && found.taint && isConditionTaint(found.taint)) kind = 'node-condition';
      }
    }
    if (kind === 'node-selector' && !selector) {
      // The scheduler applied a selector the pod's own spec does not show: required affinity, or one an admission plugin added.
      facts.nodeSelector = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
        ? "its required node affinity (kubectl get pod -o jsonpath='{.spec.affinity.nodeAffinity}')"
        : 'a selector its spec does not show (a namespace or project default node selector added at admission)';
    }
    if (kind === 'node-condition') {
      // Said in words when the nodes could not be read or no longer show it: the diagnosis text never shows a gap.
      facts.taint ??= 'a node-condition taint';
      facts.nodeConditions ??= 'not seen from here (the taint may have cleared)';
    }
    facts.scheduleReason = kind;
    facts.nodesExcluded = primary.nodes;
    if (kind === 'insufficient-resources') facts.resource = primary.detail ?? 'pods';
    return {
      outcome: kind,
      summary: summarize(kind, primary.nodes, parsed.total, selector, primary.text, facts),
      evidence,
      facts,
    };
  },
});

function summarize(
  kind: ScheduleReasonKind,
  nodes: number,
  total: number | null,
  selector: string,
  text: string,
  facts: Facts,
): string {
  const of = total === null ? `${nodes}` : `${nodes} of ${total}`;
  switch (kind) {
    case 'node-selector':
      return `${of} nodes do not match the pod's node selector/affinity${selector ? ` (${selector})` : ''}`;
    case 'taint':
      return `${of} nodes have a taint the pod does not tolerate${facts.taint ? ` (${String(facts.taint)})` : ''}`;
    case 'node-condition':
      return `${of} nodes carry the taint ${String(facts.taint ?? '')}, which Kubernetes sets on a sick node${facts.nodeConditions ? ` (${String(facts.nodeConditions)})` : ''}: the nodes need fixing, not the pod`;
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
      return `the scheduler refused the pod for a reason plumbline does not classify: "${text}" (read as written)`;
  }
}

/** Pages of nodes read to name an untolerated taint; enough to find the common one on any cluster. */
const maxNodes = 500;

interface TaintFinding {
  taint?: string;
  nodes: string[];
  conditions?: string;
  evidence: Evidence[];
}

/**
 * The NoSchedule/NoExecute taint the pod does not tolerate on the most nodes (or the named one), the nodes
 * carrying it and, for a condition taint, what their conditions say. A refusal to list nodes is noted, not fatal.
 */
async function untoleratedTaints(
  kube: KubeClient,
  pod: V1Pod,
  named: string | undefined,
): Promise<TaintFinding | undefined> {
  let nodes: V1Node[];
  try {
    nodes = await kube.listNodes({ pageSize: maxNodes, maxItems: maxNodes });
  } catch (err) {
    if (err instanceof KubeError && err.kind !== 'aborted' && err.kind !== 'timeout') {
      return { nodes: [], evidence: [{ label: 'nodes', value: `not read (${err.kind}): the taint cannot be named` }] };
    }
    throw err;
  }
  const tolerations = pod.spec?.tolerations ?? [];
  const byKey = new Map<string, { taint: V1Taint; nodes: V1Node[] }>();
  for (const n of nodes) {
    for (const t of n.spec?.taints ?? []) {
      if (t.effect === 'PreferNoSchedule' || tolerations.some((tol) => toleratesTaint(tol, t))) continue;
      const entry = byKey.get(t.key) ?? { taint: t, nodes: [] };
      // A key can come twice on one node (NoSchedule and NoExecute): count the node once.
      if (!entry.nodes.includes(n)) entry.nodes.push(n);
      byKey.set(t.key, entry);
    }
  }
  const namedKey = named
    ?.replace(/^\{\s*/, '')
    .split(':')[0]
    ?.trim();
  const best =
    (namedKey ? byKey.get(namedKey) : undefined) ??
    [...byKey.values()].sort((a, b) => b.nodes.length - a.nodes.length)[0];
  if (!best)
    return {
      nodes: [],
      evidence: [
        {
          label: 'node taints',
          value: `no node of ${nodes.length} read carries a taint the pod does not tolerate now`,
        },
      ],
    };
  const names = best.nodes.map((n) => n.metadata?.name ?? '');
  const evidence: Evidence[] = [
    {
      label: `taint ${taintString(best.taint)}`,
      value: `on ${names.length} node(s): ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`,
    },
  ];
  let conditions: string | undefined;
  if (isConditionTaint(best.taint.key)) {
    const seen = best.nodes.slice(0, 5).map((n) => `${n.metadata?.name ?? ''}: ${describeConditions(n)}`);
    for (const line of seen) evidence.push({ label: 'node conditions', value: line });
    conditions = seen.join('; ');
  }
  return { taint: best.taint.key, nodes: names, ...(conditions ? { conditions } : {}), evidence };
}

/** The conditions that are not as they should be: Ready not True, a pressure True. */
function describeConditions(n: V1Node): string {
  const bad = (n.status?.conditions ?? []).filter((c) =>
    c.type === 'Ready' ? c.status !== 'True' : c.status !== 'False',
  );
  if (bad.length === 0) return 'conditions look healthy now';
  return bad
    .map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`)
    .join(', ');
}
