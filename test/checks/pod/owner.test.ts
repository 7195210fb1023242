import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pod, startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

const uid = (n: number) => `0d6f1c2e-5a7b-4c3d-8e9f-${n.toString(16).padStart(12, '0')}`;
const owner = (kind: string, name: string, apiVersion = 'apps/v1', n = 1) => ({
  apiVersion,
  kind,
  name,
  uid: uid(n),
  controller: true,
  blockOwnerDeletion: true,
});

const owned = (
  name: string,
  namespace: string,
  ref: Record<string, unknown> | undefined,
  ready = true,
  labels: Record<string, string> = {},
) => {
  const p = pod(
    name,
    namespace,
    { nodeName: 'worker-1' },
    {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: 'now-5m' }],
      containerStatuses: [
        {
          name: 'main',
          image: 'app:1',
          imageID: '',
          ready,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: 'now-6m' } },
        },
      ],
    },
  );
  const meta = p.metadata as Record<string, unknown>;
  meta.labels = { ...(meta.labels as Record<string, string>), ...labels };
  if (ref) meta.ownerReferences = [ref];
  return p;
};

const deployment = (
  name: string,
  generation: number,
  spec: Record<string, unknown>,
  status: Record<string, unknown>,
) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'app', generation, creationTimestamp: 'now-30d' },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'app:1' }] } },
    ...spec,
  },
  status,
});

const replicaSet = (name: string, deploymentName: string | undefined, replicas: number, ready: number) => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name,
    namespace: 'app',
    generation: 1,
    creationTimestamp: 'now-1h',
    ...(deploymentName ? { ownerReferences: [owner('Deployment', deploymentName)] } : {}),
  },
  spec: { replicas, selector: { matchLabels: { app: deploymentName ?? name } } },
  status: { replicas, readyReplicas: ready, availableReplicas: ready, observedGeneration: 1 },
});

