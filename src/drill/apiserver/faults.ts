import type { DrillApiFault } from '../types.js';
import { errorReply, textReply } from './reply.js';
import type { BodyReply } from './reply.js';
import type { RequestInfo } from './requestInfo.js';
import { ApiError } from './status.js';

/**
 * The scenario's API faults in order, each matched on the path (a regular
 * expression) and/or the resource, and spent after `times` requests.
 */
export class FaultInjector {
  private readonly rules: { fault: DrillApiFault; path?: RegExp; left: number }[];

  constructor(faults: readonly DrillApiFault[] = []) {
    this.rules = faults.map((fault, i) => {
      let path: RegExp | undefined;
      if (fault.path !== undefined) {
        try {
          path = new RegExp(fault.path);
        } catch (err) {
          throw new Error(`apiFaults[${i}].path: ${(err as Error).message}`, { cause: err });
        }
      }
      return { fault, ...(path ? { path } : {}), left: fault.times ?? Infinity };
    });
  }

  /** The fault this request meets, if any; it counts against the fault's `times`. */
  match(path: string, info: RequestInfo): DrillApiFault | undefined {
    for (const rule of this.rules) {
      if (rule.left <= 0) continue;
      if (rule.path && !rule.path.test(path)) continue;
      if (rule.fault.resource !== undefined) {
        const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
        if (!info.isResourceRequest || (rule.fault.resource !== info.resource && rule.fault.resource !== resource))
          continue;
      }
      rule.left--;
      return rule.fault;
    }
    return undefined;
  }
}

/**
 * The answer a refusing fault gives: an error Status as the apiserver words
 * it (an etcd failure is a 500 with no reason; an unavailable backend a 503
 * ServiceUnavailable), or the priority-and-fairness filter's plain-text 429.
 */
export function faultReply(fault: DrillApiFault): BodyReply {
  const retry = fault.retryAfterSeconds;
  if (fault.kind === 'throttle') {
    return textReply('Too many requests, please try again later.\n', 429, {
      'Retry-After': String(retry ?? 1),
      'X-Content-Type-Options': 'nosniff',
    });
  }
  const details = retry !== undefined && retry > 0 ? { retryAfterSeconds: retry } : undefined;
  if (fault.status === 503) {
    return errorReply(
      new ApiError(
        503,
        'ServiceUnavailable',
        fault.message ?? 'the server is currently unable to handle the request',
        details,
      ),
    );
  }
  return errorReply(new ApiError(500, '', fault.message ?? 'etcdserver: request timed out', details));
}
