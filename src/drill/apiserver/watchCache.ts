import type { ObjectStore, StoreChange } from './store.js';

/**
 * The apiserver's watch cache in miniature: a bounded window of recent
 * writes, so a watch can resume from a resourceVersion a list returned, and
 * the live feed of new ones. A resourceVersion older than the window gets
 * "too old resource version" (410), as a real watch cache answers.
 */
export class WatchCache {
  private readonly events: StoreChange[] = [];
  private head = 0;
  /** Every write after this revision is in the window. */
  private floor: number;
  private readonly listeners = new Set<(change: StoreChange) => void>();

  constructor(
    private readonly store: ObjectStore,
    private readonly capacity = 10_000,
  ) {
    this.floor = store.revision;
    store.subscribe((change) => this.add(change));
  }

  /** The oldest revision a watch may start from. */
  get oldestRevision(): number {
    return Math.max(this.floor, this.store.compactedRevision);
  }

  /** Writes after `revision`, in order; undefined when the window no longer reaches back that far. */
  since(revision: number): StoreChange[] | undefined {
    if (revision < this.oldestRevision) return undefined;
    let lo = this.head;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.events[mid]?.revision ?? 0) <= revision) lo = mid + 1;
      else hi = mid;
    }
    return this.events.slice(lo);
  }

  subscribe(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private add(change: StoreChange): void {
    this.events.push(change);
    if (this.events.length - this.head > this.capacity) {
      this.floor = this.events[this.head]?.revision ?? this.floor;
      this.head++;
      // Drop the consumed prefix now and then rather than shifting on every write.
      if (this.head > this.capacity) {
        this.events.splice(0, this.head);
        this.head = 0;
      }
    }
    for (const l of this.listeners) {
      try {
        l(change);
      } catch {
        // One broken watch must not starve the others.
      }
    }
  }
}
