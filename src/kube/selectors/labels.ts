import { SelectorError } from './error.js';

/**
 * Label selectors with the grammar and error wording of
 * k8s.io/apimachinery/pkg/labels (`a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x)`, `a`, `!a`, `a>1`, `a<1`), so a malformed selector fails with
 * the message kubectl users know.
 */

export type LabelOperator = 'exists' | '!' | '=' | '==' | '!=' | 'in' | 'notin' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export interface LabelSelector {
  requirements: LabelRequirement[];
  matches(labels: Record<string, string> | undefined): boolean;
}

type TokenKind = 'identifier' | 'in' | 'notin' | '!' | '!=' | '(' | ')' | ',' | '=' | '==' | '>' | '<' | 'end';

interface Token {
  kind: TokenKind;
  literal: string;
}

const specialChars = new Set(['=', '!', '(', ')', ',', '>', '<']);
const binaryOperators = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] ?? '';
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (specialChars.has(ch)) {
      const two = input.slice(i, i + 2);
      if (two === '!=' || two === '==') {
        tokens.push({ kind: two, literal: two });
        i += 2;
      } else {
        tokens.push({ kind: ch as TokenKind, literal: ch });
        i++;
      }
      continue;
    }
    let j = i;
    while (j < input.length && !specialChars.has(input[j] ?? '') && !/\s/.test(input[j] ?? '')) j++;
    const word = input.slice(i, j);
    tokens.push({ kind: word === 'in' || word === 'notin' ? word : 'identifier', literal: word });
    i = j;
  }
  tokens.push({ kind: 'end', literal: '' });
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  /** In value position the keywords `in`/`notin` are plain identifiers, as upstream. */
  private peek(asValue = true): Token {
    const t = this.tokens[Math.min(this.pos, this.tokens.length - 1)] ?? { kind: 'end', literal: '' };
    return asValue && (t.kind === 'in' || t.kind === 'notin') ? { kind: 'identifier', literal: t.literal } : t;
  }

  private next(asValue = true): Token {
    const t = this.peek(asValue);
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  parse(): LabelRequirement[] {
    const out: LabelRequirement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'end') return out;
      if (t.kind !== 'identifier' && t.kind !== '!') {
        throw new Error(`found '${t.literal}', expected: !, identifier, or 'end of string'`);
      }
      try {
        out.push(this.requirement());
      } catch (err) {
        throw new Error(`unable to parse requirement: ${(err as Error).message}`, { cause: err });
      }
      const sep = this.next();
      if (sep.kind === 'end') return out;
      if (sep.kind !== ',') throw new Error(`found '${sep.literal}', expected: ',' or 'end of string'`);
      const after = this.peek();
      if (after.kind !== 'identifier' && after.kind !== '!') {
        throw new Error(`found '${after.literal}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): LabelRequirement {
    let negated = false;
    let t = this.next();
    if (t.kind === '!') {
      negated = true;
      t = this.next();
    }
    if (t.kind !== 'identifier') throw new Error(`found '${t.literal}', expected: identifier`);
    const key = t.literal;
    validateKey(key);
    const ahead = this.peek();
    if (ahead.kind === 'end' || ahead.kind === ',') return { key, operator: negated ? '!' : 'exists', values: [] };
    if (negated) throw new Error(`found '${ahead.literal}', expected: ',' or 'end of string'`);

    const op = this.next(false);
    let operator: LabelOperator;
    switch (op.kind) {
      case 'in':
      case 'notin':
      case '=':
      case '==':
      case '!=':
        operator = op.kind;
        break;
      case '>':
        operator = 'gt';
        break;
      case '<':
        operator = 'lt';
        break;
      default:
        throw new Error(`found '${op.literal}', expected: ${binaryOperators.join(', ')}`);
    }
    const values = operator === 'in' || operator === 'notin' ? this.valueList() : this.exactValue();
    validateValues(key, operator, values);
    return { key, operator, values };
  }

  private valueList(): string[] {
    const open = this.next();
    if (open.kind !== '(') throw new Error(`found '${open.literal}' expected: '('`);
    const values = new Set<string>();
    const first = this.peek();
    if (first.kind === ')') {
      this.next();
      return [''];
    }
    if (first.kind !== 'identifier' && first.kind !== ',') {
      throw new Error(`found '${first.literal}', expected: ',', ')' or identifier`);
    }
    for (;;) {
      const t = this.next();
      if (t.kind === 'identifier') {
        values.add(t.literal);
        const after = this.peek();
        if (after.kind === ',') continue;
        if (after.kind === ')') break;
        throw new Error(`found '${after.literal}', expected: ',' or ')'`);
      } else if (t.kind === ',') {
        // `(,a)`, `(a,,b)` and `(a,)` all admit the empty value, as upstream.
        if (values.size === 0) values.add('');
        const after = this.peek();
        if (after.kind === ')') {
          values.add('');
          break;
        }
        if (after.kind === ',') {
          this.next();
          values.add('');
        }
      } else {
        throw new Error(`found '${t.literal}', expected: ',', or identifier`);
      }
    }
    const close = this.next();
    if (close.kind !== ')') throw new Error(`found '${close.literal}', expected: ')'`);
    return [...values].sort();
  }

  private exactValue(): string[] {
    const ahead = this.peek();
    if (ahead.kind === 'end' || ahead.kind === ',') return [''];
    const t = this.next();
    if (t.kind === 'identifier') return [t.literal];
    throw new Error(`found '${t.literal}', expected: identifier`);
  }
}

const namePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function validateKey(key: string): void {
  const slash = key.indexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const problems: string[] = [];
  if (prefix !== undefined && (!dnsSubdomain.test(prefix) || prefix.length > 253)) {
    problems.push(
      "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
    );
  }
  if (name.length === 0) problems.push('name part must be non-empty');
  else if (name.length > 63) problems.push('name part must be no more than 63 characters');
  else if (!namePart.test(name)) {
    problems.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    );
  }
  if (problems.length > 0) throw new Error(`key: Invalid value: "${key}": ${problems.join(', ')}`);
}

function validateValues(key: string, operator: LabelOperator, values: string[]): void {
  if (operator === 'gt' || operator === 'lt') {
    if (values.length !== 1)
      throw new Error("values: Invalid value: for 'Gt', 'Lt' operators, exactly one value is required");
    if (!/^-?\d+$/.test(values[0] ?? ''))
      throw new Error("values[0]: Invalid value: for 'Gt', 'Lt' operators, the value must be an integer");
    return;
  }
  values.forEach((v, i) => {
    if (v.length > 63 || !labelValue.test(v)) {
      throw new Error(
        `values[${i}][${key}]: Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      );
    }
  });
}

function matchRequirement(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case 'exists':
      return has;
    case '!':
      return !has;
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(value ?? '');
    case '!=':
    case 'notin':
      return !has || !r.values.includes(value ?? '');
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(value ?? '')) return false;
      const left = Number(value);
      const right = Number(r.values[0]);
      return r.operator === 'gt' ? left > right : left < right;
    }
  }
}

/** Parses `labelSelector`; a malformed selector is a 400 with upstream's message. */
export function parseLabelSelector(input: string | null | undefined): LabelSelector {
  let requirements: LabelRequirement[];
  try {
    requirements = new Parser(lex(input ?? '')).parse();
  } catch (err) {
    throw new SelectorError((err as Error).message);
  }
  return {
    requirements,
    matches(labels) {
      const l = labels ?? {};
      return requirements.every((r) => matchRequirement(r, l));
    },
  };
}
