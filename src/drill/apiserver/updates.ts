import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../types.js';
import type { HandlerContext, ResourceRequest } from './handlerContext.js';
import { qualified, respond } from './handlers.js';
import { asObject } from './json.js';
import type { Json } from './json.js';
import { typed } from './objects.js';
import { applyPatch, patchTypeOf } from './patch.js';
import { validatePodUpdate } from './podAdmission.js';
import type { Reply } from './reply.js';
import { bucketName } from './resources.js';
import type { ResourceDefinition } from './resourceDefinition.js';
import { ApiError, badRequest, invalid, notFound } from './status.js';
import { shapeProblem } from '../../kube/shape.js';
import { decodeBody, isDryRun, refuseMistyped } from './writes.js';

/**
 * Updates, as the generic registry store does them: PATCH (merge,
 * strategic merge, JSON patch) and PUT read the current object, build the
 * new one, check the resourceVersion precondition (409 Conflict when
 * stale), keep what the server owns (uid, creation time, status), validate
 * per kind (a pod's immutable spec, an immutable ConfigMap), skip a write
 * that changes nothing, then store it: a new resourceVersion and a watch
 * event. The simulation hears of it, so a template change rolls out.
 */

/** Kinds whose status is a subresource: an update of the object leaves the status as it was. */
const statusOwnedByServer = new Set([
  'pods',
  'deployments',
  'replicasets',
  'daemonsets',
  'statefulsets',
  'jobs',
  'cronjobs',
]);
/** Kinds whose metadata.generation counts spec changes. */
const generational = new Set(['deployments', 'replicasets', 'daemonsets', 'statefulsets', 'jobs', 'cronjobs']);

function conflict(def: ResourceDefinition, name: string): ApiError {
  const what = def.group ? `${def.resource}.${def.group}` : def.resource;
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${what} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    {
      name,
      ...(def.group ? { group: def.group } : {}),
      kind: def.resource,
    },
  );
}

function current(
  ctx: HandlerContext,
  def: ResourceDefinition,
  namespace: string | undefined,
  name: string,
): KubeObject {
  const obj = ctx.store.get(bucketName(def), def.namespaced ? namespace : undefined, name);
  if (!obj) throw notFound(qualified(def), name);
  return obj;
}

function validate(def: ResourceDefinition, before: KubeObject, after: KubeObject): void {
  const kind = { group: def.group, kind: def.kind };
  if (def.group === '' && def.resource === 'pods') {
    const problems = validatePodUpdate(before, after);
    if (problems.length > 0) throw invalid(kind, after.metadata.name, problems);
  }
  if (def.group === '' && def.resource === 'configmaps' && before.immutable === true) {
    const problems = [];
    if (!isDeepStrictEqual(before.data, after.data))
      problems.push({ field: 'data', type: 'Forbidden', detail: 'field is immutable when `immutable` is set' });
    if (!isDeepStrictEqual(before.binaryData, after.binaryData))
      problems.push({ field: 'binaryData', type: 'Forbidden', detail: 'field is immutable when `immutable` is set' });
    if (after.immutable !== true)
      problems.push({ field: 'immutable', type: 'Forbidden', detail: 'field is immutable when `immutable` is set' });
    if (problems.length > 0) throw invalid(kind, after.metadata.name, problems);
  }
  const isJob = def.group === 'batch' && def.resource === 'jobs';
  if (
    (def.group === 'apps' || isJob) &&
    !isDeepStrictEqual(asObject(before.spec).selector, asObject(after.spec).selector)
  ) {
    throw invalid(kind, after.metadata.name, [
      {
        field: 'spec.selector',
        type: 'Invalid value',
        detail: `${JSON.stringify(asObject(after.spec).selector)}: field is immutable`,
      },
    ]);
  }
  // A Job's pod template is fixed once created (a suspended Job may still change its scheduling directives, so it is not checked here).
  if (
    isJob &&
    asObject(before.spec).suspend !== true &&
    !isDeepStrictEqual(asObject(before.spec).template, asObject(after.spec).template)
  ) {
    throw invalid(kind, after.metadata.name, [
      {
        field: 'spec.template',
        type: 'Invalid value',
        detail: `${JSON.stringify(asObject(after.spec).template)}: field is immutable`,
      },
    ]);
  }
}

