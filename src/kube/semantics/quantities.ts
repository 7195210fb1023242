/** Kubernetes quantities as plain numbers: cpu in cores (so `500m` is 0.5), memory in bytes. */
export function parseQuantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(q));
  if (!m) return 0;
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
  return Number(m[1]) * (units[m[2] ?? ''] ?? 1);
}

/** A cpu quantity in millicores (`1` is 1000, `250m` is 250). */
export function milliCPU(q: string | number | undefined): number {
  return Math.round(parseQuantity(q) * 1000);
}

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

interface WithResources {
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> } | undefined;
}

/**
 * The QoS class the API server writes to status.qosClass (ComputePodQOS in k8s.io/kubernetes
 * pkg/apis/core/v1/helper/qos): only cpu and memory count, only quantities above zero; Guaranteed when every
 * container, init containers too, has both limits and the pod's summed requests equal its summed limits. A
 * request left out defaults to the limit, as the API server's defaulting does before it computes the class.
 */
export function podQosClass(
  containers: readonly WithResources[],
  initContainers: readonly WithResources[] = [],
): QosClass {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const c of [...containers, ...initContainers]) {
    const lim = c.resources?.limits ?? {};
    const req = c.resources?.requests ?? {};
    let limited = 0;
    for (const name of ['cpu', 'memory']) {
      const limit = parseQuantity(lim[name] as string | undefined);
      const request = parseQuantity((req[name] ?? lim[name]) as string | undefined);
      if (request > 0) requests.set(name, (requests.get(name) ?? 0) + request);
      if (limit > 0) {
        limits.set(name, (limits.get(name) ?? 0) + limit);
        limited += 1;
      }
    }
    if (limited < 2) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  for (const [name, request] of requests) if (Math.abs((limits.get(name) ?? -1) - request) > 1e-9) guaranteed = false;
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
