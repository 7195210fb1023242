import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findCheck } from '../../src/checks/registry.js';
import { loadRunbookText } from '../../src/runbook/load.js';
import { FileReadError, InputError, rawLimit, readInputFile, yamlLimit } from '../../src/base/source.js';
import { runCli } from '../helpers/cli.js';

// Files that are not files (issue 14, item 6): a FIFO never ends a read's open, /dev/zero and
// /dev/urandom never end the read itself, and a big file must not be read past a cap or linted
// in quadratic time. Hangs are caught by runCli's kill after its timeout (exit 1, never 2).

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-files-'));
  dirs.push(dir);
  return dir;
}

/** A real named pipe, made by coreutils' mkfifo: nobody ever writes to it. */
function fifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

const scenarioHeader = `id: files
title: files
page: files
runbook: workload-down
expect: { diagnosis: null }
`;

const runbookHeader = `id: x
title: X
symptom: s
start: done
`;

const done = `steps:
  done: { type: diagnosis, layer: pod, title: Done, why: because, chain: [a], fix: [b] }
`;

/** Lint output without the trailing count line: each problem as file:line:col. */
function problemLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l !== '');
}

describe('readInputFile: only regular files, never past the cap', () => {
  const why = (file: string, limit = rawLimit) => {
    try {
      readInputFile(file, limit);
    } catch (err) {
      if (err instanceof FileReadError) return err.why;
      throw err;
    }
    return 'read';
  };

  it('refuses a FIFO, /dev/zero, /dev/urandom, a directory, each in one line', () => {
    const dir = freshDir();
    expect(why(fifo(join(dir, 'pipe')))).toBe('is a FIFO (named pipe), not a regular file');
    expect(why('/dev/zero')).toBe('is a character device, not a regular file');
    expect(why('/dev/urandom')).toBe('is a character device, not a regular file');
    expect(why(dir)).toBe('is a directory, not a regular file');
    expect(why(join(dir, 'none'))).toBe('no such file');
  });

  it('refuses a file over the cap, naming the cap', () => {
    const file = join(freshDir(), 'big.log');
    writeFileSync(file, Buffer.alloc(rawLimit.bytes + 1, 'a'));
    expect(why(file)).toBe('is over the 16 MiB limit for a file of pasted output');
    writeFileSync(file, Buffer.alloc(rawLimit.bytes, 'a'));
    expect(readInputFile(file, rawLimit).length).toBe(rawLimit.bytes);
  });
});

describe('loaders refuse what is not a regular file (through the CLI)', () => {
  it('a FIFO as the runbook: exit 2 in one line, no hang', async () => {
    const pipe = fifo(join(freshDir(), 'runbook.yaml'));
    const r = await runCli(['lint', pipe], { timeoutMs: 20_000 });
    expect(r.exitCode).toBe(2);
    expect(problemLines(r.stdout)).toEqual([`${pipe}:1:1: is a FIFO (named pipe), not a regular file`]);
    expect(r.stderr).toBe('1 problem\n');
  });

  it('/dev/zero and /dev/urandom as the runbook or scenario: exit 2, never read', async () => {
    for (const dev of ['/dev/zero', '/dev/urandom']) {
      const lint = await runCli(['lint', dev], { timeoutMs: 20_000 });
      expect(lint.exitCode).toBe(2);
      expect(problemLines(lint.stdout)).toEqual([`${dev}:1:1: is a character device, not a regular file`]);
      const test = await runCli(['test', dev], { timeoutMs: 20_000 });
      expect(test.exitCode).toBe(2);
      expect(test.stderr).toContain(`${dev}:1:1: is a character device, not a regular file`);
      expect(test.stderr).not.toMatch(/internal error|\n\s+at /);
    }
  });

  it('a directory as the runbook', async () => {
    const dir = freshDir();
    const r = await runCli(['lint', dir], { timeoutMs: 20_000 });
    expect(r.exitCode).toBe(2);
    expect(problemLines(r.stdout)).toEqual([`${dir}:1:1: is a directory, not a regular file`]);
  });

  it('an include that is a FIFO beside the runbook', async () => {
    const dir = freshDir();
    fifo(join(dir, 'sub.yaml'));
    const file = join(dir, 'main.yaml');
    writeFileSync(file, `${runbookHeader}include:\n  - { runbook: ./sub.yaml, as: sub }\n${done}`);
    const r = await runCli(['lint', file], { timeoutMs: 20_000 });
    expect(r.exitCode).toBe(2);
    expect(problemLines(r.stdout)).toEqual([
      `${file}:6:7: included runbook "./sub.yaml": cannot read ${join(dir, 'sub.yaml')}: is a FIFO (named pipe), not a regular file`,
    ]);
  });

  it('objectFiles, logFiles and a host file that are FIFOs or a directory: each located, exit 2', async () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'raw'));
    fifo(join(dir, 'raw', 'pods.yaml'));
    fifo(join(dir, 'raw', 'app.log'));
    fifo(join(dir, 'raw', 'journal.txt'));
    mkdirSync(join(dir, 'raw', 'events.yaml'));
    const file = join(dir, 's.yaml');
    writeFileSync(
      file,
      `${scenarioHeader}objectFiles: [raw/pods.yaml, raw/events.yaml]
logFiles:
  - { namespace: shop, pod: web-0, container: web, file: raw/app.log }
hosts:
  worker-1:
    "journalctl -u kubelet --no-pager": { file: raw/journal.txt }
`,
    );
    const r = await runCli(['lint', file], { timeoutMs: 20_000 });
    expect(r.exitCode).toBe(2);
    const raw = join(dir, 'raw');
    expect(problemLines(r.stdout)).toEqual([
      `${file}:6:15: objectFiles.0: cannot read ${raw}/pods.yaml: is a FIFO (named pipe), not a regular file`,
      `${file}:6:30: objectFiles.1: cannot read ${raw}/events.yaml: is a directory, not a regular file`,
      `${file}:8:52: logFiles.0.file: cannot read ${raw}/app.log: is a FIFO (named pipe), not a regular file`,
      `${file}:11:43: hosts.worker-1."journalctl -u kubelet --no-pager".file: cannot read ${raw}/journal.txt: is a FIFO (named pipe), not a regular file`,
    ]);
  });

  it('a FIFO as the transcript report reads', async () => {
    const pipe = fifo(join(freshDir(), 't.jsonl'));
    const r = await runCli(['report', pipe], { timeoutMs: 20_000 });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`${pipe}:1:1: is a FIFO (named pipe), not a regular file\n`);
  });
});

