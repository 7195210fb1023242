import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('plumbline list', () => {
  it('checks --output json: id, layer, outcomes, the kubectl command with placeholders, and a why for each', async () => {
    const r = await runCli(['list', 'checks', '--output', 'json']);
    expect(r.exitCode).toBe(0);
    const rows = JSON.parse(r.stdout) as {
      id: string;
      layer: string;
      outcomes: string[];
      command: string;
      why: string;
    }[];
    for (const layer of ['pod', 'node', 'cluster', 'host']) expect(rows.some((c) => c.layer === layer)).toBe(true);
    for (const c of rows) {
      expect(c.outcomes.length, c.id).toBeGreaterThan(0);
      expect(c.command, c.id).not.toBe('');
      expect(c.why.length, c.id).toBeGreaterThan(20);
    }
    expect(rows.find((c) => c.id === 'pod.status')?.command).toBe('kubectl get pod <name> -n <namespace> -o wide');
  });

  it('faults: the drill fault catalog, one line each', async () => {
    const r = await runCli(['list', 'faults']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^kubelet-config-missing\s+host\s+/m);
    expect(r.stdout).toMatch(/^image-not-found\s+pod\s+/m);
    expect(r.stdout).toMatch(/^etcd-rejected-connection-noise\s+cluster\s+/m);
  });
});
