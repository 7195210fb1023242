import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCluster, loadScenarioFile, ScenarioBuildError } from '../../../src/drill/scenario.js';
import { InputError } from '../../../src/base/source.js';

const now = new Date('2026-11-25T12:00:00Z');

function scenarioFile(body: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'plumbline-faults-')), 's.yaml');
  writeFileSync(
    file,
    `id: s\ntitle: t\npage: p\nrunbook: workload-down\nexpect: { diagnosis: null }\ncluster:\n  generate: { controlPlanes: 1, workers: 2 }\n${body}`,
  );
  return file;
}

describe('faults in a scenario', () => {
  it('apply a catalog fault to the generated cluster', async () => {
    const { scenario } = await loadScenarioFile(
      scenarioFile('faults:\n  - fault: etcd-rejected-connection-noise\n    lines: 3\n'),
    );
    const built = buildCluster(scenario, now);
    const log = built.logs.find((l) => l.pod === 'etcd-cp-1' && l.container === 'etcd');
    expect(log?.lines.filter((l) => l.includes('rejected connection'))).toHaveLength(3);
    expect(log?.lines.at(-1)).toContain('"ts":"2026-11-25T11:59:55.000000Z"');
  });

  it('leave no namespace without kube-root-ca.crt, as the root-CA publisher would (a pod volume would find it missing)', async () => {
    const { scenario } = await loadScenarioFile(
      scenarioFile(
        'objects:\n  - { apiVersion: v1, kind: Namespace, metadata: { name: shop, creationTimestamp: now-1d } }\n',
      ),
    );
    const built = buildCluster(scenario, now);
    const held = built.objects.filter((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'kube-root-ca.crt');
    const namespaces = built.objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata?.name);
    expect(namespaces).toContain('shop');
    expect(held.map((o) => o.metadata?.namespace).sort()).toEqual([...namespaces].sort());
    // One CA for the cluster, the same bundle in every namespace.
    expect(new Set(held.map((o) => JSON.stringify((o as { data?: unknown }).data))).size).toBe(1);
  });

  it('name an unknown fault, or a bad parameter, by file, line and column', async () => {
    await expect(loadScenarioFile(scenarioFile('faults:\n  - fault: no-such-fault\n'))).rejects.toThrow(
      /s\.yaml:9:\d+: faults\.0\.fault: unknown fault "no-such-fault"; the catalog has: .*etcd-rejected-connection-noise/,
    );
    const err = await loadScenarioFile(
      scenarioFile('faults:\n  - fault: etcd-rejected-connection-noise\n    lines: many\n'),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/s\.yaml:10:\d+: faults\.0\.lines: /);
  });

  it('report a fault the cluster cannot take, with its index', async () => {
    const { scenario } = await loadScenarioFile(
      scenarioFile('faults:\n  - fault: etcd-rejected-connection-noise\n    node: cp-9\n'),
    );
    expect(() => buildCluster(scenario, now)).toThrow(ScenarioBuildError);
    expect(() => buildCluster(scenario, now)).toThrow(
      'fault etcd-rejected-connection-noise: the cluster has no Pod kube-system/etcd-cp-9',
    );
  });

  it('carry the API section to the server spec', async () => {
    const { scenario } = await loadScenarioFile(
      scenarioFile(
        'api:\n  user: jane\n  denials: [{ verb: list, resource: pods, namespace: db }]\n  faults: [{ kind: latency, ms: 10 }]\n',
      ),
    );
    const built = buildCluster(scenario, now);
    expect(built.user).toBe('jane');
    expect(built.denials).toEqual([{ verb: 'list', resource: 'pods', namespace: 'db' }]);
    expect(built.apiFaults).toEqual([{ kind: 'latency', ms: 10 }]);
  });
});

describe('relative times in scenarios', () => {
  it('chain units in one signed group, as Go durations do', async () => {
    const { resolveTime } = await import('../../../src/drill/relativeTime.js');
    expect(resolveTime('now-4m10s', now)).toBe('2026-11-25T11:55:50Z');
    expect(resolveTime('now-2d-3h', now)).toBe('2026-11-23T09:00:00Z');
    expect(resolveTime('now+30s', now)).toBe('2026-11-25T12:00:30Z');
    expect(resolveTime('now-4x', now)).toBeUndefined();
  });
});
