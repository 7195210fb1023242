import { describe, expect, it } from 'vitest';
import { startTestDrill } from '../../helpers/drill.js';
import { kubectlAvailable, runKubectl } from '../../helpers/kubectl.js';
import { runWithin } from './helpers.js';

const generated = { generate: { controlPlanes: 1, workers: 2, podsPerWorker: 0, addons: true }, nodes: [] };
const day = 86_400_000;

async function drill(
  objects: Record<string, unknown>[] = [],
  logs: { pod: string; container: string; lines: string[] }[] = [],
  api?: Record<string, unknown>,
) {
  return startTestDrill({
    cluster: generated,
    objects: objects as never,
    logs: logs.map((l) => ({ namespace: 'kube-system', previous: false, ...l })),
    ...(api ? { api: api as never } : {}),
  });
}

describe('cluster.certificates on the drill cluster', () => {
  it('valid, but says the logs were not read when the kubelet could not hand them over (not collected): no "no log mentions"', async () => {
    const t = await startTestDrill({ cluster: generated, notCollected: { logs: true } });
    try {
      const r = await runWithin(t, 'cluster.certificates', {});
      expect(r.outcome).toBe('valid');
      expect(r.summary).toMatch(
        /^the API server's serving certificate is valid for 36\d more days; no control-plane log could be read, so x509 errors in them were not checked$/,
      );
      expect(r.evidence.some((e) => e.label.endsWith(' log') && e.value.includes('not collected'))).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('valid: the drill serves a one-year certificate its kubeconfig trusts', async () => {
    const t = await drill();
    try {
      const r = await runWithin(t, 'cluster.certificates', {});
      expect(r.outcome).toBe('valid');
      expect(r.facts.certTrusted).toBe(true);
      expect(Number(r.facts.certDaysLeft)).toBeGreaterThanOrEqual(364);
      expect(r.evidence).toContainEqual({ label: 'verified against the kubeconfig CA', value: 'yes' });
      expect(r.summary).toMatch(
        /^the API server's serving certificate is valid for 36\d more days, and no control-plane log mentions an expired certificate$/,
      );
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
      expect(r.evidence[0]).toEqual({ label: 'ReplicaSet/api-7d9c8b6f5 in shop FailedCreate ×23', value: noEndpoints });
    } finally {
      await t.close();
    }
  });

  it('webhook-calls-failing: the webhook has endpoints but does not answer; found cluster-wide with the involved object as params', async () => {
    const t = await drill([failedCreate('web-5f7b9c', 'shop', timedOut, 4), kyvernoEndpoints]);
    try {
      const r = await runWithin(t, 'cluster.admission-webhooks', { kind: 'ReplicaSet', name: 'web-5f7b9c' });
      expect(r.outcome).toBe('webhook-calls-failing');
      expect(r.facts).toMatchObject({
        webhook: 'validate.kyverno.svc-fail',
        webhookService: 'kyverno/kyverno-svc',
        webhookEndpoints: '1 ready address',
        webhookError: 'context deadline exceeded',
      });
      expect(r.command).toBe(
        "kubectl get events -A --field-selector reason=FailedCreate,involvedObject.kind=ReplicaSet,involvedObject.name=web-5f7b9c | grep -E 'failed calling webhook|denied the request|is forbidden' && kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations",
      );
    } finally {
      await t.close();
    }
  });

  it('healthy: no FailedCreate in the namespace, and no webhook without endpoints', async () => {
    const t = await drill([failedCreate('api-7d9c8b6f5', 'other', noEndpoints, 3)]);
    try {
      const r = await runWithin(t, 'cluster.admission-webhooks', { namespace: 'shop' });
      expect(r.outcome).toBe('healthy');
      expect(
        r.summary.startsWith(
          'no "failed calling webhook", webhook denial or forbidden create in namespace shop\'s FailedCreate events',
        ),
      ).toBe(true);
    } finally {
      await t.close();
    }
  });

  // Real refusals: a ResourceQuota (werf/kubedog#216), a LimitRange (zalando-incubator/kubernetes-on-aws#278), Pod Security (open-policy-agent/gatekeeper#2633).
  it.each([
    [
      'a ResourceQuota',
      'Error creating: pods "amazing-app-7c54856575-7jqsn" is forbidden: exceeded quota: devops, requested: requests.cpu=100,requests.memory=128Gi, used: requests.cpu=350m,requests.memory=384Mi, limited: requests.cpu=100,requests.memory=100Gi',
    ],
    [
      'a LimitRange',
      'Error creating: pods "hjacobs-test-1668339668-" is forbidden: maximum cpu usage per Container is 16, but request is 17.',
    ],
    [
      'a LimitRange',
      'Error creating: pods "amazing-app-5b4c58fbb9-8gsvl" is forbidden: [cpu max limit to request ratio per Container is 5, but no request is specified or request is 0, memory max limit to request ratio per Container is 5, but no request is specified or request is 0]',
    ],
    [
      'Pod Security admission',
      'Error creating: pods "gatekeeper-controller-manager-75578bc95d-pc2wp" is forbidden: violates PodSecurity "restricted:v1.24": host namespaces (hostNetwork=true), hostPort (container "manager" uses hostPorts 8443, 8888, 9090)',
    ],
  ])('create-forbidden: %s refuses the pod', async (by, message) => {
    const t = await drill([failedCreate('api-7d9c8b6f5', 'shop', message, 3)]);
    try {
      const r = await runWithin(t, 'cluster.admission-webhooks', { namespace: 'shop' });
      expect(r.outcome).toBe('create-forbidden');
      expect(r.facts).toMatchObject({
        refusedBy: by,
        failingObject: 'ReplicaSet/api-7d9c8b6f5 in shop',
        createRefusal: message.replace('Error creating: ', ''),
      });
      const refusal = message.replace('Error creating: ', '');
      expect(r.summary).toBe(
        `creates by ReplicaSet/api-7d9c8b6f5 in shop are refused by ${by}: ${refusal.length > 200 ? `${refusal.slice(0, 199)}…` : refusal}`,
      );
    } finally {
      await t.close();
    }
  });

  it("create-forbidden: the paged pod's own controller is chosen over another refusal in the namespace", async () => {
    const quota =
      'Error creating: pods "batch-5d8f-abcde" is forbidden: exceeded quota: compute, requested: cpu=2, used: cpu=4, limited: cpu=4';
    const limits =
      'Error creating: pods "api-7d9c8b6f5-" is forbidden: maximum cpu usage per Container is 16, but request is 17.';
    const t = await drill([
      failedCreate('batch-5d8f', 'shop', quota, 9),
      failedCreate('api-7d9c8b6f5', 'shop', limits, 2),
    ]);
    try {
      const r = await runWithin(t, 'cluster.admission-webhooks', { namespace: 'shop', pod: 'api-7d9c8b6f5-x2x9v' });
      expect(r.outcome).toBe('create-forbidden');
      expect(r.facts).toMatchObject({ failingObject: 'ReplicaSet/api-7d9c8b6f5 in shop', refusedBy: 'a LimitRange' });
    } finally {
      await t.close();
    }
  });

  // The denial is kube-rs/kube#494's FailedCreate, verbatim; the configuration around it is the webhook its author describes (a mutating one).
  it('webhook-denied: the webhook answered no; its MutatingWebhookConfiguration is read and named', async () => {
    const denied =
      'Error creating: admission webhook "image-tag-constraint-controller.default.svc.cluster.local" denied the request without explanation';
    const mutating = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'image-tag-constraint', creationTimestamp: 'now-3d' },
      webhooks: [
        {
          name: 'image-tag-constraint-controller.default.svc.cluster.local',
          clientConfig: { service: { namespace: 'default', name: 'image-tag-constraint-controller', path: '/mutate' } },
          rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
          failurePolicy: 'Fail',
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
      ],
    };
    const endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'image-tag-constraint-controller', namespace: 'default', creationTimestamp: 'now-3d' },
      subsets: [{ addresses: [{ ip: '10.244.1.9' }], ports: [{ port: 8443, protocol: 'TCP' }] }],
    };
    const t = await drill([failedCreate('toolbox-84b4c6f7f6', 'kube-system', denied, 12), mutating, endpoints]);
    try {
      const [served] = await t.kube.listMutatingWebhookConfigurations();
      expect(served?.webhooks?.[0]?.name).toBe('image-tag-constraint-controller.default.svc.cluster.local');
      if (kubectlAvailable()) {
        // kubectl's own printer columns for the kind: NAME, WEBHOOKS, AGE.
        const got = await runKubectl(t.drill.kubeconfigPath, ['get', 'mutatingwebhookconfigurations']);
        expect(got.exitCode).toBe(0);
        expect(got.stdout.split('\n')[0]?.split(/\s+/)).toEqual(['NAME', 'WEBHOOKS', 'AGE']);
        expect(got.stdout.split('\n')[1]?.split(/\s+/)).toEqual(['image-tag-constraint', '1', '3d']);
      }
      const r = await runWithin(t, 'cluster.admission-webhooks', { namespace: 'kube-system' });
      expect(r.outcome).toBe('webhook-denied');
      expect(r.facts).toMatchObject({
        webhook: 'image-tag-constraint-controller.default.svc.cluster.local',
        webhookDenial: 'without explanation',
        webhookConfiguration: 'mutatingwebhookconfiguration image-tag-constraint',
        failingObject: 'ReplicaSet/toolbox-84b4c6f7f6 in kube-system',
      });
      expect(r.summary).toBe(
        'creates by ReplicaSet/toolbox-84b4c6f7f6 in kube-system are denied by webhook "image-tag-constraint-controller.default.svc.cluster.local", which answered: without explanation; the webhook works, its policy refuses this pod',
      );
    } finally {
      await t.close();
    }
  });

  it("webhook-denied: the denial's own words are kept (Gatekeeper, uoe-eidf-cluster-users/eidf-epcc-cluster#26)", async () => {
    const denied =
      'Error creating: admission webhook "validation.gatekeeper.sh" denied the request: [userpodlimits] container <cudasample> has no cpu limit, please see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/';
    const t = await drill([failedCreate('first-pod-7c9', 'eidf', denied, 2)]);
    try {
      const r = await runWithin(t, 'cluster.admission-webhooks', { namespace: 'eidf' });
      expect(r.outcome).toBe('webhook-denied');
      expect(r.facts.webhookDenial).toBe(
        '[userpodlimits] container <cudasample> has no cpu limit, please see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
      );
      expect(r.facts.webhookConfiguration).toBe(
        'not among the service-backed webhook configurations read (a URL-backed webhook, or one since removed)',
      );
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
