import { randomUUID } from 'node:crypto';
import type { KubeObject, VirtualObjects } from '../types.js';
import { SortedKeys } from './sortedKeys.js';

/** How the store keeps one resource: its scope and the fields it indexes for exact lookups. */
export interface StoredResource {
  /** Bucket id, e.g. `pods` or `leases.coordination.k8s.io`. */
  name: string;
  namespaced: boolean;
  indexes?: Record<string, (obj: KubeObject) => string>;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One write, in revision order: what a watch will stream. */
export interface StoreChange {
  type: ChangeType;
  resource: string;
  /** The object as written; for DELETED, its last state at the deleting revision. */
  object: KubeObject;
  /** The object before this write (MODIFIED, DELETED), so a filtered watch can tell an object leaving its selector. */
  previous?: KubeObject;
  revision: number;
}

export interface ListQuery {
  namespace?: string;
  /** A name pinned by `metadata.name=`: a direct lookup when the namespace is known too. */
  name?: string;
  /** Values pinned for indexed fields (`spec.nodeName` → `node-1`). */
  indexed?: Record<string, string>;
  /** The full selector; candidates from indexes are still checked against it. */
  filter?: (obj: KubeObject) => boolean;
  /** First key to consider (inclusive), as a continue token resumes. */
  startKey?: string;
  limit?: number;
  /** Count what is left after a full page (only exact when nothing filters, as upstream). */
  countRemaining?: boolean;
  /**
   * For a reader that needs a member's metadata and what its template makes
   * (a Table's row): a virtual member whose set knows like members comes back
   * as its probe, with `likes` naming the like member.
   */
  shallow?: boolean;
}

export interface ListResult {
  items: KubeObject[];
  revision: number;
  /** Key of the last item returned, when more keys follow it. */
  lastKey?: string;
  remainingItemCount?: number;
  /** With `shallow`: per item, the like member whose probe it is (undefined: a whole object). */
  likes?: (number | undefined)[];
  /** The like member `likes` names, made once per list. */
  like?: (index: number) => KubeObject;
  /**
   * With `shallow`, when the set names what tells its members apart
   * (VirtualObjects.varying): per item, the member it is (-1: a stored
   * object); `items` is then made only when read, and a Table reads
   * `item(k)` for the rows it prints whole and `varying` for the rest.
   */
  members?: Int32Array;
  /** Item k (`items[k]`) without making the others. */
  item?: (k: number) => KubeObject;
  /** Member `index`'s varying strings (VirtualObjects.varying), then its resourceVersion. */
  varying?: (index: number, out: string[]) => void;
  /** Every string `varying` writes is JSON-plain (VirtualObjects.plainVarying; a resourceVersion is digits). */
  plainVarying?: boolean;
}

/** A stored object, or the index of one a virtual set makes when read. */
type Entry = KubeObject | number;

class Bucket {
  readonly objects = new Map<string, Entry>();
  /** Makes the entries that are numbers; their resourceVersions follow `virtualBase`. */
  virtual?: VirtualObjects;
  virtualBase = 0;
  /** Every key, each with its entry beside it (kept in step with `objects`): a ranged read takes both by position. */
  readonly all = new SortedKeys<Entry>(true);
  readonly byNamespace = new Map<string, SortedKeys<Entry>>();
  readonly indexes = new Map<string, Map<string, Set<string>>>();
  private readonly indexReaders: [Map<string, Set<string>>, (obj: KubeObject) => string, string][] = [];

  constructor(readonly def: StoredResource) {
    for (const [field, read] of Object.entries(def.indexes ?? {})) {
      const byValue = new Map<string, Set<string>>();
      this.indexes.set(field, byValue);
      this.indexReaders.push([byValue, read, field]);
    }
  }

  keyOf(namespace: string | undefined, name: string): string {
    return this.def.namespaced ? `${namespace ?? ''}/${name}` : name;
  }

  /** The object an entry stands for, made if virtual. */
  object(entry: Entry): KubeObject {
    if (typeof entry !== 'number') return entry;
    const obj = (this.virtual as VirtualObjects).make(entry);
    obj.metadata.resourceVersion = String(this.virtualBase + entry + 1);
    return obj;
  }

  /** What selectors and indexes read: a virtual entry's probe, without making it. */
  view(entry: Entry): KubeObject {
    return typeof entry === 'number' ? (this.virtual as VirtualObjects).probe(entry) : entry;
  }

