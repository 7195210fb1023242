import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../types.js';
import type { HandlerContext, ResourceRequest } from './handlerContext.js';
import { qualified, respond } from './handlers.js';
import { asArray, asObject, asString } from './json.js';
import { nodeStatus } from './tables/nodes.js';
import { parseInteger } from './params.js';
import { defaultPod, gracePeriod, randomSuffix, validatePod } from './podAdmission.js';
import type { Reply } from './reply.js';
import { bucketName } from './resources.js';
import type { ResourceDefinition } from './resourceDefinition.js';
import { alreadyExists, ApiError, badRequest, invalid, notFound } from './status.js';
import { shapeProblem } from '../../kube/shape.js';

/**
 * Writes the checks and remediations need: creating an object (a test pod)
 * and deleting one (with a pod's graceful termination), as the generic
 * registry store does them: decode, admit, validate, then store. A created
 * pod is handed to the cluster simulation (scheduler, kubelet); updates
 * live in updates.ts.
 */

const bodyTypes =
  'application/json, application/yaml, application/vnd.kubernetes.protobuf, application/cbor, application/apply-patch+cbor';

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function decodeBody(req: ResourceRequest): Record<string, unknown> {
  const type = (req.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== '' && type !== 'application/json' && type !== '*/*') {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${bodyTypes}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body ?? '');
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw badRequest("Object 'Kind' is missing in the request body");
  return parsed as Record<string, unknown>;
}

export function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  if (values.some((v) => v !== 'All'))
    throw badRequest(`dryRun: Unsupported value: "${values.find((v) => v !== 'All') ?? ''}": supported values: "All"`);
  return values.length > 0;
}

/**
 * A body whose fields do not have the API's types is refused as kube-apiserver's
 * decoder refuses it, before anything else looks at it: 400, `Pod in version
 * "v1" cannot be handled as a Pod: json: cannot unmarshal ...`.
 */
