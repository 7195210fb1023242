import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

interface Walk {
  outcome: string;
  path: { step: string; outcome: string }[];
  api: { requests: number; bytes: number };
}

async function walk(file: string, dir: string): Promise<Walk> {
  const r = await runCli(
    ['drill', file, '--non-interactive', '--output', 'json', '--transcript', join(dir, `${Math.random()}.jsonl`)],
    { timeoutMs: 120_000 },
  );
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Walk;
}

describe('what a walk costs the API server (--output json "api")', () => {
  it('is the same number of requests on 10 nodes and on 300, the same walk', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-cost-'));
    const small = join(repoRoot, 'scenarios', 'scale-10-nodes.yaml');
    // The same healthy cluster, 30 times the nodes (and pods).
    const big = join(dir, 'scale-300.yaml');
    writeFileSync(
      big,
      readFileSync(small, 'utf8')
        .replace('id: scale-10-nodes', 'id: scale-300')
        .replace('workers: 9,', 'workers: 299,'),
    );
    const a = await walk(small, dir);
    const b = await walk(big, dir);
    expect(b.path.map((p) => `${p.step}:${p.outcome}`)).toEqual(a.path.map((p) => `${p.step}:${p.outcome}`));
    expect(a.api.requests).toBeGreaterThan(a.path.length);
    expect(b.api.requests).toBe(a.api.requests);
    // Bytes grow only with what the pinned answers hold (node counts in the few summaries), never with a cluster-wide list.
    expect(b.api.bytes).toBeLessThan(a.api.bytes * 2);
  });
});