  /** Adds or drops `key` under the values `obj` (or virtual entry i) has for each indexed field. */
  index(key: string, obj: KubeObject | number, add: boolean): void {
    for (const [byValue, read, field] of this.indexReaders) {
      const value =
        typeof obj !== 'number' ? read(obj) : (this.virtual?.indexValue?.(field, obj) ?? read(this.view(obj)));
      const keys = byValue.get(value) ?? new Set<string>();
      if (add) keys.add(key);
      else keys.delete(key);
      if (keys.size > 0) byValue.set(value, keys);
      else byValue.delete(value);
    }
  }

  namespaceKeys(namespace: string): SortedKeys<Entry> {
    let keys = this.byNamespace.get(namespace);
    if (!keys) {
      // Only `all` keeps entries beside its keys: a second copy per namespace cost the 5,000-node drill its memory goal.
      keys = new SortedKeys<Entry>();
      this.byNamespace.set(namespace, keys);
    }
    return keys;
  }
}

/**
 * The drill cluster's objects, by resource, with etcd-like revisions: every
 * write bumps one global revision that becomes the object's resourceVersion
 * and is announced to subscribers (the hook a watch will use). Lists are
 * served in key order (namespace/name) from sorted key sets and indexes, so a
 * list pinned to a namespace, a name or a node stays cheap at 150,000 pods.
 */
export class ObjectStore {
  private readonly buckets = new Map<string, Bucket>();
  private readonly listeners = new Set<(change: StoreChange) => void>();
  private rev = 0;
  private compacted = 0;
  /** How a read sees an object now (heartbeats that move with the clock); stored objects stay as written. */
  present: (resource: string, obj: KubeObject) => KubeObject = (_resource, obj) => obj;

  constructor(
    resources: StoredResource[] = [],
    private readonly now: () => Date = () => new Date(),
  ) {
    for (const r of resources) this.define(r);
  }

  /** The current revision: the resourceVersion of a list served now. */
  get revision(): number {
    return this.rev;
  }

  /** Revisions at or below this are gone, as after an etcd compaction: continue tokens from then expire. */
  get compactedRevision(): number {
    return this.compacted;
  }

  define(resource: StoredResource): void {
    if (!this.buckets.has(resource.name)) this.buckets.set(resource.name, new Bucket(resource));
  }

  count(resource: string): number {
    return this.buckets.get(resource)?.objects.size ?? 0;
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const b = this.buckets.get(resource);
    const entry = b?.objects.get(b.keyOf(namespace, name));
    return b && entry !== undefined ? this.present(resource, b.object(entry)) : undefined;
  }

  /** Bulk load at start-up: one sort per key set instead of one insert per object, no change events. */
  load(resource: string, objects: KubeObject[]): KubeObject[] {
    const b = this.bucket(resource);
    const perNamespace = new Map<string, string[]>();
    const keys: string[] = [];
    const stored: KubeObject[] = [];
    for (const given of objects) {
      const key = b.keyOf(given.metadata.namespace, given.metadata.name);
      const oldEntry = b.objects.get(key);
      const old = oldEntry === undefined ? undefined : b.object(oldEntry);
      const obj = this.stamp(given, old);
      stored.push(obj);
      if (old) b.index(key, old, false);
      b.objects.set(key, obj);
      b.index(key, obj, true);
      keys.push(key);
      if (b.def.namespaced) {
        const ns = obj.metadata.namespace ?? '';
        const list = perNamespace.get(ns) ?? [];
        list.push(key);
        perNamespace.set(ns, list);
      }
    }
    const entryOf = (key: string) => b.objects.get(key) as Entry;
    b.all.addAll(keys, entryOf);
    for (const [ns, nsKeys] of perNamespace) b.namespaceKeys(ns).addAll(nsKeys);
    return stored;
  }

