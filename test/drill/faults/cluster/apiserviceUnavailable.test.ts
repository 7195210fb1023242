import { afterEach, describe, expect, it } from 'vitest';
import type { TestDrill } from '../../../helpers/drill.js';
import { kubectlAvailable, warnIfKubectlMissing } from '../../../helpers/kubectl.js';
import { drillWith, kubectlOn, row } from './support.js';

warnIfKubectlMissing('apiservice-unavailable fault');

describe.skipIf(!kubectlAvailable())('fault apiservice-unavailable', () => {
  let d: TestDrill | undefined;
  afterEach(() => d?.close());

  it("FailedDiscoveryCheck: AVAILABLE False, the aggregator's message, 503 under /apis/metrics.k8s.io, /readyz ok", async () => {
    d = await drillWith([{ fault: 'apiservice-unavailable', reason: 'FailedDiscoveryCheck' }]);
    const kubectl = kubectlOn(d);
    const r = await kubectl('get', 'apiservices');
    expect(r.exitCode).toBe(0);
    expect(row(r.stdout, 'NAME', 'v1beta1.metrics.k8s.io')).toMatchObject({
      SERVICE: 'kube-system/metrics-server',
      AVAILABLE: 'False (FailedDiscoveryCheck)',
    });

    const svc = await d.kube.readService('kube-system', 'metrics-server');
    const [api] = (await d.kube.listApiServices()).filter((a) => a.metadata?.name === 'v1beta1.metrics.k8s.io');
    const cond = api?.status?.conditions?.find((c) => c.type === 'Available');
    expect(cond?.message).toBe(
      `failing or missing response from https://${svc.spec?.clusterIP}:443/apis/metrics.k8s.io/v1beta1: Get "https://${svc.spec?.clusterIP}:443/apis/metrics.k8s.io/v1beta1": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    );

    const raw = await kubectl('get', '--raw', '/apis/metrics.k8s.io/v1beta1');
    expect(raw.exitCode).not.toBe(0);
    expect(raw.stderr).toContain(
      'Error from server (ServiceUnavailable): the server is currently unable to handle the request',
    );
    const top = await kubectl('top', 'nodes');
    expect(top.exitCode).not.toBe(0);

    const ready = await d.kube.getRaw('/readyz?verbose');
    expect(ready.status).toBe(200);
    expect(ready.body).toContain('readyz check passed');

    const log = await kubectl('logs', '-n', 'kube-system', 'kube-apiserver-cp-1', '--tail', '20');
    expect(log.stdout).toContain(
      '"Unhandled Error" err="v1beta1.metrics.k8s.io failed with: failing or missing response from https://',
    );
    expect(log.stdout).toContain(
      'OpenAPI AggregationController: action for item v1beta1.metrics.k8s.io: Rate Limited Requeue.',
    );
  });

  it('MissingEndpoints: the metrics-server pod is unready and no endpoint is ready', async () => {
    d = await drillWith([{ fault: 'apiservice-unavailable', reason: 'MissingEndpoints' }]);
    const kubectl = kubectlOn(d);
    const r = await kubectl(
      'get',
      'apiservice',
      'v1beta1.metrics.k8s.io',
      '-o',
      'jsonpath={.status.conditions[0].message}',
    );
    expect(r.stdout).toBe(
      'endpoints for service/metrics-server in "kube-system" have no addresses with port name "https"',
    );
    const list = await kubectl('get', 'apiservices');
    expect(row(list.stdout, 'NAME', 'v1beta1.metrics.k8s.io')?.AVAILABLE).toBe('False (MissingEndpoints)');
    const ep = await d.kube.readEndpoints('kube-system', 'metrics-server');
    expect(ep.subsets?.[0]?.addresses ?? []).toHaveLength(0);
    const pods = await kubectl('get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=metrics-server');
    expect(row(pods.stdout, 'NAME', /^metrics-server-/)?.READY).toBe('0/1');
  });

  it('ServiceNotFound: the Service is gone', async () => {
    d = await drillWith([{ fault: 'apiservice-unavailable', reason: 'ServiceNotFound' }]);
    const kubectl = kubectlOn(d);
    const list = await kubectl('get', 'apiservices');
    expect(row(list.stdout, 'NAME', 'v1beta1.metrics.k8s.io')?.AVAILABLE).toBe('False (ServiceNotFound)');
    const svc = await kubectl('get', 'svc', '-n', 'kube-system', 'metrics-server');
    expect(svc.stderr).toContain('Error from server (NotFound): services "metrics-server" not found');
  });
});
