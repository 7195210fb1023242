import type { KubeObject } from '../../types.js';
import { asObject, asString } from '../json.js';
import { ageColumn, column, nameColumn } from './columns.js';
import type { TablePrinter } from './columns.js';
import { since } from '../../../kube/semantics/duration.js';

/** The namespace printer of pkg/printers/internalversion/printers.go (printNamespace). */
export const namespaceTable: TablePrinter = {
  columns: [nameColumn, column('Status', 'The status of the namespace'), ageColumn],
  row: (ns: KubeObject, now: Date) => ({
    cells: [ns.metadata.name, asString(asObject(ns.status).phase), since(ns.metadata.creationTimestamp, now)],
  }),
};
