/**
 * A sorted set of string keys in byte order (the order etcd ranges in), kept
 * sorted on insert and delete so a paged list is a binary search, not a sort.
 */
export class SortedKeys {
  private keys: string[] = [];

  get size(): number {
    return this.keys.length;
  }

  /** Index of the first key >= `key`. */
  lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.keys[mid] ?? '') < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] !== key) this.keys.splice(i, 0, key);
  }

  delete(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] === key) this.keys.splice(i, 1);
  }

  /** Loads many keys at once: one sort instead of n splices. */
  addAll(keys: Iterable<string>): void {
    const merged = new Set(this.keys);
    for (const k of keys) merged.add(k);
    this.keys = [...merged].sort(byteOrder);
  }

  at(i: number): string | undefined {
    return this.keys[i];
  }

  static from(keys: Iterable<string>): SortedKeys {
    const s = new SortedKeys();
    s.addAll(keys);
    return s;
  }
}

/** Code-unit order, which for the ASCII of object names is etcd's byte order (localeCompare is not). */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
