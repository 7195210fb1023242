import type { KubeObject } from '../types.js';
import { readLog, parseLogOptions } from './logs.js';
import type { LogStore } from './logs.js';
import { negotiate } from './negotiate.js';
import type { MediaRange } from './negotiate.js';
import { typed, untyped } from './objects.js';
import { decodeContinue, encodeContinue, startAfter } from './pagination.js';
import { jsonReply, textReply } from './reply.js';
import type { Reply } from './reply.js';
import { bucketName, groupVersion } from './resources.js';
import type { ResourceDefinition } from './resources.js';
import { parseFieldSelector } from './selectors/fields.js';
import { parseLabelSelector } from './selectors/labels.js';
import { badRequest, continueExpired, methodNotSupported, notAcceptable, notFound } from './status.js';
import type { ObjectStore } from './store.js';
import { buildTable, parseIncludeObject } from './tables/table.js';
import type { ListMeta } from './tables/table.js';

export interface HandlerContext {
  store: ObjectStore;
  logs: LogStore;
  now: () => Date;
}

export interface ResourceRequest {
  query: URLSearchParams;
  accept: MediaRange[];
}

const acceptedTypes = ['application/json', 'application/json;as=Table;v=v1;g=meta.k8s.io', 'application/json;as=Table;v=v1beta1;g=meta.k8s.io'];

function qualified(def: ResourceDefinition): { group: string; resource: string } {
  return { group: def.group, resource: def.resource };
}

/** Answers with the object(s), or with a Table when the client asked for server-side printing. */
function respond(ctx: HandlerContext, def: ResourceDefinition, req: ResourceRequest, objects: KubeObject[], metadata: ListMeta, asList: boolean): Reply {
  const rep = negotiate(req.accept, { tables: def.table !== undefined });
  if (!rep || rep.kind === 'discovery') throw notAcceptable(acceptedTypes);
  if (rep.kind === 'table' && def.table) {
    const include = parseIncludeObject(req.query.get('includeObject'));
    const table = buildTable({
      printer: def.table,
      objects: objects.map((o) => typed(def, o)),
      metadata,
      include,
      tableApiVersion: rep.apiVersion,
      now: ctx.now(),
    });
    return jsonReply(table, { contentType: `application/json;as=Table;v=${rep.apiVersion.split('/')[1] ?? 'v1'};g=meta.k8s.io` });
  }
  if (!asList) return jsonReply(objects[0] ? typed(def, objects[0]) : {});
  return jsonReply({ kind: `${def.kind}List`, apiVersion: groupVersion(def), metadata, items: objects.map(untyped) });
}

export function getObject(ctx: HandlerContext, def: ResourceDefinition, namespace: string | undefined, name: string, req: ResourceRequest): Reply {
  const obj = ctx.store.get(bucketName(def), def.namespaced ? namespace : undefined, name);
  if (!obj) throw notFound(qualified(def), name);
  return respond(ctx, def, req, [obj], { resourceVersion: obj.metadata.resourceVersion ?? String(ctx.store.revision) }, false);
}

function parseLimit(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^[+-]?\d+$/.test(value)) throw badRequest(`limit: strconv.ParseInt: parsing "${value}": invalid syntax`);
  const n = Number(value);
  return n > 0 ? n : undefined;
}

/**
 * A collection GET: selectors, then limit/continue over the key order
 * (namespace/name), with the list's resourceVersion and continue token in
 * its metadata, as a List or a Table.
 */
export function listObjects(ctx: HandlerContext, def: ResourceDefinition, namespace: string | undefined, req: ResourceRequest): Reply {
  const { query } = req;
  const watch = query.get('watch');
  if (watch !== null && watch !== 'false' && watch !== '0') throw methodNotSupported(qualified(def), 'watch');

  const fields = parseFieldSelector(query.get('fieldSelector'), (f) => Object.hasOwn(def.fields, f), def.unsupportedField);
  const labels = parseLabelSelector(query.get('labelSelector'));
  const limit = parseLimit(query.get('limit'));
  const continueParam = query.get('continue');
  const resourceVersion = query.get('resourceVersion');

  // Keys of a namespaced list are relative to `<namespace>/`, as etcd keys are to the list's prefix.
  const prefix = def.namespaced && namespace !== undefined ? `${namespace}/` : '';
  let startKey: string | undefined;
  let listRevision = ctx.store.revision;
  if (continueParam) {
    if (resourceVersion && resourceVersion !== '0') throw badRequest('specifying resource version is not allowed when using continue');
    const token = decodeContinue(continueParam);
    if (token.resourceVersion > 0 && token.resourceVersion < ctx.store.compactedRevision) {
      throw continueExpired(encodeContinue({ resourceVersion: -1, start: token.start }));
    }
    startKey = prefix + token.start;
    // Pages of one list share the first page's revision; an inconsistent continuation (-1) reads the latest.
    if (token.resourceVersion > 0) listRevision = token.resourceVersion;
  }

  const filtering = fields.terms.length > 0 || labels.requirements.length > 0;
  const indexed: Record<string, string> = {};
  for (const f of def.indexedFields ?? []) {
    const v = fields.pinned(f);
    if (v !== undefined) indexed[f] = v;
  }
  const readers = def.fields;
  const scopeNamespace = def.namespaced ? (namespace ?? fields.pinned('metadata.namespace')) : undefined;
  const pinnedName = fields.pinned('metadata.name');
  const result = ctx.store.list(bucketName(def), {
    ...(scopeNamespace !== undefined ? { namespace: scopeNamespace } : {}),
    ...(pinnedName !== undefined ? { name: pinnedName } : {}),
    indexed,
    ...(filtering
      ? { filter: (obj: KubeObject) => labels.matches(obj.metadata.labels) && fields.matches((f) => readers[f]?.(obj) ?? '') }
      : {}),
    ...(startKey !== undefined ? { startKey } : {}),
    ...(limit !== undefined ? { limit } : {}),
    countRemaining: !filtering,
  });

  const metadata: ListMeta = { resourceVersion: String(listRevision) };
  if (result.lastKey !== undefined) {
    metadata.continue = encodeContinue({ resourceVersion: listRevision, start: startAfter(result.lastKey.slice(prefix.length)) });
    if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
  }
  return respond(ctx, def, req, result.items, metadata, true);
}

export function getPodLog(ctx: HandlerContext, def: ResourceDefinition, namespace: string, name: string, req: ResourceRequest): Reply {
  const pod = ctx.store.get(bucketName(def), namespace, name);
  if (!pod) throw notFound(qualified(def), name);
  const opts = parseLogOptions(name, req.query);
  return textReply(readLog(pod, ctx.logs, opts, ctx.now()));
}
