import { describe, expect, it } from 'vitest';
import { startTestDrill } from '../../helpers/drill.js';
import { runWithin } from './helpers.js';

const generated = { generate: { controlPlanes: 1, workers: 2, podsPerWorker: 0, addons: true }, nodes: [] };
const day = 86_400_000;

async function drill(objects: Record<string, unknown>[] = [], logs: { pod: string; container: string; lines: string[] }[] = [], api?: Record<string, unknown>) {
  return startTestDrill({
    cluster: generated,
    objects: objects as never,
    logs: logs.map((l) => ({ namespace: 'kube-system', previous: false, ...l })),
    ...(api ? { api: api as never } : {}),
  });
}

describe('cluster.certificates on the drill cluster', () => {
  it('valid: the drill serves a one-year certificate its kubeconfig trusts', async () => {
    const t = await drill();
    try {
      const r = await runWithin(t, 'cluster.certificates', {});
      expect(r.outcome).toBe('valid');
      expect(r.facts.certTrusted).toBe(true);
      expect(Number(r.facts.certDaysLeft)).toBeGreaterThanOrEqual(364);
      expect(r.evidence).toContainEqual({ label: 'verified against the kubeconfig CA', value: 'yes' });
      expect(r.summary).toMatch(/^the API server's serving certificate is valid for 36\d more days, and no control-plane log mentions an expired certificate$/);
    } finally {
      await t.close();
    }
  });

  it('expiring-soon: under the warning threshold', async () => {
    const t = await drill();
    try {
      const r = await runWithin(t, 'cluster.certificates', { warnDays: '400' });
      expect(r.outcome).toBe('expiring-soon');
    } finally {
      await t.close();
    }
  });

  it('expired: read with a clock past notAfter (the certificate is still read, not refused)', async () => {
    const t = await drill();
    try {
      const r = await runWithin(t, 'cluster.certificates', {}, { now: new Date(t.now.getTime() + 400 * day) });
      expect(r.outcome).toBe('expired');
      expect(Number(r.facts.certDaysLeft)).toBeLessThan(0);
      expect(r.facts.certNotAfter).toBe(new Date(String(r.facts.certNotAfter)).toISOString());
    } finally {
      await t.close();
    }
  });

  it('x509-errors-in-logs: the API server logs clients with expired certificates', async () => {
    const line =
      'E0122 08:48:33.102938       1 authentication.go:73] "Unable to authenticate the request" err="[x509: certificate has expired or is not yet valid: current time 2024-01-22T08:48:33Z is after 2024-01-21T10:08:13Z, verifying certificate SN=5468321, SKID=, AKID=1E:7A failed: x509: certificate has expired or is not yet valid: current time 2024-01-22T08:48:33Z is after 2024-01-21T10:08:13Z]"';
    const t = await drill([], [{ pod: 'kube-apiserver-cp-1', container: 'kube-apiserver', lines: [line] }]);
    try {
      const r = await runWithin(t, 'cluster.certificates', {});
      expect(r.outcome).toBe('x509-errors-in-logs');
      expect(r.facts.x509Components).toBe('kube-apiserver-cp-1');
    } finally {
      await t.close();
    }
  });

  it('timeout and unreachable', async () => {
    const t = await drill([], [], { faults: [{ resource: 'pods', kind: 'hang' }] });
    try {
      expect((await runWithin(t, 'cluster.certificates', {}, { timeoutMs: 1500 })).facts.errorKind).toBe('timeout');
    } finally {
      await t.close();
    }
    const gone = await drill();
    await gone.close();
    expect((await runWithin(gone, 'cluster.certificates', {})).facts.errorKind).toBe('unreachable');
  });
});

/** A ReplicaSet's FailedCreate event, as kube-controller-manager records it (wording: kubernetes-sigs/jobset#67, milvus-operator#129). */
function failedCreate(rs: string, namespace: string, message: string, count: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${rs}.17c2a1b3d4e5f601`, namespace, creationTimestamp: 'now-30m' },
    involvedObject: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, namespace },
    reason: 'FailedCreate',
    message,
    type: 'Warning',
    count,
    firstTimestamp: 'now-30m',
    lastTimestamp: 'now-1m',
    source: { component: 'replicaset-controller' },
  };
}

const noEndpoints =
  'Error creating: Internal error occurred: failed calling webhook "mjobset.kb.io": failed to call webhook: Post "https://jobset-webhook-service.jobset-system.svc:443/mutate-batch-x-k8s-io-v1alpha1-jobset?timeout=10s": no endpoints available for service "jobset-webhook-service"';
const timedOut =
  'Error creating: Internal error occurred: failed calling webhook "validate.kyverno.svc-fail": failed to call webhook: Post "https://kyverno-svc.kyverno.svc:443/validate/fail?timeout=10s": context deadline exceeded';

const emptyEndpoints = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'jobset-webhook-service', namespace: 'jobset-system', creationTimestamp: 'now-2d' },
};
const kyvernoEndpoints = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'kyverno-svc', namespace: 'kyverno', creationTimestamp: 'now-2d' },
  subsets: [{ addresses: [{ ip: '10.244.1.17' }], ports: [{ name: 'https', port: 9443, protocol: 'TCP' }] }],
};

describe('cluster.admission-webhooks on the drill cluster', () => {
  it('webhook-without-endpoints: FailedCreate names the webhook, its Service has no endpoints', async () => {
    const t = await drill([failedCreate('api-7d9c8b6f5', 'shop', noEndpoints, 23), emptyEndpoints]);
    try {
      const r = await runWithin(t, 'cluster.admission-webhooks', { namespace: 'shop' });
      expect(r.outcome).toBe('webhook-without-endpoints');
      expect(r.facts).toMatchObject({
        webhook: 'mjobset.kb.io',
        webhookService: 'jobset-system/jobset-webhook-service',
        webhookEndpoints: '0 ready addresses',
        failingObject: 'ReplicaSet/api-7d9c8b6f5 in shop',
        webhookError: 'no endpoints available for service "jobset-webhook-service"',
      });
      expect(r.summary).toBe(
        'creates by ReplicaSet/api-7d9c8b6f5 in shop are rejected: webhook "mjobset.kb.io" has no ready endpoints behind jobset-system/jobset-webhook-service; start the webhook\'s pods (or, as a last resort, set its failurePolicy to Ignore)',
      );
      expect(r.evidence[1]).toEqual({ label: 'ReplicaSet/api-7d9c8b6f5 in shop FailedCreate ×23', value: noEndpoints });
    } finally {
      await t.close();
    }
  });

  it('webhook-calls-failing: the webhook has endpoints but does not answer; found cluster-wide with the involved object as params', async () => {
    const t = await drill([failedCreate('web-5f7b9c', 'shop', timedOut, 4), kyvernoEndpoints]);
    try {
      const r = await runWithin(t, 'cluster.admission-webhooks', { kind: 'ReplicaSet', name: 'web-5f7b9c' });
      expect(r.outcome).toBe('webhook-calls-failing');
      expect(r.facts).toMatchObject({ webhook: 'validate.kyverno.svc-fail', webhookService: 'kyverno/kyverno-svc', webhookEndpoints: '1 ready address', webhookError: 'context deadline exceeded' });
      expect(r.command).toBe(
        "kubectl get events -A --field-selector reason=FailedCreate,involvedObject.kind=ReplicaSet,involvedObject.name=web-5f7b9c | grep 'failed calling webhook' && kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations",
      );
    } finally {
      await t.close();
    }
  });

  it('healthy: FailedCreate events for other reasons do not count', async () => {
    const quota = 'Error creating: pods "api-7d9c8b6f5-x2x9v" is forbidden: exceeded quota: compute, requested: cpu=500m, used: cpu=4, limited: cpu=4';
    const t = await drill([failedCreate('api-7d9c8b6f5', 'shop', quota, 3)]);
    try {
      const r = await runWithin(t, 'cluster.admission-webhooks', { namespace: 'shop' });
      expect(r.outcome).toBe('healthy');
      expect(r.summary.startsWith('no "failed calling webhook" in namespace shop\'s FailedCreate events')).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('forbidden: listing events', async () => {
    const t = await drill([], [], { denials: [{ verb: 'list', resource: 'events', namespace: 'shop' }] });
    try {
      const r = await runWithin(t, 'cluster.admission-webhooks', { namespace: 'shop' });
      expect(r.facts.errorKind).toBe('forbidden');
      expect(r.summary).toContain('cannot list resource "events" in API group "" in the namespace "shop"');
    } finally {
      await t.close();
    }
  });
});
