import type { KubeObject } from '../../types.js';
import { asObject, asString } from '../json.js';
import { ageColumn, column, nameColumn } from './columns.js';
import type { TablePrinter } from './columns.js';
import { since } from '../../../kube/semantics/duration.js';

/** The lease printer of pkg/printers/internalversion/printers.go (printLease). */
export const leaseTable: TablePrinter = {
  columns: [
    nameColumn,
    column('Holder', 'holderIdentity contains the identity of the holder of a current lease.'),
    ageColumn,
  ],
  row: (lease: KubeObject, now: Date) => ({
    cells: [
      lease.metadata.name,
      asString(asObject(lease.spec).holderIdentity),
      since(lease.metadata.creationTimestamp, now),
    ],
  }),
};
