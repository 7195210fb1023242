import type { KubeObject } from '../../types.js';

/** metav1.TableColumnDefinition; `format` and `priority` are always serialized, as upstream. */
export interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  /** 0: always shown; 1: only with `-o wide`. */
  priority: number;
}

export interface TableRowCondition {
  type: 'Completed';
  status: 'True';
  reason: string;
  message: string;
}

export interface PrintedRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
}

/** A resource's server-side printer (pkg/printers/internalversion), always in wide form: kubectl hides priority > 0 itself. */
export interface TablePrinter {
  columns: ColumnDefinition[];
  row(obj: KubeObject, now: Date): PrintedRow;
  /**
   * The row of `obj` (a probe: metadata and what selectors read) from the row
   * of `like`, a member made from the same template (VirtualObjects.shallow):
   * only the cells that follow a member's name, node and IPs are its own.
   */
  rowLike?(likeRow: PrintedRow, like: KubeObject, obj: KubeObject, now: Date): PrintedRow;
}

export const nameDescription =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

export const creationTimestampDescription =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export function column(
  name: string,
  description: string,
  opts: { type?: ColumnDefinition['type']; format?: string; priority?: number } = {},
): ColumnDefinition {
  return { name, type: opts.type ?? 'string', format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

export const nameColumn = column('Name', nameDescription, { format: 'name' });
export const ageColumn = column('Age', creationTimestampDescription);
