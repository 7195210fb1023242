import type { DrillDenial } from '../types.js';
import type { RequestInfo } from './requestInfo.js';
import { forbidden } from './status.js';
import type { ApiError } from './status.js';

/**
 * The authorizer's "cannot" sentence (endpoints/handlers/responsewriters
 * forbiddenMessage): resource, API group and namespace or cluster scope.
 */
export function forbiddenMessage(user: string, info: RequestInfo): string {
  if (!info.isResourceRequest) return `User "${user}" cannot ${info.verb} path "${info.path}"`;
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  const scope = info.namespace ? `in the namespace "${info.namespace}"` : 'at the cluster scope';
  return `User "${user}" cannot ${info.verb} resource "${resource}" in API group "${info.apiGroup}" ${scope}`;
}

function denies(d: DrillDenial, user: string, info: RequestInfo): boolean {
  if (!info.isResourceRequest) return false;
  if (d.user !== undefined && d.user !== user) return false;
  if (d.verb !== '*' && d.verb !== info.verb) return false;
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  if (d.resource !== '*' && d.resource !== resource) return false;
  if (d.group !== undefined && d.group !== '*' && d.group !== info.apiGroup) return false;
  return d.namespace === undefined || d.namespace === info.namespace;
}

/** The 403 for a request the authorizer refused. */
export function forbid(user: string, info: RequestInfo): ApiError {
  const resource = info.isResourceRequest ? info.resource : '';
  return forbidden({ group: info.apiGroup, resource }, info.name, forbiddenMessage(user, info));
}

/** RBAC as a scenario declares it: everything is allowed except the listed denials, which get the apiserver's 403. */
export function authorize(user: string, info: RequestInfo, denials: readonly DrillDenial[]): ApiError | undefined {
  return denials.some((d) => denies(d, user, info)) ? forbid(user, info) : undefined;
}
