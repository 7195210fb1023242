import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDrill } from '../../../helpers/drill.js';
import { kubectlAvailable, warnIfKubectlMissing } from '../../../helpers/kubectl.js';
import { drillWith, kubectlOn, row } from './support.js';

warnIfKubectlMissing('metrics-server-cannot-reach-kubelet fault');

describe.skipIf(!kubectlAvailable())('fault metrics-server-cannot-reach-kubelet', () => {
  let d: TestDrill;
  let kubectl: ReturnType<typeof kubectlOn>;

  beforeAll(async () => {
    d = await drillWith([{ fault: 'metrics-server-cannot-reach-kubelet', node: 'worker-2', minutes: 30 }]);
    kubectl = kubectlOn(d);
  });
  afterAll(() => d.close());

  it("logs the node it cannot scrape, with that node's address", async () => {
    const node = await d.kube.readNode('worker-2');
    const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '';
    expect(ip).not.toBe('');
    const r = await kubectl('logs', '-n', 'kube-system', 'deploy/metrics-server', '--since=1m');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(
      `scraper.go:149] "Failed to scrape node" err="Get \\"https://${ip}:10250/metrics/resource\\": dial tcp ${ip}:10250: connect: connection refused" node="worker-2"`,
    );
    expect(r.stdout).not.toContain('node="worker-1"');
    expect(r.stdout).toContain('"Failed probe" probe="metric-storage-ready" err="no metrics to serve"');
  });

  it('fails its readiness: Running 0/1, Unhealthy events, the pod under notReadyAddresses', async () => {
    const pods = await kubectl('get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=metrics-server');
    expect(row(pods.stdout, 'NAME', /^metrics-server-/)).toMatchObject({
      READY: '0/1',
      STATUS: 'Running',
      RESTARTS: '0',
    });
    const events = await kubectl('get', 'events', '-n', 'kube-system', '--field-selector', 'reason=Unhealthy');
    expect(events.stdout).toMatch(
      /Warning\s+Unhealthy\s+pod\/metrics-server-\S+\s+Readiness probe failed: HTTP probe failed with statuscode: 500/,
    );
    const ep = await d.kube.readEndpoints('kube-system', 'metrics-server');
    expect(ep.subsets?.[0]?.addresses ?? []).toHaveLength(0);
    expect(ep.subsets?.[0]?.notReadyAddresses?.[0]?.targetRef?.name).toMatch(/^metrics-server-/);
    const deploy = await kubectl('get', 'deploy', '-n', 'kube-system', 'metrics-server');
    expect(row(deploy.stdout, 'NAME', 'metrics-server')).toMatchObject({ READY: '0/1', AVAILABLE: '0' });
  });

  it('scrapes once per 15 s resolution, only while the kubelet is away', async () => {
    const log = await d.kube.readPodLog(
      'kube-system',
      (await d.kube.listPods({ namespace: 'kube-system', labelSelector: 'k8s-app=metrics-server' }))[0]?.metadata
        ?.name ?? '',
      {},
    );
    const failures = log.split('\n').filter((l) => l.includes('Failed to scrape node'));
    expect(failures.length).toBeGreaterThanOrEqual(110);
    expect(failures.length).toBeLessThanOrEqual(120);
  });
});
