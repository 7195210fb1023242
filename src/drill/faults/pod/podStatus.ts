import type { KubeObject } from '../../types.js';
import { deploymentStatus, replicaSetStatus } from '../../objects/apps.js';
import type { FaultContext } from '../types.js';
import { goDuration } from '../../../kube/semantics/duration.js';
import { qosClass } from './quantities.js';
import { hex, nodeIP, podIP, str } from './workload.js';
import type { Json } from './workload.js';

export interface ContainerState {
  name: string;
  image: string;
  /** Whether the image was ever pulled on this node (sets imageID). */
  pulled: boolean;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: Json;
  lastState?: Json;
}

/** A containerStatus as the kubelet reports it. */
export function containerStatus(ns: string, pod: string, c: ContainerState): Json {
  const digest = hex(64, 'image', c.image);
  const repo = c.image.replace(/:[^/:]+$/, '');
  const running = c.state.running !== undefined || c.state.terminated !== undefined;
  return {
    name: c.name,
    image: c.image,
    imageID: c.pulled ? `${repo.includes('/') ? repo : `docker.io/library/${repo}`}@sha256:${digest}` : '',
    ...(running || c.lastState
      ? { containerID: `containerd://${hex(64, 'container', ns, pod, c.name, String(c.restartCount))}` }
      : {}),
    ready: c.ready,
    started: c.started,
    restartCount: c.restartCount,
    state: c.state,
    lastState: c.lastState ?? {},
    volumeMounts: [],
  };
}

export interface PodStatusSpec {
  node: KubeObject;
  phase: 'Pending' | 'Running';
  /** When the pod was scheduled and its sandbox started. */
  started: string;
  containers: ContainerState[];
  /** The sandbox exists (false while volumes cannot be mounted). */
  sandboxReady?: boolean;
  /** When Ready last changed, for a pod whose readiness flips (crash loops). */
  readyChanged?: string;
  hostNetwork?: boolean;
}

/** Binds the pod to its node and sets the status a kubelet reports, with the conditions of v1.31. */
export function setPodStatus(ctx: FaultContext, pod: KubeObject, s: PodStatusSpec): void {
  const ns = pod.metadata.namespace ?? 'default';
  const spec = pod.spec as Json;
  spec.nodeName = s.node.metadata.name;
  const hostIP = nodeIP(s.node);
  const ip = s.hostNetwork ? hostIP : podIP(ctx, s.node, ns, pod.metadata.name);
  const started = ctx.at(s.started);
  const changed = ctx.at(s.readyChanged ?? s.started);
  const notReady = s.containers.filter((c) => !c.ready).map((c) => c.name);
  const sandbox = s.sandboxReady ?? true;
  const cond = (type: string, ok: boolean, at: string, reason?: string, message?: string) => ({
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: at,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  });
  const unready = `containers with unready status: [${notReady.join(' ')}]`;
  pod.status = {
    phase: s.phase,
    conditions: [
      cond('PodReadyToStartContainers', sandbox, started),
      cond('Initialized', true, started),
      notReady.length > 0 ? cond('Ready', false, changed, 'ContainersNotReady', unready) : cond('Ready', true, changed),
      notReady.length > 0
        ? cond('ContainersReady', false, changed, 'ContainersNotReady', unready)
        : cond('ContainersReady', true, changed),
      cond('PodScheduled', true, ctx.at(String(pod.metadata.creationTimestamp))),
    ],
    hostIP,
    hostIPs: [{ ip: hostIP }],
    ...(sandbox ? { podIP: ip, podIPs: [{ ip }] } : {}),
    startTime: started,
    containerStatuses: s.containers.map((c) => containerStatus(ns, pod.metadata.name, c)),
    qosClass: (pod.status as Json | undefined)?.qosClass ?? qosClass(spec.containers as Json[]),
  };
  refreshOwner(ctx, pod);
}

/** A Pending pod no node accepts: PodScheduled False with the scheduler's message. */
export function setUnschedulable(ctx: FaultContext, pod: KubeObject, message: string, since: string): void {
  pod.status = {
    phase: 'Pending',
    conditions: [
      {
        type: 'PodScheduled',
        status: 'False',
        lastProbeTime: null,
        lastTransitionTime: ctx.at(since),
        reason: 'Unschedulable',
        message,
      },
    ],
    qosClass: (pod.status as Json | undefined)?.qosClass ?? 'BestEffort',
  };
  refreshOwner(ctx, pod);
}

