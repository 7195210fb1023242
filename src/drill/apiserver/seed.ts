import type { KubeObject } from '../types.js';
import { bucketName } from './resources.js';
import type { ResourceDefinition, ResourceRegistry } from './resources.js';
import type { ObjectStore, StoredResource } from './store.js';

/** Namespaces every cluster has, whether or not an object lives in them. */
const systemNamespaces = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

export function storedResource(def: ResourceDefinition): StoredResource {
  const indexes: Record<string, (obj: KubeObject) => string> = {};
  for (const field of def.indexedFields ?? []) {
    const read = def.fields[field];
    if (read) indexes[field] = read;
  }
  return { name: bucketName(def), namespaced: def.namespaced, indexes };
}

/** `kind: List` documents (as `kubectl get -o yaml` prints them) become their items. */
function flatten(objects: KubeObject[]): KubeObject[] {
  return objects.flatMap((o) => (o.kind === 'List' || (o.kind.endsWith('List') && Array.isArray(o.items)) ? flatten(o.items as KubeObject[]) : [o]));
}

function earliest(objects: KubeObject[]): string | undefined {
  let min: string | undefined;
  let minT = Infinity;
  for (const o of objects) {
    const t = Date.parse(o.metadata.creationTimestamp ?? '');
    if (!Number.isNaN(t) && t < minT) {
      minT = t;
      min = o.metadata.creationTimestamp;
    }
  }
  return min;
}

/**
 * Namespace objects for every namespace an object lives in, plus the system
 * ones, unless the spec brings its own. They are as old as the oldest object,
 * so no namespace is younger than what it holds.
 */
export function derivedNamespaces(objects: KubeObject[], registry: ResourceRegistry): KubeObject[] {
  const declared = new Set(objects.filter((o) => o.apiVersion === 'v1' && o.kind === 'Namespace').map((o) => o.metadata.name));
  const names = new Set(systemNamespaces);
  for (const o of objects) {
    const ns = o.metadata.namespace;
    if (ns && registry.forObject(o)?.namespaced !== false) names.add(ns);
  }
  const created = earliest(objects);
  return [...names]
    .filter((n) => !declared.has(n))
    .sort()
    .map((name) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name }, ...(created ? { creationTimestamp: created } : {}) },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    }));
}

/**
 * Loads a cluster spec into the store. Objects of kinds this server does not
 * serve yet are kept in their own bucket (by apiVersion and kind), so a
 * resource added later serves them without changing any scenario.
 */
export function seedStore(store: ObjectStore, registry: ResourceRegistry, specObjects: KubeObject[]): void {
  const objects = flatten(specObjects);
  // A converted view (events.k8s.io) shares its source's bucket, which the source defines.
  for (const def of registry.all) if (!def.convert) store.define(storedResource(def));
  const byBucket = new Map<string, KubeObject[]>();
  for (const obj of [...objects, ...derivedNamespaces(objects, registry)]) {
    const def = registry.forObject(obj);
    let bucket: string;
    if (def) {
      bucket = bucketName(def);
    } else {
      bucket = `${obj.apiVersion}/${obj.kind}`;
      store.define({ name: bucket, namespaced: obj.metadata.namespace !== undefined });
    }
    const list = byBucket.get(bucket) ?? [];
    const stored = def?.convert ? def.convert.toStored(obj) : obj;
    list.push(def && !def.namespaced ? withoutNamespace(stored) : stored);
    byBucket.set(bucket, list);
  }
  // Events go last so they can point at the uids just given to the objects they are about.
  const events = byBucket.get('events') ?? [];
  byBucket.delete('events');
  for (const [bucket, list] of byBucket) store.load(bucket, list);
  store.load('events', events.map((e) => withInvolvedUid(e, store, registry)));
}

/**
 * A hand-written event rarely knows its object's uid, but `kubectl describe`
 * selects events by `involvedObject.uid`: fill it in from the object it names.
 */
function withInvolvedUid(event: KubeObject, store: ObjectStore, registry: ResourceRegistry): KubeObject {
  const involved = event.involvedObject;
  if (typeof involved !== 'object' || involved === null) return event;
  const ref = involved as Record<string, unknown>;
  if (typeof ref.uid === 'string' && ref.uid !== '') return event;
  const def = registry.forObject({ apiVersion: typeof ref.apiVersion === 'string' ? ref.apiVersion : 'v1', kind: typeof ref.kind === 'string' ? ref.kind : '' });
  if (!def || typeof ref.name !== 'string') return event;
  const target = store.get(bucketName(def), typeof ref.namespace === 'string' ? ref.namespace : undefined, ref.name);
  if (!target?.metadata.uid) return event;
  return { ...event, involvedObject: { ...ref, uid: target.metadata.uid } };
}

/** Cluster-scoped objects carry no namespace, whatever a pasted manifest says. */
function withoutNamespace(obj: KubeObject): KubeObject {
  if (obj.metadata.namespace === undefined) return obj;
  const { namespace: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}
