import type { KubeObject } from '../../types.js';
import { asObject, asString } from '../json.js';
import { ageColumn, column, nameColumn } from './columns.js';
import type { TablePrinter } from './columns.js';
import { since } from '../../../kube/semantics/duration.js';

/** The configmap and secret printers of pkg/printers/internalversion/printers.go. */
export const configMapTable: TablePrinter = {
  columns: [nameColumn, column('Data', 'Data contains the configuration data.'), ageColumn],
  row: (cm: KubeObject, now: Date) => ({
    cells: [
      cm.metadata.name,
      Object.keys(asObject(cm.data)).length + Object.keys(asObject(cm.binaryData)).length,
      since(cm.metadata.creationTimestamp, now),
    ],
  }),
};

export const secretTable: TablePrinter = {
  columns: [
    nameColumn,
    column('Type', 'Used to facilitate programmatic handling of secret data.'),
    column('Data', 'Data contains the secret data.'),
    ageColumn,
  ],
  row: (s: KubeObject, now: Date) => ({
    cells: [
      s.metadata.name,
      asString(s.type) || 'Opaque',
      Object.keys(asObject(s.data)).length,
      since(s.metadata.creationTimestamp, now),
    ],
  }),
};
