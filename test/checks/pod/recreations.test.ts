import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pod, startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

const ownerRef = (kind: string, name: string) => ({
  apiVersion: 'apps/v1',
  kind,
  name,
  uid: `0c1d2e3f-4a5b-4c6d-8e7f-${name
    .padEnd(12, '0')
    .slice(0, 12)
    .replace(/[^0-9a-f]/g, 'a')}`,
  controller: true,
  blockOwnerDeletion: true,
});

/** A young, running pod with 0 restarts, as an operator's recreated pod looks. */
const young = (
  name: string,
  namespace: string,
  ref: Record<string, unknown> | undefined,
  created = 'now-2m',
  uid?: string,
) => {
  const p = pod(
    name,
    namespace,
    { nodeName: 'worker-1' },
    {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: 'now-1m' }],
      containerStatuses: [
        {
          name: 'main',
          image: 'app:1',
          imageID: '',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: created } },
        },
      ],
    },
  );
  const meta = p.metadata as Record<string, unknown>;
  meta.creationTimestamp = created;
  if (uid) meta.uid = uid;
  if (ref) meta.ownerReferences = [ref];
  return p;
};

let n = 0;
const ev = (
  namespace: string,
  involved: Record<string, unknown>,
  type: string,
  reason: string,
  message: string,
  count: number,
  first: string,
  last: string,
  component = 'kubelet',
) => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: `ev-${++n}`, namespace, creationTimestamp: first },
  involvedObject: { namespace, ...involved },
  type,
  reason,
  message,
  source: { component },
  count,
  firstTimestamp: first,
  lastTimestamp: last,
});

const objects = [
  // A StatefulSet pod whose earlier incarnation (another uid) failed its readiness probe before it was deleted.
  young('queue-2', 'msg', ownerRef('StatefulSet', 'queue'), 'now-2m', '0b7e3c51-2a94-4f6d-8c13-5e7a9b1d3f20'),
  ev(
    'msg',
    { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'queue' },
    'Normal',
    'SuccessfulDelete',
    'delete Pod queue-2 in StatefulSet queue successful',
    2,
    'now-14m',
    'now-2m',
    'statefulset-controller',
  ),
  ev(
    'msg',
    {
      apiVersion: 'v1',
      kind: 'Pod',
      name: 'queue-2',
      uid: '9d4a6f83-1c2e-4b7a-a5d9-3f8e0c2b4a61',
      fieldPath: 'spec.containers{main}',
    },
    'Warning',
    'Unhealthy',
    'Readiness probe failed: HTTP probe failed with statuscode: 503',
    9,
    'now-6m',
    'now-130s',
  ),
  // This pod's own events (its uid) do not count as an earlier pod's.
  ev(
    'msg',
    {
      apiVersion: 'v1',
      kind: 'Pod',
      name: 'queue-2',
      uid: '0b7e3c51-2a94-4f6d-8c13-5e7a9b1d3f20',
      fieldPath: 'spec.containers{main}',
    },
    'Normal',
    'Started',
    'Started container main',
    1,
    'now-115s',
    'now-115s',
  ),

  // The real lines of https://github.com/kubernetes/minikube/issues/5870 (kubectl get events -w, minikube 1.3.1):
  // the StatefulSet deleted example-infinispan-0 and the kubelet stopped it; no probe failed. Pasted events carry no uid.
  young('example-infinispan-0', 'default', ownerRef('StatefulSet', 'example-infinispan'), 'now-66s'),
  ev(
    'default',
    { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'example-infinispan' },
    'Normal',
    'SuccessfulDelete',
    'delete Pod example-infinispan-0 in StatefulSet example-infinispan successful',
    1,
    'now-67s',
    'now-67s',
    'statefulset-controller',
  ),
  ev(
    'default',
    { apiVersion: 'v1', kind: 'Pod', name: 'example-infinispan-0', fieldPath: 'spec.containers{infinispan}' },
    'Normal',
    'Killing',
    'Stopping container infinispan',
    1,
    'now-67s',
    'now-67s',
  ),

  // A ReplicaSet names each pod anew: the pod it deleted failed its liveness probe first.
  young('worker-6f8b895dcd-h2qh5', 'jobs', ownerRef('ReplicaSet', 'worker-6f8b895dcd'), 'now-8m'),
  ev(
    'jobs',
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'worker-6f8b895dcd' },
    'Normal',
    'SuccessfulDelete',
    'Deleted pod: worker-6f8b895dcd-vgr9p',
    1,
    'now-9m',
    'now-9m',
    'replicaset-controller',
  ),
  ev(
    'jobs',
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'worker-6f8b895dcd' },
    'Normal',
    'SuccessfulCreate',
    'Created pod: worker-6f8b895dcd-h2qh5',
    1,
    'now-8m',
    'now-8m',
    'replicaset-controller',
  ),
  ev(
    'jobs',
    { apiVersion: 'v1', kind: 'Pod', name: 'worker-6f8b895dcd-vgr9p', fieldPath: 'spec.containers{main}' },
    'Warning',
    'Unhealthy',
    'Liveness probe failed: HTTP probe failed with statuscode: 408',
    4,
    'now-12m',
    'now-9m',
  ),

  // Churn with a single readiness failure at start-up: not enough to say the probe is why.
  young('db-1', 'data', ownerRef('StatefulSet', 'db'), 'now-3m'),
  ev(
    'data',
    { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' },
    'Normal',
    'SuccessfulCreate',
    'create Pod db-1 in StatefulSet db successful',
    3,
    'now-20m',
    'now-3m',
    'statefulset-controller',
  ),
  ev(
    'data',
    { apiVersion: 'v1', kind: 'Pod', name: 'db-1', fieldPath: 'spec.containers{main}' },
    'Warning',
    'Unhealthy',
    'Readiness probe failed: connection refused',
    1,
    'now-10m',
    'now-10m',
  ),

  // Being deleted now by its StatefulSet after its own liveness failures (no earlier incarnation left).
  {
    ...young('search-1', 'idx', ownerRef('StatefulSet', 'search'), 'now-20m'),
    metadata: {
      ...(young('search-1', 'idx', ownerRef('StatefulSet', 'search'), 'now-20m').metadata as object),
      deletionTimestamp: 'now+30s',
    },
  },
  ev(
    'idx',
    { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'search' },
    'Normal',
    'SuccessfulDelete',
    'delete Pod search-1 in StatefulSet search successful',
    1,
    'now-5s',
    'now-5s',
    'statefulset-controller',
  ),
  ev(
    'idx',
    { apiVersion: 'v1', kind: 'Pod', name: 'search-1', fieldPath: 'spec.containers{main}' },
    'Warning',
    'Unhealthy',
    'Liveness probe failed: Get "http://10.1.2.3:9200/": context deadline exceeded',
    5,
    'now-4m',
    'now-10s',
  ),

  // Never replaced; and a bare pod.
  young('web-0', 'app', ownerRef('StatefulSet', 'web'), 'now-3d'),
  young('debug', 'app', undefined),
];

