import type { CoreV1Event } from '@kubernetes/client-node';

/** Events with the same type, reason and message, counted once as kubectl describe shows them. */
export interface EventGroup {
  type: string;
  reason: string;
  message: string;
  count: number;
  lastSeen: Date | undefined;
}

function lastSeenOf(e: CoreV1Event): Date | undefined {
  const t =
    e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
  if (t === undefined) return undefined;
  return t instanceof Date ? t : new Date(t);
}

export function groupEvents(events: CoreV1Event[]): EventGroup[] {
  const groups = new Map<string, EventGroup>();
  for (const e of events) {
    const type = e.type ?? 'Normal';
    const reason = e.reason ?? '';
    const message = (e.message ?? '').trim();
    const key = `${type}\u0000${reason}\u0000${message}`;
    const count = e.series?.count ?? e.count ?? 1;
    const seen = lastSeenOf(e);
    const g = groups.get(key);
    if (g) {
      g.count += count;
      if (seen && (!g.lastSeen || seen > g.lastSeen)) g.lastSeen = seen;
    } else {
      groups.set(key, { type, reason, message, count, lastSeen: seen });
    }
  }
  // Newest first: the latest events describe the current state.
  return [...groups.values()].sort((a, b) => (b.lastSeen?.getTime() ?? 0) - (a.lastSeen?.getTime() ?? 0));
}

/** The field selector for one object's events, as `kubectl describe` builds it. */
export function involvedObjectSelector(kind: string, name: string, namespace?: string): string {
  return [
    `involvedObject.kind=${kind}`,
    `involvedObject.name=${name}`,
    ...(namespace ? [`involvedObject.namespace=${namespace}`] : []),
  ].join(',');
}