const objects = [
  // Cloudpods: the host DaemonSet on three hypervisors, one host pod 2/3 ready.
  {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'default-host', namespace: 'onecloud', generation: 4, creationTimestamp: 'now-128d' },
    spec: {
      selector: { matchLabels: { app: 'default-host' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
    },
    status: {
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberReady: 2,
      updatedNumberScheduled: 3,
      numberAvailable: 2,
      numberUnavailable: 1,
      numberMisscheduled: 0,
      observedGeneration: 4,
    },
  },
  owned('default-host-xc2t5', 'onecloud', owner('DaemonSet', 'default-host'), false),

  deployment(
    'web',
    3,
    { replicas: 3, progressDeadlineSeconds: 600 },
    {
      observedGeneration: 3,
      replicas: 4,
      updatedReplicas: 1,
      readyReplicas: 3,
      availableReplicas: 3,
      unavailableReplicas: 1,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "web-7d9c5b8f4" has timed out progressing.',
        },
      ],
    },
  ),
  replicaSet('web-7d9c5b8f4', 'web', 1, 0),
  owned('web-7d9c5b8f4-x2x9q', 'app', owner('ReplicaSet', 'web-7d9c5b8f4'), false),

  deployment(
    'api',
    5,
    { replicas: 3 },
    {
      observedGeneration: 5,
      replicas: 4,
      updatedReplicas: 1,
      readyReplicas: 3,
      availableReplicas: 3,
      conditions: [
        {
          type: 'Progressing',
          status: 'True',
          reason: 'ReplicaSetUpdated',
          message: 'ReplicaSet "api-6b7c8d9e" is progressing.',
        },
      ],
    },
  ),
  replicaSet('api-6b7c8d9e', 'api', 1, 0),
  owned('api-6b7c8d9e-k4m2n', 'app', owner('ReplicaSet', 'api-6b7c8d9e'), false),

  deployment(
    'cart',
    2,
    { replicas: 2 },
    {
      observedGeneration: 2,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      conditions: [
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: 'ReplicaSet "cart-5f6d7c8b9" has successfully progressed.',
        },
      ],
    },
  ),
  replicaSet('cart-5f6d7c8b9', 'cart', 2, 2),
  owned('cart-5f6d7c8b9-abcde', 'app', owner('ReplicaSet', 'cart-5f6d7c8b9')),

  // The controller-manager stopped: the latest edit was never processed.
  deployment(
    'search',
    7,
    { replicas: 2 },
    { observedGeneration: 6, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 },
  ),
  replicaSet('search-4c5d6e7f8', 'search', 2, 2),
  owned('search-4c5d6e7f8-qwert', 'app', owner('ReplicaSet', 'search-4c5d6e7f8')),

  deployment('batch-ui', 4, { replicas: 0 }, { observedGeneration: 4 }),
  replicaSet('batch-ui-9a8b7c6d5', 'batch-ui', 0, 0),
  owned('batch-ui-9a8b7c6d5-zzzzz', 'app', owner('ReplicaSet', 'batch-ui-9a8b7c6d5')),

  {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'mysql', namespace: 'app', generation: 2, creationTimestamp: 'now-60d' },
    spec: {
      replicas: 3,
      serviceName: 'mysql',
      selector: { matchLabels: { app: 'mysql' } },
      updateStrategy: { type: 'RollingUpdate' },
    },
    status: {
      observedGeneration: 2,
      replicas: 3,
      readyReplicas: 2,
      currentReplicas: 2,
      updatedReplicas: 1,
      currentRevision: 'mysql-5c7d6b8a4',
      updateRevision: 'mysql-6d8f7c9b5',
      availableReplicas: 2,
    },
  },
  owned('mysql-2', 'app', owner('StatefulSet', 'mysql'), false, { 'controller-revision-hash': 'mysql-6d8f7c9b5' }),

  owned('kube-apiserver-cp-1', 'kube-system', owner('Node', 'cp-1', 'v1')),
  owned('debug-shell', 'app', undefined),
  owned('orphan-abcde', 'app', owner('ReplicaSet', 'deleted-rs')),
  owned('kruise-app-0', 'app', owner('CloneSet', 'kruise-app', 'apps.kruise.io/v1alpha1')),
  owned('nightly-28919160-8xk2p', 'app', owner('Job', 'nightly-28919160', 'batch/v1')),
  {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: 'nightly-28919160',
      namespace: 'app',
      creationTimestamp: 'now-2h',
      ownerReferences: [owner('CronJob', 'nightly', 'batch/v1')],
    },
    spec: { completions: 1, parallelism: 1, backoffLimit: 6 },
    status: {
      failed: 7,
      startTime: 'now-2h',
      conditions: [
        {
          type: 'Failed',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
      ],
    },
  },
];

