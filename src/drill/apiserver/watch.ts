import type { KubeObject } from '../types.js';
import type { HandlerContext, ResourceRequest } from './handlerContext.js';
import { acceptedTypes, negotiate } from './negotiate.js';
import type { Representation } from './negotiate.js';
import { typed } from './objects.js';
import { isTrue, parseInteger } from './params.js';
import type { StreamReply, StreamSink } from './reply.js';
import { bucketName } from './resources.js';
import type { ResourceDefinition } from './resourceDefinition.js';
import { parseSelection } from './selection.js';
import type { Selection } from './selection.js';
import { ApiError, invalid, notAcceptable } from './status.js';
import type { StoreChange } from './store.js';
import { buildTable, parseIncludeObject } from './tables/table.js';
import type { IncludeObject } from './tables/table.js';

/**
 * `watch=true` on a collection, as the apiserver's watch cache serves it:
 * without a resourceVersion (or with "0") the current objects arrive first
 * as ADDED; with one, every write after it is replayed, or a 410 ERROR event
 * says it is too old; then live events until `timeoutSeconds` (default: the
 * apiserver's random 30-60 minutes). Objects leaving a selector arrive as
 * DELETED, entering it as ADDED. With `allowWatchBookmarks`, BOOKMARK events
 * carry the current revision every minute and just before the timeout.
 */

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** How long a watch waits for a resourceVersion from the future before giving up (the cacher's 3 s). */
const tooLargeWaitMs = 3000;
/** The apiserver's --min-request-timeout: default watch timeouts fall in [1x, 2x) of it. */
const minRequestTimeoutSeconds = 1800;

/** cacheWatcher.convertToWatchEvent: what a filtered watcher sees of one write. */
export function filterChange(
  change: StoreChange,
  matches: (obj: KubeObject) => boolean,
): { type: WatchEventType; object: KubeObject } | undefined {
  const current = change.type !== 'DELETED' && matches(change.object);
  const before = change.previous !== undefined && matches(change.previous);
  if (current && !before) return { type: 'ADDED', object: change.object };
  if (current && before) return { type: 'MODIFIED', object: change.object };
  if (!current && before && change.previous) {
    // An object leaving the selection is deleted for this watcher, at the write's revision.
    return {
      type: 'DELETED',
      object: {
        ...change.previous,
        metadata: { ...change.previous.metadata, resourceVersion: String(change.revision) },
      },
    };
  }
  return undefined;
}

/** Encodes events as one JSON document per line; Table watches send column definitions only once. */
function eventEncoder(
  ctx: HandlerContext,
  def: ResourceDefinition,
  rep: Representation,
  include: IncludeObject,
): (type: WatchEventType, obj: KubeObject | ApiError) => string {
  let headersSent = false;
  return (type, obj) => {
    let object: unknown;
    if (obj instanceof ApiError) {
      object = obj.toStatus();
    } else if (rep.kind === 'table' && def.table) {
      object = buildTable({
        printer: def.table,
        objects: [obj],
        served: (o) => typed(def, o),
        metadata: { resourceVersion: obj.metadata.resourceVersion ?? '' },
        include,
        tableApiVersion: rep.apiVersion,
        now: ctx.now(),
        noHeaders: headersSent,
      });
      headersSent = true;
    } else {
      object = typed(def, obj);
    }
    return `${JSON.stringify({ type, object })}\n`;
  };
}

/** A bookmark is an empty object of the watched kind carrying only the current revision. */
function bookmarkObject(revision: number): KubeObject {
  return {
    apiVersion: '',
    kind: '',
    metadata: { resourceVersion: String(revision), creationTimestamp: null },
  } as unknown as KubeObject;
}

function parseStart(def: ResourceDefinition, value: string | null): number | undefined {
  if (value === null || value === '' || value === '0') return undefined;
  if (!/^\d+$/.test(value)) {
    throw invalid({ group: def.group, kind: def.resource }, '', [
      {
        field: 'resourceVersion',
        type: 'Invalid value',
        detail: `"${value}": strconv.ParseUint: parsing "${value}": invalid syntax`,
      },
    ]);
  }
  return Number(value);
}

function tooOld(requested: number, oldest: number): ApiError {
  return new ApiError(410, 'Expired', `too old resource version: ${requested} (${oldest})`);
}

function tooLarge(requested: number, current: number): ApiError {
  return new ApiError(504, 'Timeout', `Timeout: Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

class WatchSession {
  private closed = false;
  /** Writes at or below this revision are already accounted for (sent, or part of the starting state). */
  private seen = 0;
  private readonly cleanups: (() => void)[] = [];
  private readonly bucket: string;

  constructor(
    private readonly ctx: HandlerContext,
    private readonly def: ResourceDefinition,
    private readonly selection: Selection,
    private readonly sink: StreamSink,
    private readonly encode: (type: WatchEventType, obj: KubeObject | ApiError) => string,
  ) {
    this.bucket = bucketName(def);
  }

  stop = (): void => {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.cleanups.splice(0)) c();
  };

  private finish(): void {
    if (this.closed) return;
    this.stop();
    this.sink.end();
  }

  private send(type: WatchEventType, obj: KubeObject | ApiError): void {
    if (!this.closed) this.sink.write(this.encode(type, obj));
  }

  private fail(err: ApiError): void {
    this.send('ERROR', err);
    this.finish();
  }

  private relay = (change: StoreChange): void => {
    if (change.resource !== this.bucket || change.revision <= this.seen) return;
    this.seen = change.revision;
    const event = filterChange(change, this.selection.matches);
    if (event) this.send(event.type, event.object);
  };

  after(ms: number, fn: () => void): void {
    const t = setTimeout(fn, ms);
    this.cleanups.push(() => clearTimeout(t));
  }

  every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    this.cleanups.push(() => clearInterval(t));
  }

  bookmark(): void {
    this.send('BOOKMARK', bookmarkObject(this.ctx.store.revision));
  }

  /** Sends the starting state (current objects, or the writes after `from`), then follows live writes. */
  begin(from: number | undefined): void {
    if (this.closed) return;
    const { store, watchCache } = this.ctx;
    this.seen = from ?? store.revision;
    if (from === undefined) {
      const { namespace, name, indexed } = this.selection;
      const current = store.list(this.bucket, {
        ...(namespace !== undefined ? { namespace } : {}),
        ...(name !== undefined ? { name } : {}),
        indexed,
        filter: this.selection.filter,
      });
      for (const obj of current.items) this.send('ADDED', obj);
    } else {
      const past = watchCache.since(from);
      if (past === undefined) return this.fail(tooOld(from, watchCache.oldestRevision));
      for (const change of past) this.relay(change);
    }
    this.cleanups.push(watchCache.subscribe(this.relay));
  }

  /** A revision not reached yet: wait for the store to catch up, as the cacher does, then start or give up. */
  beginWhenFresh(from: number): void {
    const { store, watchCache } = this.ctx;
    if (from <= store.revision) return this.begin(from);
    let waiting = true;
    const unsubscribe = watchCache.subscribe(() => {
      if (waiting && store.revision >= from) {
        waiting = false;
        unsubscribe();
        this.begin(from);
      }
    });
    this.cleanups.push(unsubscribe);
    this.after(tooLargeWaitMs, () => {
      if (!waiting) return;
      waiting = false;
      unsubscribe();
      this.fail(tooLarge(from, store.revision));
    });
  }

  end(): void {
    this.finish();
  }
}

export function watchObjects(
  ctx: HandlerContext,
  def: ResourceDefinition,
  namespace: string | undefined,
  req: ResourceRequest,
): StreamReply {
  const { query } = req;
  const selection = parseSelection(def, namespace, query);
  const rep = negotiate(req.accept, { tables: def.table !== undefined });
  if (!rep || rep.kind === 'discovery') throw notAcceptable(acceptedTypes);
  const include = rep.kind === 'table' ? parseIncludeObject(query.get('includeObject')) : 'Metadata';
  if (query.has('sendInitialEvents')) {
    // Kubernetes 1.31 keeps the WatchList feature gate off, so its validation refuses the parameter.
    throw invalid({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', [
      {
        field: 'sendInitialEvents',
        type: 'Forbidden',
        detail: 'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
      },
    ]);
  }
  const from = parseStart(def, query.get('resourceVersion'));
  const timeoutSeconds = parseInteger('timeoutSeconds', query.get('timeoutSeconds')) ?? 0;
  const timeoutMs = (timeoutSeconds > 0 ? timeoutSeconds : minRequestTimeoutSeconds * (1 + Math.random())) * 1000;
  const bookmarks = isTrue(query.get('allowWatchBookmarks'));
  const encode = eventEncoder(ctx, def, rep, include);

  return {
    status: 200,
    contentType: 'application/json',
    start(sink) {
      const session = new WatchSession(ctx, def, selection, sink, encode);
      session.after(timeoutMs, () => session.end());
      if (bookmarks) {
        session.every(ctx.bookmarkIntervalMs, () => session.bookmark());
        // The cacher sends one last bookmark two seconds before the deadline, so clients resume from it.
        if (timeoutMs > 2000) session.after(timeoutMs - 2000, () => session.bookmark());
      }
      if (from === undefined) session.begin(undefined);
      else session.beginWhenFresh(from);
      return session.stop;
    },
  };
}
