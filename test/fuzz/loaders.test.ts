import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { findCheck } from '../../src/checks/registry.js';
import { parseObjectFile } from '../../src/drill/raw.js';
import { loadScenarioSource } from '../../src/drill/scenario.js';
import { loadRunbookText } from '../../src/runbook/load.js';
import { InputError, parseYamlSource } from '../../src/base/source.js';
import { repoRoot, runCli } from '../helpers/cli.js';

// Fuzz of the runbook and scenario loaders (issue 14, "Also"): generated and mutated documents
// either load or fail as InputError (the CLI's exit 2), never another exception, never a hang.
// Fixed seed: every run tries the same documents; a failure prints the seed and path to replay.

const seed = 14_2026;
let tried = 0;

const dir = mkdtempSync(join(tmpdir(), 'plumbline-fuzz-'));
mkdirSync(join(dir, 'raw'));
writeFileSync(join(dir, 'raw', 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: { name: web-0, namespace: shop }\n');
writeFileSync(join(dir, 'raw', 'app.log'), 'started\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Loads or refuses as bad input; anything else is a crash the property reports. */
function holds(run: () => unknown): void {
  tried += 1;
  try {
    run();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
  }
}

async function holdsAsync(run: () => Promise<unknown>): Promise<void> {
  tried += 1;
  try {
    await run();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
  }
}

const weirdStrings = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '$no-finding',
  '$bottom-up',
  '$incomplete',
  '',
  ' ',
  '~',
  'null',
  'true',
  'no',
  '.inf',
  '-.nan',
  '0x1F',
  '0o17',
  '1e309',
  '-0',
  '9007199254740993',
  '{{inputs.x}}',
  '{{facts.__proto__}}',
  '{{ inputs.constructor }}',
  'now-5m',
  'now-99999999999d',
  'now+',
  'a.b',
  'x.',
  '.x',
  '..',
  '../../etc/shadow',
  '/dev/zero',
  'raw/pod.yaml',
  'raw/app.log',
  'raw/none.yaml',
  'raw',
  '\u0000',
  '\u001b[31mred',
  '\u2028',
  '\uFEFF',
  '\uD800',
  'é',
  '𝔘',
  'a'.repeat(300),
];
const weirdScalar = fc.oneof(
  fc.constantFrom(...weirdStrings),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const keyName = fc.oneof(
  fc.constantFrom(
    'id',
    'title',
    'symptom',
    'start',
    'bottomUp',
    'steps',
    'inputs',
    'include',
    'type',
    'layer',
    'why',
    'check',
    'with',
    'next',
    'question',
    'choices',
    'default',
    'label',
    'chain',
    'fix',
    'verify',
    'run',
    'node',
    'kube',
    'op',
    'page',
    'runbook',
    'expect',
    'diagnosis',
    'objects',
    'objectFiles',
    'logFiles',
    'hosts',
    'logs',
    'faults',
    'answers',
    'source',
    'pastedAt',
    'file',
    'stdout',
    'exitCode',
    '__proto__',
    'constructor',
    'prototype',
  ),
  fc.string({ maxLength: 6 }),
);
const { value: anyValue } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, weirdScalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(keyName, tie('value'), { maxKeys: 5 }),
}));

