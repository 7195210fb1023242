import type { KubeObject } from '../../types.js';
import { asArray, asObject, asString } from '../json.js';
import { ageColumn, column, nameColumn } from './columns.js';
import type { PrintedRow, TablePrinter } from './columns.js';
import { since } from '../../../kube/semantics/duration.js';

/** The APIService table of kube-aggregator (registry/apiservice/etcd REST.ConvertToTable). */
export const apiServiceTable: TablePrinter = {
  columns: [
    nameColumn,
    column('Service', 'The reference to the service that hosts this API endpoint.'),
    column('Available', 'Whether this service is available.'),
    ageColumn,
  ],
  row: printAPIService,
};

/** AVAILABLE: `True`, or the condition's status with its reason: `False (MissingEndpoints)`; `Unknown` without one. */
export function apiServiceAvailable(svc: KubeObject): string {
  const condition = asArray(asObject(svc.status).conditions).find((c) => asString(c.type) === 'Available');
  if (!condition) return 'Unknown';
  const status = asString(condition.status);
  const reason = asString(condition.reason);
  return status === 'True' || !reason ? status : `${status} (${reason})`;
}

function printAPIService(svc: KubeObject, now: Date): PrintedRow {
  const service = asObject(svc.spec).service;
  const ref =
    service === undefined || service === null
      ? 'Local'
      : `${asString(asObject(service).namespace)}/${asString(asObject(service).name)}`;
  return { cells: [svc.metadata.name, ref, apiServiceAvailable(svc), since(svc.metadata.creationTimestamp, now)] };
}
