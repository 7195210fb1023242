import { z } from 'zod';
import type { DrillResponse } from '../../../nodeaccess/drill.js';
import { hostIdentity } from '../../hosts/healthy.js';
import type { HostIdentity, HostNode } from '../../hosts/healthy.js';
import { parsePsTable, psTable } from '../../hosts/format.js';
import type { Listener, Process } from '../../hosts/format.js';
import type { KubeObject } from '../../types.js';
import type { FaultContext } from '../types.js';

/** `now-25m`, `now-2d-3h`: when the fault began, on the drill's clock. */
export const sinceParam = (fallback: string) =>
  z
    .string()
    .regex(/^now(?:-\d+[smhd])+$/, 'a time before now, written now-25m or now-2d-3h')
    .default(fallback);

export const nodeParam = z.string().min(1, 'the node the fault happens on');

interface Condition {
  type: string;
  status: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}
interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}
interface NodeShape extends KubeObject {
  spec?: { taints?: Taint[]; unschedulable?: boolean; [k: string]: unknown };
  status?: { conditions?: Condition[]; addresses?: { type: string; address: string }[]; [k: string]: unknown };
}

/** RFC 3339 in whole seconds, as the API server writes times. */
export const rfc3339 = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export function when(ctx: FaultContext, relative: string): Date {
  return new Date(ctx.at(relative));
}

/** The fault's node (a scenario error if the cluster lacks it) and the host identity its simulated tools use. */
export function targetNode(ctx: FaultContext, name: string): { node: NodeShape; host: HostNode; id: HostIdentity } {
  const node = structuredClone(ctx.need('Node', undefined, name)) as NodeShape;
  const host = hostOf(node);
  return { node, host, id: hostIdentity(host, ctx.now) };
}

function hostOf(node: NodeShape): HostNode {
  const labels = node.metadata.labels ?? {};
  const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '10.0.0.1';
  return {
    name: node.metadata.name,
    role: 'node-role.kubernetes.io/control-plane' in labels ? 'control-plane' : 'worker',
    ip,
  };
}

/** The InternalIPs of the control-plane nodes (the kubernetes Service's endpoints). */
export function controlPlaneIPs(ctx: FaultContext): string[] {
  return ctx
    .list('Node')
    .map((n) => hostOf(n as NodeShape))
    .filter((h) => h.role === 'control-plane')
    .map((h) => h.ip);
}

export function setCondition(node: NodeShape, c: Condition): void {
  const status = (node.status ??= {});
  const list = (status.conditions ??= []);
  const i = list.findIndex((x) => x.type === c.type);
  if (i === -1) list.push(c);
  else list[i] = { ...list[i], ...c };
}

export function addTaint(node: NodeShape, t: Taint): void {
  const spec = (node.spec ??= {});
  const list = (spec.taints ??= []);
  if (!list.some((x) => x.key === t.key && x.effect === t.effect)) list.push(t);
}

function removeTaints(node: NodeShape, keys: string[]): void {
  if (node.spec?.taints) node.spec.taints = node.spec.taints.filter((t) => !keys.includes(t.key));
}

/** The kubelet renews its Lease with its own clock; a silent kubelet's stays where it stopped. */
export function setLease(ctx: FaultContext, nodeName: string, renew: Date): void {
  const lease = ctx.find('Lease', 'kube-node-lease', nodeName);
  if (!lease) return;
  const copy = structuredClone(lease) as KubeObject & { spec?: Record<string, unknown> };
  copy.spec = {
    ...copy.spec,
    renewTime: new Date(Math.floor(renew.getTime() / 1000) * 1000).toISOString().replace('.000Z', '.000000Z'),
  };
  ctx.put(copy);
}

const nodeGracePeriodSeconds = 40;

/**
 * The kubelet stopped posting status at `since`: after the 40 s grace period
 * the node lifecycle controller sets every condition Unknown, taints the node
 * unreachable, records NodeNotReady, and marks the node's pods not ready.
 */