let t: TestDrill;
beforeAll(async () => {
  t = await startTestDrill({ objects: objects as never });
});
afterAll(async () => {
  await t.close();
});

describe('pod.recreations on the drill cluster', () => {
  it('recreated-after-probe-failures: the earlier queue-2 (another uid) failed readiness before the StatefulSet deleted it', async () => {
    const r = await t.check('pod.recreations', { namespace: 'msg', name: 'queue-2' });
    expect(r.outcome).toBe('recreated-after-probe-failures');
    expect(r.summary).toBe(
      'StatefulSet/queue deleted and recreated queue-2 2 times; the pods it replaced had failed their readiness probe 9 time(s): Readiness probe failed: HTTP probe failed with statuscode: 503',
    );
    expect(r.facts).toMatchObject({
      controller: 'StatefulSet/queue',
      recreations: 2,
      probeKind: 'readiness',
      probeFailures: 9,
      predecessors: 'earlier queue-2',
    });
  });

  it('recreated: the real minikube#5870 deletion without a probe failure is churn, never a probe finding', async () => {
    const r = await t.check('pod.recreations', { namespace: 'default', name: 'example-infinispan-0' });
    expect(r.outcome).toBe('recreated');
    expect(r.summary).toBe(
      "StatefulSet/example-infinispan deleted and recreated example-infinispan-0 once; the replaced pods' events show no probe failure, so why is not in the cluster's record (read the operator's log)",
    );
    expect(r.evidence).toContainEqual({
      label: 'StatefulSet SuccessfulDelete ×1',
      value: 'delete Pod example-infinispan-0 in StatefulSet example-infinispan successful',
    });
  });

  it("recreated-after-probe-failures: a ReplicaSet's deleted pod (another name) failed its liveness probe", async () => {
    const r = await t.check('pod.recreations', { namespace: 'jobs', name: 'worker-6f8b895dcd-h2qh5' });
    expect(r.outcome).toBe('recreated-after-probe-failures');
    expect(r.facts).toMatchObject({
      recreations: 1,
      probeKind: 'liveness',
      probeFailures: 4,
      predecessors: 'worker-6f8b895dcd-vgr9p',
    });
  });

  it('recreated: repeated creates of one name count as recreations; one readiness failure is not a cause', async () => {
    const r = await t.check('pod.recreations', { namespace: 'data', name: 'db-1' });
    expect(r.outcome).toBe('recreated');
    expect(r.facts).toMatchObject({ recreations: 2, probeFailures: 1 });
  });

  it('recreated-after-probe-failures: a pod its StatefulSet is deleting now, after its own liveness failures', async () => {
    const r = await t.check('pod.recreations', { namespace: 'idx', name: 'search-1' });
    expect(r.outcome).toBe('recreated-after-probe-failures');
    expect(r.facts).toMatchObject({
      recreations: 1,
      probeKind: 'liveness',
      probeFailures: 5,
      predecessors: 'search-1 (being deleted now)',
    });
  });

  it('not-recreated and no-controller', async () => {
    expect((await t.check('pod.recreations', { namespace: 'app', name: 'web-0' })).outcome).toBe('not-recreated');
    expect((await t.check('pod.recreations', { namespace: 'app', name: 'debug' })).outcome).toBe('no-controller');
    expect((await t.check('pod.recreations', { namespace: 'app', name: 'nope' })).outcome).toBe('not-found');
  });
});
