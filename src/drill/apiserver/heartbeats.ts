import type { KubeObject } from '../types.js';
import type { Json } from './json.js';

/**
 * Keeps a drill's heartbeats moving with its clock, as live kubelets and
 * leader-elected controllers would, without rewriting anything: each read
 * computes the renewal the component would have made by now from the stored
 * object. Cost is per object read, not per object held, so 5,000 nodes cost
 * nothing until listed. (No watch events are sent for these renewals.)
 *
 * Who keeps renewing is decided by the state at start: a lease renewed within
 * its duration, a node whose kubelet posted status within the node monitor
 * grace period and whose Ready is not Unknown. A silent kubelet, a dead
 * scheduler or a pasted object from last year stay exactly as written.
 */

/** kubelet --node-lease renew interval: a quarter of the 40 s lease. */
const nodeLeaseRenewSeconds = 10;
/** leader election retryPeriod of kube-scheduler and kube-controller-manager: the holder renews this often. */
const leaderRenewSeconds = 2;
/** kubelet nodeStatusReportFrequency: with leases on, status is posted every 5 min unless it changes. */
const nodeStatusReportSeconds = 300;
/** kube-controller-manager --node-monitor-grace-period. */
const nodeMonitorGraceSeconds = 40;

const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;

function time(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * The last renewal by `now` on a `period` cadence from `from`. Only renewals
 * after the drill's start count, so at the start every object is as written.
 */
function lastTick(from: number, now: number, periodSeconds: number, start: number): number {
  const period = periodSeconds * 1000;
  const tick = now <= from ? from : from + Math.floor((now - from) / period) * period;
  return tick > start ? tick : from;
}

/** metav1.Time: whole seconds. */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** metav1.MicroTime, as a Lease's renewTime is written. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function readyCondition(node: KubeObject): Json | undefined {
  const conditions = obj(node.status)?.conditions;
  return Array.isArray(conditions) ? conditions.map(obj).find((c) => c?.type === 'Ready') : undefined;
}

export class Heartbeats {
  constructor(
    private readonly now: () => Date,
    /** When the drill started: what was fresh then is alive. */
    private readonly start: number = now().getTime(),
  ) {}

  /** The object as a reader sees it now; untouched unless it is a renewing Lease or a live kubelet's Node. */
  present(resource: string, o: KubeObject): KubeObject {
    if (resource === 'leases.coordination.k8s.io') return this.lease(o);
    if (resource === 'nodes') return this.node(o);
    return o;
  }

  private lease(o: KubeObject): KubeObject {
    const spec = obj(o.spec);
    const renewed = time(spec?.renewTime);
    if (!spec || renewed === undefined) return o;
    const duration =
      typeof spec.leaseDurationSeconds === 'number' ? spec.leaseDurationSeconds : nodeMonitorGraceSeconds;
    if (this.start - renewed > duration * 1000) return o;
    const period = o.metadata.namespace === 'kube-node-lease' ? nodeLeaseRenewSeconds : leaderRenewSeconds;
    const now = lastTick(renewed, this.now().getTime(), period, this.start);
    if (now === renewed) return o;
    return { ...o, spec: { ...spec, renewTime: microTime(now) } };
  }

  private node(o: KubeObject): KubeObject {
    const ready = readyCondition(o);
    const posted = time(ready?.lastHeartbeatTime);
    if (!ready || posted === undefined || ready.status === 'Unknown') return o;
    if (this.start - posted > nodeMonitorGraceSeconds * 1000) return o;
    const now = lastTick(posted, this.now().getTime(), nodeStatusReportSeconds, this.start);
    if (now === posted) return o;
    const status = obj(o.status) ?? {};
    const heartbeat = rfc3339(now);
    // The kubelet posts every condition together, so they share one heartbeat.
    const conditions = (status.conditions as unknown[]).map((c) =>
      obj(c) ? { ...obj(c), lastHeartbeatTime: heartbeat } : c,
    );
    return { ...o, status: { ...status, conditions } };
  }
}
