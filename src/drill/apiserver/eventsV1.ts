import type { KubeObject } from '../types.js';
import { asObject } from './json.js';

/**
 * events.k8s.io/v1 is a second view of the core events (one storage, as
 * upstream): these are the conversions of pkg/apis/events/v1, field for
 * field, in the order Go encodes the v1 struct. Unset times encode as null.
 */

function present(key: string, value: unknown): Record<string, unknown> {
  return value === undefined || value === null || value === '' || value === 0 ? {} : { [key]: value };
}

export function coreEventToV1(e: KubeObject): KubeObject {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: e.metadata,
    eventTime: e.eventTime ?? null,
    ...(e.series !== undefined && e.series !== null ? { series: e.series } : {}),
    ...present('reportingController', e.reportingComponent),
    ...present('reportingInstance', e.reportingInstance),
    ...present('action', e.action),
    ...present('reason', e.reason),
    regarding: asObject(e.involvedObject),
    ...(e.related !== undefined && e.related !== null ? { related: e.related } : {}),
    ...present('note', e.message),
    ...present('type', e.type),
    deprecatedSource: asObject(e.source),
    deprecatedFirstTimestamp: e.firstTimestamp ?? null,
    deprecatedLastTimestamp: e.lastTimestamp ?? null,
    ...present('deprecatedCount', e.count),
  };
}

export function v1EventToCore(e: KubeObject): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: e.metadata,
    involvedObject: asObject(e.regarding),
    ...present('reason', e.reason),
    ...present('message', e.note),
    source: asObject(e.deprecatedSource),
    firstTimestamp: e.deprecatedFirstTimestamp ?? null,
    lastTimestamp: e.deprecatedLastTimestamp ?? null,
    ...present('count', e.deprecatedCount),
    ...present('type', e.type),
    eventTime: e.eventTime ?? null,
    ...(e.series !== undefined && e.series !== null ? { series: e.series } : {}),
    ...present('action', e.action),
    ...(e.related !== undefined && e.related !== null ? { related: e.related } : {}),
    // Core events always encode these two, empty or not.
    reportingComponent: typeof e.reportingController === 'string' ? e.reportingController : '',
    reportingInstance: typeof e.reportingInstance === 'string' ? e.reportingInstance : '',
  };
}
