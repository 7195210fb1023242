import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPrivate, PrivateFileError, writePrivateFile } from '../../src/base/privateFile.js';
import { cliPath, runCli } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'plumbline-private-'));

/** A file someone else owns, and a link to it planted where plumbline will write. */
function plant(dir: string, name: string): string {
  const victim = join(dir, 'victim');
  writeFileSync(victim, 'precious\n', { mode: 0o644 });
  symlinkSync(victim, join(dir, name));
  return victim;
}

const drill = (transcript: string, extra: string[] = []) =>
  runCli([
    'drill',
    'pod-pending-node-selector',
    '--non-interactive',
    '--output',
    'json',
    '--transcript',
    transcript,
    ...extra,
  ]);

describe('files plumbline writes are private and never followed through a link', () => {
  it('openPrivate refuses a link, a FIFO-like device and an existing file opened as new; it makes an existing file 0600', () => {
    const dir = tmp();
    plant(dir, 'link');
    expect(() => openPrivate(join(dir, 'link'), 'append')).toThrow(/is a symbolic link/);
    expect(() => openPrivate('/dev/null', 'append')).toThrow(/not a regular file/);
    writeFileSync(join(dir, 'old'), 'x', { mode: 0o644 });
    expect(() => openPrivate(join(dir, 'old'), 'new')).toThrow(PrivateFileError);
    writePrivateFile(join(dir, 'old'), 'y');
    expect(statSync(join(dir, 'old')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'old'), 'utf8')).toBe('y');
  });

  it('a link at the transcript path: one line, exit 2, the link target untouched, no drill left behind', async () => {
    const dir = tmp();
    const victim = plant(dir, 't.jsonl');
    // It exits at all: the drill server it had started is closed (it used to keep the process alive).
    const r = await drill(join(dir, 't.jsonl'));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      `plumbline: cannot write transcript ${join(dir, 't.jsonl')} is a symbolic link; plumbline does not write through links\n`,
    );
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(statSync(victim).mode & 0o777).toBe(0o644);
  });

  // /dev/full opens (a device may take a transcript) and fills at the first line: test/transcript/fullDisk.test.ts.
  it('a path that cannot be created ends at once with one line, exit 2', async () => {
    const cases: [string, string][] = [['/proc/t.jsonl', 'cannot be created there']];
    for (const [path, said] of cases) {
      const r = await drill(path);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(said);
      expect(r.stderr).not.toContain('    at ');
    }
  });

  it('a link at the recording path: the walk still records, beside it, and the target is untouched', async () => {
    const dir = tmp();
    const victim = plant(dir, 't.cast');
    const r = await drill(join(dir, 't.jsonl'));
    expect(r.exitCode).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  });

  it('a second walk on the same transcript keeps the first recording and appends its events', async () => {
    const dir = tmp();
    const t = join(dir, 't.jsonl');
    expect((await drill(t)).exitCode).toBe(0);
    const first = readFileSync(join(dir, 't.cast'), 'utf8');
    const firstLines = readFileSync(t, 'utf8').split('\n').length;
    expect((await drill(t)).exitCode).toBe(0);
    expect(readFileSync(join(dir, 't.cast'), 'utf8')).toBe(first);
    expect(readFileSync(join(dir, 't.2.cast'), 'utf8').split('\n')[0]).toContain('"version":2');
    expect(readFileSync(t, 'utf8').split('\n').length).toBeGreaterThan(firstLines);
  });

  it('report --out and cluster serve --kubeconfig-out refuse a planted link', async () => {
    const dir = tmp();
    const t = join(dir, 't.jsonl');
    expect((await drill(t)).exitCode).toBe(0);
    const victim = plant(dir, 'report.md');
    const r = await runCli(['report', t, '--out', join(dir, 'report.md')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('is a symbolic link');
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');

    const kdir = tmp();
    mkdirSync(join(kdir, 'k'));
    const kvictim = plant(join(kdir, 'k'), 'kubeconfig');
    const serve = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [cliPath, 'cluster', 'serve', 'pod-pending-node-selector', '--kubeconfig-out', join(kdir, 'k', 'kubeconfig')],
        { timeout: 30_000 },
        (err, _o, stderr) => resolve({ code: err && typeof err.code === 'number' ? err.code : child.exitCode, stderr }),
      );
    });
    expect(serve.code).toBe(2);
    expect(serve.stderr).toContain('is a symbolic link');
    expect(readFileSync(kvictim, 'utf8')).toBe('precious\n');
  });
});
