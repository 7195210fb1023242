import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestDrill } from '../../helpers/drill.js';
import { runWithin } from './helpers.js';

const generated = { generate: { controlPlanes: 1, workers: 2, podsPerWorker: 0, addons: true }, nodes: [] };

/** The metrics APIService as the generated cluster has it, with another Available condition. */
function metricsApiService(reason: string, message: string): Record<string, unknown> {
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: 'v1beta1.metrics.k8s.io', creationTimestamp: 'now-90d', labels: { 'k8s-app': 'metrics-server' } },
    spec: {
      service: { name: 'metrics-server', namespace: 'kube-system', port: 443 },
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      insecureSkipTLSVerify: true,
      groupPriorityMinimum: 100,
      versionPriority: 100,
    },
    status: { conditions: [{ type: 'Available', status: 'False', lastTransitionTime: 'now-20m', reason, message }] },
  };
}

const metricsEndpoints = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: {
    name: 'metrics-server',
    namespace: 'kube-system',
    creationTimestamp: 'now-90d',
    labels: { 'k8s-app': 'metrics-server' },
  },
  subsets: [
    {
      notReadyAddresses: [
        {
          ip: '10.244.2.9',
          nodeName: 'worker-2',
          targetRef: { kind: 'Pod', name: 'metrics-server-6d94bc8694-vz5t2', namespace: 'kube-system' },
        },
      ],
      ports: [{ name: 'https', port: 10250, protocol: 'TCP' }],
    },
  ],
};

async function run(objects: Record<string, unknown>[], api?: Record<string, unknown>, timeoutMs?: number) {
  const t = await startTestDrill({
    cluster: generated,
    objects: objects as never,
    ...(api ? { api: api as never } : {}),
  });
  try {
    return await runWithin(t, 'cluster.aggregated-apis', {}, timeoutMs ? { timeoutMs } : {});
  } finally {
    await t.close();
  }
}

describe('cluster.aggregated-apis on the drill cluster', () => {
  it('all-available: the generated metrics APIService passes', async () => {
    const r = await run([]);
    expect(r.outcome).toBe('all-available');
    expect(r.summary).toBe('its one APIService is Available (aggregated: v1beta1.metrics.k8s.io)');
  });

  it('all-available, with nothing to wait on: a cluster that registers no APIService says so, not "all 0"', async () => {
    const t = await startTestDrill({
      cluster: { name: 'bare', nodes: [{ name: 'cp-1', role: 'control-plane' }] } as never,
    });
    try {
      const r = await runWithin(t, 'cluster.aggregated-apis', {}, {});
      expect(r.outcome).toBe('all-available');
      expect(r.summary).toBe('no APIService is registered, so none can make discovery wait');
    } finally {
      await t.close();
    }
  });

  it('missing-endpoints: metrics-server is not Ready, so its Service has no address', async () => {
    const r = await run([
      metricsApiService(
        'MissingEndpoints',
        'endpoints for service/metrics-server in "kube-system" have no addresses with port name "https"',
      ),
      metricsEndpoints,
    ]);
    expect(r.outcome).toBe('missing-endpoints');
    expect(r.facts).toEqual({
      unavailableApis: 'metrics.k8s.io/v1beta1',
      apiService: 'v1beta1.metrics.k8s.io',
      apiServiceReason: 'MissingEndpoints',
      apiServiceMessage:
        'endpoints for service/metrics-server in "kube-system" have no addresses with port name "https"',
      apiServiceService: 'kube-system/metrics-server',
      apiServiceEndpoints: '0 ready, 1 not ready',
      apiServiceGroup: 'metrics.k8s.io/v1beta1',
      apiServicePods: expect.stringMatching(/^metrics-server-\S+ \(Running, 1\/1 ready, 0 restarts\)$/) as string,
      apiServiceCause: 'the Service has no ready endpoint: the backing pods are missing or not Ready',
      apiServiceNamespace: 'kube-system',
      apiServiceFix:
        'kubectl -n kube-system get pods and describe the backend pods: why they are not Ready (their logs name it)',
    });
    expect(r.summary).toBe(
      '1 APIService is not Available (metrics.k8s.io/v1beta1); v1beta1.metrics.k8s.io: its Service kube-system/metrics-server has no ready endpoints (0 ready, 1 not ready): the backing pod is down or not Ready. API discovery of metrics.k8s.io/v1beta1 fails for every client that lists all groups (kubectl, the namespace and garbage collectors, kube-controller-manager)',
    );
  });

  it('service-not-found: the Service was deleted', async () => {
    const r = await run([
      metricsApiService('ServiceNotFound', 'service/metrics-server in "kube-system" is not present'),
    ]);
    expect(r.outcome).toBe('service-not-found');
    expect(r.evidence).toContainEqual({
      label: 'v1beta1.metrics.k8s.io (kube-system/metrics-server)',
      value: 'Available=False ServiceNotFound: service/metrics-server in "kube-system" is not present',
    });
  });

  it('failed-discovery-check: a real APIService pasted from a public issue', async () => {
    const pasted = parse(
      readFileSync(new URL('./fixtures/apiservice-failed-discovery.yaml', import.meta.url), 'utf8'),
    ) as Record<string, unknown>;
    const r = await run([pasted]);
    expect(r.outcome).toBe('failed-discovery-check');
    expect(r.facts).toMatchObject({
      unavailableApis: 'admission.anchore.io/v1',
      apiService: 'v1.admission.anchore.io',
      apiServiceReason: 'FailedDiscoveryCheck',
      apiServiceService: 'kube-system/anchore-kube-adm-ctrl',
      apiServiceEndpoints: 'no Endpoints object',
    });
    expect(r.summary).toContain(
      'the aggregator cannot get discovery from kube-system/anchore-kube-adm-ctrl: failing or missing response from https://10.0.0.1:443/apis/admission.anchore.io/v1: bad status from https://10.0.0.1:443/apis/admission.anchore.io/v1: 404',
    );
  });

  it('unavailable: a reason without its own branch, ranked after the ones that have one', async () => {
    const r = await run([
      metricsApiService('ServicePortError', 'service/metrics-server in "kube-system" is not listening on port 443'),
    ]);
    expect(r.outcome).toBe('unavailable');
    expect(r.facts.apiServiceReason).toBe('ServicePortError');
  });

  it('forbidden: names what it needed', async () => {
    const r = await run([], { denials: [{ verb: 'list', resource: 'apiservices' }] });
    expect(r.outcome).toBe('error');
    expect(r.facts.errorKind).toBe('forbidden');
    expect(r.summary).toContain(
      'cannot list resource "apiservices" in API group "apiregistration.k8s.io" at the cluster scope',
    );
  });

  it('timeout: the APIService list hangs', async () => {
    const r = await run([], { faults: [{ resource: 'apiservices', kind: 'hang' }] }, 1500);
    expect(r.outcome).toBe('error');
    expect(r.facts.errorKind).toBe('timeout');
  });
});
