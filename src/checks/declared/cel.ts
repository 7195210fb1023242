import { Environment } from '@marcbachmann/cel-js';

/**
 * CEL, the language Kubernetes uses in ValidatingAdmissionPolicy and CRD
 * validation rules, through @marcbachmann/cel-js: it parses and type-checks
 * an expression against declared variables, so lint can name an unknown
 * variable before anything runs.
 */

/** The variables one kind of declared check gives its expressions, with their CEL types and what they hold. */
export interface CelVariable {
  name: string;
  type: string;
  description: string;
}

const paramsVar: CelVariable = {
  name: 'params',
  type: 'map<string, string>',
  description: 'the parameters the step gave',
};
/** The walk's clock (a drill's own), for ages: `now - timestamp(object.status.lastScheduleTime) > duration("26h")`. */
const nowVar: CelVariable = {
  name: 'now',
  type: 'google.protobuf.Timestamp',
  description: "the time of the check (the drill's clock in a drill)",
};

export const sourceVariables = {
  'kube-get': [
    { name: 'object', type: 'dyn', description: 'the object as the API returned it (null when it does not exist)' },
    { name: 'found', type: 'bool', description: 'whether the object exists' },
    paramsVar,
    nowVar,
  ],
  'kube-list': [
    { name: 'items', type: 'list<dyn>', description: 'the objects listed (at most limit)' },
    { name: 'count', type: 'int', description: 'how many were listed' },
    { name: 'truncated', type: 'bool', description: 'true when the API had more than limit' },
    paramsVar,
    nowVar,
  ],
  host: [
    { name: 'stdout', type: 'string', description: "the command's standard output" },
    { name: 'stderr', type: 'string', description: "the command's standard error" },
    { name: 'exitCode', type: 'int', description: 'its exit status (-1 when it did not exit by itself)' },
    { name: 'lines', type: 'list<string>', description: 'stdout split into lines' },
    paramsVar,
    nowVar,
  ],
  http: [
    { name: 'status', type: 'int', description: 'the HTTP status code' },
    { name: 'headers', type: 'map<string, string>', description: 'response headers, names in lower case' },
    { name: 'body', type: 'string', description: 'the response body (at most 64 KiB)' },
    { name: 'json', type: 'dyn', description: 'the body parsed as JSON (null when it is not JSON)' },
    { name: 'latencyMs', type: 'int', description: 'milliseconds from sending the request to the end of the body' },
    paramsVar,
    nowVar,
  ],
  logs: [
    { name: 'lines', type: 'list<string>', description: 'the log lines read (the last tailLines)' },
    { name: 'text', type: 'string', description: 'the same lines as one text' },
    paramsVar,
    nowVar,
  ],
} satisfies Record<string, CelVariable[]>;

export type SourceShape = keyof typeof sourceVariables;

/** Regex helpers for text (JavaScript regular expressions; CEL's own `matches` is there too). */
const helpers: { signature: string; description: string; handler: (...args: never[]) => unknown }[] = [
  {
    signature: 'find(string, string): string',
    description: 'the first match of the regex in the text, or "" when there is none',
    handler: (text: string, re: string) => regex(re).exec(text)?.[0] ?? '',
  },
  {
    signature: 'capture(string, string): string',
    description: 'the first capture group of the first match, or "" when there is none',
    handler: (text: string, re: string) => regex(re).exec(text)?.[1] ?? '',
  },
  {
    signature: 'grep(list<string>, string): list<string>',
    description: 'the lines the regex matches',
    handler: (lines: string[], re: string) => {
      const r = regex(re);
      return lines.filter((l) => r.test(l));
    },
  },
  {
    signature: 'sum(list<int>): int',
    description: 'the sum of a list of ints (CEL has no fold): sum(items.map(s, size(s.endpoints)))',
    handler: (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n),
  },
  {
    signature: 'count(list<string>, string): int',
    description: 'how many lines the regex matches',
    handler: (lines: string[], re: string) => {
      const r = regex(re);
      return BigInt(lines.filter((l) => r.test(l)).length);
    },
  },
];

const regexCache = new Map<string, RegExp>();

function regex(source: string): RegExp {
  let r = regexCache.get(source);
  if (!r) {
    r = new RegExp(source);
    if (regexCache.size > 500) regexCache.clear();
    regexCache.set(source, r);
  }
  return r;
}

let base: Environment | undefined;

function baseEnvironment(): Environment {
  if (!base) {
    base = new Environment({
      enableOptionalTypes: true,
      homogeneousAggregateLiterals: false,
      limits: { maxAstNodes: 2000, maxDepth: 64 },
    });
    for (const h of helpers)
      base.registerFunction(h.signature, h.handler as (...a: unknown[]) => unknown, { description: h.description });
  }
  return base;
}

/** An environment with a source's variables and the names bound so far (`let`), each of any type. */
export function celEnvironment(shape: SourceShape, bound: readonly string[]): Environment {
  const env = baseEnvironment().clone();
  for (const v of sourceVariables[shape]) env.registerVariable(v.name, v.type);
  for (const name of bound) if (!env.hasVariable(name)) env.registerVariable(name, 'dyn');
  return env;
}

/** Why an expression cannot run, in one line, or undefined when it parses and names only known variables. */
export function celProblem(env: Environment, expression: string): string | undefined {
  let result: ReturnType<Environment['check']>;
  try {
    result = env.check(expression);
  } catch (err) {
    return firstLine(err instanceof Error ? err.message : String(err));
  }
  if (result.valid) return undefined;
  return firstLine(result.error?.message ?? 'does not type-check');
}

function firstLine(s: string): string {
  return s.split('\n')[0]?.trim() ?? s;
}

/** What an expression evaluated to, or why it could not be (a missing field, a wrong type). */
export type CelOutcome = { ok: true; value: unknown } | { ok: false; message: string };

export function celEvaluate(env: Environment, expression: string, vars: Record<string, unknown>): CelOutcome {
  try {
    const value: unknown = env.evaluate(expression, vars);
    if (value instanceof Promise) return { ok: false, message: 'an expression may not wait for anything' };
    return { ok: true, value };
  } catch (err) {
    return { ok: false, message: firstLine(err instanceof Error ? err.message : String(err)) };
  }
}

/** JSON as CEL sees it: whole numbers are ints (CEL's int is a JavaScript bigint here). */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toCel(v);
    return out;
  }
  return value;
}

/** A CEL value as a person reads it: strings bare, numbers and bools as written, lists and maps as JSON. */
export function celText(value: unknown, max = 400): string {
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : value === null || value === undefined
          ? 'null'
          : JSON.stringify(value, (_k, v: unknown): unknown =>
              typeof v === 'bigint'
                ? Number(v)
                : v instanceof Map
                  ? (Object.fromEntries(v as Map<unknown, unknown>) as unknown)
                  : v,
            );
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
