import type { KubeObject } from '../../types.js';
import type { FaultContext } from '../types.js';
import type { Json } from './workload.js';
import { milliCPU, parseQuantity } from './quantities.js';
import { podFitsNode, untoleratedTaints } from '../../../kube/semantics/scheduling.js';
import type { Taint, Toleration } from '../../../kube/semantics/scheduling.js';

/**
 * kube-scheduler v1.31's filters, run over the cluster's actual nodes, and its
 * FitError message: per node the first failing filter plugin in the default
 * order (NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit)
 * gives the reasons; the message is the histogram of reasons, sorted as strings,
 * then the DefaultPreemption plugin's own histogram.
 */

interface NodeVerdict {
  reasons: string[];
  /** UnschedulableAndUnresolvable: evicting pods would not help. */
  unresolvable: boolean;
}

function requests(pod: KubeObject): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of ((pod.spec as Json).containers ?? []) as Json[]) {
    const r = ((c.resources as Json | undefined)?.requests ?? {}) as Json;
    cpu += milliCPU(r.cpu as string | undefined);
    memory += parseQuantity(r.memory as string | undefined);
  }
  return { cpu, memory };
}

function terminal(pod: KubeObject): boolean {
  const phase = (pod.status as Json | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function judge(pod: KubeObject, node: KubeObject, podsOnNode: KubeObject[]): NodeVerdict | undefined {
  const spec = pod.spec as Json;
  const tolerations = (spec.tolerations ?? []) as Toleration[];
  const nodeSpec = (node.spec ?? {}) as Json;
  const taints = (nodeSpec.taints ?? []) as Taint[];
  if (
    nodeSpec.unschedulable === true &&
    untoleratedTaints([{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }], tolerations).length > 0
  ) {
    return { reasons: ['node(s) were unschedulable'], unresolvable: true };
  }
  const [untolerated] = untoleratedTaints(taints, tolerations);
  if (untolerated)
    return {
      reasons: [`node(s) had untolerated taint {${untolerated.key ?? ''}: ${untolerated.value ?? ''}}`],
      unresolvable: true,
    };
  if (!podFitsNode(spec, node))
    return { reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true };

  const allocatable = ((node.status as Json | undefined)?.allocatable ?? {}) as Json;
  const want = requests(pod);
  const used = podsOnNode.reduce(
    (sum, p) => {
      const r = requests(p);
      return { cpu: sum.cpu + r.cpu, memory: sum.memory + r.memory };
    },
    { cpu: 0, memory: 0 },
  );
  const reasons: string[] = [];
  if (podsOnNode.length + 1 > Number(allocatable.pods ?? 110)) reasons.push('Too many pods');
  if (want.cpu > 0 && used.cpu + want.cpu > milliCPU(allocatable.cpu as string | undefined))
    reasons.push('Insufficient cpu');
  if (want.memory > 0 && used.memory + want.memory > parseQuantity(allocatable.memory as string | undefined))
    reasons.push('Insufficient memory');
  return reasons.length > 0 ? { reasons, unresolvable: false } : undefined;
}

function histogram(items: string[]): string {
  const counts = new Map<string, number>();
  for (const r of items) counts.set(r, (counts.get(r) ?? 0) + 1);
  // sort.Strings over "<count> <reason>", as the scheduler does.
  return [...counts.entries()]
    .map(([r, n]) => `${n} ${r}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join(', ');
}

export interface Schedulability {
  /** The FailedScheduling message, or undefined when some node fits the pod. */
  message?: string;
  fits: string[];
}

/** What kube-scheduler says about `pod` on this cluster's nodes right now. */
export function schedule(ctx: FaultContext, pod: KubeObject, opts: { preFilter?: string } = {}): Schedulability {
  const nodes = ctx.list('Node');
  const total = nodes.length;
  if (total === 0) return { message: 'no nodes available to schedule pods', fits: [] };
  const preemption = (items: string[]) => ` preemption: 0/${total} nodes are available: ${histogram(items)}.`;
  if (opts.preFilter) {
    // A PreFilter rejection applies to every node at once and is reported once.
    return {
      message: `0/${total} nodes are available: ${opts.preFilter}.${preemption(nodes.map(() => 'Preemption is not helpful for scheduling'))}`,
      fits: [],
    };
  }
  const pods = ctx.list('Pod').filter((p) => p !== pod && !terminal(p));
  const reasons: string[] = [];
  const preempt: string[] = [];
  const fits: string[] = [];
  for (const node of nodes) {
    const verdict = judge(
      pod,
      node,
      pods.filter((p) => (p.spec as Json).nodeName === node.metadata.name),
    );
    if (!verdict) {
      fits.push(node.metadata.name);
      continue;
    }
    reasons.push(...verdict.reasons);
    // Only lower-priority pods can be evicted; the fault's pods run at priority 0, like everything else that could go.
    preempt.push(
      verdict.unresolvable
        ? 'Preemption is not helpful for scheduling'
        : 'No preemption victims found for incoming pod',
    );
  }
  if (fits.length > 0) return { fits };
  return { message: `0/${total} nodes are available: ${histogram(reasons)}.${preemption(preempt)}`, fits };
}

/** The scheduler's message, or a scenario error naming the nodes that would take the pod. */
export function needUnschedulable(ctx: FaultContext, pod: KubeObject, what: string): string {
  const s = schedule(ctx, pod);
  if (!s.message)
    ctx.fail(
      `${what}: node(s) ${s.fits.join(', ')} would accept pod ${pod.metadata.namespace}/${pod.metadata.name}, so it would not stay Pending`,
    );
  return s.message;
}

/** The FailedScheduling event series of a pod Pending for `pendingSeconds`. */
export function failedSchedulingEvent(
  ctx: FaultContext,
  pod: KubeObject,
  message: string,
  since: string,
  pendingSeconds: number,
): void {
  // Unschedulable pods are retried at least every 5 minutes (and on cluster changes); the recorder keeps one series.
  const count = Math.max(1, Math.min(Math.floor(pendingSeconds / 300) + 1, 50));
  const lastAgo = count === 1 ? pendingSeconds : pendingSeconds - (count - 1) * 300;
  ctx.event({
    about: pod,
    type: 'Warning',
    reason: 'FailedScheduling',
    message,
    source: 'default-scheduler',
    count,
    firstSeen: since,
    lastSeen: `now-${lastAgo}s`,
  });
}
