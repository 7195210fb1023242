import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// YAML alias bombs (issue 14, item 10): "billion laughs" exited 3 with the yaml library's stack
// trace; it is bad input, located like every other YAML error, exit 2.

const dir = mkdtempSync(join(tmpdir(), 'plumbline-alias-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Seven levels of nine: 9^7 = 4,782,969 "lol"s from seven lines. */
const laughs = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefg'.split('').map((c, i) => {
    const prev = 'abcdefg'[i] ?? 'a';
    return `${c}: &${c} [${Array(9).fill(`*${prev}`).join(',')}]`;
  }),
].join('\n');

const noStack = (s: string) => expect(s).not.toMatch(/internal error|ReferenceError|\n\s+at /);

describe('alias bombs are bad input: exit 2 at file:line:col', () => {
  it('a runbook (lint)', async () => {
    const file = join(dir, 'runbook.yaml');
    writeFileSync(file, `id: x\ntitle: X\nsymptom: s\nstart: a\n${laughs}\n`);
    const r = await runCli(['lint', file]);
    expect(r.exitCode).toBe(2);
    // Line 10 is `f: &f [*e,...]`: its first alias brings the values aliases stand for to 141,148.
    expect(r.stdout).toBe(
      `${file}:10:8: invalid YAML: aliases stand for more than 100000 values (a YAML alias bomb?); write the values out\n`,
    );
    noStack(r.stderr);
  });

  it('a scenario (plumbline test)', async () => {
    const file = join(dir, 'scenario.yaml');
    writeFileSync(file, `id: s\ntitle: s\npage: p\nrunbook: workload-down\nexpect: { diagnosis: null }\n${laughs}\n`);
    const r = await runCli(['test', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(
      `${file}:11:8: invalid YAML: aliases stand for more than 100000 values (a YAML alias bomb?); write the values out`,
    );
    noStack(r.stderr);
  });

  it('an object file a scenario names', async () => {
    writeFileSync(join(dir, 'bomb-objects.yaml'), `${laughs}\n`);
    const file = join(dir, 'with-objects.yaml');
    writeFileSync(
      file,
      'id: s\ntitle: s\npage: p\nrunbook: workload-down\nexpect: { diagnosis: null }\nobjectFiles: [bomb-objects.yaml]\n',
    );
    const r = await runCli(['test', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(
      `${join(dir, 'bomb-objects.yaml')}:6:8: invalid YAML: aliases stand for more than 100000 values`,
    );
    noStack(r.stderr);
  });

  it('an alias with no anchor, and one inside the node it names (a cycle), are located too', async () => {
    const file = join(dir, 'aliases.yaml');
    writeFileSync(file, 'id: x\ntitle: *nowhere\n');
    let r = await runCli(['lint', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe(`${file}:2:8: invalid YAML: alias *nowhere names no anchor before it\n`);
    noStack(r.stderr);
    writeFileSync(file, 'id: x\nsteps: &s { a: *s }\n');
    r = await runCli(['lint', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe(`${file}:2:16: invalid YAML: alias *s is inside the node it names\n`);
    noStack(r.stderr);
  });

  it('a few aliases, as people write them, still load', async () => {
    const file = join(dir, 'fine.yaml');
    writeFileSync(
      file,
      'id: x\ntitle: X\nsymptom: s\nstart: done\nsteps:\n  done: { type: diagnosis, layer: pod, title: Done, why: &why because, chain: [*why], fix: [*why] }\n',
    );
    const r = await runCli(['lint', file]);
    expect(r.stdout).toBe(`${file}: ok\n`);
    expect(r.exitCode).toBe(0);
  });
});
