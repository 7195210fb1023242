import { createHash } from 'node:crypto';
import type { KubeObject } from '../types.js';
import { asArray, asNumber, asObject, asString } from './json.js';
import type { Json } from './json.js';
import {
  componentHealthy,
  condition,
  hex,
  isoSeconds,
  nodeReady,
  podKey,
  recordEvent,
  repeatEvent,
} from './simulation.js';
import type { SimContext } from './simulation.js';
import { podFitsNode, untoleratedTaints } from '../../kube/semantics/scheduling.js';
import type { Toleration } from '../../kube/semantics/scheduling.js';
import { goDuration } from '../../kube/semantics/duration.js';
import { isProbePod, probeAnswer } from './probePod.js';

/**
 * The scheduler and the kubelets of the drill cluster, for the pods the API
 * creates (a test pod, a controller's replacement): a pod without a node is
 * placed by kube-scheduler if it is up (FailedScheduling when no Ready node
 * fits), and a pod on a Ready node is started by that node's kubelet
 * (ContainerCreating, then Running and Ready, with the kubelet's events).
 * On a NotReady node nothing happens: the pod stays Pending with no
 * container statuses, as it would with the kubelet down. Every step
 * re-reads the store, so health changes a trainer makes take effect.
 */

/** A replacement's inheritance: the pod it replaces, whose faults it reproduces, and the containers a template change fixed. */
export interface InheritedFault {
  from: KubeObject;
  fixed: Set<string>;
}

interface Tracked {
  uid: string;
  fault?: InheritedFault;
  /** Why the pod is not progressing; cleared when a retry gets it going. */
  waiting?: 'scheduler' | 'unschedulable' | 'node';
  failedScheduling?: KubeObject;
  started?: boolean;
}

const unschedulableTaint = 'node.kubernetes.io/unschedulable';

/** The node's taints, with the ones the node lifecycle controller keeps on a node that is not Ready. */
function nodeTaints(node: KubeObject): Json[] {
  const taints = asArray(asObject(node.spec).taints);
  const ready = asString(condition(node, 'Ready')?.status);
  if (ready !== 'True') {
    const key = ready === 'False' ? 'node.kubernetes.io/not-ready' : 'node.kubernetes.io/unreachable';
    if (!taints.some((t) => asString(t.key) === key && asString(t.effect) === 'NoSchedule'))
      taints.push({ key, effect: 'NoSchedule' });
  }
  return taints;
}

/** The scheduler's filters in its order (NodeUnschedulable, TaintToleration, NodeAffinity): why this node does not fit, or undefined. */
function unfitReason(pod: KubeObject, node: KubeObject): string | undefined {
  const tolerations = asArray(asObject(pod.spec).tolerations) as Toleration[];
  if (
    asObject(node.spec).unschedulable === true &&
    untoleratedTaints([{ key: unschedulableTaint, effect: 'NoSchedule' }], tolerations).length > 0
  )
    return 'node(s) were unschedulable';
  const [untolerated] = untoleratedTaints(nodeTaints(node), tolerations);
  if (untolerated) return `node(s) had untolerated taint {${untolerated.key ?? ''}: ${untolerated.value ?? ''}}`;
  if (!podFitsNode(asObject(pod.spec), node)) return "node(s) didn't match Pod's node affinity/selector";
  return undefined;
}

/** FitError.Error plus the preemption plugin's note: the FailedScheduling message of kube-scheduler. */
export function fitErrorMessage(nodeCount: number, reasons: string[]): string {
  if (nodeCount === 0) return 'no nodes available to schedule pods';
  const histogram = new Map<string, number>();
  for (const r of reasons) histogram.set(r, (histogram.get(r) ?? 0) + 1);
  const sorted = [...histogram].map(([r, n]) => `${n} ${r}`).sort();
  return `0/${nodeCount} nodes are available: ${sorted.join(', ')}. preemption: 0/${nodeCount} nodes are available: ${nodeCount} Preemption is not helpful for scheduling.`;
}

