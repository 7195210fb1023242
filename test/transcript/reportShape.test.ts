import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/engine/events.js';
import type { TranscriptEvent } from '../../src/transcript/read.js';
import { renderHtml } from '../../src/transcript/reportHtml.js';
import { renderMarkdown } from '../../src/transcript/reportMarkdown.js';
import { runCli } from '../helpers/cli.js';

/** A real 12-check walk: a drill walked headless with --transcript, then reported as a user would. */
describe('the report of a real 12-check walk (cps-apiserver-busy)', () => {
  let dir: string;
  let transcript: string;
  let md: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plumbline-report-shape-'));
    transcript = join(dir, 't.jsonl');
    const run = await runCli(['drill', 'cps-apiserver-busy', '--non-interactive', '--transcript', transcript], {
      timeoutMs: 60_000,
    });
    expect(run.exitCode).toBe(0);
    const rep = await runCli(['report', transcript]);
    expect(rep.exitCode).toBe(0);
    md = rep.stdout;
  }, 90_000);

  it('walked 12 checks (the page read at the start and again before the end) and reports them in under 250 lines, in the postmortem sections', () => {
    const results = readFileSync(transcript, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"type":"check.result"'));
    expect(results).toHaveLength(12);
    expect(md.split('\n').length).toBeLessThan(250);
    const headings = md.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual([
      '## Summary',
      '## Impact',
      '## Timeline',
      '## Root cause',
      '## Fix and verification',
      '## Follow-ups',
      '## Layers',
      '## Path through the runbook',
      '## Raw outputs',
    ]);
    // The impact is plainly marked as to fill, never made up.
    expect(md).toContain('## Impact\n\n_To fill: ');
  });

  it('shows no raw output twice and repeats no words', () => {
    const blocks = [...md.matchAll(/<details>\n<summary>[^\n]*<\/summary>\n\n```\n([\s\S]*?)\n```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThan(0);
    expect(new Set(blocks).size).toBe(blocks.length);
    expect(md).not.toMatch(/\b(\w+: )\1/);
    // Every fenced line is inside a collapsed block or the Mermaid path: no raw JSON in the open.
    const open = md.replace(/<details>[\s\S]*?<\/details>/g, '').replace(/```mermaid[\s\S]*?```/g, '');
    expect(open).not.toContain('"apiVersion"');
  });

  it('--full shows every line of every raw output', async () => {
    const full = await runCli(['report', transcript, '--full']);
    expect(full.stdout).not.toContain('more lines: `plumbline report --full` shows them.');
    expect(full.stdout.split('\n').length).toBeGreaterThan(md.split('\n').length);
  });

  it('--format html is one self-contained page with the same sections and the path drawn', async () => {
    const out = join(dir, 'r.html');
    const rep = await runCli(['report', transcript, '--format', 'html', '--out', out]);
    expect(rep.exitCode).toBe(0);
    const page = readFileSync(out, 'utf8');
    expect([...page.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1])).toEqual([
      'Summary',
      'Impact',
      'Timeline',
      'Root cause',
      'Fix and verification',
      'Follow-ups',
      'Path through the runbook',
      'Raw outputs',
    ]);
    // Nothing fetched: no script, no external stylesheet or image.
    expect(page).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|url\(|@import/i);
    const nodes = [...page.matchAll(/<span class="node[^"]*">([^<]+)<\/span>/g)].map((m) => m[1]);
    expect(nodes[0]).toBe('page-error');
    expect(nodes.length).toBeGreaterThan(5);
  });
});

/** Decodes a PNG's size and whether its pixels are all one colour (a blank page). */
function pngFacts(file: string): { width: number; height: number; distinctRows: number } {
  const buf = readFileSync(file);
  expect(buf.subarray(1, 4).toString('latin1')).toBe('PNG');
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let off = 8; off < buf.length;) {
    const len = buf.readUInt32BE(off);
    const type = buf.subarray(off + 4, off + 8).toString('latin1');
    if (type === 'IDAT') idat.push(buf.subarray(off + 8, off + 8 + len));
    off += 12 + len;
  }
  // Rows of filtered scanlines; identical rows after filtering mean a flat image.
  const raw = inflateSync(Buffer.concat(idat));
  const stride = raw.length / height;
  const rows = new Set<string>();
  for (let y = 0; y < height; y++) rows.add(raw.subarray(y * stride, (y + 1) * stride).toString('base64'));
  return { width, height, distinctRows: rows.size };
}

