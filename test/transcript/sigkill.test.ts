import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTranscript } from '../../src/transcript/read.js';
import { cliPath, repoRoot, runCli } from '../helpers/cli.js';

/** The default drill, with the events API slowed so the walk is caught half way. */
function slowScenario(dir: string): string {
  const base = readFileSync(join(repoRoot, 'scenarios', 'pod-pending-node-selector.yaml'), 'utf8');
  const file = join(dir, 'slow.yaml');
  writeFileSync(file, `${base}\napi:\n  faults:\n    - { kind: latency, resource: events, ms: 60000 }\n`);
  return file;
}

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition never held');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a headless walk killed with SIGKILL', () => {
  it('leaves a transcript that parses up to its last full line, and a report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-kill-'));
    const transcript = join(dir, 't.jsonl');
    const child = spawn(
      process.execPath,
      [cliPath, 'drill', slowScenario(dir), '--non-interactive', '--output', 'text', '--transcript', transcript],
      {
        stdio: 'ignore',
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    // The pod check has answered; the events check is now waiting on the slowed events API.
    await until(() => existsSync(transcript) && readFileSync(transcript, 'utf8').includes('"type":"check.result"'));
    await until(() => readFileSync(transcript, 'utf8').includes('"type":"check.start","step":"pod-scheduling"'));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const text = readFileSync(transcript, 'utf8');
    const parsed = parseTranscript(text);
    const types = parsed.events.map((e) => e.type);
    expect(types[0]).toBe('session.start');
    expect(types).toContain('check.result');
    expect(types).not.toContain('session.end');
    // Every line written is whole JSON: kill -9 cannot cut what write(2) already put down.
    for (const line of text.trimEnd().split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow();

    const report = await runCli(['report', transcript]);
    expect(report.exitCode).toBe(0);
    expect(report.stdout).toContain('pod web-0 in namespace shop is not starting');
    expect(report.stdout).toMatch(/ended without|cut short|no session\.end|incomplete/i);
  });

  it('a cut last line (a write torn by the kill) is skipped, not fatal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-kill-'));
    const transcript = join(dir, 't.jsonl');
    const run = await runCli(['drill', '--non-interactive', '--output', 'json', '--transcript', transcript]);
    expect(run.exitCode).toBe(0);
    const lines = readFileSync(transcript, 'utf8').trimEnd().split('\n');
    const torn = join(dir, 'torn.jsonl');
    writeFileSync(torn, `${lines.slice(0, 6).join('\n')}\n${(lines[6] ?? '').slice(0, 25)}`);
    const parsed = parseTranscript(readFileSync(torn, 'utf8'));
    expect(parsed.events).toHaveLength(6);
    const report = await runCli(['report', torn]);
    expect(report.exitCode).toBe(0);
  });
});
