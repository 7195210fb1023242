import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findCheck } from '../../src/checks/registry.js';
import { stepTexts } from '../../src/runbook/factProof.js';
import { includePrefix } from '../../src/runbook/include.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import type { RunbookSpec } from '../../src/runbook/schema.js';
import { renderLoose, templateRefs } from '../../src/runbook/template.js';

/**
 * A command a person copies must run as printed, whether the facts it names
 * were read or not: `kubectl logs mysql-0 -n db -c the container --previous`
 * is what a fallback's words do inside one. Every text of every step is
 * rendered twice, with no fact known that has words for the unknown, and
 * with every fact known; each command in it is cut out and must hold no prose.
 */

/** Words that start a command a person types (after `sudo`, a second one is the same command). */
const starters =
  /(?:^|[\s:(`])((?:sudo\s+)?(?:kubectl|journalctl|crictl|systemctl|ssh|ls|docker|ctr|etcdctl|curl|dig|nslookup))\s/g;

/** Where a command stops, outside quotes: a clause, a parenthesis, a pair of spaces before a note, prose after a colon. */
const enders = /^(?:;|\s*&&|: |\(|\)|\s{2}|, |\s+and\s|\s+or\s|\s+then\s|\.\s|\.$)/;

/** The marks put around every template here: what it became (a value, a fallback's words, nothing) is one piece of a command. */
const open = '\u0001';
const shut = '\u0002';

/** Where a `$(` whose inside starts at `from` closes (it may hold quotes and other `$(...)`), or -1. */
function substitutionEnd(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      i = text.indexOf("'", i + 1);
      if (i < 0) return -1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** What one template became, between its marks. */
const piece = new RegExp(`${open}([^${shut}]*)${shut}`, 'g');

/** Every command of a text, from its first word to where it stops. */
export function commandSpans(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(starters)) {
    const start = (m.index ?? 0) + m[0].indexOf(m[1] ?? '');
    let i = start;
    for (; i < text.length; i++) {
      const c = text[i] ?? '';
      // Quotes, $(...) and what a template became (between the marks) are one piece: what ends a command inside them does not end it.
      if (c === '$' && text[i + 1] === '(') {
        const at = substitutionEnd(text, i + 2);
        if (at < 0) break;
        i = at;
        continue;
      }
      const close = c === "'" || c === '"' ? c : c === open ? shut : undefined;
      if (close !== undefined) {
        const at = text.indexOf(close, i + 1);
        if (at < 0) break;
        i = at;
        continue;
      }
      if (enders.test(text.slice(i))) break;
    }
    out.push(text.slice(start, i).trimEnd());
  }
  return out;
}

const prose = new Set([
  'the',
  'its',
  'each',
  'their',
  'a',
  'an',
  'this',
  'that',
  'from',
  'not',
  'known',
  'read',
  'see',
]);
/** Flags that take a value: with none after them, the command means something else or nothing. */
const valued = new Set([
  '-n',
  '-c',
  '-u',
  '-l',
  '-o',
  '--namespace',
  '--container',
  '--since',
  '--tail',
  '--runtime-endpoint',
]);

/** What is wrong with a command as printed, or undefined. */
export function commandProblem(cmd: string): string | undefined {
  // Quoted words and $(...) are the shell's, not prose.
  let unquoted = cmd.replace(/'[^']*'|"[^"]*"/g, 'q');
  for (let prev = ''; prev !== unquoted;) {
    prev = unquoted;
    unquoted = unquoted.replace(/\$\([^()]*\)/g, 'q');
  }
  if (/[()]/.test(unquoted)) return 'a parenthesis';
  const words = unquoted.trim().split(/\s+/);
  const word = words.find((w) => prose.has(w.toLowerCase()));
  if (word !== undefined) return `the word "${word}"`;
  // After a pipe the words are grep's, sort's or wc's: their -c, -n and -l take no value.
  const pipe = words.indexOf('|');
  for (let i = 0; i < (pipe < 0 ? words.length : pipe); i++) {
    const w = words[i] ?? '';
    const next = words[i + 1];
    // journalctl --since -30m: a value may start with - and a digit.
    if (valued.has(w) && (next === undefined || /^-(?!\d)/.test(next) || next === '|')) return `${w} with no value`;
    if (/^--?[a-z-]+=$/.test(w)) return `${w} with no value`;
  }
  if (/\s{2}\S/.test(cmd.trim())) return 'an empty argument';
  return undefined;
}

interface Scopes {
  none: { inputs: Record<string, string>; facts: Record<string, string> };
  all: { inputs: Record<string, string>; facts: Record<string, string> };
}

/**
 * The two fillings of a text. Unknown: every fact and optional input that has
 * words for the unknown (a fact named bare is proven known there by lint's
 * placeholder proof). Known: every value, as a name-like word.
 */
function scopes(spec: RunbookSpec, text: string): Scopes {
  const sample = (name: string) => `${name.toLowerCase()}-1`;
  const none: Scopes['none'] = { inputs: {}, facts: {} };
  const all: Scopes['all'] = { inputs: {}, facts: {} };
  for (const input of spec.inputs) {
    all.inputs[input.name] = sample(input.name);
    if (input.required || input.default !== undefined) none.inputs[input.name] = sample(input.name);
  }
  for (const ref of templateRefs(text)) {
    if (ref.scope !== 'facts') continue;
    all.facts[ref.name] = sample(ref.name);
    if (ref.fallback === undefined && ref.guarded !== true && ref.section === undefined)
      none.facts[ref.name] = sample(ref.name);
  }
  return { none, all };
}

/** The texts a person reads at an ending: its title, its chain, its fix, its verification. */
const judged = /^(?:title|chain|fix|verify)/;

/**
 * Each command of a diagnosis's texts, as printed with no fact known and with
 * every fact known, and what is wrong with it: every command a template
 * fills, and every command of a fix or a verification.
 */
export function offenders(spec: RunbookSpec): string[] {
  const bad: string[] = [];
  for (const [id, step] of Object.entries(spec.steps)) {
    // An included runbook's steps are judged in its own file.
    if (includePrefix(id) !== undefined || step.type !== 'diagnosis') continue;
    for (const t of stepTexts(step)) {
      if (!judged.test(t.label)) continue;
      const { none, all } = scopes(spec, t.text);
      const marked = t.text.replace(/\{\{[^}]*\}\}/g, (m) => `${open}${m}${shut}`);
      for (const [known, scope] of [
        ['no facts', none],
        ['all facts', all],
      ] as const) {
        for (const span of commandSpans(renderLoose(marked, scope))) {
          // A command no template touches is judged where a person copies it (a fix, a verification); a chain names tools in prose.
          if (!span.includes(open) && !/^(?:fix|verify)/.test(t.label)) continue;
          const cmd = span.replaceAll(open, '').replaceAll(shut, '').trimEnd();
          // A fallback's words inside quotes are still in the command: `jsonpath='{...itsProbe}'`.
          const words = [...span.matchAll(piece)].map((m) => m[1] ?? '').find((w) => commandProblem(w));
          const problem = words === undefined ? commandProblem(cmd) : `the words "${words}"`;
          if (problem) bad.push(`${id} ${t.label} (${known}): ${problem}: ${cmd}`);
        }
      }
    }
  }
  return bad;
}

describe('commands in runbook texts', () => {
  it('are cut where the command ends', () => {
    expect(
      commandSpans(
        'Read it: kubectl logs p -n ns --previous; then sudo systemctl restart kubelet. Check kubectl get pvc x -n ns  (STATUS Bound)',
      ),
    ).toEqual(['kubectl logs p -n ns --previous', 'sudo systemctl restart kubelet', 'kubectl get pvc x -n ns']);
    expect(commandSpans('kubectl get pod p -o jsonpath=\'{.spec.containers[?(@.name=="a")].ports}\'; fix it')).toEqual([
      'kubectl get pod p -o jsonpath=\'{.spec.containers[?(@.name=="a")].ports}\'',
    ]);
    expect(commandSpans("kubectl get x --as=a:$(kubectl get pod -n $(dirname a/b) -o jsonpath='{.x}'); then")).toEqual([
      "kubectl get x --as=a:$(kubectl get pod -n $(dirname a/b) -o jsonpath='{.x}')",
      "kubectl get pod -n $(dirname a/b) -o jsonpath='{.x}'",
    ]);
    expect(commandSpans('kubectl describe pod p -n ns: its message names the ConfigMap')).toEqual([
      'kubectl describe pod p -n ns',
    ]);
  });

  it('tell prose from a command', () => {
    expect(commandProblem('kubectl logs mysql-0 -n db -c the container --previous')).toBe('the word "the"');
    expect(commandProblem('kubectl describe pv')).toBeUndefined();
    expect(commandProblem("kubectl get pvc -n  | grep -A5 'Node Affinity'")).toBe('-n with no value');
    expect(commandProblem('kubectl -n db logs -c --previous')).toBe('-c with no value');
    expect(commandProblem("kubectl get pods -A | grep 'the node'")).toBeUndefined();
    expect(commandProblem('kubectl get --raw /metrics | sort -n | wc -l')).toBeUndefined();
    expect(commandProblem('kubectl uncordon each of them')).toBe('the word "each"');
  });

  it('finds a fallback inside a command, and not one in the prose around it or a section', () => {
    const spec = (fix: string) =>
      ({
        inputs: [{ name: 'namespace', required: true }],
        steps: { d: { type: 'diagnosis', title: 'Down', chain: ['it is down'], fix: [fix], verify: [] } },
      }) as unknown as RunbookSpec;
    expect(
      offenders(spec('kubectl logs p -n {{inputs.namespace}} -c {{facts.container | "the container"}} --previous')),
    ).toEqual([
      'd fix line 1 (no facts): the words "the container": kubectl logs p -n namespace-1 -c the container --previous',
    ]);
    expect(offenders(spec('Read {{facts.container | "its"}} log: kubectl logs p -n {{inputs.namespace}}'))).toEqual([]);
    expect(
      offenders(
        spec('kubectl logs p -n {{inputs.namespace}}{{#facts.container}} -c {{facts.container}}{{/facts.container}}'),
      ),
    ).toEqual([]);
    expect(offenders(spec('kubectl logs p -n {{inputs.namespace}} -c {{facts.container | ""}} --previous'))).toEqual([
      'd fix line 1 (no facts): -c with no value: kubectl logs p -n namespace-1 -c  --previous',
    ]);
  });

  for (const file of readdirSync('runbooks').filter((f) => f.endsWith('.yaml'))) {
    it(`run as printed, facts known or not, in ${file}`, async () => {
      const { spec } = await loadRunbookFile(`runbooks/${file}`, findCheck);
      expect(offenders(spec)).toEqual([]);
    });
  }
});
