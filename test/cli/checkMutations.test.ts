import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startTestDrill } from '../helpers/drill.js';
import type { TestDrill } from '../helpers/drill.js';

// Issue 14 item 13: `plumbline check node.test-pod` said "rerun with --allow-mutations" and ignored the flag.
// A served drill stands in for a live cluster (reached through its kubeconfig, as any cluster is).

describe('plumbline check honours --allow-mutations as a walk does', () => {
  let t: TestDrill;
  let kubeconfig: string;
  beforeAll(async () => {
    t = await startTestDrill({ cluster: { nodes: [{ name: 'worker-1' }] as never } });
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'plumbline-check-mut-')), 'kubeconfig');
    writeFileSync(kubeconfig, readFileSync(t.drill.kubeconfigPath, 'utf8'), { mode: 0o600 });
  });
  afterAll(() => t.close());

  // The drill schedules no test pod: the check waits its timeout out, so the shortest it takes (5 s, not 20).
  const check = [
    'check',
    'node.test-pod',
    '--set',
    'node=worker-1',
    '--set',
    'namespace=default',
    '--set',
    'timeoutSeconds=5',
  ];

  it('read-only by default: not run, and says how to run it', async () => {
    const r = await runCli([...check, '--kubeconfig', kubeconfig]);
    expect(r.stdout).toMatch(/^not-run: not run: this check creates a pod .*--allow-mutations/m);
    // Nothing was created.
    expect((await t.kube.listPods({ namespace: 'default' })).map((p) => p.metadata?.name)).not.toContain(
      'plumbline-test-worker-1',
    );
  });

  // The two runs that wait the check's timeout out wait together: the drill below is its own cluster.
  it.concurrent(
    'with --allow-mutations: the test pod is run on the node',
    async () => {
      const r = await runCli([...check, '--kubeconfig', kubeconfig, '--allow-mutations'], { timeoutMs: 60_000 });
      expect(r.stdout).not.toContain('not run');
      expect(r.stdout).toMatch(/^(runs|not-scheduled|not-started|fails-to-start): /m);
      expect(r.stdout).toContain('created: pod default/plumbline-test-worker-1');
    },
    90_000,
  );

  it.concurrent(
    'in a drill it always may, as a walk in a drill does',
    async () => {
      const r = await runCli([...check, '--drill', 'pod-pending-node-selector'], { timeoutMs: 60_000 });
      expect(r.stdout).not.toContain('not run');
      expect(r.stdout).toContain('created: pod default/plumbline-test-worker-1');
    },
    90_000,
  );
});
