import { involvedUid } from '../generate/ids.js';
import type { KubeObject, VirtualObjects } from '../types.js';
import { bucketName } from './resources.js';
import type { ResourceRegistry } from './resources.js';
import type { ResourceDefinition } from './resourceDefinition.js';
import type { ObjectStore, StoredResource } from './store.js';
import { namespace } from '../objects/core.js';
import { VirtualUnion } from './virtualUnion.js';

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
  return objects.flatMap((o) =>
    o.kind === 'List' || (o.kind.endsWith('List') && Array.isArray(o.items)) ? flatten(o.items as KubeObject[]) : [o],
  );
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
  const declared = new Set(
    objects.filter((o) => o.apiVersion === 'v1' && o.kind === 'Namespace').map((o) => o.metadata.name),
  );
  const names = new Set(systemNamespaces);
  for (const o of objects) {
    const ns = o.metadata.namespace;
    if (ns && registry.forObject(o)?.namespaced !== false) names.add(ns);
  }
  const created = earliest(objects);
  return [...names]
    .filter((n) => !declared.has(n))
    .sort()
    .map((name) =>
      namespace({
        name,
        labels: { 'kubernetes.io/metadata.name': name },
        ...(created ? { creationTimestamp: created } : {}),
      }),
    );
}

/**
 * Loads a cluster spec into the store. Objects of kinds this server does not
 * serve yet are kept in their own bucket (by apiVersion and kind), so a
 * resource added later serves them without changing any scenario.
 */
export function seedStore(
  store: ObjectStore,
  registry: ResourceRegistry,
  specObjects: KubeObject[],
  virtual: VirtualObjects[] = [],
): void {
  const objects = withReferencedUids(flatten(specObjects));
  // A converted view (events.k8s.io) shares its source's bucket, which the source defines.
  for (const def of registry.all) if (!def.convert) store.define(storedResource(def));
  // First, so a written object of the same name (a fault's, a pasted one) replaces the generated one.
  const sets = new Map<string, VirtualObjects[]>();
  for (const v of virtual) {
    const def = registry.forObject(v);
    const bucket = def ? bucketName(def) : `${v.apiVersion}/${v.kind}`;
    if (!def && !sets.has(bucket)) store.define({ name: bucket, namespaced: true });
    sets.set(bucket, [...(sets.get(bucket) ?? []), v]);
  }
  // A bucket holds one set: kube-proxy's pods and the filler pods are served as one.
  for (const [bucket, vs] of sets)
    store.loadVirtual(bucket, vs.length === 1 ? (vs[0] as VirtualObjects) : new VirtualUnion(vs));
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
  store.load(
    'events',
    events.map((e) => withInvolvedUid(e, store, registry)),
  );
}

type Ref = { apiVersion?: unknown; kind?: unknown; namespace?: unknown; name?: unknown; uid?: unknown };

const refKey = (kind: string, namespace: string | undefined, name: string): string =>
  `${kind}/${namespace ?? ''}/${name}`;

/**
 * A scenario pasted from `kubectl get -o yaml` often keeps the uids in its
 * events and ownerReferences but drops the object's own. An object without a
 * uid takes the one that refers to it (`kubectl describe` selects events by
 * uid), so the references stay true; an object that has its own keeps it.
 */
function withReferencedUids(objects: KubeObject[]): KubeObject[] {
  const named = new Map<string, string>();
  const note = (kind: unknown, namespace: unknown, name: unknown, uid: unknown): void => {
    if (typeof kind !== 'string' || typeof name !== 'string' || typeof uid !== 'string' || uid === '') return;
    const key = refKey(kind, typeof namespace === 'string' ? namespace : undefined, name);
    if (!named.has(key)) named.set(key, uid);
  };
  for (const o of objects) {
    if (o.kind === 'Event' && typeof o.involvedObject === 'object' && o.involvedObject !== null) {
      const ref = o.involvedObject as Ref;
      // kubelet's Node events name the node, not its uid (see involvedUid).
      if (!(ref.kind === 'Node' && ref.uid === ref.name)) note(ref.kind, ref.namespace, ref.name, ref.uid);
    }
    for (const owner of o.metadata.ownerReferences ?? []) note(owner.kind, o.metadata.namespace, owner.name, owner.uid);
  }
  if (named.size === 0) return objects;
  return objects.map((o) => {
    if (o.metadata.uid) return o;
    // Owners of namespaced objects may be cluster-scoped (a Node owns its mirror pods' lease).
    const uid =
      named.get(refKey(o.kind, o.metadata.namespace, o.metadata.name)) ??
      named.get(refKey(o.kind, undefined, o.metadata.name));
    return uid ? { ...o, metadata: { ...o.metadata, uid } } : o;
  });
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
  const def = registry.forObject({
    apiVersion: typeof ref.apiVersion === 'string' ? ref.apiVersion : 'v1',
    kind: typeof ref.kind === 'string' ? ref.kind : '',
  });
  if (!def || typeof ref.name !== 'string') return event;
  const target = store.get(bucketName(def), typeof ref.namespace === 'string' ? ref.namespace : undefined, ref.name);
  if (!target?.metadata.uid) return event;
  const source = (event.source as { component?: unknown } | undefined)?.component ?? event.reportingComponent;
  return { ...event, involvedObject: { ...ref, uid: involvedUid(target.kind, ref.name, target.metadata.uid, source) } };
}

/** Cluster-scoped objects carry no namespace, whatever a pasted manifest says. */
function withoutNamespace(obj: KubeObject): KubeObject {
  if (obj.metadata.namespace === undefined) return obj;
  const { namespace: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}
