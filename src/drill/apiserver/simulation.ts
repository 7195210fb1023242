import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../types.js';
import { asArray, asNumber, asObject, asString } from './json.js';
import type { Json } from './json.js';
import type { ObjectStore } from './store.js';
import { nodeStatus } from './tables/nodes.js';
import { event } from '../objects/core.js';

/**
 * What the drill's simulated components share: the store, the drill clock,
 * timers that all stop when the server closes, events as the components
 * record them, and the health of the control plane as the store shows it.
 */

export const leaseBucket = 'leases.coordination.k8s.io';

export type Component = 'kube-scheduler' | 'kube-controller-manager';

/** Timers that never outlive the server: `stop` cancels every pending one and refuses new ones. */
export class Timers {
  private readonly pending = new Set<ReturnType<typeof setTimeout>>();
  private stopped = false;

  after(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.pending.delete(t);
      if (this.stopped) return;
      try {
        fn();
      } catch {
        // A simulated component failing must not take the API server down with it.
      }
    }, ms);
    t.unref();
    this.pending.add(t);
  }

  get active(): boolean {
    return !this.stopped;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }
}

export interface SimContext {
  store: ObjectStore;
  now: () => Date;
  timers: Timers;
  /** One step of a component's work (a scheduling cycle, a kubelet sync); a pod starts in about four. */
  stepMs: number;
  /** How long a healthy kubelet takes to confirm a graceful pod deletion. */
  podTerminationMs: number;
  /** Leader leases that were fresh when the drill started (see componentHealthy). */
  freshAtStart: Set<Component>;
  /** What a node's host prints for a command (a scenario's answer), for what the simulation follows there (kube-proxy's rules). */
  hostText?: (node: string, command: string) => string | undefined;
}

export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function condition(obj: KubeObject, type: string): Json | undefined {
  return asArray(asObject(obj.status).conditions).find((c) => asString(c.type) === type);
}

export function nodeReady(node: KubeObject | undefined): boolean {
  return node !== undefined && nodeStatus(node).split(',')[0] === 'Ready';
}

/** Running, Ready, and no container waiting to restart: a component that is doing its job. */
export function podHealthy(pod: KubeObject): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  if (asString(asObject(pod.status).phase) !== 'Running') return false;
  if (asString(condition(pod, 'Ready')?.status) !== 'True') return false;
  return asArray(asObject(pod.status).containerStatuses).every(
    (c) => c.ready !== false && asObject(c.state).waiting === undefined,
  );
}

function componentPods(store: ObjectStore, component: Component): KubeObject[] {
  return store.list('pods', {
    namespace: 'kube-system',
    filter: (p) => p.metadata.labels?.component === component || p.metadata.name.startsWith(`${component}-`),
  }).items;
}

export function leaseFresh(lease: KubeObject | undefined, now: Date): boolean {
  if (!lease) return false;
  const spec = asObject(lease.spec);
  const renewed = Date.parse(asString(spec.renewTime));
  if (Number.isNaN(renewed) || !asString(spec.holderIdentity)) return false;
  return renewed + asNumber(spec.leaseDurationSeconds) * 1000 >= now.getTime();
}

/**
 * A control-plane component works when one of its pods in kube-system is
 * Running and Ready and its leader Lease is fresh. The drill does not write
 * the leader's renewals every two seconds: a lease that was fresh when the
 * drill started stays fresh while a healthy pod holds it.
 */
export function componentHealthy(
  ctx: Pick<SimContext, 'store' | 'now' | 'freshAtStart'>,
  component: Component,
): boolean {
  if (!componentPods(ctx.store, component).some(podHealthy)) return false;
  const lease = ctx.store.get(leaseBucket, 'kube-system', component);
  return lease !== undefined && (leaseFresh(lease, ctx.now()) || ctx.freshAtStart.has(component));
}

export function freshLeasesAtStart(store: ObjectStore, now: Date): Set<Component> {
  const fresh = new Set<Component>();
  for (const c of ['kube-scheduler', 'kube-controller-manager'] as const) {
    if (leaseFresh(store.get(leaseBucket, 'kube-system', c), now)) fresh.add(c);
  }
  return fresh;
}

export interface EventSpec {
  reason: string;
  type: 'Normal' | 'Warning';
  message: string;
  component: string;
  host?: string;
  fieldPath?: string;
}

let eventSeq = 0;

/** Records a core/v1 Event about an object, named as client-go's recorder names them (`<object>.<hex>`). */
export function recordEvent(ctx: Pick<SimContext, 'store' | 'now'>, involved: KubeObject, e: EventSpec): KubeObject {
  const now = ctx.now();
  const stamp = isoSeconds(now);
  const suffix = (BigInt(now.getTime()) * 1_000_000n + BigInt(eventSeq++ % 1_000_000)).toString(16);
  const namespace = involved.metadata.namespace ?? 'default';
  return ctx.store.put(
    'events',
    event(
      { name: `${involved.metadata.name}.${suffix}`, namespace },
      {
        involvedObject: {
          kind: involved.kind,
          ...(involved.metadata.namespace ? { namespace } : {}),
          name: involved.metadata.name,
          uid: involved.metadata.uid,
          apiVersion: involved.apiVersion,
          resourceVersion: involved.metadata.resourceVersion,
          ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}),
        },
        reason: e.reason,
        message: e.message,
        source: { component: e.component, ...(e.host ? { host: e.host } : {}) },
        firstTimestamp: stamp,
        lastTimestamp: stamp,
        count: 1,
        type: e.type,
        eventTime: null,
        reportingComponent: e.component,
        reportingInstance: e.host ?? '',
      },
    ),
  );
}

/** Bumps an event seen again (the recorder's aggregation), as `kubectl get events` counts repeats. */
export function repeatEvent(ctx: Pick<SimContext, 'store' | 'now'>, event: KubeObject): void {
  const current = ctx.store.get('events', event.metadata.namespace, event.metadata.name);
  if (!current) return;
  ctx.store.put('events', { ...current, count: asNumber(current.count) + 1, lastTimestamp: isoSeconds(ctx.now()) });
}

export function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** The controller ownerReference of an object, if it has one. */
export function controllerOf(
  obj: KubeObject,
): { kind: string; name: string; uid: string; apiVersion: string } | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function podKey(pod: KubeObject): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
}