/** The image reference the runtime reports: docker.io and library/ filled in, :latest when untagged. */
export function normalizedImage(image: string): string {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  let ref = hasRegistry ? image : `docker.io/${slash < 0 ? 'library/' : ''}${image}`;
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  if (!last.includes(':') && !ref.includes('@')) ref += ':latest';
  return ref;
}

function imageDigest(image: string): string {
  const ref = normalizedImage(image);
  const repo = ref.includes('@') ? ref.slice(0, ref.indexOf('@')) : ref.slice(0, ref.lastIndexOf(':'));
  return `${repo}@sha256:${createHash('sha256').update(ref).digest('hex')}`;
}

function imageSize(image: string): number {
  return 2_000_000 + (createHash('sha256').update(image).digest().readUInt32BE(0) % 60_000_000);
}

const pullFailures = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);
const transient = new Set(['ContainerCreating', 'PodInitializing']);

/** Whether a container status shows a fault a replacement would meet again (not a container still starting). */
function faulty(status: Json | undefined): boolean {
  if (!status) return false;
  const state = asObject(status.state);
  const waiting = state.waiting === undefined ? undefined : asObject(state.waiting);
  if (waiting) return !transient.has(asString(waiting.reason));
  if (state.terminated !== undefined) return asNumber(asObject(state.terminated).exitCode) !== 0;
  return status.ready === false && state.running !== undefined;
}

