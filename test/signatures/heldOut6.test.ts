import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const transcript = () => join(mkdtempSync(join(tmpdir(), 'plumbline-rl-')), 't.jsonl');

interface End {
  outcome: string;
  diagnosis: { id: string; title: string; chain: string[]; fix: string[] } | null;
  candidates: { id: string }[];
}

async function walk(name: string): Promise<End> {
  const r = await runCli(['drill', `real/${name}`, '-o', 'json', '--transcript', transcript()]);
  return JSON.parse(r.stdout) as End;
}

// Held-out batch 6 (scenarios/real/HELD-OUT.md): each walk on its thread's verbatim lines.
describe('held-out batch 6, on the threads’ own lines', () => {
  it('flannel 0.25 on 1.31: incomplete, the missing CNI binary the first candidate and the CNI echo after it (flannel#2301)', async () => {
    const end = await walk('rl-flannel-cni-binary-2301');
    expect(end.outcome).toBe('incomplete');
    expect(end.diagnosis).toBeNull();
    expect(end.candidates.map((c) => c.id)).toEqual(['cni-plugin-binary-missing', 'cni-not-initialized-journal']);
  });

  it('k3s on Raspberry Pis: google.com is not diagnosed as known to the nodes only on a default answer (k3s-ansible#378)', async () => {
    const end = await walk('rl-k3s-host-cidr-clash-378');
    expect(end.outcome).toBe('incomplete');
    expect(end.diagnosis).toBeNull();
  });
});
