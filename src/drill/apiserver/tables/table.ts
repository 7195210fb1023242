import type { KubeObject } from '../../types.js';
import { badRequest } from '../status.js';
import type { ColumnDefinition, PrintedRow, TablePrinter, TableRowCondition } from './columns.js';

/** What `includeObject` asks each row to carry (metav1.IncludeObjectPolicy). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function parseIncludeObject(value: string | null): IncludeObject {
  if (value === null || value === '' || value === 'Metadata') return 'Metadata';
  if (value === 'None' || value === 'Object') return value;
  throw badRequest(`unrecognized includeObject value: "${value}"`);
}

export interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface TableRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: ListMeta;
  /** null after a watch's first event: kubectl keeps the columns it already has. */
  columnDefinitions: ColumnDefinition[] | null;
  rows: TableRow[];
}

export interface TableOptions {
  printer: TablePrinter;
  /** The object a row carries with includeObject=Object: the served form. */
  served: (obj: KubeObject) => KubeObject;
  metadata: ListMeta;
  include: IncludeObject;
  tableApiVersion: string;
  now: Date;
  /** TableOptions.NoHeaders, which a watch sets after its first event. */
  noHeaders?: boolean;
  /** Per object, the like member it is a probe of (ListResult.likes), made by `like`. */
  likes?: (number | undefined)[];
  like?: (index: number) => KubeObject;
}

/** A Table without its rows: what precedes them. */
export function tableHead(opts: TableOptions): Omit<Table, 'rows'> {
  return {
    kind: 'Table',
    apiVersion: opts.tableApiVersion,
    metadata: opts.metadata,
    columnDefinitions: opts.noHeaders ? null : opts.printer.columns,
  };
}

/** Prints row k of a Table from its object (in stored form), one row at a time. */
export function tableRows(opts: TableOptions): (obj: KubeObject, k: number) => TableRow {
  const { printer, include, tableApiVersion, now, likes, like } = opts;
  const likeRows = new Map<number, PrintedRow>();
  const print = (obj: KubeObject, k: number): PrintedRow => {
    const index = likes?.[k];
    if (index === undefined || !like || !printer.rowLike) return printer.row(obj, now);
    const likeObj = like(index);
    let likeRow = likeRows.get(index);
    if (!likeRow) {
      likeRow = printer.row(likeObj, now);
      likeRows.set(index, likeRow);
    }
    return printer.rowLike(likeRow, likeObj, obj, now);
  };
  return (obj, k) => {
    const printed = print(obj, k);
    const row: TableRow = { cells: printed.cells };
    if (printed.conditions) row.conditions = printed.conditions;
    if (include === 'Object') row.object = opts.served(obj);
    if (include === 'Metadata')
      row.object = { kind: 'PartialObjectMetadata', apiVersion: tableApiVersion, metadata: obj.metadata };
    return row;
  };
}

/**
 * A `meta.k8s.io` Table as the apiserver's table convertor builds it: rows
 * carry PartialObjectMetadata by default, which is where kubectl reads the
 * NAMESPACE column of `-A` from.
 */
export function buildTable(
  opts: TableOptions & {
    /** Objects in their stored form, which the printers read. */
    objects: KubeObject[];
  },
): Table {
  const row = tableRows(opts);
  return { ...tableHead(opts), rows: opts.objects.map(row) };
}