export class PodLifecycle {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly ctx: SimContext) {}

  /** Takes a pod the API just stored through scheduling and start-up. */
  track(pod: KubeObject, fault?: InheritedFault): void {
    const key = podKey(pod);
    this.tracked.set(key, { uid: pod.metadata.uid ?? '', ...(fault ? { fault } : {}) });
    this.ctx.timers.after(this.ctx.stepMs, () => this.advance(key));
  }

  /** Something the pods wait on changed (a node, a control-plane pod or lease): let them try again. */
  retryWaiting(): void {
    for (const [key, t] of this.tracked) if (t.waiting) this.advance(key);
  }

  /**
   * A pod's spec changed through the API. The kubelet restarts a container
   * whose image changed: that is how `kubectl set image` on a bare pod
   * fixes an image pull failure.
   */
  podUpdated(before: KubeObject, after: KubeObject): void {
    const nodeName = asString(asObject(after.spec).nodeName);
    if (!nodeName || after.metadata.deletionTimestamp) return;
    const oldImages = new Map(
      asArray(asObject(before.spec).containers).map((c) => [asString(c.name), asString(c.image)]),
    );
    const changed = asArray(asObject(after.spec).containers).filter(
      (c) => oldImages.get(asString(c.name)) !== asString(c.image),
    );
    if (changed.length === 0 || !nodeReady(this.ctx.store.get('nodes', undefined, nodeName))) return;
    const key = podKey(after);
    const uid = after.metadata.uid ?? '';
    for (const c of changed) {
      const name = asString(c.name);
      recordEvent(this.ctx, after, {
        reason: 'Killing',
        type: 'Normal',
        message: `Container ${name} definition changed, will be restarted`,
        component: 'kubelet',
        host: nodeName,
        fieldPath: `spec.containers{${name}}`,
      });
    }
    this.ctx.timers.after(this.ctx.stepMs, () => {
      const pod = this.ctx.store.get('pods', after.metadata.namespace, after.metadata.name);
      if (pod?.metadata.uid !== uid || pod.metadata.deletionTimestamp) return;
      for (const c of changed) this.event(pod, nodeName, c, 'Pulling', `Pulling image "${asString(c.image)}"`);
      this.ctx.timers.after(this.ctx.stepMs * 2, () => {
        const current = this.ctx.store.get('pods', after.metadata.namespace, after.metadata.name);
        if (current?.metadata.uid !== uid || current.metadata.deletionTimestamp) return;
        const names = new Set(changed.map((c) => asString(c.name)));
        const statuses = asArray(asObject(current.status).containerStatuses).map((s) => {
          const container = changed.find((c) => asString(c.name) === asString(s.name));
          if (!container || !names.has(asString(s.name))) return s;
          const restarted = asObject(s.state).running !== undefined || asObject(s.lastState).terminated !== undefined;
          const { lastState: _last, ...rest } = s;
          return {
            ...rest,
            ...this.runningStatus(container),
            restartCount: asNumber(s.restartCount) + (restarted ? 1 : 0),
          };
        });
        for (const c of changed) this.startedEvents(current, nodeName, c);
        this.ctx.store.put('pods', { ...current, status: this.runningPodStatus(current, nodeName, statuses) });
        this.tracked.delete(key);
      });
    });
  }

  private live(key: string, t: Tracked): KubeObject | undefined {
    const [namespace = '', name = ''] = key.split('/');
    const pod = this.ctx.store.get('pods', namespace, name);
    if (!pod || pod.metadata.uid !== t.uid || pod.metadata.deletionTimestamp) {
      this.tracked.delete(key);
      return undefined;
    }
    return pod;
  }

  private advance(key: string): void {
    const t = this.tracked.get(key);
    if (!t || t.started) return;
    const pod = this.live(key, t);
    if (!pod) return;
    const nodeName = asString(asObject(pod.spec).nodeName);
    if (!nodeName) {
      this.schedule(key, t, pod);
      return;
    }
    const node = this.ctx.store.get('nodes', undefined, nodeName);
    if (!nodeReady(node) || !node) {
      // No kubelet posts anything for a pod on a node that is down.
      t.waiting = 'node';
      return;
    }
    t.waiting = undefined;
    t.started = true;
    this.containerCreating(pod, node);
    this.ctx.timers.after(this.ctx.stepMs * 2, () => this.start(key, t));
  }

  private schedule(key: string, t: Tracked, pod: KubeObject): void {
    const spec = asObject(pod.spec);
    if ((asString(spec.schedulerName) || 'default-scheduler') !== 'default-scheduler') {
      this.tracked.delete(key);
      return;
    }
    if (!componentHealthy(this.ctx, 'kube-scheduler')) {
      // Nobody schedules: the pod waits with no condition and no event, which is itself the clue.
      t.waiting = 'scheduler';
      return;
    }
    const nodes = this.ctx.store.list('nodes').items;
    const reasons: string[] = [];
    const feasible: KubeObject[] = [];
    for (const node of nodes) {
      const reason = unfitReason(pod, node);
      if (reason) reasons.push(reason);
      else feasible.push(node);
    }
    if (feasible.length === 0) {
      this.unschedulable(t, pod, fitErrorMessage(nodes.length, reasons));
      return;
    }
    // Least pods first among a sample, as the scheduler scores a percentage of feasible nodes.
    const load = (n: KubeObject): number =>
      this.ctx.store.list('pods', { indexed: { 'spec.nodeName': n.metadata.name } }).items.length;
    const chosen = feasible.slice(0, 50).reduce((best, n) => (load(n) < load(best) ? n : best));
    const now = isoSeconds(this.ctx.now());
    const bound = this.ctx.store.put('pods', {
      ...pod,
      spec: { ...spec, nodeName: chosen.metadata.name },
      status: {
        ...asObject(pod.status),
        conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now }],
      },
    });
    recordEvent(this.ctx, bound, {
      reason: 'Scheduled',
      type: 'Normal',
      message: `Successfully assigned ${pod.metadata.namespace ?? ''}/${pod.metadata.name} to ${chosen.metadata.name}`,
      component: 'default-scheduler',
    });
    t.waiting = undefined;
    this.ctx.timers.after(this.ctx.stepMs, () => this.advance(key));
  }

  private unschedulable(t: Tracked, pod: KubeObject, message: string): void {
    t.waiting = 'unschedulable';
    const current = condition(pod, 'PodScheduled');
    if (asString(current?.message) !== message || asString(current?.status) !== 'False') {
      this.ctx.store.put('pods', {
        ...pod,
        status: {
          ...asObject(pod.status),
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              lastProbeTime: null,
              lastTransitionTime: isoSeconds(this.ctx.now()),
              reason: 'Unschedulable',
              message,
            },
          ],
        },
      });
    }
    if (t.failedScheduling && asString(t.failedScheduling.message) === message)
      repeatEvent(this.ctx, t.failedScheduling);
    else
      t.failedScheduling = recordEvent(this.ctx, pod, {
        reason: 'FailedScheduling',
        type: 'Warning',
        message,
        component: 'default-scheduler',
      });
  }

  private event(
    pod: KubeObject,
    nodeName: string,
    container: Json,
    reason: string,
    message: string,
    type: 'Normal' | 'Warning' = 'Normal',
  ): void {
    recordEvent(this.ctx, pod, {
      reason,
      type,
      message,
      component: 'kubelet',
      host: nodeName,
      fieldPath: `spec.containers{${asString(container.name)}}`,
    });
  }

  private containers(pod: KubeObject): Json[] {
    return [...asArray(asObject(pod.spec).containers)].sort((a, b) => (asString(a.name) < asString(b.name) ? -1 : 1));
  }

  private conditions(pod: KubeObject, ready: boolean, unready: string[], sandbox: boolean): Json[] {
    const at = isoSeconds(this.ctx.now());
    const scheduledAt = asString(condition(pod, 'PodScheduled')?.lastTransitionTime) || at;
    const notReady = {
      reason: 'ContainersNotReady',
      message: `containers with unready status: [${unready.join(' ')}]`,
    };
    return [
      {
        type: 'PodReadyToStartContainers',
        status: sandbox ? 'True' : 'False',
        lastProbeTime: null,
        lastTransitionTime: at,
      },
      { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: at },
      {
        type: 'Ready',
        status: ready ? 'True' : 'False',
        lastProbeTime: null,
        lastTransitionTime: at,
        ...(ready ? {} : notReady),
      },
      {
        type: 'ContainersReady',
        status: ready ? 'True' : 'False',
        lastProbeTime: null,
        lastTransitionTime: at,
        ...(ready ? {} : notReady),
      },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: scheduledAt },
    ];
  }

  private hostIP(node: KubeObject): string {
    return asString(asArray(asObject(node.status).addresses).find((a) => asString(a.type) === 'InternalIP')?.address);
  }

  /** A free address in the node's pod CIDR (or the node's own, for host-network pods). */
  private podIP(pod: KubeObject, node: KubeObject): string {
    if (asObject(pod.spec).hostNetwork === true) return this.hostIP(node);
    const cidr = asString(asObject(node.spec).podCIDR) || '10.244.0.0/24';
    const base = cidr.split('/')[0]?.split('.').slice(0, 3).join('.') ?? '10.244.0';
    const used = new Set(
      this.ctx.store
        .list('pods', { indexed: { 'spec.nodeName': node.metadata.name } })
        .items.map((p) => asString(asObject(p.status).podIP)),
    );
    for (let i = 2; i < 255; i++) if (!used.has(`${base}.${i}`)) return `${base}.${i}`;
    return `${base}.254`;
  }

  private containerCreating(pod: KubeObject, node: KubeObject): void {
    const containers = this.containers(pod);
    const ip = this.hostIP(node);
    const status = {
      ...asObject(pod.status),
      phase: 'Pending',
      conditions: this.conditions(
        pod,
        false,
        containers.map((c) => asString(c.name)),
        false,
      ),
      hostIP: ip,
      hostIPs: [{ ip }],
      startTime: isoSeconds(this.ctx.now()),
      containerStatuses: containers.map((c) => ({
        name: asString(c.name),
        image: asString(c.image),
        imageID: '',
        ready: false,
        restartCount: 0,
        started: false,
        state: { waiting: { reason: 'ContainerCreating' } },
      })),
    };
    const stored = this.ctx.store.put('pods', { ...pod, status });
    for (const c of containers)
      this.event(stored, node.metadata.name, c, 'Pulling', `Pulling image "${asString(c.image)}"`);
  }

  private runningStatus(container: Json): Json {
    const image = asString(container.image);
    return {
      name: asString(container.name),
      state: { running: { startedAt: isoSeconds(this.ctx.now()) } },
      ready: true,
      restartCount: 0,
      image: normalizedImage(image),
      imageID: imageDigest(image),
      containerID: `containerd://${hex(32)}`,
      started: true,
    };
  }

  private startedEvents(pod: KubeObject, nodeName: string, c: Json): void {
    const image = asString(c.image);
    const pulled = goDuration(this.ctx.stepMs * 2);
    this.event(
      pod,
      nodeName,
      c,
      'Pulled',
      `Successfully pulled image "${image}" in ${pulled} (${pulled} including waiting). Image size: ${imageSize(image)} bytes.`,
    );
    this.event(pod, nodeName, c, 'Created', `Created container ${asString(c.name)}`);
    this.event(pod, nodeName, c, 'Started', `Started container ${asString(c.name)}`);
  }

  private runningPodStatus(pod: KubeObject, nodeName: string, statuses: Json[]): Json {
    const node = this.ctx.store.get('nodes', undefined, nodeName);
    const unready = statuses.filter((s) => s.ready !== true).map((s) => asString(s.name));
    const anyRan = statuses.some(
      (s) => asObject(s.state).running !== undefined || asObject(s.lastState).terminated !== undefined,
    );
    const status = asObject(pod.status);
    const ip = asString(status.podIP) || (node ? this.podIP(pod, node) : '');
    return {
      ...status,
      phase: anyRan ? 'Running' : 'Pending',
      conditions: this.conditions(pod, unready.length === 0, unready, true),
      ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
      containerStatuses: statuses,
    };
  }

  /** The fault a replacement meets again: the old container's state, with its names, ids and times moved to the new pod. */
  private reproduce(pod: KubeObject, container: Json, old: Json, from: KubeObject): Json {
    const rewrite = (v: unknown): unknown => {
      const text = JSON.stringify(v)
        .split(from.metadata.name)
        .join(pod.metadata.name)
        .split(from.metadata.uid ?? '\u0000')
        .join(pod.metadata.uid ?? '');
      return JSON.parse(text) as unknown;
    };
    const now = this.ctx.now();
    const state = asObject(rewrite(old.state));
    const last = asObject(asObject(old.lastState).terminated);
    let lastState: Json | undefined;
    if (Object.keys(last).length > 0) {
      // The same run length before the same end, so "how long did it live" reads the same on the new pod.
      const ran = Date.parse(asString(last.finishedAt)) - Date.parse(asString(last.startedAt));
      lastState = {
        terminated: {
          ...asObject(rewrite(last)),
          startedAt: isoSeconds(new Date(now.getTime() - (Number.isFinite(ran) && ran > 0 ? ran : 0))),
          finishedAt: isoSeconds(now),
          containerID: `containerd://${hex(32)}`,
        },
      };
    }
    if (state.running !== undefined) state.running = { startedAt: isoSeconds(now) };
    const waitingReason = asString(asObject(state.waiting).reason);
    const pulled = !pullFailures.has(waitingReason);
    const image = asString(container.image);
    return {
      name: asString(container.name),
      state,
      ...(lastState ? { lastState } : {}),
      ready: false,
      // A fresh pod: its restarts count from zero again, one for each crash already seen.
      restartCount: lastState ? 1 : 0,
      image: pulled ? normalizedImage(image) : image,
      imageID: pulled ? imageDigest(image) : '',
      ...(pulled && state.waiting === undefined ? { containerID: `containerd://${hex(32)}` } : {}),
      started: false,
    };
  }

  private start(key: string, t: Tracked): void {
    const pod = this.live(key, t);
    if (!pod) return;
    const nodeName = asString(asObject(pod.spec).nodeName);
    const fault = t.fault;
    const oldStatuses = new Map(
      asArray(asObject(fault?.from.status).containerStatuses).map((s) => [asString(s.name), s]),
    );
    const statuses: Json[] = [];
    const warnings: Json[] = [];
    for (const c of this.containers(pod)) {
      const name = asString(c.name);
      const old = oldStatuses.get(name);
      if (fault && old && faulty(old) && !fault.fixed.has(name)) {
        const status = this.reproduce(pod, c, old, fault.from);
        statuses.push(status);
        if (status.imageID !== '') this.startedEvents(pod, nodeName, c);
        warnings.push(c);
      } else {
        statuses.push(this.runningStatus(c));
        this.startedEvents(pod, nodeName, c);
      }
    }
    this.ctx.store.put('pods', { ...pod, status: this.runningPodStatus(pod, nodeName, statuses) });
    if (fault && warnings.length > 0) this.replayWarnings(pod, fault.from);
    this.tracked.delete(key);
    if (isProbePod(pod)) this.ctx.timers.after(this.ctx.stepMs, () => this.finishProbe(pod));
  }

  /** plumbline's probe pod runs its checks and exits: what it found is its termination message. */
  private finishProbe(started: KubeObject): void {
    const pod = this.ctx.store.get('pods', started.metadata.namespace, started.metadata.name);
    if (!pod || pod.metadata.uid !== started.metadata.uid || pod.metadata.deletionTimestamp) return;
    const lines = probeAnswer(this.ctx, pod);
    const failed = lines.some((l) => / fail /.test(l));
    const finishedAt = isoSeconds(this.ctx.now());
    const statuses = asArray(asObject(pod.status).containerStatuses).map((s) => ({
      ...s,
      ready: false,
      started: false,
      state: {
        terminated: {
          exitCode: failed ? 1 : 0,
          reason: failed ? 'Error' : 'Completed',
          message: `${lines.join('\n')}\n`,
          startedAt: asString(asObject(asObject(s.state).running).startedAt) || finishedAt,
          finishedAt,
          containerID: asString(s.containerID),
        },
      },
    }));
    const conditions = asArray(asObject(pod.status).conditions).map((c) =>
      c.type === 'Ready' || c.type === 'ContainersReady'
        ? { ...c, status: 'False', reason: 'PodCompleted', lastTransitionTime: finishedAt }
        : c,
    );
    this.ctx.store.put('pods', {
      ...pod,
      status: {
        ...asObject(pod.status),
        phase: failed ? 'Failed' : 'Succeeded',
        conditions,
        containerStatuses: statuses,
      },
    });
  }

  /** The replaced pod's warnings (probe failures, kills, back-offs), now about the replacement. */
  private replayWarnings(pod: KubeObject, from: KubeObject): void {
    const events = this.ctx.store.list('events', {
      namespace: from.metadata.namespace ?? '',
      indexed: { 'involvedObject.name': from.metadata.name },
      filter: (e) => asString(e.type) === 'Warning' && asString(asObject(e.involvedObject).kind) === 'Pod',
    }).items;
    const rename = (text: string): string =>
      text
        .split(from.metadata.name)
        .join(pod.metadata.name)
        .split(from.metadata.uid ?? '\u0000')
        .join(pod.metadata.uid ?? '');
    const seen = new Set<string>();
    for (const e of events) {
      const signature = `${asString(e.reason)}\u0000${asString(e.message)}`;
      if (seen.has(signature)) continue;
      seen.add(signature);
      const source = asObject(e.source);
      const fieldPath = asString(asObject(e.involvedObject).fieldPath);
      recordEvent(this.ctx, pod, {
        reason: asString(e.reason),
        type: 'Warning',
        message: rename(asString(e.message)),
        component: asString(source.component) || 'kubelet',
        host: asString(asObject(pod.spec).nodeName) || asString(source.host),
        ...(fieldPath ? { fieldPath } : {}),
      });
    }
  }
}
