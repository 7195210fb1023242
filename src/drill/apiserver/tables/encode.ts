import { needsJsonEscape } from '../../jsonText.js';
import type { Table } from './table.js';

/** Rows per piece of text: about 60 KB, short of V8's large objects, whose fresh pages each cost faults. */
const rowsPerChunk = 100;

/**
 * A Table's JSON text, byte for byte what JSON.stringify writes, in pieces,
 * but rows printed from one like member (`likes`, as buildTable took them)
 * reuse the text of their group's first row wherever they hold the same
 * values: a page of 500 filler pods differs row to row only in a few short
 * strings (name, uid, resourceVersion, IP, node), and stringifying each whole
 * row, then the page as one string, was most of what `kubectl get pods -A`
 * cost the server.
 */
export function tableJson(table: Table, likes?: readonly (number | undefined)[]): string[] {
  const { rows, ...head } = table;
  return encodeTable(head, rows.length, (k) => rows[k] as Row, likes);
}

/**
 * Members of a virtual set, named per row, and what tells one apart from its
 * like member (ListResult.members, ListResult.varying): once a group's text is
 * known, a member's row is that text around these strings, and its object is
 * not made.
 */
export interface TableMembers {
  member(k: number): number | undefined;
  varying(index: number, out: string[]): void;
  /** Every string `varying` writes is JSON-plain (VirtualObjects.plainVarying): written without a check. */
  plain?: boolean;
}

/** tableJson for rows printed one at a time (`rowAt`), only when a group's text cannot write them. */
export function encodeTable(
  head: Omit<Table, 'rows'>,
  count: number,
  rowAt: (k: number) => Row,
  likes?: readonly (number | undefined)[],
  members?: TableMembers,
): string[] {
  if (!likes || count === 0)
    return [JSON.stringify({ ...head, rows: Array.from({ length: count }, (_, k) => rowAt(k)) })];
  // `rows` is the last key, as JSON.stringify(table) writes it: the head's text ends in `"rows":[]}`.
  const headText = JSON.stringify({ ...head, rows: [] });
  const chunks: string[] = [];
  let parts: string[] = [headText.slice(0, -2)];
  const templates = new Map<number, RowTemplate | undefined>();
  const fields: string[] = [];
  for (let k = 0; k < count; k++) {
    const like = likes[k];
    if (k > 0) parts.push(',');
    if (k > 0 && k % rowsPerChunk === 0) {
      chunks.push(parts.join(''));
      parts = [];
    }
    if (like === undefined) {
      parts.push(JSON.stringify(rowAt(k)));
      continue;
    }
    const member = members?.member(k);
    let template = templates.get(like);
    if (template?.mapped && member !== undefined) {
      (members as TableMembers).varying(member, fields);
      if (template.writeFields(fields, parts, members?.plain === true)) continue;
    }
    const row = rowAt(k);
    const own = member === undefined ? undefined : memberFields(members as TableMembers, member);
    if (!templates.has(like)) {
      template = RowTemplate.of(row, own);
      templates.set(like, template);
    }
    if (!template || !template.write(row, parts, own)) parts.push(JSON.stringify(row));
  }
  parts.push(']}');
  chunks.push(parts.join(''));
  return chunks;
}

function memberFields(members: TableMembers, member: number): string[] {
  const out: string[] = [];
  members.varying(member, out);
  return out;
}

type Row = Table['rows'][number];
type Plain = Record<string, unknown>;

