import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAsset } from '../../src/assets.js';
import { runCli } from '../helpers/cli.js';

interface Row {
  scenario: string;
  expected: string | null;
  expectedOutcome?: string;
  got: string | null;
  outcome: string;
  steps: number;
  durationMs: number;
  ok: boolean;
  error?: string;
}

/** A bundled scenario copied with its expected diagnosis (or runbook) replaced. */
function variant(name: string, file: string, from: string, to: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'plumbline-test-cmd-')), file);
  const text = readFileSync(resolveAsset('scenarios', name), 'utf8');
  if (!text.includes(from)) throw new Error(`${name} has no "${from}"`);
  writeFileSync(path, text.replace(from, to));
  return path;
}

describe('plumbline test', () => {
  it('prints one JSON row per scenario, in the order given, with the steps the headless walk took', async () => {
    // Five scenarios: more than run at once, so the pool has to keep their order.
    const names = [
      'pod-image-not-found',
      'scale-10-nodes',
      'pod-pending-node-selector',
      'pod-on-silent-node',
      'pod-liveness-kills-slow-start',
    ];
    const r = await runCli(['test', ...names, '--output', 'json'], { timeoutMs: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows.map((row) => [row.scenario, row.expected, row.got, row.outcome, row.ok])).toEqual([
      ['pod-image-not-found', 'image-not-found', 'image-not-found', 'diagnosis', true],
      ['scale-10-nodes', null, null, 'no-finding', true],
      ['pod-pending-node-selector', 'unschedulable-node-selector', 'unschedulable-node-selector', 'diagnosis', true],
      ['pod-on-silent-node', 'node-not-ready', 'node-not-ready', 'diagnosis', true],
      ['pod-liveness-kills-slow-start', 'liveness-probe-kills', 'liveness-probe-kills', 'diagnosis', true],
    ]);
    // The same walk as `plumbline drill --non-interactive` takes, step for step.
    const walk = await runCli([
      'drill',
      'pod-on-silent-node',
      '--non-interactive',
      '--output',
      'json',
      '--transcript',
      join(mkdtempSync(join(tmpdir(), 'plumbline-t-')), 't.jsonl'),
    ]);
    const path = (JSON.parse(walk.stdout) as { path: unknown[] }).path;
    expect(rows[3]?.steps).toBe(path.length);
  }, 120_000);

  it('prints a table and exits 1 naming the scenario whose diagnosis differs', async () => {
    const wrong = variant(
      'pod-image-not-found',
      'wrong-image.yaml',
      'diagnosis: image-not-found',
      'diagnosis: image-pull-unauthorized',
    );
    const r = await runCli(['test', 'pod-pending-node-selector', wrong], { timeoutMs: 60_000 });
    expect(r.exitCode).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^SCENARIO +EXPECTED +GOT +STEPS +TIME$/);
    expect(lines[1]).toMatch(
      /^pod-pending-node-selector +unschedulable-node-selector +unschedulable-node-selector +\d+ +\d+\.\ds$/,
    );
    expect(lines[2]).toMatch(
      new RegExp(`^${wrong.replaceAll('.', '\\.')} +image-pull-unauthorized +image-not-found ✗ +\\d+ +\\d+\\.\\ds$`),
    );
    // Columns line up under their headers.
    expect(lines[1]?.indexOf('unschedulable-node-selector')).toBe(lines[0]?.indexOf('EXPECTED'));
    expect(lines[2]?.indexOf('image-pull-unauthorized')).toBe(lines[0]?.indexOf('EXPECTED'));
    expect(r.stdout).toContain('1/2 scenarios reach their expected diagnosis');
    expect(r.stdout).toContain(`FAIL ${wrong}: expected image-pull-unauthorized, got image-not-found\n`);
  }, 60_000);

  it('counts a scenario whose walk cannot start as a failure, and still walks the others', async () => {
    const broken = variant(
      'pod-image-not-found',
      'no-runbook.yaml',
      'runbook: workload-down',
      'runbook: no-such-runbook',
    );
    const r = await runCli(['test', broken, 'pod-image-not-found', '--output', 'json'], { timeoutMs: 60_000 });
    expect(r.exitCode).toBe(1);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows[0]).toMatchObject({ scenario: broken, ok: false, outcome: 'error', got: null });
    expect(rows[0]?.error).toContain('no-such-runbook');
    expect(rows[1]).toMatchObject({ scenario: 'pod-image-not-found', ok: true, got: 'image-not-found' });
  }, 60_000);

  it('refuses a scenario file that does not parse with exit 2, before walking anything', async () => {
    const bad = variant('pod-image-not-found', 'bad.yaml', 'page:', 'pager:');
    const r = await runCli(['test', 'pod-image-not-found', bad]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('bad.yaml');
  });

  it('walks a folder (not its raw/ material) and, with --pass-rate, exits 0 when enough pass, printing every FAIL and the rate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-test-dir-'));
    const text = readFileSync(resolveAsset('scenarios', 'pod-pending-node-selector'), 'utf8');
    writeFileSync(join(dir, 'a-right.yaml'), text);
    mkdirSync(join(dir, 'more'));
    writeFileSync(
      join(dir, 'more', 'b-wrong.yaml'),
      text.replace('diagnosis: unschedulable-node-selector', 'diagnosis: unschedulable-taint'),
    );
    // Pasted material is not a scenario: a raw/ folder is never walked.
    mkdirSync(join(dir, 'raw'));
    writeFileSync(join(dir, 'raw', 'pod.yaml'), 'apiVersion: v1\nkind: Pod\n');
    // In a folder, a file that does not load is one failed case, not the end of the run.
    writeFileSync(join(dir, 'c-broken.yaml'), text.replace('page:', 'pager:'));

    const third = await runCli(['test', dir, '--pass-rate', '30'], { timeoutMs: 60_000 });
    expect(third.exitCode).toBe(0);
    expect(third.stdout).toContain('1/3 scenarios reach their expected diagnosis');
    expect(third.stdout).toContain(
      `FAIL ${join(dir, 'more', 'b-wrong.yaml')}: expected unschedulable-taint, got unschedulable-node-selector\n`,
    );
    expect(third.stdout).toMatch(
      new RegExp(
        `^FAIL ${join(dir, 'c-broken.yaml').replaceAll('.', '\\.')}: does not load: .*c-broken\\.yaml:\\d+:\\d+: `,
        'm',
      ),
    );
    expect(third.stdout).toContain('pass rate 33.3 % (required 30 %)');
    expect(third.stdout).not.toContain('raw');

    const most = await runCli(['test', dir, '--pass-rate', '95'], { timeoutMs: 60_000 });
    expect(most.exitCode).toBe(1);
    expect(most.stdout).toContain('pass rate 33.3 % (required 95 %)');
  }, 120_000);

  it('compares how the walk ended: a no-finding walk does not pass an incomplete expectation', async () => {
    const incomplete = variant(
      'scale-10-nodes',
      'incomplete.yaml',
      'diagnosis: null',
      'diagnosis: null\n  outcome: incomplete',
    );
    const r = await runCli(['test', incomplete], { timeoutMs: 60_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stdout.split('\n')[1]).toMatch(/ +\(incomplete\) +\(no finding\) ✗ +\d+ +\d+\.\ds$/);
    expect(r.stdout).toContain(`FAIL ${incomplete}: expected (incomplete), got (no finding)`);
    const json = await runCli(['test', incomplete, '--output', 'json'], { timeoutMs: 60_000 });
    expect((JSON.parse(json.stdout) as Row[])[0]).toMatchObject({
      expected: null,
      expectedOutcome: 'incomplete',
      got: null,
      outcome: 'no-finding',
      ok: false,
    });
  }, 120_000);
});
