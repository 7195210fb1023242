import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/cli/usageError.js';
import { reportCommand } from '../../src/cli/commands/report.js';
import type { SessionEvent } from '../../src/engine/events.js';
import { validate } from '../../src/runbook/load.js';
import { runbook } from '../../src/runbook/schema.js';
import { InputError, parseYamlSource } from '../../src/base/source.js';
import { parseTranscript } from '../../src/transcript/read.js';
import type { TranscriptEvent } from '../../src/transcript/read.js';
import { buildReport, renderJson } from '../../src/transcript/reportModel.js';
import { renderMarkdown } from '../../src/transcript/reportMarkdown.js';

const here = (p: string) => new URL(p, import.meta.url);
const fixturePath = here('fixtures/pod-pending-node-selector.jsonl').pathname;
const fixture = readFileSync(fixturePath, 'utf8');
const events = parseTranscript(fixture).events;
// A copy of the runbook as it was when the fixture was recorded, so edits to the bundled one do not move the golden file.
const spec = validate(
  parseYamlSource('workload-down.yaml', readFileSync(here('fixtures/workload-down.yaml'), 'utf8')),
  runbook,
);
const page = 'pod web-0 in namespace shop is not starting';

/** Envelopes for hand-built events: one second apart from a fixed start. */
function envelop(list: SessionEvent[]): TranscriptEvent[] {
  return list.map((e, i) => ({
    v: 1,
    seq: i + 1,
    t: new Date(Date.UTC(2026, 10, 20, 3, 0, i * 5)).toISOString(),
    ...e,
  }));
}

const start: SessionEvent = {
  type: 'session.start',
  runbook: 'workload-down',
  runbookTitle: 'A pod will not start or keeps restarting',
  symptom: 'pod web-0 in namespace shop is not running',
  page: null,
  runbookHash: '0'.repeat(64),
  mode: 'live',
  scenario: null,
  context: 'prod-eu',
  server: 'https://api.prod-eu.example.com:6443',
  inputs: { namespace: 'shop', pod: 'api-5d9c7b-x2x9k' },
};
const enter = (
  step: string,
  kind: 'check' | 'ask' | 'diagnosis',
  layer: 'pod' | 'node',
  phase: 'top-down' | 'bottom-up' = 'top-down',
): SessionEvent => ({
  type: 'step.enter',
  step,
  kind,
  title: `title of ${step}`,
  layer,
  phase,
  why: `why ${step}`,
});
const result = (
  step: string,
  check: string,
  outcome: string,
  verdict: 'ok' | 'finding' | 'error',
  summary: string,
): SessionEvent[] => [
  { type: 'check.start', step, check, params: {}, command: `kubectl ${step}` },
  {
    type: 'check.result',
    step,
    check,
    outcome,
    summary,
    evidence: [],
    facts: {},
    durationMs: 40,
    timedOut: false,
    verdict,
  },
];

/** Running, the user says it is still broken (by default: headless), the sweep finds nothing. */
const noFindingWalk = envelop([
  start,
  enter('pod-status', 'check', 'pod'),
  ...result('pod-status', 'pod.status', 'running', 'ok', 'pod is Running and all 1 containers are ready'),
  enter('ask-still-broken', 'ask', 'pod'),
  {
    type: 'ask',
    step: 'ask-still-broken',
    question: 'Is the problem still there?',
    choices: [
      { id: 'yes', label: 'Yes: sweep the layers bottom-up' },
      { id: 'no', label: 'No: it has recovered' },
    ],
    default: 'yes',
  },
  { type: 'answer', step: 'ask-still-broken', choice: 'yes', label: 'Yes: sweep the layers bottom-up', by: 'default' },
  enter('sweep-node-ready', 'check', 'node', 'bottom-up'),
  ...result('sweep-node-ready', 'node.ready', 'ready', 'ok', 'node worker-1 is Ready'),
  enter('sweep-pod-status', 'check', 'pod', 'bottom-up'),
  ...result('sweep-pod-status', 'pod.status', 'running', 'ok', 'pod is Running and all 1 containers are ready'),
  enter('sweep-pod-events', 'check', 'pod', 'bottom-up'),
  ...result('sweep-pod-events', 'pod.events', 'no-warnings', 'ok', 'no warning events'),
  { type: 'session.end', outcome: 'no-finding', reason: 'finished' },
]);

