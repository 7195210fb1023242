import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe("a transcript's first line says who ran the walk and how", () => {
  it('tool version, OS user, node access and the flags; the report shows them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-start-'));
    const transcript = join(dir, 't.jsonl');
    const r = await runCli(['drill', '--non-interactive', '--output', 'json', '--transcript', transcript], {
      env: { USER: 'oncall-jane' },
    });
    expect(r.exitCode).toBe(0);
    const start = JSON.parse(readFileSync(transcript, 'utf8').split('\n')[0] ?? '{}') as Record<string, unknown>;
    const version = (await runCli(['--version'])).stdout.trim();
    expect(start).toMatchObject({
      type: 'session.start',
      nodeAccess: 'drill',
      flags: { nonInteractive: true, step: false, allowMutations: false, yes: false },
    });
    expect(version).toContain(String(start.version));
    expect(typeof start.user).toBe('string');
    expect(String(start.user).length).toBeGreaterThan(0);
    const report = await runCli(['report', transcript, '--format', 'json']);
    const json = JSON.parse(report.stdout) as { user: string | null; tool: string | null };
    expect(json.user).toBe(start.user);
    expect(json.tool).toBe(start.version);
  });
});