const layer = fc.constantFrom('pod', 'workload', 'node', 'cluster', 'host', 'downstream', 'nope');
const stepId = fc.oneof(
  fc.constantFrom('a', 'b', 'done', 'go', 'constructor', 'prototype', '__proto__', 'x.y', 'A', '$no-finding'),
  fc.string({ maxLength: 5 }),
);
const step = fc.oneof(
  fc.record(
    {
      type: fc.constant('check'),
      layer,
      why: weirdScalar,
      check: fc.constantFrom('pod.status', 'node.ready', 'nope', '__proto__'),
      with: fc.dictionary(keyName, weirdScalar, { maxKeys: 3 }),
      next: fc.dictionary(fc.constantFrom('error', 'running', 'crash-loop', '__proto__', 'constructor'), stepId, {
        maxKeys: 4,
      }),
    },
    { requiredKeys: ['type'] },
  ),
  fc.record(
    {
      type: fc.constant('ask'),
      layer,
      why: weirdScalar,
      question: weirdScalar,
      choices: fc.dictionary(keyName, fc.record({ label: weirdScalar, next: stepId }), { maxKeys: 3 }),
      default: stepId,
    },
    { requiredKeys: ['type'] },
  ),
  fc.record(
    {
      type: fc.constant('diagnosis'),
      layer,
      why: weirdScalar,
      title: weirdScalar,
      chain: fc.array(weirdScalar, { maxLength: 3 }),
      fix: fc.array(weirdScalar, { maxLength: 3 }),
      restsOn: fc.constantFrom('error', 'x'),
    },
    { requiredKeys: ['type'] },
  ),
  fc.record(
    {
      type: fc.constant('action'),
      layer,
      why: weirdScalar,
      title: weirdScalar,
      run: fc.array(weirdScalar, { maxLength: 3 }),
      kube: fc.record(
        {
          op: fc.constantFrom('delete-pod', 'patch', 'x'),
          name: weirdScalar,
          namespace: weirdScalar,
          resource: fc.constantFrom('pod', 'node', 'x'),
          patch: weirdScalar,
        },
        { requiredKeys: [] },
      ),
      verify: stepId,
      next: fc.record({ done: stepId, declined: stepId, failed: stepId }, { requiredKeys: [] }),
    },
    { requiredKeys: ['type'] },
  ),
  anyValue,
);
const runbookDoc = fc.record(
  {
    id: fc.oneof(fc.constant('fuzz'), weirdScalar),
    title: weirdScalar,
    symptom: weirdScalar,
    inputs: fc.array(
      fc.record(
        {
          name: fc.oneof(fc.constantFrom('node', 'pod', 'namespace'), weirdScalar),
          description: weirdScalar,
          default: weirdScalar,
          required: fc.boolean(),
          pick: fc.constantFrom('pod', 'node', 'x'),
        },
        { requiredKeys: ['name'] },
      ),
      { maxLength: 3 },
    ),
    include: fc.array(
      fc.record(
        {
          runbook: fc.oneof(
            fc.constantFrom('node-not-ready', 'workload-down', './none.yaml', '../x.yaml', '/dev/zero', 'raw/pod.yaml'),
            weirdScalar,
          ),
          as: stepId,
          with: fc.dictionary(keyName, weirdScalar, { maxKeys: 2 }),
          onNoFinding: stepId,
        },
        { requiredKeys: ['runbook'] },
      ),
      { maxLength: 2 },
    ),
    start: stepId,
    bottomUp: stepId,
    steps: fc.dictionary(stepId, step, { maxKeys: 5 }),
    extra: anyValue,
  },
  { requiredKeys: ['id', 'steps'] },
);
const kubeObject = fc.record(
  {
    apiVersion: fc.constantFrom('v1', 'apps/v1', 'x'),
    kind: fc.constantFrom('Pod', 'Node', 'List', 'Event', 'Deployment', '__proto__'),
    metadata: fc.record(
      {
        name: weirdScalar,
        namespace: weirdScalar,
        creationTimestamp: fc.constantFrom('now-5m', 'now-bad', '2021-03-04T10:22:13Z', 'x'),
      },
      { requiredKeys: [] },
    ),
    items: fc.array(anyValue, { maxLength: 2 }),
    status: anyValue,
    spec: anyValue,
  },
  { requiredKeys: ['kind'] },
);
const scenarioDoc = fc.record(
  {
    id: weirdScalar,
    title: weirdScalar,
    page: weirdScalar,
    runbook: fc.oneof(fc.constantFrom('workload-down', 'node-not-ready', 'nope'), weirdScalar),
    inputs: fc.dictionary(keyName, weirdScalar, { maxKeys: 3 }),
    expect: fc.record(
      {
        diagnosis: fc.oneof(fc.constant(null), stepId),
        outcome: fc.constantFrom('diagnosis', 'no-finding', 'incomplete', 'x'),
      },
      { requiredKeys: [] },
    ),
    pastedAt: fc.constantFrom('2021-03-04T10:22:13Z', 'not a time', '9999-99-99'),
    objects: fc.array(kubeObject, { maxLength: 3 }),
    objectFiles: fc.array(
      fc.oneof(
        fc.constantFrom('raw/pod.yaml', 'raw/app.log', 'raw', 'raw/none.yaml', '../x', '/dev/zero', '/etc/passwd'),
        weirdScalar,
      ),
      { maxLength: 2 },
    ),
    logFiles: fc.array(
      fc.record(
        {
          namespace: weirdScalar,
          pod: weirdScalar,
          container: weirdScalar,
          previous: weirdScalar,
          file: fc.constantFrom('raw/app.log', '/dev/urandom', '../../etc/shadow', 'raw'),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 2 },
    ),
    hosts: fc.dictionary(
      keyName,
      fc.dictionary(
        fc.string({ maxLength: 10 }),
        fc.oneof(
          fc.record(
            { stdout: weirdScalar, file: fc.constantFrom('raw/app.log', '/dev/zero', 'raw'), exitCode: weirdScalar },
            { requiredKeys: [] },
          ),
          anyValue,
        ),
        { maxKeys: 2 },
      ),
      { maxKeys: 2 },
    ),
    logs: fc.array(anyValue, { maxLength: 2 }),
    faults: fc.array(anyValue, { maxLength: 2 }),
    answers: fc.dictionary(keyName, weirdScalar, { maxKeys: 2 }),
    source: anyValue,
  },
  { requiredKeys: ['page'] },
);

/** A value as YAML text, sometimes in flow style or as JSON (kubectl -o json). */
const asText = (value: unknown, style: number): string => {
  if (style === 0) return JSON.stringify(value) ?? 'null';
  return stringify(value, { collectionStyle: style === 1 ? 'flow' : 'any', aliasDuplicateObjects: false });
};

// Real bundled runbooks and scenarios, to be cut and scrambled.
const realTexts = [
  ...readdirSync(join(repoRoot, 'runbooks')).map((f) => readFileSync(join(repoRoot, 'runbooks', f), 'utf8')),
  ...readdirSync(join(repoRoot, 'scenarios'))
    .filter((f) => f.endsWith('.yaml'))
    .slice(0, 40)
    .map((f) => readFileSync(join(repoRoot, 'scenarios', f), 'utf8')),
];
const insertions = [
  '__proto__: x',
  'constructor: {}',
  '  prototype: [1]',
  '<<: *a',
  'a: &a [*a]',
  'x: &a [1,2,3]',
  'y: [*a, *a, *a]',
  '*nowhere',
  '&a',
  '- &b {}',
  '%YAML 1.1',
  '---',
  '...',
  '? [a, b]\n: c',
  '!!binary aGVsbG8=',
  '!!set {a, b}',
  '!!omap [a: 1]',
  '!custom x',
  'k: !!int "x"',
  'k: !!float abc',
  `deep: ${'['.repeat(200)}${']'.repeat(200)}`,
  `deep: ${'{a: '.repeat(100)}1${'}'.repeat(100)}`,
  '\t\tindented: tab',
  'key: "unterminated',
  "key: 'x''",
  'key: |\n  block\n  text',
  '\u0000',
  '\u0007bell: 1',
  '\u001b[0m: 2',
  '\uFEFFbom: 3',
  'line\u2028sep: 4',
  'steps: null',
  'steps: []',
  'start: constructor',
  'default: constructor',
];
type Mutation = [op: number, at: number, arg: number];
const mutate = (text: string, ops: readonly Mutation[]): string => {
  let lines = text.split('\n');
  for (const [op, at, arg] of ops) {
    const i = at % Math.max(lines.length, 1);
    const j = arg % Math.max(lines.length, 1);
    switch (op) {
      case 0: // truncate at a random character
        lines = lines
          .join('\n')
          .slice(0, (at * 7919) % Math.max(lines.join('\n').length, 1))
          .split('\n');
        break;
      case 1: // a window of lines
        lines = lines.slice(Math.min(i, j), Math.max(i, j) + 1);
        break;
      case 2: {
        // swap two lines (keys trade places and indents)
        const a = lines[i] ?? '';
        lines[i] = lines[j] ?? '';
        lines[j] = a;
        break;
      }
      case 3: // insert a hostile line, indented like its neighbour
        lines.splice(i, 0, `${/^\s*/.exec(lines[i] ?? '')?.[0] ?? ''}${insertions[arg % insertions.length] ?? ''}`);
        break;
      case 4: // replace a value with a weird scalar
        lines[i] = (lines[i] ?? '').replace(/:\s.*$/, `: ${JSON.stringify(weirdStrings[arg % weirdStrings.length])}`);
        break;
      case 5: // a control character inside a line
        lines[i] =
          `${(lines[i] ?? '').slice(0, arg % 20)}${String.fromCharCode(arg % 32)}${(lines[i] ?? '').slice(arg % 20)}`;
        break;
      case 6: // duplicate a line (a duplicate key, most often)
        lines.splice(i, 0, lines[i] ?? '');
        break;
      default: // shift an indent
        lines[i] = arg % 2 === 0 ? ` ${lines[i] ?? ''}` : (lines[i] ?? '').replace(/^ /, '');
    }
  }
  return lines.join('\n');
};
const mutation = fc.tuple(fc.nat(7), fc.nat(), fc.nat());
// Mostly windows of a real file: whole bundled runbooks lint in tens of milliseconds each.
const mutatedReal = fc
  .tuple(fc.constantFrom(...realTexts), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.nat(), fc.nat(80))
  .map(([text, ops, start, length]) => {
    const lines = text.split('\n');
    const from = start % lines.length;
    const window =
      text.length > 4000
        ? [
            ['id: cut', 'title: t', 'symptom: s', 'start: a', 'steps:'].join('\n'),
            ...lines.slice(from, from + length),
          ].join('\n')
        : text;
    return mutate(window, ops);
  });

const settings = (numRuns: number) => ({
  seed,
  numRuns,
  interruptAfterTimeLimit: 60_000,
  markInterruptAsFailure: true,
});
const file = join(dir, 'fuzz.yaml');

describe('loader fuzz: load, or InputError (exit 2); nothing else', () => {
  it('runbook-shaped documents', () => {
    fc.assert(
      fc.property(runbookDoc, fc.nat(2), (doc, style) =>
        holds(() => loadRunbookText(file, asText(doc, style), findCheck)),
      ),
      settings(2_500),
    );
  }, 120_000);

  it('scenario-shaped documents, their raw files read from the scenario folder', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioDoc, fc.nat(2), (doc, style) =>
        holdsAsync(async () => loadScenarioSource(parseYamlSource(file, asText(doc, style)))),
      ),
      settings(2_000),
    );
  }, 120_000);

  it('object files (kubectl get -o yaml / -o json)', () => {
    const docs = fc.oneof(fc.array(kubeObject, { maxLength: 3 }), kubeObject, anyValue);
    fc.assert(
      fc.property(docs, fc.nat(2), (doc, style) =>
        holds(() =>
          parseObjectFile(
            file,
            Array.isArray(doc) && style === 2 ? doc.map((d) => stringify(d)).join('---\n') : asText(doc, style),
          ),
        ),
      ),
      settings(2_000),
    );
  }, 120_000);

  it('real runbooks and scenarios, cut and scrambled, through both loaders', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedReal, async (text) => {
        holds(() => loadRunbookText(file, text, findCheck));
        await holdsAsync(async () => loadScenarioSource(parseYamlSource(file, text)));
        holds(() => parseObjectFile(file, text));
      }),
      settings(1_200),
    );
  }, 120_000);

  it('tried at least 10,000 documents', () => {
    expect(tried).toBeGreaterThanOrEqual(10_000);
  });

  it('twenty of them through the real CLI: exit 0 or 2, never a stack trace', async () => {
    const texts = [
      ...fc.sample(
        runbookDoc.map((d) => asText(d, 2)),
        { seed, numRuns: 7 },
      ),
      ...fc.sample(
        scenarioDoc.map((d) => asText(d, 2)),
        { seed, numRuns: 7 },
      ),
      ...fc.sample(mutatedReal, { seed, numRuns: 6 }),
    ];
    const files = texts.map((t, i) => {
      const f = join(dir, `cli-${i}.yaml`);
      writeFileSync(f, t);
      return f;
    });
    const r = await runCli(['lint', ...files], { timeoutMs: 60_000 });
    expect([0, 2]).toContain(r.exitCode);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    // Every file answered: ok, or its problems at file:line:col.
    for (const f of files) expect(r.stdout.includes(`${f}: ok\n`) || r.stdout.includes(`${f}:`)).toBe(true);
  }, 90_000);
});