describe('pod.owner on the drill cluster', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { nodes: [{ name: 'cp-1', role: 'control-plane' }, { name: 'worker-1' }] as never },
      objects: objects as never,
    });
  });
  afterAll(() => t.close());

  it('Cloudpods host: the DaemonSet is rolled out but one host pod is not ready; deleting the pod is safe', async () => {
    const r = await t.check('pod.owner', { namespace: 'onecloud', name: 'default-host-xc2t5' });
    expect(r.outcome).toBe('replicas-unavailable');
    expect(r.summary).toBe('DaemonSet/default-host is fully rolled out but only 2/3 replicas are ready (2 available)');
    expect(r.facts).toEqual({
      ownerKind: 'DaemonSet',
      ownerName: 'default-host',
      controller: 'DaemonSet/default-host',
      recreatedByController: true,
      desiredReplicas: 3,
      readyReplicas: 2,
      updatedReplicas: 3,
      availableReplicas: 2,
      rolloutCommand: 'kubectl rollout status daemonset/default-host -n onecloud',
    });
    expect(r.command).toBe(
      `kubectl get pod default-host-xc2t5 -n onecloud -o jsonpath='{.metadata.ownerReferences[?(@.controller==true)].kind}/{.metadata.ownerReferences[?(@.controller==true)].name}{"\\n"}'`,
    );
  });

  it.each([
    [
      'app',
      'web-7d9c5b8f4-x2x9q',
      'rollout-stuck',
      'Deployment/web\'s rollout is stuck (3/3 ready, 1/3 up to date): ProgressDeadlineExceeded: ReplicaSet "web-7d9c5b8f4" has timed out progressing.',
      { controller: 'Deployment/web', ownerKind: 'ReplicaSet' },
    ],
    [
      'app',
      'api-6b7c8d9e-k4m2n',
      'rollout-in-progress',
      'Deployment/api is rolling out (3/3 ready, 1/3 up to date)',
      { updatedReplicas: 1 },
    ],
    [
      'app',
      'cart-5f6d7c8b9-abcde',
      'rollout-complete',
      'Deployment/cart is rolled out: 2/2 ready, 2/2 up to date',
      { rolloutCommand: 'kubectl rollout status deployment/cart -n app' },
    ],
    [
      'app',
      'search-4c5d6e7f8-qwert',
      'not-observed',
      'Deployment/search is at generation 7 but its controller has only processed 6: is kube-controller-manager running?',
      { rolloutReason: 'generation not observed' },
    ],
    [
      'app',
      'batch-ui-9a8b7c6d5-zzzzz',
      'scaled-to-zero',
      'Deployment/batch-ui is scaled to 0 replicas: it wants no pods, and this one will go',
      {},
    ],
    [
      'app',
      'mysql-2',
      'rollout-stuck',
      "StatefulSet/mysql's rollout waits on this pod (2/3 ready, 1/3 up to date): pod mysql-2 runs the new revision mysql-6d8f7c9b5 and is not ready",
      { rolloutReason: 'new revision pod mysql-2 is not ready' },
    ],
    [
      'kube-system',
      'kube-apiserver-cp-1',
      'static-pod',
      'pod kube-apiserver-cp-1 is a static (mirror) pod of node cp-1: the kubelet runs it from a manifest file on that node, the API cannot change it',
      { ownerKind: 'Node' },
    ],
    [
      'app',
      'debug-shell',
      'no-controller',
      'pod debug-shell has no controller: if it is deleted, nothing recreates it',
      { recreatedByController: false },
    ],
    [
      'app',
      'orphan-abcde',
      'owner-gone',
      'pod orphan-abcde names ReplicaSet/deleted-rs as its controller, but that object no longer exists: the pod is orphaned',
      { recreatedByController: false },
    ],
    [
      'app',
      'kruise-app-0',
      'unsupported-controller',
      'pod kruise-app-0 is controlled by CloneSet/kruise-app (apps.kruise.io/v1alpha1), which plumbline cannot read: check it with kubectl describe',
      {},
    ],
    ['app', 'ghost', 'not-found', 'pod ghost does not exist in namespace app', {}],
  ])('%s/%s → %s', async (namespace, name, outcome, summary, facts) => {
    const r = await t.check('pod.owner', { namespace, name });
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toBe(summary);
    expect(r.facts).toMatchObject(facts);
  });

  it('follows a ReplicaSet up to its Deployment and shows both', async () => {
    const r = await t.check('pod.owner', { namespace: 'app', name: 'web-7d9c5b8f4-x2x9q' });
    expect(r.evidence.slice(0, 3)).toEqual([
      { label: 'controlled by', value: 'ReplicaSet/web-7d9c5b8f4' },
      { label: 'ReplicaSet', value: 'web-7d9c5b8f4: 0/1 ready, owned by Deployment/web' },
      { label: 'Deployment', value: 'desired 3, ready 3, up-to-date 1, available 3, 3 of an old revision' },
    ]);
  });

  it('reads a failed Job', async () => {
    const job = await t.kube.readJob('app', 'nightly-28919160');
    expect(job.status?.conditions?.[0]).toMatchObject({
      type: 'Failed',
      status: 'True',
      reason: 'BackoffLimitExceeded',
    });
    const r = await t.check('pod.owner', { namespace: 'app', name: 'nightly-28919160-8xk2p' });
    expect(r.outcome).toBe('job-failed');
    expect(r.summary).toBe(
      'Job/nightly-28919160 has failed (BackoffLimitExceeded: Job has reached the specified backoff limit): it starts no more pods',
    );
    expect(r.evidence).toContainEqual({ label: 'Job owner', value: 'CronJob/nightly' });
  });
});
