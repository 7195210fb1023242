/**
 * Signature patterns run on every line a walk reads, and users write them:
 * a pattern must never backtrack catastrophically. Two forms are allowed:
 * `contains` (substrings in order: linear), and a regex kept to a shape whose
 * worst case stays small on a line of at most maxLine characters, the way
 * src/base/redact.ts keeps its rules bounded:
 * - no quantified group that itself holds a quantifier (star height 1:
 *   `(a+)+`, `(\w+\s?)*` are refused),
 * - no backreference and no lookbehind,
 * - at most three unbounded quantifiers (`*`, `+`, `{n,}`); `.{0,200}` is preferred,
 * - a bounded quantifier's upper bound at most 1000.
 */

/** Longer lines are cut before matching: a log line of megabytes is not read whole. */
export const maxLine = 2000;
const maxUnbounded = 3;
const maxBound = 1000;

/** Why a regex is refused, or null when it is within the bounds above (or does not compile: say so too). */
export function unsafeRegex(source: string): string | null {
  try {
    new RegExp(source, 'iu');
  } catch (err) {
    return `does not compile: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (/\\[1-9]|\\k</.test(source))
    return 'uses a backreference (it can backtrack without bound): match the text itself';
  if (source.includes('(?<=') || source.includes('(?<!'))
    return 'uses a lookbehind: match the text before as part of the pattern';
  // Walk the pattern once: for each open group, whether it holds a quantifier.
  const groups: boolean[] = [];
  let unbounded = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      // A character class: skip to its end (escapes inside count as one).
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
      continue;
    }
    if (c === '(') {
      groups.push(false);
      continue;
    }
    if (c === ')') {
      const held = groups.pop() ?? false;
      const q = quantifierAt(source, i + 1);
      if (q) {
        if (q.unbounded || q.upper > 1) {
          if (held)
            return `quantifies a group that holds a quantifier (${source.slice(Math.max(0, i - 20), i + 1 + q.length)}): such nesting can backtrack exponentially`;
        }
        if (q.unbounded) unbounded++;
        if (q.upper > maxBound && !q.unbounded) return `bound ${q.upper} is over ${maxBound}`;
        if (groups.length > 0) groups[groups.length - 1] = true;
        i += q.length;
      } else if (held && groups.length > 0) groups[groups.length - 1] = true;
      continue;
    }
    const q = quantifierAt(source, i);
    if (q) {
      if (q.unbounded) unbounded++;
      if (!q.unbounded && q.upper > maxBound) return `bound ${q.upper} is over ${maxBound}`;
      if (groups.length > 0) groups[groups.length - 1] = true;
      i += q.length - 1;
    }
  }
  if (unbounded > maxUnbounded)
    return `has ${unbounded} unbounded quantifiers (at most ${maxUnbounded}): bound them, as in .{0,200}`;
  return null;
}

interface Quantifier {
  length: number;
  unbounded: boolean;
  upper: number;
}

function quantifierAt(s: string, i: number): Quantifier | null {
  const c = s[i];
  const lazy = (n: number) => (s[i + n] === '?' ? n + 1 : n);
  if (c === '*' || c === '+') return { length: lazy(1), unbounded: true, upper: Infinity };
  if (c === '?') return { length: lazy(1), unbounded: false, upper: 1 };
  if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(i, i + 16));
    if (!m) return null;
    const upper = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
    return { length: lazy(m[0].length), unbounded: upper === Infinity, upper };
  }
  return null;
}

/** A compiled pattern: true when a line matches. */
export type LineTest = (line: string) => boolean;

/** `contains` matches when every piece occurs, in order, ignoring case: linear in the line. */
export function containsTest(pieces: readonly string[]): LineTest {
  const lower = pieces.map((p) => p.toLowerCase());
  return (line) => {
    const l = line.slice(0, maxLine).toLowerCase();
    let from = 0;
    for (const p of lower) {
      const at = l.indexOf(p, from);
      if (at < 0) return false;
      from = at + p.length;
    }
    return true;
  };
}

export function regexTest(source: string): LineTest {
  const re = new RegExp(source, 'iu');
  return (line) => re.test(line.slice(0, maxLine));
}