function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function isLeaf(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

interface Slot {
  /** The text before the value: separators, the key. */
  prefix: string;
  value: unknown;
  text: string;
}

/**
 * The text of a row `{cells, conditions?, object: {kind, apiVersion, metadata}}`
 * around its leaves: the cells and the metadata's own values, each a slot. A
 * row of the same shape is written from it: a value identical to the
 * template's reuses its text, a different leaf is stringified alone; any other
 * value must be the very object the template holds (shared labels, owner
 * references). A row that differs in shape is not written (the caller
 * stringifies it whole). The group's second row shows which slots vary (name,
 * uid, IP...); from then on a row that differs only there and only by plain
 * strings is the fixed text between them, its strings and their quotes.
 */
class RowTemplate {
  /** The fixed text around the varying slots, quotes included; undefined until learned, null when none fits. */
  private segments: string[] | null | undefined;
  private varying: boolean[] = [];
  /** Per varying slot, in order, which of a member's varying strings it holds (TableMembers); unset: not known. */
  private fieldOf: number[] | undefined;
  /** The template row's member strings, while a second row has not shown which slots vary. */
  private firstFields: readonly string[] | undefined;

  private constructor(
    private readonly slots: readonly Slot[],
    private readonly cellCount: number,
    private readonly conditions: unknown,
    private readonly object: Plain,
    private readonly objectKeys: readonly string[],
    private readonly keys: readonly string[],
  ) {}

  static of(row: Row, fields?: readonly string[]): RowTemplate | undefined {
    const { cells, conditions, object } = row;
    const rowKeys = Object.keys(row);
    const expected = conditions === undefined ? ['cells', 'object'] : ['cells', 'conditions', 'object'];
    if (rowKeys.join() !== expected.join() || cells.length === 0 || !cells.every(isLeaf) || !isPlain(object))
      return undefined;
    const objectKeys = Object.keys(object);
    const metadata = object.metadata;
    if (objectKeys.at(-1) !== 'metadata' || !isPlain(metadata)) return undefined;
    if (objectKeys.slice(0, -1).some((k) => !isLeaf(object[k]))) return undefined;
    const keys = Object.keys(metadata).filter((k) => metadata[k] !== undefined);
    // What JSON.stringify leaves out or calls (functions, symbols, toJSON) stays its business.
    const plainValue = (v: unknown) => isLeaf(v) || Array.isArray(v) || isPlain(v);
    if (keys.length === 0 || !keys.every((k) => plainValue(metadata[k]))) return undefined;
    const objectHead = JSON.stringify(Object.fromEntries(objectKeys.slice(0, -1).map((k) => [k, object[k]])));
    const middle = `]${conditions === undefined ? '' : `,"conditions":${JSON.stringify(conditions)}`},"object":${objectHead.length > 2 ? `${objectHead.slice(0, -1)},` : '{'}"metadata":{`;
    const slots: Slot[] = [
      ...cells.map((value, i) => ({ prefix: i === 0 ? '{"cells":[' : ',', value, text: JSON.stringify(value) })),
      ...keys.map((k, i) => ({
        prefix: `${i === 0 ? middle : ','}${JSON.stringify(k)}:`,
        value: metadata[k],
        text: JSON.stringify(metadata[k]),
      })),
    ];
    const template = new RowTemplate(slots, cells.length, conditions, object, objectKeys, keys);
    template.firstFields = fields;
    return template;
  }

  /** Whether a member's row can be written from its varying strings alone (writeFields). */
  get mapped(): boolean {
    return this.fieldOf !== undefined;
  }

  /**
   * A member's row from its varying strings, each in the slots where the
   * group's first two rows held that string; false (nothing appended) when one
   * needs escaping.
   */
  writeFields(fields: readonly string[], parts: string[], plain: boolean): boolean {
    const segments = this.segments as string[];
    const fieldOf = this.fieldOf as number[];
    for (let s = 0; !plain && s < fieldOf.length; s++) {
      const v = fields[fieldOf[s] as number];
      if (typeof v !== 'string' || needsJsonEscape.test(v)) return false;
    }
    for (let s = 0; s < fieldOf.length; s++) parts.push(segments[s] as string, fields[fieldOf[s] as number] as string);
    parts.push(segments[fieldOf.length] as string);
    return true;
  }

  /** Appends the row's text to `parts`; false (nothing appended) when the row is not of this shape. */
  write(row: Row, parts: string[], fields?: readonly string[]): boolean {
    const values = this.values(row);
    if (!values) return false;
    if (this.segments === undefined) {
      this.learn(values);
      if (this.segments) this.map(values, fields);
    }
    return this.writeFast(values, parts) || this.writeSlots(values, parts);
  }

  /** The row's slot values in the template's order; undefined when its shape differs. */
  private values(row: Row): unknown[] | undefined {
    const { cells, object } = row;
    if (cells.length !== this.cellCount || row.conditions !== this.conditions || !isPlain(object)) return undefined;
    const metadata = object.metadata;
    if (!isPlain(metadata)) return undefined;
    // The object's own keys, in order: the template's, each with the same leaf.
    let n = 0;
    for (const k in object) {
      if (k !== this.objectKeys[n] || (k !== 'metadata' && object[k] !== this.object[k])) return undefined;
      n++;
    }
    if (n !== this.objectKeys.length) return undefined;
    const values = cells.slice();
    let i = 0;
    for (const k in metadata) {
      const v = metadata[k];
      if (v === undefined) continue;
      if (k !== this.keys[i]) return undefined;
      values.push(v);
      i++;
    }
    return i === this.keys.length ? values : undefined;
  }

  /** The slots where this row differs from the template vary; they must hold plain strings. */
  private learn(values: unknown[]): void {
    const varying = this.slots.map((s, j) => values[j] !== s.value);
    if (!varying.includes(true)) return;
    this.varying = varying;
    if (this.varying.some((v, j) => v && typeof values[j] !== 'string')) {
      this.segments = null;
      return;
    }
    const segments: string[] = [];
    let fixed = '';
    this.slots.forEach((s, j) => {
      if (this.varying[j]) {
        segments.push(`${fixed}${s.prefix}"`);
        fixed = '"';
      } else {
        fixed += s.prefix + s.text;
      }
    });
    segments.push(`${fixed}}}}`);
    this.segments = segments;
  }

  /**
   * Which member string each varying slot holds: the one equal to the slot's
   * value in both the template row and this second row, and no other. Any
   * slot without exactly one, or a member string the two rows share, leaves
   * the group to the objects' path.
   */
  private map(values: unknown[], fields: readonly string[] | undefined): void {
    const first = this.firstFields;
    this.firstFields = undefined;
    if (!first || !fields || first.length !== fields.length) return;
    // A string both rows share (two pods of one app on one node) would be taken into the fixed text.
    for (let f = 0; f < fields.length; f++) if (first[f] === fields[f]) return;
    const fieldOf: number[] = [];
    for (let j = 0; j < this.slots.length; j++) {
      if (!this.varying[j]) continue;
      const was = (this.slots[j] as Slot).value;
      const is = values[j];
      let found = -1;
      for (let f = 0; f < fields.length; f++) {
        if (first[f] !== was || fields[f] !== is) continue;
        if (found >= 0) return;
        found = f;
      }
      if (found < 0) return;
      fieldOf.push(found);
    }
    this.fieldOf = fieldOf;
  }

  private writeFast(values: unknown[], parts: string[]): boolean {
    const segments = this.segments;
    if (!segments) return false;
    for (let j = 0; j < values.length; j++) {
      const v = values[j];
      if (this.varying[j] ? typeof v !== 'string' || needsJsonEscape.test(v) : v !== this.slots[j]?.value) return false;
    }
    let s = 0;
    for (let j = 0; j < values.length; j++) {
      if (!this.varying[j]) continue;
      parts.push(segments[s++] as string, values[j] as string);
    }
    parts.push(segments[s] as string);
    return true;
  }

  private writeSlots(values: unknown[], parts: string[]): boolean {
    const start = parts.length;
    for (let j = 0; j < values.length; j++) {
      const slot = this.slots[j] as Slot;
      const v = values[j];
      if (v !== slot.value && !isLeaf(v)) {
        parts.length = start;
        return false;
      }
      parts.push(slot.prefix, v === slot.value ? slot.text : JSON.stringify(v));
    }
    parts.push('}}}');
    return true;
  }
}
