/**
 * A sorted set of string keys in byte order (the order etcd ranges in), kept
 * sorted on insert and delete so a paged list is a binary search, not a sort.
 * A set may keep a value beside each key (a bucket's entries): a ranged read
 * then takes key and value by position, without a hash lookup per key, which
 * was a tenth of the server's time on `kubectl get pods -A` at 155,000 pods.
 */
export class SortedKeys<V = never> {
  private keys: string[] = [];
  /** values[i] belongs to keys[i]; empty in a set that keeps none. */
  private values: V[] = [];

  constructor(private readonly keepsValues = false) {}

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

  /** Adds `key`, or (in a set that keeps values) gives it a new value. */
  add(key: string, value?: V): void {
    const i = this.lowerBound(key);
    if (this.keys[i] !== key) {
      this.keys.splice(i, 0, key);
      if (this.keepsValues) this.values.splice(i, 0, value as V);
    } else if (this.keepsValues) {
      this.values[i] = value as V;
    }
  }

  delete(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] === key) {
      this.keys.splice(i, 1);
      if (this.keepsValues) this.values.splice(i, 1);
    }
  }

  /** Loads many keys at once: one sort instead of n splices; a set that keeps values takes each key's from `valueOf`. */
  addAll(keys: Iterable<string>, valueOf?: (key: string) => V): void {
    const merged = [...this.keys, ...keys];
    // Without a comparator V8 sorts strings by code unit in native code (byteOrder's order), several times faster at 150,000 keys.
    merged.sort();
    let n = 0;
    for (let i = 0; i < merged.length; i++)
      if (i === 0 || merged[i] !== merged[n - 1]) merged[n++] = merged[i] as string;
    merged.length = n;
    this.keys = merged;
    if (this.keepsValues) {
      if (!valueOf) throw new Error('SortedKeys.addAll: a set that keeps values needs them');
      this.values = merged.map(valueOf);
    }
  }

  /**
   * Loads keys already sorted and unique (loadVirtual sorts once for two sets):
   * a merge, no sort. A key already here keeps its value.
   */
  addSorted(sorted: readonly string[], values?: readonly V[]): void {
    if (this.keepsValues && values?.length !== sorted.length)
      throw new Error('SortedKeys.addSorted: a set that keeps values needs one per key');
    const a = this.keys;
    const av = this.values;
    const out: string[] = [];
    const outValues: V[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < sorted.length) {
      const x = a[i];
      const y = sorted[j];
      if (y === undefined || (x !== undefined && x < y)) {
        out.push(x as string);
        if (this.keepsValues) outValues.push(av[i] as V);
        i++;
      } else if (x === y) {
        out.push(x);
        if (this.keepsValues) outValues.push(av[i] as V);
        i++;
        j++;
      } else {
        out.push(y);
        if (this.keepsValues) outValues.push((values as readonly V[])[j] as V);
        j++;
      }
    }
    this.keys = out;
    this.values = outValues;
  }

  at(i: number): string | undefined {
    return this.keys[i];
  }

  /** The value beside key i; undefined in a set that keeps none. */
  valueAt(i: number): V | undefined {
    return this.keepsValues ? this.values[i] : undefined;
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
