import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';

// Issue 14 item 8: a transcript that fills up (/dev/full, `ulimit -f`) gives one line `cannot write transcript ...`,
// exit 3, the walk's JSON still on stdout, no torn last line, no half sidecar, and no temp dir left.

function sh(script: string, tmp: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      'bash',
      ['-c', script],
      {
        env: { ...process.env, NO_COLOR: '1', TMPDIR: tmp, NODE: process.execPath, CLI: cliPath },
        timeout: 90_000,
        maxBuffer: 10 * 1024 * 1024,
      },
      (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

function dirs(): { work: string; tmp: string } {
  const work = mkdtempSync(join(tmpdir(), 'plumbline-full-'));
  const tmp = join(work, 'tmp');
  mkdirSync(tmp);
  return { work, tmp };
}

const leftIn = (tmp: string) => readdirSync(tmp).filter((f) => f.startsWith('plumbline-'));

function expectWalkJson(stdout: string): void {
  const walk = JSON.parse(stdout) as { runbook: string; outcome: string };
  expect(walk.runbook).toBeTruthy();
  expect(walk.outcome).toBeTruthy();
}

describe('a transcript that cannot take the whole walk', () => {
  it('--transcript /dev/full: one line, exit 3, the JSON on stdout, nothing made beside the device', async () => {
    const { tmp } = dirs();
    const r = await sh('exec "$NODE" "$CLI" drill --non-interactive --output json --transcript /dev/full', tmp);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      'plumbline: cannot write transcript /dev/full: no space left on the device; 0 events were written\n',
    );
    expectWalkJson(r.stdout);
    expect(existsSync('/dev/full.cast')).toBe(false);
    expect(existsSync('/dev/full.raw')).toBe(false);
    expect(leftIn(tmp)).toEqual([]);
  }, 90_000);

  it.each([2, 4])(
    'ulimit -f %i: one line, exit 3 (no exit 7, no stack), the JSON on stdout, no torn last line',
    async (blocks) => {
      const { work, tmp } = dirs();
      const t = join(work, 't.jsonl');
      const r = await sh(
        `ulimit -f ${blocks}; exec "$NODE" "$CLI" drill --non-interactive --output json --transcript '${t}'`,
        tmp,
      );
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(
        /^plumbline: cannot write transcript .*t\.jsonl: the file size limit \(ulimit -f\) is reached; \d+ events were written\n$/,
      );
      expectWalkJson(r.stdout);
      const text = readFileSync(t, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      for (const line of text.trimEnd().split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow();
      expect(leftIn(tmp)).toEqual([]);
    },
    90_000,
  );

  it('ulimit -f cutting a sidecar: no half file is left in the .raw folder', async () => {
    const { work, tmp } = dirs();
    const t = join(work, 't.jsonl');
    const r = await sh(
      `ulimit -f 24; exec "$NODE" "$CLI" drill scale-10-nodes --non-interactive --output json --transcript '${t}'`,
      tmp,
    );
    expect(r.code).toBe(3);
    expect(r.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
    expectWalkJson(r.stdout);
    const raw = join(work, 't.raw');
    if (existsSync(raw)) expect(readdirSync(raw).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    for (const line of readFileSync(t, 'utf8').trimEnd().split('\n'))
      expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(leftIn(tmp)).toEqual([]);
  }, 120_000);
});