/** The Mermaid source of a Markdown report. */
function mermaidOf(md: string): string[] {
  const m = /```mermaid\n([\s\S]*?)\n```/.exec(md);
  return (m?.[1] ?? '').split('\n').map((l) => l.trim());
}

/** The model's whole-runbook flowchart (the JSON report's `mermaid`), as lines. */
function wholeRunbook(list: readonly TranscriptEvent[]): string[] {
  return buildReport(list, { runbook: spec })
    .mermaid.split('\n')
    .map((l) => l.trim());
}

/** The edges a `linkStyle` line highlights, as `from --> to` pairs. */
function highlightedEdges(lines: string[]): string[] {
  const edges = lines.filter((l) => /^\S+ -(->|\.->)/.test(l));
  const indices = (lines.find((l) => l.startsWith('linkStyle ')) ?? '').split(' ')[1]?.split(',').map(Number) ?? [];
  return indices.map((i) => (edges[i] ?? '').replace(/\|"[^"]*"\|/, '').replace(/\s+/g, ' '));
}

describe('renderMarkdown', () => {
  it('renders the pod-pending-node-selector walk as the committed postmortem', async () => {
    await expect(renderMarkdown(events, { runbook: spec, page })).toMatchFileSnapshot(
      'fixtures/pod-pending-node-selector.md',
    );
  });

  it('draws the path taken, and nothing else, in the Markdown', () => {
    const lines = mermaidOf(renderMarkdown(events, { runbook: spec }));
    expect(lines.filter((l) => /^\w+[[({]/.test(l))).toEqual([
      'walk_start(("start"))',
      's_pod_status["pod-status"]',
      's_pod_scheduling["pod-scheduling"]',
      's_unschedulable_node_selector(["unschedulable-node-selector"])',
    ]);
    expect(highlightedEdges(lines)).toHaveLength(3);
  });

  it('highlights the taken path in the whole runbook flowchart of the report model', () => {
    const lines = wholeRunbook(events);
    expect(lines[0]).toBe('flowchart TD');
    expect(lines).toContain('class walk_start,s_pod_status,s_pod_scheduling,s_unschedulable_node_selector taken');
    expect(highlightedEdges(lines)).toEqual([
      'walk_start --> s_pod_status',
      's_pod_status --> s_pod_scheduling',
      's_pod_scheduling --> s_unschedulable_node_selector',
    ]);
    // The whole runbook is drawn, not just the path; special targets are end nodes.
    expect(lines).toContain('s_node_gone(["node-gone"])');
    expect(lines).toContain('t_no_finding(("$no-finding"))');
  });

  it('still reports a transcript cut short, with a warning', () => {
    const lines = fixture.trimEnd().split('\n');
    const cut = `${lines.slice(0, 8).join('\n')}\n${(lines[8] ?? '').slice(0, 50)}`;
    const t = parseTranscript(cut);
    const md = renderMarkdown(t.events, { runbook: spec, truncated: t.truncated, problems: t.problems });
    expect(md).toContain(
      '> **Warning:** the transcript was cut short (its last line is incomplete: the session was killed mid-write). This report covers the 8 events before it.',
    );
    expect(md).toContain('- **Result:** unknown: the transcript ends without a session end');
    expect(md).toContain('| transcript ends here (no session end) |');
    expect(md).toContain('- **Duration:** at least 29.8 s');
    expect(md).not.toContain('Causal chain');
    expect(md).toContain('Not reached: unknown: the transcript ends without a session end');
    expect(highlightedEdges(mermaidOf(md))).toEqual([
      'walk_start --> s_pod_status',
      's_pod_status --> s_pod_scheduling',
    ]);
  });

  it('draws only the path when the runbook is not available, and says why', () => {
    const md = renderMarkdown(events, {
      runbookNote: 'The runbook workload-down could not be loaded, so only the path taken is drawn.',
    });
    const lines = mermaidOf(md);
    expect(lines.filter((l) => /^\w+[[({]/.test(l))).toEqual([
      'walk_start(("start"))',
      's_pod_status["pod-status"]',
      's_pod_scheduling["pod-scheduling"]',
      's_unschedulable_node_selector(["unschedulable-node-selector"])',
    ]);
    expect(highlightedEdges(lines)).toHaveLength(3);
    expect(md).toContain('_The runbook workload-down could not be loaded, so only the path taken is drawn._');
  });

  it('falls back to the path alone when the runbook no longer has the path taken', () => {
    const changed = structuredClone(spec);
    const step = changed.steps['pod-scheduling'];
    if (step?.type === 'check') step.next['node-selector'] = 'unschedulable-taint';
    const md = renderMarkdown(events, { runbook: changed });
    expect(md).toContain('has changed since this session');
    expect(mermaidOf(md)).not.toContain('s_node_gone(["node-gone"])');
  });

  it('shows the bottom-up sweep, the answer and who gave it, and the healthy layers of a walk with no finding', () => {
    const md = renderMarkdown(noFindingWalk, { runbook: spec });
    expect(md).toContain('- **Result:** no finding: every step of the runbook was walked and none found the cause');
    expect(md).toContain('- **Where:** live cluster, context `prod-eu` (https://api.prod-eu.example.com:6443)');
    expect(md).toContain('- **Who:** not recorded');
    // Answered by the default, not by a person: the timeline says so.
    expect(md).toContain(
      '| +00:30 | 2026-11-20T03:00:30Z | default | `ask-still-broken` (pod) | answered yes (Yes: sweep the layers bottom-up): the default, no one was asked (non-interactive) |  |',
    );
    expect(md).toContain(
      'Taken path: `pod-status` (running) → `ask-still-broken` (yes) → `$bottom-up` → `sweep-node-ready` (ready) → `sweep-pod-status` (running) → `sweep-pod-events` (no-warnings) → `$no-finding`',
    );
    expect(md).toContain(
      '- **pod**: checked and found healthy (`pod-status` → `running`, `sweep-pod-status` → `running`, `sweep-pod-events` → `no-warnings`)',
    );
    expect(md).toContain('- **node**: checked and found healthy (`sweep-node-ready` → `ready`)');
    expect(md).toContain('Not found. The walk went top-down and then swept the layers bottom-up');
    expect(md).toContain('- **cluster**: not checked');
    expect(highlightedEdges(wholeRunbook(noFindingWalk))).toEqual([
      'walk_start --> s_pod_status',
      's_pod_status --> s_ask_still_broken',
      's_ask_still_broken --> t_bottom_up',
      's_sweep_node_ready --> s_sweep_pod_status',
      's_sweep_pod_status --> s_sweep_pod_events',
      's_sweep_pod_events --> t_no_finding',
      't_bottom_up -.-> s_sweep_node_ready',
    ]);
  });

  it('does not call a layer healthy when a check there found something or could not run', () => {
    const walk = envelop([
      start,
      enter('pod-status', 'check', 'pod'),
      ...result('pod-status', 'pod.status', 'not-ready', 'finding', 'pod is Running but not ready'),
      enter('node-ready', 'check', 'node'),
      ...result('node-ready', 'node.ready', 'error', 'error', 'forbidden: cannot get nodes'),
      { type: 'session.end', outcome: 'incomplete', reason: 'finished' },
    ]);
    const r = buildReport(walk);
    expect(r.layers.map((l) => [l.layer, l.verdict])).toEqual([
      ['pod', 'findings'],
      ['node', 'inconclusive'],
      ['cluster', 'not-checked'],
      ['host', 'not-checked'],
    ]);
    expect(r.status).toBe('incomplete');
  });

  it.each([
    [
      'interrupted',
      { type: 'session.end', outcome: null, reason: 'interrupted' },
      '- **Result:** interrupted (Ctrl-C) before the end',
    ],
    [
      'crashed',
      { type: 'session.end', outcome: null, reason: 'crashed', error: 'TypeError: x is undefined' },
      '- **Result:** plumbline crashed: TypeError: x is undefined',
    ],
  ] as const)('says when the session was %s', (_name, end, line) => {
    const md = renderMarkdown(envelop([start, enter('pod-status', 'check', 'pod'), end]));
    expect(md).toContain(line);
    expect(md).toContain('no result: the session ended during the check');
  });

  it('redacts secrets again and escapes what Markdown would mangle', () => {
    const walk = envelop([
      start,
      enter('pod-logs', 'check', 'pod'),
      {
        type: 'check.start',
        step: 'pod-logs',
        check: 'pod.logs',
        params: {},
        command: "kubectl logs web-0 | grep -i 'err|fail'",
      },
      {
        type: 'check.result',
        step: 'pod-logs',
        check: 'pod.logs',
        outcome: 'errors',
        summary: 'login failed for <app>',
        evidence: [{ label: 'log', value: 'dial mysql://app:hunter2@db:3306\nAuthorization: Bearer abc123def456' }],
        facts: {},
        durationMs: 12,
        timedOut: false,
        verdict: 'finding',
      },
    ]);
    const md = renderMarkdown(walk);
    expect(md).not.toContain('hunter2');
    expect(md).not.toContain('abc123def456');
    expect(md).toContain("`kubectl logs web-0 \\| grep -i 'err\\|fail'`");
    expect(md).toContain('login failed for \\<app\\>');
    expect(md).toContain('→ `errors`: login failed for \\<app\\>');
    expect(md).toContain('    dial mysql://app:[REDACTED]@db:3306\n    Authorization: Bearer [REDACTED]');
  });
});

describe('renderJson', () => {
  it('carries the same content as the Markdown, as data', () => {
    const r = JSON.parse(renderJson(events, { runbook: spec })) as ReturnType<typeof buildReport>;
    expect(r.format).toBe('plumbline-report');
    expect(r.status).toBe('diagnosis');
    expect(r.diagnosis?.id).toBe('unschedulable-node-selector');
    expect(r.durationMs).toBe(29_801);
    expect(r.path.map((e) => `${e.from} ${e.on} ${e.to}`)).toEqual([
      '$start  pod-status',
      'pod-status unscheduled pod-scheduling',
      'pod-scheduling node-selector unschedulable-node-selector',
    ]);
    expect(r.visits.map((v) => v.step)).toEqual(['pod-status', 'pod-scheduling', 'unschedulable-node-selector']);
  });
});

describe('reportCommand', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes the report to --out with mode 0600 and exits 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plumbline-report-'));
    const out = join(dir, 'postmortem.md');
    vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    expect(await reportCommand(fixturePath, { format: 'markdown', out })).toBe(0);
    const md = await readFile(out, 'utf8');
    expect(md).toMatch(/^# Postmortem: pod web-0 in namespace shop is not running\n/);
    expect(md).toContain('- **Page:** pod web-0 in namespace shop is not starting');
    expect((await stat(out)).mode & 0o777).toBe(0o600);
  });

  it("prints JSON on stdout, and the reader's problems on stderr", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plumbline-report-'));
    const file = join(dir, 'cut.jsonl');
    await writeFile(file, fixture.slice(0, -20));
    const stdout = vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    expect(await reportCommand(file, { format: 'json', out: undefined })).toBe(0);
    const r = JSON.parse(String(stdout.mock.calls[0]?.[0])) as ReturnType<typeof buildReport>;
    expect(r.transcript.truncated).toBe(true);
    expect(r.status).toBe('cut-short');
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(/cut\.jsonl: line 11: cut short after \d+ bytes/);
  });

  it.each([
    ['no file argument', undefined, UsageError, 'report takes a transcript file: plumbline report <transcript.jsonl>'],
    ['a missing file', '/nonexistent/t.jsonl', InputError, '/nonexistent/t.jsonl:1:1: no such file'],
  ])('rejects %s with a one-line error', async (_name, file, type, message) => {
    const err = await reportCommand(file, { format: 'markdown', out: undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toBe(message);
  });

  it('rejects a file with no events', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plumbline-report-'));
    const file = join(dir, 'notes.txt');
    await writeFile(file, 'hello\n');
    await expect(reportCommand(file, { format: 'markdown', out: undefined })).rejects.toThrow(
      `${file}:1:1: no transcript events (line 1: not JSON (`,
    );
  });
});
