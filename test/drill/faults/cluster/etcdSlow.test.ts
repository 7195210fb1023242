import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCluster } from '../../../../src/drill/scenario.js';
import { scenarioSchema } from '../../../../src/drill/scenarioSchema.js';
import type { TestDrill } from '../../../helpers/drill.js';
import { kubectlAvailable, warnIfKubectlMissing } from '../../../helpers/kubectl.js';
import { drillWith, kubectlOn } from './support.js';

warnIfKubectlMissing('etcd-slow fault');

describe.skipIf(!kubectlAvailable())('fault etcd-slow', () => {
  let d: TestDrill;
  let kubectl: ReturnType<typeof kubectlOn>;

  beforeAll(async () => {
    d = await drillWith([
      { fault: 'etcd-rejected-connection-noise', lines: 5 },
      { fault: 'etcd-slow', ms: 300, minutes: 10 },
    ]);
    kubectl = kubectlOn(d);
  });
  afterAll(() => d.close());

  it("etcd logs slow fdatasync and slow applies, keeping the other fault's lines", async () => {
    const r = await kubectl('logs', '-n', 'kube-system', 'etcd-cp-1');
    expect(r.exitCode).toBe(0);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    const sync = lines.filter((l) => l.msg === 'slow fdatasync');
    expect(sync.length).toBeGreaterThanOrEqual(55);
    expect(sync[0]).toMatchObject({ level: 'warn', caller: 'wal/wal.go:805', 'expected-duration': '1s' });
    expect(parseFloat(sync[0]?.took ?? '0')).toBeGreaterThan(1);
    const apply = lines.filter((l) => l.msg === 'apply request took too long');
    expect(apply[0]).toMatchObject({
      caller: 'etcdserver/util.go:170',
      'expected-duration': '100ms',
      prefix: 'read-only range ',
    });
    expect(lines.filter((l) => l.msg === 'rejected connection on client endpoint')).toHaveLength(5);
    // One process's log reads in time order.
    const times = lines.map((l) => Date.parse(l.ts ?? ''));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('the apiserver traces slow lease updates, and stays ready', async () => {
    const r = await kubectl('logs', '-n', 'kube-system', 'kube-apiserver-cp-1', '--tail', '8');
    expect(r.stdout).toMatch(
      /trace\.go:236\] Trace\[\d+\]: "Update" .*resource:leases.*\(total time: \d+ms\):\nTrace\[\d+\]: \["GuaranteedUpdate etcd3" /,
    );
    expect(r.stdout).toMatch(/Trace\[\d+\]: \[[\d.]+m?s\] \[[\d.]+m?s\] END/);
    const ready = await d.kube.getRaw('/readyz?verbose');
    expect(ready.status).toBe(200);
    expect(ready.body).toContain('[+]etcd ok');
  });

  it('delays resource requests by the injected latency, not discovery or health checks', async () => {
    // The server sleeps before answering, so the wait is a lower bound whatever the machine's load.
    const t = Date.now();
    await d.kube.listPods({ namespace: 'kube-system' });
    expect(Date.now() - t).toBeGreaterThanOrEqual(300);
    const built = buildCluster(
      scenarioSchema.parse({
        id: 's',
        title: 't',
        page: 'p',
        runbook: 'r',
        expect: { diagnosis: null },
        cluster: { generate: {} },
        faults: [{ fault: 'etcd-slow', ms: 300 }],
      }),
      d.now,
    );
    const [fault] = built.apiFaults;
    expect(fault).toMatchObject({ kind: 'latency', ms: 300 });
    const path = new RegExp(fault?.path ?? '');
    for (const p of [
      '/api/v1/pods',
      '/api/v1/namespaces/kube-system/pods/etcd-cp-1',
      '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases',
    ])
      expect(p).toMatch(path);
    for (const p of ['/readyz', '/livez', '/version', '/api', '/api/v1', '/apis', '/apis/apps/v1'])
      expect(p).not.toMatch(path);
  });
});
