/**
 * `metav1.Status` failure bodies, worded as kube-apiserver words them
 * (k8s.io/apimachinery/pkg/api/errors), so clients that branch on `reason`
 * or print `message` behave as they would against a real cluster.
 */

export type StatusReason =
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'Expired'
  | 'Invalid'
  | 'Timeout'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  /** StatusReasonUnknown: what the apiserver sends for an error that is not an API status (an etcd error, say). */
  | '';

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string };
  status: 'Failure';
  message: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** A request that ends in a Status body; thrown by handlers, rendered by the router. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
    readonly continueToken?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): StatusBody {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: this.continueToken ? { continue: this.continueToken } : {},
      status: 'Failure',
      message: this.message,
      // An unknown reason is the empty string, which the apiserver's encoder omits.
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** A group-qualified resource as errors name it: `pods`, `leases.coordination.k8s.io`. */
export interface QualifiedResource {
  group: string;
  resource: string;
}

function qualified(r: QualifiedResource): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

function detailsFor(r: QualifiedResource, name?: string): StatusDetails {
  return { ...(name !== undefined ? { name } : {}), ...(r.group ? { group: r.group } : {}), kind: r.resource };
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function notFound(r: QualifiedResource, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(r)} "${name}" not found`, detailsFor(r, name));
}

/** The apiserver's catch-all for paths no handler serves. */
export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotSupported(r: QualifiedResource, verb: string): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    `${verb} is not supported on resources of kind "${qualified(r)}"`,
    detailsFor(r),
  );
}

export function notAcceptable(accepted: string[]): ApiError {
  return new ApiError(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);
}

/** 410 for a continue token older than the store keeps: the client must relist (or accept `inconsistentContinue`). */
export function continueExpired(inconsistentContinue?: string): ApiError {
  return new ApiError(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    undefined,
    inconsistentContinue,
  );
}

export function internalError(err: unknown): ApiError {
  const text = err instanceof Error ? err.message : String(err);
  return new ApiError(500, 'InternalError', `Internal error occurred: ${text}`, { causes: [{ message: text }] });
}

export function alreadyExists(r: QualifiedResource, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, detailsFor(r, name));
}

/**
 * apierrors.NewForbidden: `pods is forbidden: <why>` for a collection,
 * `pods "web-0" is forbidden: <why>` for one object.
 */
export function forbidden(r: QualifiedResource, name: string, why: string): ApiError {
  const subject =
    r.resource === '' ? 'forbidden' : name ? `${qualified(r)} "${name}" is forbidden` : `${qualified(r)} is forbidden`;
  return new ApiError(403, 'Forbidden', `${subject}: ${why}`, {
    ...(name ? { name } : {}),
    ...(r.group ? { group: r.group } : {}),
    ...(r.resource ? { kind: r.resource } : {}),
  });
}

/** field.ErrorType strings and the cause reasons (metav1.CauseType) they map to. */
const causeTypes: Record<string, string> = {
  'Required value': 'FieldValueRequired',
  'Invalid value': 'FieldValueInvalid',
  Forbidden: 'FieldValueForbidden',
  'Unsupported value': 'FieldValueNotSupported',
  'Duplicate value': 'FieldValueDuplicate',
};

export interface FieldProblem {
  field: string;
  /** field.ErrorType text: `Required value`, `Invalid value`, `Forbidden` ... */
  type: string;
  /** What follows the type, e.g. `"Web": a lowercase RFC 1123 subdomain must ...`. */
  detail: string;
}

/** apierrors.NewInvalid: `Pod "x" is invalid: field: Type: detail`, one cause per problem. */
export function invalid(kind: { group: string; kind: string }, name: string, problems: FieldProblem[]): ApiError {
  const text = problems.map((p) => `${p.field}: ${p.type}${p.detail ? `: ${p.detail}` : ''}`);
  const qualifiedKind = kind.group ? `${kind.kind}.${kind.group}` : kind.kind;
  return new ApiError(
    422,
    'Invalid',
    `${qualifiedKind} "${name}" is invalid: ${text.length > 1 ? `[${text.join(', ')}]` : (text[0] ?? '')}`,
    {
      name,
      ...(kind.group ? { group: kind.group } : {}),
      kind: kind.kind,
      causes: problems.map((p) => ({
        reason: causeTypes[p.type] ?? 'FieldValueInvalid',
        message: `${p.type}${p.detail ? `: ${p.detail}` : ''}`,
        field: p.field,
      })),
    },
  );
}
