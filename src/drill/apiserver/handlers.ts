import type { KubeObject } from '../types.js';
import { readLog, parseLogOptions } from './logs.js';
import { acceptedTypes, negotiate } from './negotiate.js';
import { typed, untyped } from './objects.js';
import { decodeContinue, encodeContinue, startAfter } from './pagination.js';
import { isTrue, parseInteger } from './params.js';
import { jsonReply, textReply, utf8Reused } from './reply.js';
import type { Reply } from './reply.js';
import { bucketName, groupVersion } from './resources.js';
import type { ResourceDefinition } from './resourceDefinition.js';
import { parseSelection } from './selection.js';
import { badRequest, continueExpired, notAcceptable, notFound } from './status.js';
import type { ListResult } from './store.js';
import { encodeTable, tableJson } from './tables/encode.js';
import { buildTable, parseIncludeObject, tableHead, tableRows } from './tables/table.js';
import type { ListMeta } from './tables/table.js';
import { watchObjects } from './watch.js';
import type { HandlerContext, ResourceRequest } from './handlerContext.js';

export function qualified(def: ResourceDefinition): { group: string; resource: string } {
  return { group: def.group, resource: def.resource };
}

/**
 * Answers with the object(s), or with a Table when the client asked for
 * server-side printing. A list's members (ListResult.members) are read only
 * through `list`: `objects` is then empty.
 */
export function respond(
  ctx: HandlerContext,
  def: ResourceDefinition,
  req: ResourceRequest,
  objects: KubeObject[],
  metadata: ListMeta,
  asList: boolean,
  status = 200,
  list?: Pick<ListResult, 'items' | 'likes' | 'like' | 'members' | 'item' | 'varying' | 'plainVarying'>,
): Reply {
  const rep = negotiate(req.accept, { tables: def.table !== undefined });
  if (!rep || rep.kind === 'discovery') throw notAcceptable(acceptedTypes);
  // Made only where a reply needs every object.
  const all = (): KubeObject[] => (list?.members ? list.items : objects);
  if (rep.kind === 'table' && def.table) {
    const options = {
      printer: def.table,
      served: (o: KubeObject) => typed(def, o),
      metadata,
      include: parseIncludeObject(req.query.get('includeObject')),
      tableApiVersion: rep.apiVersion,
      now: ctx.now(),
      ...(list?.likes ? { likes: list.likes } : {}),
      ...(list?.like ? { like: list.like } : {}),
    };
    const { members, item, varying } = list ?? {};
    let pieces: string[];
    if (members && item && varying) {
      const rowOf = tableRows(options);
      pieces = encodeTable(tableHead(options), members.length, (k) => rowOf(item(k), k), list?.likes, {
        member: (k) => {
          const m = members[k] ?? -1;
          return m < 0 ? undefined : m;
        },
        varying,
        ...(list?.plainVarying ? { plain: true } : {}),
      });
    } else {
      pieces = tableJson(buildTable({ ...options, objects: all() }), list?.likes);
    }
    return {
      status,
      contentType: `application/json;as=Table;v=${rep.apiVersion.split('/')[1] ?? 'v1'};g=meta.k8s.io`,
      ...utf8Reused(pieces),
    };
  }
  const items = all();
  if (!asList) return jsonReply(items[0] ? typed(def, items[0]) : {}, { status });
  return jsonReply(
    { kind: `${def.kind}List`, apiVersion: groupVersion(def), metadata, items: items.map((o) => untyped(def, o)) },
    { status },
  );
}

export function getObject(
  ctx: HandlerContext,
  def: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  req: ResourceRequest,
): Reply {
  const obj = ctx.store.get(bucketName(def), def.namespaced ? namespace : undefined, name);
  if (!obj) throw notFound(qualified(def), name);
  return respond(
    ctx,
    def,
    req,
    [obj],
    { resourceVersion: obj.metadata.resourceVersion ?? String(ctx.store.revision) },
    false,
  );
}

/**
 * A collection GET: a watch when asked; otherwise selectors, then
 * limit/continue over the key order (namespace/name), with the list's
 * resourceVersion and continue token in its metadata, as a List or a Table.
 */
export function listObjects(
  ctx: HandlerContext,
  def: ResourceDefinition,
  namespace: string | undefined,
  req: ResourceRequest,
): Reply {
  const { query } = req;
  if (isTrue(query.get('watch'))) return watchObjects(ctx, def, namespace, req);

  const selection = parseSelection(def, namespace, query);
  const limitValue = parseInteger('limit', query.get('limit'));
  const limit = limitValue !== undefined && limitValue > 0 ? limitValue : undefined;
  const continueParam = query.get('continue');
  const resourceVersion = query.get('resourceVersion');

  // Keys of a namespaced list are relative to `<namespace>/`, as etcd keys are to the list's prefix.
  const prefix = def.namespaced && namespace !== undefined ? `${namespace}/` : '';
  let startKey: string | undefined;
  let listRevision = ctx.store.revision;
  if (continueParam) {
    if (resourceVersion && resourceVersion !== '0')
      throw badRequest('specifying resource version is not allowed when using continue');
    const token = decodeContinue(continueParam);
    if (token.resourceVersion > 0 && token.resourceVersion < ctx.store.compactedRevision) {
      throw continueExpired(encodeContinue({ resourceVersion: -1, start: token.start }));
    }
    startKey = prefix + token.start;
    // Pages of one list share the first page's revision; an inconsistent continuation (-1) reads the latest.
    if (token.resourceVersion > 0) listRevision = token.resourceVersion;
  }

  // A Table of rows that carry only metadata needs no more of a virtual member than its probe and its template's row.
  const rep = negotiate(req.accept, { tables: def.table !== undefined });
  const shallow =
    rep?.kind === 'table' &&
    def.table?.rowLike !== undefined &&
    parseIncludeObject(query.get('includeObject')) !== 'Object';
  const result = ctx.store.list(bucketName(def), {
    ...(selection.namespace !== undefined ? { namespace: selection.namespace } : {}),
    ...(selection.name !== undefined ? { name: selection.name } : {}),
    indexed: selection.indexed,
    ...(selection.filtering ? { filter: selection.filter } : {}),
    ...(startKey !== undefined ? { startKey } : {}),
    ...(limit !== undefined ? { limit } : {}),
    countRemaining: !selection.filtering,
    shallow,
  });

  const metadata: ListMeta = { resourceVersion: String(listRevision) };
  if (result.lastKey !== undefined) {
    metadata.continue = encodeContinue({
      resourceVersion: listRevision,
      start: startAfter(result.lastKey.slice(prefix.length)),
    });
    if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
  }
  return respond(ctx, def, req, result.members ? [] : result.items, metadata, true, 200, result);
}

export function getPodLog(
  ctx: HandlerContext,
  def: ResourceDefinition,
  namespace: string,
  name: string,
  req: ResourceRequest,
): Reply {
  const pod = ctx.store.get(bucketName(def), namespace, name);
  if (!pod) throw notFound(qualified(def), name);
  const opts = parseLogOptions(name, req.query);
  return textReply(readLog(pod, ctx.logs, opts, ctx.now()));
}