export function refuseMistyped(def: ResourceDefinition, body: unknown): void {
  const problem = shapeProblem(def.kind, body);
  if (problem)
    throw badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${problem.message}`);
}

export function createObject(
  ctx: HandlerContext,
  def: ResourceDefinition,
  namespace: string | undefined,
  req: ResourceRequest,
): Reply {
  const body = decodeBody(req);
  refuseMistyped(def, body);
  const metadata = { ...asObject(body.metadata) } as KubeObject['metadata'];
  if (def.namespaced) {
    if (metadata.namespace && metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    metadata.namespace = namespace;
    // The NamespaceLifecycle admission plugin refuses objects in a namespace that does not exist.
    if (!ctx.store.get('namespaces', undefined, namespace ?? ''))
      throw notFound({ group: '', resource: 'namespaces' }, namespace ?? '');
  } else {
    delete metadata.namespace;
  }
  if (!metadata.name && typeof metadata.generateName === 'string' && metadata.generateName)
    metadata.name = `${metadata.generateName}${randomSuffix()}`;
  // The server owns these, whatever the client sent.
  for (const k of [
    'uid',
    'resourceVersion',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'selfLink',
  ])
    delete metadata[k];

  let obj: KubeObject = {
    ...body,
    apiVersion: body.apiVersion as string,
    kind: def.kind,
    metadata: { ...metadata, name: metadata.name ?? '' },
  };
  if (def.group === '' && def.resource === 'pods') {
    const problems = validatePod(obj);
    if (problems.length > 0) throw invalid({ group: def.group, kind: def.kind }, obj.metadata.name, problems);
    obj = defaultPod(obj);
  } else if (!obj.metadata.name) {
    throw invalid({ group: def.group, kind: def.kind }, '', [
      { field: 'metadata.name', type: 'Required value', detail: 'name or generateName is required' },
    ]);
  }

  const bucket = bucketName(def);
  if (ctx.store.get(bucket, obj.metadata.namespace, obj.metadata.name))
    throw alreadyExists(qualified(def), obj.metadata.name);
  const stored = isDryRun(req.query)
    ? { ...obj, metadata: { ...obj.metadata, uid: randomUUID(), creationTimestamp: isoSeconds(ctx.now()) } }
    : ctx.store.put(bucket, obj);
  if (stored.metadata.resourceVersion !== undefined && def.group === '' && def.resource === 'pods')
    ctx.simulation?.podCreated(stored);
  return respond(ctx, def, req, [stored], { resourceVersion: stored.metadata.resourceVersion ?? '' }, false, 201);
}

interface DeleteOptions {
  gracePeriodSeconds?: number;
  uid?: string;
  resourceVersion?: string;
}

function deleteOptions(req: ResourceRequest): DeleteOptions {
  const opts: DeleteOptions = {};
  if (req.body && req.body.trim() !== '') {
    const body = decodeBody(req);
    if (typeof body.gracePeriodSeconds === 'number') opts.gracePeriodSeconds = body.gracePeriodSeconds;
    const pre = asObject(body.preconditions);
    if (typeof pre.uid === 'string') opts.uid = pre.uid;
    if (typeof pre.resourceVersion === 'string') opts.resourceVersion = pre.resourceVersion;
  }
  const grace = parseInteger('gracePeriodSeconds', req.query.get('gracePeriodSeconds'));
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
  if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0) opts.gracePeriodSeconds = 1;
  return opts;
}

/** A node whose kubelet is up confirms a pod's termination; on a NotReady node the pod stays Terminating, as it would. */
function kubeletConfirms(ctx: HandlerContext, pod: KubeObject): boolean {
  const nodeName = asString(asObject(pod.spec).nodeName);
  const node = ctx.store.get('nodes', undefined, nodeName);
  return node !== undefined && nodeStatus(node).split(',')[0] === 'Ready';
}

export function deleteObject(
  ctx: HandlerContext,
  def: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  req: ResourceRequest,
): Reply {
  const bucket = bucketName(def);
  const ns = def.namespaced ? namespace : undefined;
  const obj = ctx.store.get(bucket, ns, name);
  if (!obj) throw notFound(qualified(def), name);
  const opts = deleteOptions(req);
  if (opts.uid !== undefined && opts.uid !== obj.metadata.uid) {
    throw new ApiError(
      409,
      'Conflict',
      `Precondition failed: UID in precondition: ${opts.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`,
      { name, kind: def.resource },
    );
  }
  if (opts.resourceVersion !== undefined && opts.resourceVersion !== obj.metadata.resourceVersion) {
    throw new ApiError(
      409,
      'Conflict',
      `Precondition failed: ResourceVersion in precondition: ${opts.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion ?? ''}`,
      { name, kind: def.resource },
    );
  }
  const meta = { resourceVersion: obj.metadata.resourceVersion ?? '' };
  if (isDryRun(req.query)) return respond(ctx, def, req, [obj], meta, false);

  const isPod = def.group === '' && def.resource === 'pods';
  const grace = isPod ? gracePeriod(obj, opts.gracePeriodSeconds) : 0;
  const finalizers = asArray(obj.metadata.finalizers);
  const current = obj.metadata.deletionGracePeriodSeconds;
  if (grace > 0 || finalizers.length > 0) {
    // Graceful: mark the pod terminating; the kubelet (or finalizers' owners) remove it later.
    if (typeof current === 'number' && current <= grace) return respond(ctx, def, req, [obj], meta, false);
    const marked = ctx.store.put(bucket, {
      ...obj,
      metadata: {
        ...obj.metadata,
        deletionTimestamp: isoSeconds(new Date(ctx.now().getTime() + grace * 1000)),
        deletionGracePeriodSeconds: grace,
      },
    });
    if (isPod && finalizers.length === 0 && kubeletConfirms(ctx, marked)) {
      const confirm = (): void => {
        const still = ctx.store.get(bucket, ns, name);
        if (still?.metadata.uid === marked.metadata.uid) ctx.store.delete(bucket, ns, name);
      };
      const after = Math.min(ctx.podTerminationMs, grace * 1000);
      // The simulation's timers stop with the server; without one, a plain timer that does not hold the process.
      if (ctx.simulation) ctx.simulation.timers.after(after, confirm);
      else setTimeout(confirm, after).unref();
    }
    return respond(ctx, def, req, [marked], { resourceVersion: marked.metadata.resourceVersion ?? '' }, false);
  }
  const gone = ctx.store.delete(bucket, ns, name) ?? obj;
  // The pod registry returns the deleted object (ReturnDeletedObject), not a Status.
  return respond(ctx, def, req, [gone], { resourceVersion: gone.metadata.resourceVersion ?? '' }, false);
}