  /**
   * Bulk load of objects made on read: their keys and index entries now, each
   * object when a read asks for it. They take one revision each, as created
   * one after another. A bucket holds one virtual set (several are one VirtualUnion).
   */
  loadVirtual(resource: string, v: VirtualObjects): void {
    const b = this.bucket(resource);
    if (b.virtual) throw new Error(`store: ${resource} already has a virtual set`);
    b.virtual = v;
    b.virtualBase = this.rev;
    this.rev += v.size;
    const keys: string[] = [];
    const byNamespace = new Map<string, string[]>();
    for (let i = 0; i < v.size; i++) {
      if (!v.exists(i)) continue;
      const namespace = v.namespaceOf?.(i) ?? v.namespace;
      const key = b.keyOf(namespace, v.name(i));
      if (b.objects.has(key)) continue;
      b.objects.set(key, i);
      b.index(key, i, true);
      keys.push(key);
      if (!v.namespaceOf) continue;
      let nsKeys = byNamespace.get(namespace);
      if (!nsKeys) byNamespace.set(namespace, (nsKeys = []));
      nsKeys.push(key);
    }
    keys.sort();
    b.all.addSorted(keys, (key) => b.objects.get(key) as Entry);
    if (!b.def.namespaced) return;
    if (!v.namespaceOf) b.namespaceKeys(v.namespace).addSorted(keys);
    for (const [namespace, nsKeys] of byNamespace) b.namespaceKeys(namespace).addSorted(nsKeys.sort());
  }

  /** Creates or replaces an object; it gets a new resourceVersion and subscribers hear of it. */
  put(resource: string, obj: KubeObject): KubeObject {
    const b = this.bucket(resource);
    const key = b.keyOf(obj.metadata.namespace, obj.metadata.name);
    const oldEntry = b.objects.get(key);
    const old = oldEntry === undefined ? undefined : b.object(oldEntry);
    const stored = this.stamp({ ...obj, metadata: { ...obj.metadata, resourceVersion: undefined } }, old);
    if (old) b.index(key, old, false);
    b.objects.set(key, stored);
    b.index(key, stored, true);
    b.all.add(key, stored);
    if (b.def.namespaced) b.namespaceKeys(obj.metadata.namespace ?? '').add(key);
    this.emit({
      type: old ? 'MODIFIED' : 'ADDED',
      resource,
      object: stored,
      ...(old ? { previous: old } : {}),
      revision: this.rev,
    });
    return stored;
  }

  delete(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const b = this.buckets.get(resource);
    if (!b) return undefined;
    const key = b.keyOf(namespace, name);
    const oldEntry = b.objects.get(key);
    if (oldEntry === undefined) return undefined;
    const old = b.object(oldEntry);
    b.objects.delete(key);
    b.index(key, old, false);
    b.all.delete(key);
    if (b.def.namespaced) b.byNamespace.get(namespace ?? '')?.delete(key);
    this.rev++;
    const gone = { ...old, metadata: { ...old.metadata, resourceVersion: String(this.rev) } };
    this.emit({ type: 'DELETED', resource, object: gone, previous: old, revision: this.rev });
    return gone;
  }

  /**
   * Forgets history up to now, as etcd compaction does: continue tokens
   * issued so far answer 410 Expired. Compaction in a live cluster trails
   * writes, so it is modelled as one revision step past every token.
   */
  compact(): void {
    this.rev++;
    this.compacted = this.rev;
  }

