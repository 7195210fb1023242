import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

// Issue 14 item 13: `npm run build` deleted dist/ first, so a CLI started during a build failed.
// A copy of the project, with the dist/ npm test built, is built again; meanwhile the CLI is started again and again.

function run(dir: string, args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: r.status, stderr: r.stderr };
}

describe('npm run build', () => {
  it('never leaves dist/ without a CLI that runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-build-'));
    for (const f of ['src', 'scripts', 'package.json', 'runbooks'])
      cpSync(join(repoRoot, f), join(dir, f), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
    // The previous build: the one this run already made (chunks, manifest and all), not a second one made here.
    cpSync(join(repoRoot, 'dist'), join(dir, 'dist'), { recursive: true });
    expect(run(dir, ['list', 'checks']).status).toBe(0);

    const building = spawn(process.execPath, ['scripts/build.mjs'], { cwd: dir, stdio: 'ignore' });
    const built = new Promise<number | null>((resolve) => building.on('exit', (code) => resolve(code)));
    let done = false;
    void built.then(() => (done = true));
    const failures: string[] = [];
    let runs = 0;
    while (!done) {
      // Let the build's exit be heard: spawnSync alone would never yield to it.
      await new Promise((r) => setImmediate(r));
      for (const args of [['--version'], ['list', 'checks']]) {
        const r = run(dir, args);
        runs++;
        if (r.status !== 0) failures.push(`${args.join(' ')}: exit ${r.status}: ${r.stderr.split('\n')[0] ?? ''}`);
      }
    }
    expect(await built).toBe(0);
    expect(runs).toBeGreaterThan(1);
    expect(failures).toEqual([]);
    expect(run(dir, ['list', 'checks']).status).toBe(0);
  }, 120_000);
});