/** The object to store: the proposal with the server's fields restored, or a 4xx for what the server refuses. */
function admit(
  def: ResourceDefinition,
  before: KubeObject,
  proposed: unknown,
  name: string,
  namespace: string | undefined,
): KubeObject {
  if (typeof proposed !== 'object' || proposed === null || Array.isArray(proposed))
    throw badRequest("Object 'Kind' is missing in the request body");
  const body = proposed as Json;
  const meta = asObject(body.metadata);
  if (meta.name !== undefined && meta.name !== name)
    throw badRequest(
      `the name of the object (${typeof meta.name === 'string' ? meta.name : JSON.stringify(meta.name)}) does not match the name on the URL (${name})`,
    );
  if (def.namespaced && meta.namespace !== undefined && meta.namespace !== namespace)
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  if (typeof meta.uid === 'string' && meta.uid !== '' && meta.uid !== before.metadata.uid) {
    throw new ApiError(
      409,
      'Conflict',
      `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${before.metadata.uid ?? ''}`,
      { name, kind: def.resource },
    );
  }
  if (
    typeof meta.resourceVersion === 'string' &&
    meta.resourceVersion !== '' &&
    meta.resourceVersion !== before.metadata.resourceVersion
  )
    throw conflict(def, name);

  const metadata: KubeObject['metadata'] = { ...(meta as KubeObject['metadata']), name };
  if (def.namespaced && before.metadata.namespace !== undefined) metadata.namespace = before.metadata.namespace;
  const owned = metadata as Json;
  for (const k of [
    'uid',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'generation',
    'generateName',
  ]) {
    if (before.metadata[k] !== undefined) owned[k] = before.metadata[k];
    else delete owned[k];
  }
  delete metadata.resourceVersion;
  delete metadata.selfLink;
  delete metadata.managedFields;

  const { kind: _kind, apiVersion: _apiVersion, ...rest } = body;
  const after: KubeObject = { ...rest, apiVersion: before.apiVersion, kind: before.kind, metadata };
  if (statusOwnedByServer.has(def.resource)) {
    if (before.status !== undefined) after.status = before.status;
    else delete after.status;
  }
  if (generational.has(def.resource) && !isDeepStrictEqual(asObject(before.spec), asObject(after.spec))) {
    metadata.generation = (typeof before.metadata.generation === 'number' ? before.metadata.generation : 1) + 1;
  }
  return after;
}

function commit(
  ctx: HandlerContext,
  def: ResourceDefinition,
  req: ResourceRequest,
  before: KubeObject,
  after: KubeObject,
): Reply {
  validate(def, before, after);
  const comparable = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  // A write that changes nothing is not written: no new resourceVersion, no watch event ("patched (no change)").
  if (isDeepStrictEqual(comparable(before), comparable(after)) || isDryRun(req.query)) {
    const shown = isDryRun(req.query)
      ? { ...after, metadata: { ...after.metadata, resourceVersion: before.metadata.resourceVersion } }
      : before;
    return respond(ctx, def, req, [shown], { resourceVersion: before.metadata.resourceVersion ?? '' }, false);
  }
  const bucket = bucketName(def);
  const stored = ctx.store.put(bucket, after);
  ctx.simulation?.objectUpdated(bucket, before, stored);
  return respond(ctx, def, req, [stored], { resourceVersion: stored.metadata.resourceVersion ?? '' }, false);
}

export function patchObject(
  ctx: HandlerContext,
  def: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  req: ResourceRequest,
): Reply {
  const type = patchTypeOf(req.contentType ?? '');
  const before = current(ctx, def, namespace, name);
  // Patches apply to the object as clients see it (kind and apiVersion first), as the apiserver applies them to the versioned object.
  const patched = applyPatch(type, typed(def, before), req.body ?? '');
  // A patch that leaves a field mistyped fails when the result is decoded: 422 on the field "patch" (patch.go).
  const problem = shapeProblem(def.kind, patched);
  if (problem)
    throw invalid({ group: '', kind: '' }, '', [
      {
        field: 'patch',
        type: 'Invalid value',
        detail: `${JSON.stringify(JSON.stringify(patched))}: ${problem.message}`,
      },
    ]);
  return commit(ctx, def, req, before, admit(def, before, patched, name, namespace));
}

export function updateObject(
  ctx: HandlerContext,
  def: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  req: ResourceRequest,
): Reply {
  const body = decodeBody(req);
  refuseMistyped(def, body);
  const before = current(ctx, def, namespace, name);
  return commit(ctx, def, req, before, admit(def, before, body, name, namespace));
}
