import type { KubeObject } from '../../types.js';
import { since } from '../../../kube/semantics/duration.js';
import { nameColumn } from './columns.js';
import type { ColumnDefinition, PrintedRow, TablePrinter } from './columns.js';

/** A CRD version's additionalPrinterColumns entry. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

type Step = { field: string } | { all: true } | { index: number } | { where: string; equals: string };

/**
 * The JSONPath subset CRD printer columns use (the apiextensions validation
 * allows only simple paths): `.a.b`, `[*]`, `[N]` and `[?(@.key=="value")]`.
 */
export function parseColumnPath(path: string): Step[] {
  const steps: Step[] = [];
  const re = /\.([A-Za-z0-9_-]+)|\[\*\]|\[(\d+)\]|\[\?\(@\.([A-Za-z0-9_-]+)\s*==\s*["']([^"']*)["']\)\]/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < path.length && (m = re.exec(path)) !== null) {
    if (m[1] !== undefined) steps.push({ field: m[1] });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else if (m[3] !== undefined) steps.push({ where: m[3], equals: m[4] ?? '' });
    else steps.push({ all: true });
  }
  if (re.lastIndex !== path.length && path.length > 0) throw new Error(`unsupported printer column path ${path}`);
  return steps;
}

/** Every value the path selects, in order. */
export function selectPath(root: unknown, steps: readonly Step[]): unknown[] {
  let at: unknown[] = [root];
  for (const s of steps) {
    const next: unknown[] = [];
    for (const v of at) {
      if ('field' in s) {
        if (v !== null && typeof v === 'object' && !Array.isArray(v) && s.field in v)
          next.push((v as Record<string, unknown>)[s.field]);
      } else if (Array.isArray(v)) {
        const items = v as unknown[];
        if ('all' in s) next.push(...items);
        else if ('index' in s) {
          if (s.index < items.length) next.push(items[s.index]);
        } else
          next.push(
            ...items.filter(
              (x) =>
                x !== null && typeof x === 'object' && String((x as Record<string, unknown>)[s.where]) === s.equals,
            ),
          );
      }
    }
    at = next;
  }
  return at;
}

/**
 * A CRD's printer columns as the apiextensions table convertor fills them
 * (tableconvertor.go): Name first, then each column's first JSONPath result;
 * a string column prints it as JSONPath does (a string as is, an array or
 * object as JSON), a date column as an age; no result is a null cell.
 */
export function crdTable(columns: readonly PrinterColumn[]): TablePrinter {
  const compiled = columns.map((c) => ({ c, steps: parseColumnPath(c.jsonPath) }));
  const defs: ColumnDefinition[] = [
    nameColumn,
    ...columns.map((c): ColumnDefinition => ({
      name: c.name,
      type: (['integer', 'number', 'boolean', 'date'].includes(c.type) ? c.type : 'string') as ColumnDefinition['type'],
      format: c.format ?? '',
      description: c.description ?? `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
      priority: c.priority ?? 0,
    })),
  ];
  return {
    columns: defs,
    row: (obj: KubeObject, now: Date): PrintedRow => ({
      cells: [
        obj.metadata.name,
        ...compiled.map(({ c, steps }) => {
          const value = selectPath(obj, steps)[0];
          if (value === undefined || value === null) return null;
          if (c.type === 'date') return typeof value === 'string' ? since(value, now) : '<invalid>';
          if (c.type === 'string') return typeof value === 'string' ? value : JSON.stringify(value);
          return value;
        }),
      ],
    }),
  };
}