  subscribe(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(resource: string, query: ListQuery = {}): ListResult {
    const b = this.buckets.get(resource);
    if (!b) return { items: [], revision: this.rev };
    const candidates = this.plan(b, query);
    const { namespace, filter, limit } = query;
    const nsPrefix = b.def.namespaced && namespace !== undefined ? `${namespace}/` : undefined;
    const virtual = b.virtual;
    const shallow = query.shallow ? virtual?.shallow?.bind(virtual) : undefined;
    // Members are left as indexes when the set can say how they differ, and reads here present pods as stored.
    const byMembers = shallow !== undefined && virtual?.varying !== undefined && this.presentsAsStored(resource, b);
    const entries: (KubeObject | number)[] = [];
    const likes: (number | undefined)[] | undefined = shallow ? [] : undefined;
    const madeShallow = (entry: number): { object: KubeObject; like: number } => {
      const made = (shallow as NonNullable<typeof shallow>)(entry);
      made.object.metadata.resourceVersion = String(b.virtualBase + entry + 1);
      return made;
    };
    let lastKey = '';
    let i = query.startKey === undefined ? 0 : candidates.lowerBound(query.startKey);
    for (; i < candidates.size; i++) {
      if (limit !== undefined && limit > 0 && entries.length >= limit) break;
      const key = candidates.at(i) ?? '';
      if (nsPrefix !== undefined && !key.startsWith(nsPrefix)) continue;
      const entry = candidates.valueAt(i) ?? b.objects.get(key);
      if (entry === undefined || (filter && !filter(b.view(entry)))) continue;
      lastKey = key;
      if (byMembers && typeof entry === 'number') {
        entries.push(entry);
        likes?.push(virtual?.likeOf?.(entry) ?? madeShallow(entry).like);
      } else if (shallow && typeof entry === 'number') {
        const { object, like } = madeShallow(entry);
        entries.push(this.present(resource, object));
        likes?.push(like);
      } else {
        entries.push(this.present(resource, b.object(entry)));
        likes?.push(undefined);
      }
    }
    const result: ListResult = { items: [], revision: this.rev };
    if (byMembers) {
      const item = (k: number): KubeObject => {
        const e = entries[k] as KubeObject | number;
        return typeof e === 'number' ? madeShallow(e).object : e;
      };
      let items: KubeObject[] | undefined;
      Object.defineProperty(result, 'items', { get: () => (items ??= entries.map((_, k) => item(k))) });
      result.item = item;
      // -1: a stored object. One typed array, not numbers mixed with undefined: an array's element kind
      // would differ page to page (a page of members only, a page with stored pods), and code
      // compiled for one kind is thrown away and compiled again on the other.
      result.members = Int32Array.from(entries, (e) => (typeof e === 'number' ? e : -1));
      if (virtual?.plainVarying === true) result.plainVarying = true;
      result.varying = (index, out) => {
        virtual?.varying?.(index, out);
        out.push(String(b.virtualBase + index + 1));
      };
    } else {
      result.items = entries as KubeObject[];
    }
    if (likes) {
      const made = new Map<number, KubeObject>();
      result.likes = likes;
      result.like = (index) => {
        let obj = made.get(index);
        if (!obj) {
          obj = this.present(resource, b.object(index));
          made.set(index, obj);
        }
        return obj;
      };
    }
    if (i < candidates.size && entries.length > 0) {
      result.lastKey = lastKey;
      if (query.countRemaining) result.remainingItemCount = candidates.size - i;
    }
    return result;
  }

  /** Whether reads present this resource's objects as stored (heartbeats move only leases and nodes). */
  private presentsAsStored(resource: string, b: Bucket): boolean {
    const v = b.virtual;
    if (!v || v.size === 0) return true;
    let first = 0;
    while (first < v.size && !v.exists(first)) first++;
    if (first >= v.size) return true;
    const probe = v.probe(first);
    return this.present(resource, probe) === probe;
  }

  /** The smallest sorted key set that surely holds every match: one name, an index bucket, a namespace, or all. */
  private plan(b: Bucket, query: ListQuery): Pick<SortedKeys<Entry>, 'size' | 'at' | 'lowerBound' | 'valueAt'> {
    const { namespace, name } = query;
    if (name !== undefined && (namespace !== undefined || !b.def.namespaced)) {
      const key = b.keyOf(namespace, name);
      return SortedKeys.from(b.objects.has(key) ? [key] : []);
    }
    let best: Pick<SortedKeys<Entry>, 'size' | 'at' | 'lowerBound' | 'valueAt'> = b.def.namespaced &&
    namespace !== undefined
      ? (b.byNamespace.get(namespace) ?? new SortedKeys())
      : b.all;
    for (const [field, value] of Object.entries(query.indexed ?? {})) {
      const keys = b.indexes.get(field)?.get(value);
      if (keys === undefined && b.indexes.has(field)) return new SortedKeys();
      if (keys && keys.size < best.size) best = SortedKeys.from(keys);
    }
    return best;
  }

  private bucket(resource: string): Bucket {
    const b = this.buckets.get(resource);
    if (!b) throw new Error(`store: resource ${resource} is not defined`);
    return b;
  }

  /** Fills what the apiserver always sets: uid, creationTimestamp, resourceVersion. */
  private stamp(obj: KubeObject, previous: KubeObject | undefined): KubeObject {
    const given = obj.metadata.resourceVersion;
    let resourceVersion: string;
    if (given !== undefined && given !== '') {
      resourceVersion = given;
      const n = Number(given);
      if (Number.isSafeInteger(n) && n > this.rev) this.rev = n;
    } else {
      resourceVersion = String(++this.rev);
    }
    return {
      ...obj,
      metadata: {
        ...obj.metadata,
        uid: obj.metadata.uid ?? previous?.metadata.uid ?? randomUUID(),
        creationTimestamp:
          obj.metadata.creationTimestamp ??
          previous?.metadata.creationTimestamp ??
          this.now()
            .toISOString()
            .replace(/\.\d{3}Z$/, 'Z'),
        resourceVersion,
      },
    };
  }

  private emit(change: StoreChange): void {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch {
        // A failing subscriber must not break the write that notified it.
      }
    }
  }
}
