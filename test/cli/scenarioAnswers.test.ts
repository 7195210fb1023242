import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

describe("a scenario's scripted answers (answers:)", () => {
  it('answer its questions in a headless walk, recorded as the scenario answering', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-answers-'));
    const transcript = join(dir, 't.jsonl');
    const r = await runCli([
      'drill',
      'wd-pod-recovered',
      '--non-interactive',
      '--output',
      'json',
      '--transcript',
      transcript,
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { diagnosis: { id: string } }).diagnosis.id).toBe('pod-healthy');
    const answer = readFileSync(transcript, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; by?: string; choice?: string })
      .find((e) => e.type === 'answer');
    expect(answer).toMatchObject({ choice: 'no', by: 'scenario' });
    const report = await runCli(['report', transcript]);
    expect(report.stdout).toContain("the drill's scripted answer (headless)");
  });

  it('are linted against the runbook: unknown question or choice at file:line:col', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-answers-'));
    const file = join(dir, 'bad.yaml');
    const base = readFileSync(join(repoRoot, 'scenarios', 'wd-pod-recovered.yaml'), 'utf8');
    writeFileSync(
      file,
      base.replace('  ask-still-broken: "no"', '  ask-still-broken: "maybe"\n  no-such-question: "yes"'),
    );
    const r = await runCli(['lint', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/bad\.yaml:\d+:\d+: question "ask-still-broken" has no choice "maybe" \(it has yes, no\)/);
    expect(r.stdout).toMatch(/bad\.yaml:\d+:\d+: runbook workload-down has no question step "no-such-question"/);
  });

  it('lint also refuses a time that looks relative but does not parse, at its line and column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-answers-'));
    const file = join(dir, 'badtime.yaml');
    writeFileSync(
      file,
      readFileSync(join(repoRoot, 'scenarios', 'wd3-metrics-server-oom.yaml'), 'utf8').replace(
        'now-5m40s',
        'now-5m40x',
      ),
    );
    const r = await runCli(['lint', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/badtime\.yaml:\d+:\d+: "now-5m40x" is not a relative time/);
  });
});