const chromium = ['chromium', 'chromium-browser', 'google-chrome'].find(
  (b) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0,
);
if (!chromium)
  process.stderr.write(
    '\n*** SKIPPED: the HTML report screenshot test needs chromium (apt-get install chromium; .ci/run installs it) ***\n\n',
  );

describe.skipIf(!chromium)('the HTML report in a real headless browser', () => {
  it('renders the default drill report as a page that is not blank', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-report-html-'));
    const events = readFileSync(new URL('fixtures/pod-pending-node-selector.jsonl', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TranscriptEvent);
    const page = join(dir, 'r.html');
    writeFileSync(page, renderHtml(events));
    const png = join(dir, 'shot.png');
    execFileSync(
      chromium ?? 'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        `--screenshot=${png}`,
        '--window-size=1024,768',
        `file://${page}`,
      ],
      { stdio: 'ignore', timeout: 60_000 },
    );
    expect(existsSync(png)).toBe(true);
    const facts = pngFacts(png);
    expect([facts.width, facts.height]).toEqual([1024, 768]);
    // A blank page has one distinct row; text, table borders and the path boxes make many.
    expect(facts.distinctRows).toBeGreaterThan(50);
  }, 90_000);
});

/** Each way a walk ends reads as what it is, in the Markdown and the HTML. */
describe('outcome kinds', () => {
  const base: SessionEvent[] = [
    {
      type: 'session.start',
      runbook: 'workload-down',
      runbookTitle: 'A pod will not start',
      symptom: 'pod web-0 is not running',
      page: null,
      runbookHash: '0'.repeat(64),
      mode: 'live',
      scenario: null,
      context: 'prod',
      server: 'https://api.prod.example.com:6443',
      inputs: {},
    },
    { type: 'step.enter', step: 'pod-status', kind: 'check', title: 't', layer: 'pod', phase: 'top-down', why: 'w' },
    { type: 'check.start', step: 'pod-status', check: 'pod.status', params: {}, command: 'kubectl get pod web-0' },
    {
      type: 'check.result',
      step: 'pod-status',
      check: 'pod.status',
      outcome: 'error',
      summary: 'forbidden: cannot get pods',
      evidence: [],
      facts: {},
      durationMs: 5,
      timedOut: false,
      verdict: 'error',
    },
  ];
  const envelop = (list: SessionEvent[]): TranscriptEvent[] =>
    list.map((e, i) => ({ v: 1, seq: i + 1, t: new Date(Date.UTC(2026, 10, 20, 3, 0, i)).toISOString(), ...e }));
  it.each([
    [
      'incomplete',
      { type: 'session.end', outcome: 'incomplete', reason: 'finished' },
      'Not reached: incomplete',
      'Re-run pod-status: it could not see its source',
    ],
    [
      'interrupted',
      { type: 'session.end', outcome: null, reason: 'interrupted' },
      'Not reached: interrupted (Ctrl-C)',
      'The walk did not finish (interrupted)',
    ],
    [
      'crashed',
      { type: 'session.end', outcome: null, reason: 'crashed', error: 'boom' },
      'Not reached: plumbline crashed: boom',
      'The walk did not finish (crashed)',
    ],
    [
      'unrecognised-evidence',
      {
        type: 'session.end',
        outcome: 'unrecognised-evidence',
        reason: 'finished',
        anomalies: [{ layer: 'pod', source: 'pod-status', line: 'panic: runtime error', severity: 3 }],
        lookNext: ['the application log of web-0'],
      },
      'Not named. No runbook step and no signature',
      'Look at: the application log of web-0',
    ],
  ] as const)('%s', (_name, end, cause, followUp) => {
    const events = envelop([...base, end as SessionEvent]);
    const md = renderMarkdown(events);
    const rootCause = md.slice(md.indexOf('## Root cause'), md.indexOf('## Fix and verification'));
    expect(rootCause).toContain(cause);
    // Never a fix presented as if found: the section is marked to fill.
    expect(md).toContain('No fix was run from plumbline, and no cause was named');
    expect(md.slice(md.indexOf('## Follow-ups'))).toContain(`- [ ] ${followUp}`);
    if (end.outcome === 'unrecognised-evidence')
      expect(rootCause).toContain('- [pod] pod-status: `panic: runtime error`');
    const page = renderHtml(events);
    expect(page).toContain(followUp);
  });
});
