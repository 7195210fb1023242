/** Narrowing readers for plain JSON objects, so printers and selectors never trust a shape. */

/** An object of no particular kind (what the store holds, a scenario's raw JSON): the drill's one untyped shape. */
export type Json = Record<string, unknown>;

export function asObject(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

export function asArray(v: unknown): Json[] {
  return Array.isArray(v) ? v.map(asObject) : [];
}

export function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(asString) : [];
}

export function asString(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

export function asNumber(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Reads `a.b.c` from a JSON object; missing steps give undefined. */
export function at(obj: unknown, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Json)[key];
  }
  return cur;
}
