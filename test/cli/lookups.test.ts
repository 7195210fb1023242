import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { pod, startTestDrill } from '../helpers/drill.js';
import type { TestDrill } from '../helpers/drill.js';

/**
 * `plumbline run` on a live cluster (the drill's API server over HTTP, as a real
 * one): the namespace, node and pod named are looked up before the first step.
 */
describe('run looks up what it is told to look at before the first step (the built CLI, a real API server)', () => {
  let t: TestDrill;
  const transcript = () => join(mkdtempSync(join(tmpdir(), 'plumbline-lookups-')), 't.jsonl');
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { nodes: [{ name: 'worker-1' }, { name: 'worker-2' }] as never },
      objects: [
        ...['default', 'kube-system', 'shop'].map((name) => ({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name },
        })),
        pod(
          'web-0',
          'shop',
          { nodeName: 'worker-1' },
          { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
        ),
      ] as never,
    });
  });
  afterAll(() => t.close());

  const run = (...argv: string[]) =>
    runCli(['run', ...argv, '--kubeconfig', t.drill.kubeconfigPath, '--non-interactive', '--transcript', transcript()]);

  it('a mistyped namespace: exit 2, the namespace meant, no step run', async () => {
    const r = await run('workload-down', 'web-0', '-n', 'shpo', '-o', 'json');
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^plumbline: namespace "shpo" does not exist in context \S+: did you mean shop\?/);
  });

  it('kube-system is suggested for kube-sytem', async () => {
    const r = await run('workload-down', 'coredns-0', '-n', 'kube-sytem');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('did you mean kube-system?');
  });

  it('a mistyped pod: exit 2 and the pod meant', async () => {
    const r = await run('workload-down', 'web-9', '-n', 'shop');
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('pod "web-9" does not exist in namespace shop');
    expect(r.stderr).toContain('did you mean web-0?');
  });

  it('a mistyped node: exit 2 and the node meant', async () => {
    const r = await run('node-not-ready', 'worker-3', '-o', 'json');
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^plumbline: node "worker-3" does not exist in context \S+: did you mean worker-1, worker-2\?/,
    );
  });

  it('a node with no near name is no typo: removed or never registered, it is the walk that finds out', async () => {
    const r = await run('node-not-ready', 'db-primary-east', '-o', 'json');
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout) as { path: { step: string; outcome: string }[]; diagnosis: { id: string } };
    expect(out.path[0]).toMatchObject({ outcome: 'not-found' });
    expect(out.diagnosis.id).toBe('node-gone');
  });

  it('names that exist walk: the main input as the argument after the runbook', async () => {
    const r = await run('workload-down', 'web-0', '-n', 'shop', '-o', 'json');
    const out = JSON.parse(r.stdout) as { runbook: string; path: { step: string }[] };
    expect(out.runbook).toBe('workload-down');
    expect(out.path[0]?.step).toBe('pod-status');
    const node = await run('node-not-ready', 'worker-2', '-o', 'json');
    expect((JSON.parse(node.stdout) as { path: unknown[] }).path.length).toBeGreaterThan(0);
  });
});