/** Recounts the controller's status from its pods, as the controllers do. */
export function refreshOwner(ctx: FaultContext, pod: KubeObject): void {
  const ref = pod.metadata.ownerReferences?.[0];
  if (!ref) return;
  const ns = pod.metadata.namespace;
  const owner = ctx.find(ref.kind, ns, ref.name);
  if (!owner) return;
  const pods = ctx.list('Pod', ns).filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid));
  const isReady = (p: KubeObject) =>
    (((p.status as Json | undefined)?.conditions ?? []) as Json[]).some(
      (c) => c.type === 'Ready' && c.status === 'True',
    );
  const total = pods.length;
  const ready = pods.filter(isReady).length;
  const scheduled = pods.filter((p) => (p.spec as Json).nodeName).length;
  const status = (owner.status ?? {}) as Json;
  if (ref.kind === 'ReplicaSet') {
    owner.status = replicaSetStatus(total, ready);
    const up = owner.metadata.ownerReferences?.[0];
    const d = up ? ctx.find('Deployment', ns, up.name) : undefined;
    if (d) {
      // A scenario's Deployment may lack a timestamp: the conditions then carry none, as before.
      const created = d.metadata.creationTimestamp as string;
      const age = (ctx.now.getTime() - Date.parse(String(created))) / 1000;
      const stuck = ready < total && age > 600;
      d.status = deploymentStatus({
        replicas: total,
        current: total,
        ready,
        created,
        progressed: created,
        replicaSetName: owner.metadata.name,
        rollout:
          ready >= total
            ? 'complete'
            : stuck
              ? { stuckSince: ctx.at('now-' + Math.round(age - 600) + 's') }
              : 'progressing',
      });
    }
  } else if (ref.kind === 'StatefulSet') {
    owner.status = {
      ...status,
      observedGeneration: 1,
      replicas: total,
      currentReplicas: total,
      updatedReplicas: total,
      readyReplicas: ready,
      availableReplicas: ready,
    };
  } else if (ref.kind === 'DaemonSet') {
    owner.status = {
      currentNumberScheduled: scheduled,
      desiredNumberScheduled: scheduled,
      numberMisscheduled: 0,
      numberReady: ready,
      observedGeneration: 1,
      updatedNumberScheduled: scheduled,
      numberAvailable: ready,
      ...(scheduled - ready > 0 ? { numberUnavailable: scheduled - ready } : {}),
    };
  }
}

/** A kubelet event about one container (involvedObject.fieldPath names it, as `kubectl describe` expects). */
export function containerEvent(
  ctx: FaultContext,
  pod: KubeObject,
  container: string | undefined,
  e: {
    type: 'Normal' | 'Warning';
    reason: string;
    message: string;
    count?: number;
    firstSeen: string;
    lastSeen?: string;
  },
): KubeObject {
  const node = str((pod.spec as Json).nodeName);
  const ev = ctx.event({ about: pod, source: 'kubelet', ...(node ? { host: node } : {}), ...e });
  if (container) (ev.involvedObject as Json).fieldPath = `spec.containers{${container}}`;
  return ev;
}

export function scheduledEvent(ctx: FaultContext, pod: KubeObject, node: string, at: string): void {
  ctx.event({
    about: pod,
    type: 'Normal',
    reason: 'Scheduled',
    message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`,
    source: 'default-scheduler',
    firstSeen: at,
  });
}

/** `now-<n>s` for n seconds ago. */
export function ago(seconds: number): string {
  return `now-${Math.max(0, Math.round(seconds))}s`;
}

/** Seconds between a `now-…` time (or RFC 3339) and the drill's now. */
export function secondsAgo(ctx: FaultContext, time: string): number {
  return Math.round((ctx.now.getTime() - Date.parse(ctx.at(time))) / 1000);
}

/** Pulled, as kubelet v1.31 words it for a fresh pull. */
export function pulledMessage(image: string, seed: string): string {
  const ms = 800 + (parseInt(hex(4, 'pull', seed), 16) % 9000);
  const size = 20_000_000 + (parseInt(hex(6, 'size', seed), 16) % 180_000_000);
  const secs = goDuration(ms);
  return `Successfully pulled image "${image}" in ${secs} (${secs} including waiting). Image size: ${size} bytes.`;
}
