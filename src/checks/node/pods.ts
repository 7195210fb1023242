import { z } from 'zod';
import type { V1Pod } from '@kubernetes/client-node';
import { ageSeconds, formatAge, plural } from '../format.js';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { quoteArg } from '../../nodeaccess/quote.js';

const outcomes = [
  'unknown-pods',
  'stuck-terminating',
  'stuck-creating',
  'crash-looping',
  'all-running',
  'no-pods',
  'not-found',
] as const;
type Outcome = (typeof outcomes)[number];

/** A node runs at most a few hundred pods (110 by default); the cap only guards against a runaway answer. */
const maxPods = 2000;
/** Past its deletion deadline by this much, a Terminating pod is stuck: the kubelet is not finishing it. */
const terminatingSlackSeconds = 60;
/** ContainerCreating this long is no longer an image pull in progress. */
const creatingSlackSeconds = 300;

type Stuck = 'unknown' | 'terminating' | 'creating' | 'crash-looping';

export const nodePods = defineCheck({
  id: 'node.pods',
  layer: 'node',
  title: 'Pods on the node, and which are stuck',
  why: 'When the kubelet or runtime on a node is broken, its pods stick: Terminating that never ends, ContainerCreating that never starts, Unknown when the node went silent. Many stuck pods on one node point at the node, not the pods.',
  /** except: the paged pod (namespace/name), never counted as another stuck pod on its own node. */
  params: z.object({ name: z.string().min(1), except: z.string().optional() }),
  outcomes,
  healthy: ['all-running', 'no-pods'],
  facts: [
    'podCount',
    'running',
    'pending',
    'succeeded',
    'failed',
    'unknown',
    'terminating',
    'stuckTerminating',
    'stuckCreating',
    'crashLooping',
    'stuckPods',
  ],
  sets: {
    'stuck-creating': ['podCount', 'running', 'stuckCreating', 'stuckPods', 'stuckTerminating', 'unknown'],
    'crash-looping': ['podCount', 'running', 'stuckCreating', 'stuckPods', 'stuckTerminating', 'unknown'],
    'all-running': ['podCount', 'running', 'stuckCreating', 'stuckTerminating', 'unknown'],
  },
  command: (p) => `kubectl get pods -A -o wide --field-selector spec.nodeName=${quoteArg(p.name)}`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    // Server-side selection: the same cost on a 10-node and a 5,000-node cluster.
    const [node, pods] = await Promise.all([
      ifExists(ctx.kube.readNode(p.name)),
      ctx.kube.listPods({ fieldSelector: `spec.nodeName=${p.name}`, maxItems: maxPods }),
    ]);
    if (!node && pods.length === 0)
      return {
        outcome: 'not-found',
        summary: `node ${p.name} does not exist and no pods name it`,
        evidence: [{ label: 'API', value: `nodes "${p.name}" not found` }],
        facts: {},
      };
    // The pod the walk is about is the symptom: it is not evidence that other pods on its node stick too.
    const others = p.except
      ? pods.filter((pod) => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}` !== p.except)
      : pods;
    const now = ctx.now();
    const phases = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0, Unknown: 0 };
    const stuck: Record<Stuck, V1Pod[]> = { unknown: [], terminating: [], creating: [], 'crash-looping': [] };
    let terminating = 0;
    for (const pod of others) {
      const phase = (pod.status?.phase ?? 'Unknown') as keyof typeof phases;
      phases[phase in phases ? phase : 'Unknown'] += 1;
      if (pod.metadata?.deletionTimestamp) terminating += 1;
      const kind = stuckKind(pod, now);
      if (kind) stuck[kind].push(pod);
    }
    const facts: Facts = {
      podCount: others.length,
      running: phases.Running,
      pending: phases.Pending,
      succeeded: phases.Succeeded,
      failed: phases.Failed,
      unknown: stuck.unknown.length,
      terminating,
      stuckTerminating: stuck.terminating.length,
      stuckCreating: stuck.creating.length,
      crashLooping: stuck['crash-looping'].length,
    };
    const evidence: Evidence[] = [
      {
        label: 'pods',
        value: `${others.length}${others.length >= maxPods ? '+' : ''}: ${phases.Running} Running, ${phases.Pending} Pending, ${phases.Succeeded} Succeeded, ${phases.Failed} Failed, ${phases.Unknown} Unknown; ${terminating} Terminating`,
      },
    ];
    const order: Stuck[] = ['unknown', 'terminating', 'creating', 'crash-looping'];
    for (const kind of order) {
      for (const pod of stuck[kind].slice(0, 3))
        evidence.push({
          label: `${kind} ${pod.metadata?.namespace}/${pod.metadata?.name}`,
          value: describeStuck(kind, pod, now),
        });
    }
    const all = order.flatMap((k) => stuck[k]);
    if (all.length > 0)
      facts.stuckPods = all
        .slice(0, 10)
        .map((x) => `${x.metadata?.namespace}/${x.metadata?.name}`)
        .join(',');

    const on = `on node ${p.name}`;
    if (stuck.unknown.length > 0) {
      return {
        outcome: 'unknown-pods',
        summary: `${plural(stuck.unknown.length, 'pod')} ${on} ${stuck.unknown.length === 1 ? 'is' : 'are'} in phase Unknown: the node stopped reporting their state`,
        evidence,
        facts,
      };
    }
    if (stuck.terminating.length > 0) {
      return {
        outcome: 'stuck-terminating',
        summary: `${plural(stuck.terminating.length, 'pod')} ${on} ${stuck.terminating.length === 1 ? 'is' : 'are'} stuck Terminating, over ${terminatingSlackSeconds}s past the end of the grace period: the kubelet is not completing deletions`,
        evidence,
        facts,
      };
    }
    if (stuck.creating.length > 0) {
      return {
        outcome: 'stuck-creating',
        summary: `${plural(stuck.creating.length, 'pod')} ${on} ${stuck.creating.length === 1 ? 'has' : 'have'} been ContainerCreating for over ${creatingSlackSeconds / 60} minutes: volumes, network (CNI) or the runtime on this node`,
        evidence,
        facts,
      };
    }
    if (stuck['crash-looping'].length > 0) {
      return {
        outcome: 'crash-looping',
        summary: `${plural(stuck['crash-looping'].length, 'pod')} ${on} ${stuck['crash-looping'].length === 1 ? 'is' : 'are'} in CrashLoopBackOff`,
        evidence,
        facts,
      };
    }
    if (others.length === 0)
      return {
        outcome: 'no-pods',
        summary:
          pods.length > 0
            ? `no pod but ${p.except ?? ''} itself is bound to node ${p.name}`
            : `no pods are bound to node ${p.name} (not even DaemonSet pods)`,
        evidence,
        facts,
      };
    return {
      outcome: 'all-running',
      summary: `${plural(others.length, 'pod')} ${on}, none stuck: ${phases.Running} Running, ${phases.Succeeded} Succeeded, ${phases.Pending} Pending`,
      evidence,
      facts,
    };
  },
});

function stuckKind(pod: V1Pod, now: Date): Stuck | undefined {
  if (pod.status?.phase === 'Unknown' || pod.status?.reason === 'NodeLost') return 'unknown';
  // deletionTimestamp is when the grace period ends, not when the delete was asked for.
  const overdue = ageSeconds(pod.metadata?.deletionTimestamp, now);
  if (pod.metadata?.deletionTimestamp && overdue !== undefined && overdue > terminatingSlackSeconds)
    return 'terminating';
  if (pod.metadata?.deletionTimestamp) return undefined;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const created = ageSeconds(pod.metadata?.creationTimestamp, now) ?? 0;
  const creating = statuses.some((s) =>
    ['ContainerCreating', 'PodInitializing'].includes(s.state?.waiting?.reason ?? ''),
  );
  if (pod.status?.phase === 'Pending' && created > creatingSlackSeconds && (creating || statuses.length === 0))
    return 'creating';
  if (statuses.some((s) => s.state?.waiting?.reason === 'CrashLoopBackOff')) return 'crash-looping';
  return undefined;
}

function describeStuck(kind: Stuck, pod: V1Pod, now: Date): string {
  switch (kind) {
    case 'unknown':
      return `phase ${pod.status?.phase ?? 'Unknown'}${pod.status?.reason ? ` (${pod.status.reason})` : ''}`;
    case 'terminating':
      return `deletion due ${formatAge(ageSeconds(pod.metadata?.deletionTimestamp, now) ?? 0)} ago`;
    case 'creating':
      return `Pending for ${formatAge(ageSeconds(pod.metadata?.creationTimestamp, now) ?? 0)}`;
    case 'crash-looping': {
      const c = pod.status?.containerStatuses?.find((s) => s.state?.waiting?.reason === 'CrashLoopBackOff');
      return `container ${c?.name ?? '?'}: ${plural(c?.restartCount ?? 0, 'restart')}`;
    }
  }
}