describe('size', () => {
  it('a runbook over the cap is refused, naming the cap', async () => {
    const file = join(freshDir(), 'huge.yaml');
    writeFileSync(file, `${runbookHeader}${done}#${'x'.repeat(yamlLimit.bytes)}\n`);
    const r = await runCli(['lint', file], { timeoutMs: 20_000 });
    expect(r.exitCode).toBe(2);
    expect(problemLines(r.stdout)).toEqual([`${file}:1:1: is over the 8 MiB limit for a runbook or scenario`]);
  });

  it('a log file over the cap is refused at the scenario line naming it', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'app.log'), `${'log line\n'.repeat(Math.ceil((rawLimit.bytes + 1) / 9))}`);
    const file = join(dir, 's.yaml');
    writeFileSync(
      file,
      `${scenarioHeader}logFiles:\n  - { namespace: shop, pod: web-0, container: web, file: app.log }\n`,
    );
    const r = await runCli(['lint', file], { timeoutMs: 20_000 });
    expect(r.exitCode).toBe(2);
    expect(problemLines(r.stdout)).toEqual([
      `${file}:7:52: logFiles.0.file: cannot read ${dir}/app.log: is over the 16 MiB limit for a file of pasted output`,
    ]);
  });

  // 34,000 steps nobody reaches: one problem each, every one located. Mapping each to its
  // line once scanned the map per lookup, and the parser's duplicate-key check compared every
  // key with every earlier one: quadratic, 17 s for 5 MB, and 50 MB never finished.
  it('a 5 MB runbook lints to the end, every problem at its own line', () => {
    const lines = [
      runbookHeader.trimEnd(),
      'steps:',
      '  done: { type: diagnosis, layer: pod, title: Done, why: because, chain: [a], fix: [b] }',
    ];
    let size = lines.join('\n').length;
    let n = 0;
    for (; size <= 5 * 1024 * 1024; n++) {
      const step = [
        `  s${n}:`,
        '    type: diagnosis',
        '    layer: pod',
        `    why: step ${n} is a diagnosis nobody reaches`,
        `    title: Diagnosis ${n}`,
        '    chain: [a, b]',
        '    fix: [c]',
      ];
      lines.push(...step);
      size += step.join('\n').length + 1;
    }
    const text = `${lines.join('\n')}\n`;
    expect(text.length).toBeGreaterThan(5 * 1024 * 1024);
    let problems: string[] = [];
    try {
      loadRunbookText('big.yaml', text, findCheck);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems = err.message.split('\n');
    }
    expect(problems).toHaveLength(n);
    expect(problems[0]).toBe('big.yaml:7:3: step "s0" is unreachable');
    // Header 4 lines, steps: 5, done: 6; step k starts at line 7 + 7k.
    expect(problems.at(-1)).toBe(`big.yaml:${7 + 7 * (n - 1)}:3: step "s${n - 1}" is unreachable`);
  }, 180_000);
});
