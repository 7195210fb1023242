import { SelectorError } from './error.js';

/**
 * Field selectors as k8s.io/apimachinery/pkg/fields parses them: terms split
 * on unescaped commas (all ANDed), operators `!=`, `==`, `=` found at their
 * first occurrence, `\,` `\=` `\\` escapes in the value.
 */

export interface FieldTerm {
  field: string;
  operator: '=' | '!=';
  value: string;
}

export interface FieldSelector {
  terms: FieldTerm[];
  /** The value an equality term pins `field` to, if any (for index lookups). */
  pinned(field: string): string | undefined;
  matches(read: (field: string) => string): boolean;
}

function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let current = '';
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (ch === '\\' && i + 1 < selector.length) {
      current += ch + (selector[i + 1] ?? '');
      i++;
    } else if (ch === ',') {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms;
}

function splitTerm(term: string): { lhs: string; op: string; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '=']) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

function unescape(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\') {
      const next = value[i + 1];
      if (next === '\\' || next === ',' || next === '=') {
        out += next;
        i++;
        continue;
      }
      throw new SelectorError(`invalid field selector: invalid escape sequence: \\${next ?? ''}`);
    }
    // Upstream formats the rune with %v, i.e. as its code point.
    if (ch === ',' || ch === '=')
      throw new SelectorError(`invalid field selector: unescaped character in value: ${ch.charCodeAt(0)}`);
    out += ch;
  }
  return out;
}

/**
 * Parses `fieldSelector` and checks every field against what the resource
 * supports; an unknown field is a 400 worded by `unsupported` (for core
 * kinds: `field label not supported: <field>`).
 */
export function parseFieldSelector(
  input: string | null | undefined,
  supported: (field: string) => boolean,
  unsupported: (field: string) => string,
): FieldSelector {
  const selector = input ?? '';
  const terms: FieldTerm[] = [];
  // Upstream sorts the terms before converting them, so that is the order errors come in.
  for (const part of splitTerms(selector).sort()) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    terms.push({ field: split.lhs, operator: split.op === '!=' ? '!=' : '=', value: unescape(split.rhs) });
  }
  for (const t of terms) {
    if (!supported(t.field)) throw new SelectorError(unsupported(t.field));
  }
  return {
    terms,
    pinned(field) {
      return terms.find((t) => t.field === field && t.operator === '=')?.value;
    },
    matches(read) {
      return terms.every((t) => (read(t.field) === t.value) === (t.operator === '='));
    },
  };
}
