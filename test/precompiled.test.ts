import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/precompiled.js';
import type { Precompiled } from '../src/precompiled.js';
import { repoRoot } from './helpers/cli.js';

/**
 * The bundle reads the bundled runbooks and scenarios from dist/precompiled.json
 * (validated at build time), but only while each file is as it was built: an
 * edited file is read and validated again. Runs a copy of the built package so
 * its files can be edited.
 */
let root: string;

function run(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'dist', 'cli.js'), ...args],
      { env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ stdout, stderr, exitCode: err ? (typeof err.code === 'number' ? err.code : 1) : 0 });
      },
    );
  });
}

const edit = (file: string, from: string, to: string): void => {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} lacks ${from}`);
  writeFileSync(file, text.replace(from, to));
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'plumbline-precompiled-'));
  for (const part of ['package.json', 'dist', 'runbooks', 'scenarios'])
    cpSync(join(repoRoot, part), join(root, part), { recursive: true, filter: (f) => !f.endsWith('.map') });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the build-time index of bundled runbooks and scenarios', () => {
  it('is what an unchanged file loads to', async () => {
    // Only the index says this page: the listing comes from it, not from the YAML.
    const index = join(root, 'dist', 'precompiled.json');
    const all = JSON.parse(readFileSync(index, 'utf8')) as Precompiled;
    const entry = all.scenarios['scenarios/pod-pending-node-selector.yaml'];
    if (!entry) throw new Error('the index lacks pod-pending-node-selector');
    entry.value = entry.value.replace('pod web-0 in namespace shop is not starting', 'page as the index has it');
    // The files as they are in this copy: the index is then current for this entry even if dist/ was built before a change.
    for (const dep of Object.keys(entry.deps)) entry.deps[dep] = sha256(readFileSync(join(root, dep)));
    writeFileSync(index, JSON.stringify(all));
    const home = await run(['--non-interactive']);
    expect(home.stdout).toMatch(/^ {2}pod-pending-node-selector +page as the index has it$/m);
  });

  it('is not used for an edited scenario: the YAML as it is now is read', async () => {
    edit(
      join(root, 'scenarios', 'pod-pending-node-selector.yaml'),
      'page: "pod web-0 in namespace shop is not starting"',
      'page: "pod web-0 in namespace shop is edited"',
    );
    const home = await run(['--non-interactive']);
    expect(home.stdout).toMatch(/^ {2}pod-pending-node-selector +pod web-0 in namespace shop is edited$/m);
  });

  it('is not used for an edited runbook: it is validated again, and its error shown', async () => {
    edit(
      join(root, 'runbooks', 'dns-not-resolving.yaml'),
      'forwarding-loop: coredns-forwarding-loop',
      'forwarding-loop: no-such-step',
    );
    const r = await run(['run', 'dns-not-resolving']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/dns-not-resolving\.yaml:\d+:\d+: .*no-such-step/);
  });
});