export function kubeletSilent(ctx: FaultContext, node: NodeShape, since: Date): void {
  const lastBeat = rfc3339(since);
  const noticed = rfc3339(new Date(Math.min(ctx.now.getTime(), since.getTime() + nodeGracePeriodSeconds * 1000)));
  for (const c of node.status?.conditions ?? []) {
    setCondition(node, {
      type: c.type,
      status: 'Unknown',
      lastHeartbeatTime: lastBeat,
      lastTransitionTime: noticed,
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });
  }
  removeTaints(node, ['node.kubernetes.io/not-ready']);
  addTaint(node, { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' });
  addTaint(node, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: noticed });
  ctx.put(node);
  setLease(ctx, node.metadata.name, since);
  ctx.event({
    about: node,
    type: 'Normal',
    reason: 'NodeNotReady',
    message: `Node ${node.metadata.name} status is now: NodeNotReady`,
    source: 'node-controller',
    firstSeen: noticed,
    lastSeen: noticed,
  });
  markPodsNotReady(ctx, node.metadata.name, noticed);
}

/** The kubelet is alive and says the node is not ready (PLEG, runtime): heartbeats stay fresh, Ready=False. */
export function kubeletReportsNotReady(ctx: FaultContext, node: NodeShape, since: Date, message: string): void {
  const beat = rfc3339(new Date(ctx.now.getTime() - 8000));
  for (const c of node.status?.conditions ?? []) {
    if (c.type === 'Ready') {
      setCondition(node, {
        type: 'Ready',
        status: 'False',
        lastHeartbeatTime: beat,
        lastTransitionTime: rfc3339(since),
        reason: 'KubeletNotReady',
        message,
      });
    } else {
      setCondition(node, { type: c.type, status: c.status, lastHeartbeatTime: beat });
    }
  }
  addTaint(node, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
  addTaint(node, {
    key: 'node.kubernetes.io/not-ready',
    effect: 'NoExecute',
    timeAdded: rfc3339(new Date(Math.min(ctx.now.getTime(), since.getTime() + 5000))),
  });
  ctx.put(node);
  setLease(ctx, node.metadata.name, new Date(ctx.now.getTime() - 4000));
  ctx.event({
    about: node,
    type: 'Normal',
    reason: 'NodeNotReady',
    message: `Node ${node.metadata.name} status is now: NodeNotReady`,
    source: 'kubelet',
    host: node.metadata.name,
    firstSeen: rfc3339(since),
    lastSeen: rfc3339(since),
  });
  markPodsNotReady(ctx, node.metadata.name, rfc3339(since));
}

/** What the node lifecycle controller does to the pods of a node that is not ready: Ready=False. */
function markPodsNotReady(ctx: FaultContext, nodeName: string, at: string): void {
  for (const pod of ctx.podsOn(nodeName)) {
    const copy = structuredClone(pod) as KubeObject & { status?: { conditions?: Condition[] } };
    const ready = copy.status?.conditions?.find((c) => c.type === 'Ready');
    if (!ready || ready.status === 'False') continue;
    ready.status = 'False';
    ready.lastTransitionTime = at;
    ctx.put(copy);
  }
}

/** The single answer a host gives to a command now (faults before this one may have changed it). */
export function currentText(ctx: FaultContext, node: string, key: string): string {
  const a = ctx.hostAnswer(node, key);
  const one: DrillResponse | undefined = Array.isArray(a)
    ? (a as readonly DrillResponse[]).at(-1)
    : (a as DrillResponse | undefined);
  return one?.stdout ?? '';
}

/** Edits the process table a host prints. */
export function editProcesses(ctx: FaultContext, node: string, edit: (procs: Process[]) => Process[]): void {
  const text = currentText(ctx, node, 'ps -eo pid,etimes,args');
  const procs = parsePsTable(text);
  const own = procs.filter((p) => p.args === 'ps -eo pid,etimes,args');
  const rest = edit(procs.filter((p) => p.args !== 'ps -eo pid,etimes,args')).sort((a, b) => a.pid - b.pid);
  ctx.host(node, 'ps -eo pid,etimes,args', { stdout: psTable([...rest, ...own]) });
}

/** `ss -ltnp` rows back from its text, so a fault can add or drop listeners. */
export function parseListeners(text: string): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n')) {
    const m = /^LISTEN\s+\d+\s+(\d+)\s+(\S+):(\d+)\s+\S+\s+users:\(\("([^"]+)",pid=(\d+),fd=(\d+)\)\)/.exec(line);
    if (m)
      out.push({
        backlog: Number(m[1]),
        addr: m[2] ?? '',
        port: Number(m[3]),
        process: m[4] ?? '',
        pid: Number(m[5]),
        fd: Number(m[6]),
      });
  }
  return out;
}
