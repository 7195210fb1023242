import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

describe('README: the real-world corpus table', () => {
  it('lists every case in scenarios/real as it is now', async () => {
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(repoRoot, 'scripts', 'real-table.mjs'), '--check'], (err, _stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr });
      });
    });
    expect(r.stderr, 'the README table of scenarios/real is out of date: run npm run real-table').toBe('');
    expect(r.code, 'run npm run real-table').toBe(0);
  });
});

describe('README: the workload-down graph', () => {
  it('is what plumbline graph workload-down prints today', async () => {
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(repoRoot, 'scripts', 'readme-graph.mjs'), '--check'], (err, _stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr });
      });
    });
    expect(r.stderr, 'the README graph is out of date: run npm run readme-graph').toBe('');
    expect(r.code, 'run npm run readme-graph').toBe(0);
  });
});
