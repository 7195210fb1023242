import { goDuration } from '../../../kube/semantics/duration.js';
import type { Json } from '../../apiserver/json.js';
/** An untyped object as the drill stores it. */

/** Go's time.Duration String() of whole seconds (`10s`, `1m20s`, `5m0s`), as the kubelet's back-off message prints it. */
export function goDurationSeconds(seconds: number): string {
  return goDuration(seconds * 1000);
}

/** Kubernetes quantities: cpu in millicores, memory in bytes. */
export function parseQuantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  const s = String(q);
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(s);
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  const units: Record<string, number> = {
    '': 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
  };
  return n * (units[unit] ?? 1);
}

export function milliCPU(q: string | number | undefined): number {
  return Math.round(parseQuantity(q) * 1000);
}

/** The QoS class the API server computes from requests and limits. */
export function qosClass(containers: readonly { resources?: unknown }[]): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const r = (c.resources ?? {}) as { requests?: Json; limits?: Json };
    const requests = r.requests ?? {};
    const limits = r.limits ?? {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true;
    for (const res of ['cpu', 'memory']) {
      const limit = limits[res];
      const request = requests[res] ?? limit;
      if (limit === undefined || parseQuantity(request as string) !== parseQuantity(limit as string))
        guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
