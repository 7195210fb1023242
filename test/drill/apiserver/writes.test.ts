import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { V1Pod } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { raw, startHarness } from './harness.js';
import type { Harness } from './harness.js';

let h: Harness;
let core: CoreV1Api;
beforeEach(async () => {
  h = await startHarness(undefined, { podTerminationMs: 30 });
  const kc = new KubeConfig();
  kc.loadFromString(h.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
});
afterEach(() => h.close());

async function apiError(p: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiException)
      return { code: err.code, body: JSON.parse(err.body as string) as Record<string, unknown> };
    throw err;
  }
  throw new Error('expected the request to fail');
}

const testPod = (name: string, extra: Partial<V1Pod['spec']> = {}): V1Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { purpose: 'plumbline-check' } },
  spec: {
    containers: [{ name: 'probe', image: 'busybox:1.36', command: ['sleep', '60'] }],
    nodeName: 'worker-1',
    ...extra,
  },
});

describe('creating a pod', () => {
  it('sets status.qosClass as the API server computes it: 1 cpu and 1000m are the same amount', async () => {
    const resources = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1024Mi' } };
    const pod = await core.createNamespacedPod({
      namespace: 'shop',
      body: testPod('sized', { containers: [{ name: 'app', image: 'busybox:1.36', resources }] }),
    });
    expect(pod.status?.qosClass).toBe('Guaranteed');
  });

  it('stores it Pending with server-set metadata and the defaults a real cluster adds', async () => {
    const before = h.server.store.revision;
    const pod = await core.createNamespacedPod({ namespace: 'shop', body: testPod('probe') });
    expect(pod.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(pod.metadata?.resourceVersion)).toBeGreaterThan(before);
    expect(pod.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(pod.metadata?.namespace).toBe('shop');
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    expect(pod.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      serviceAccountName: 'default',
    });
    expect(pod.spec?.containers[0]).toMatchObject({
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
    });
    expect(pod.spec?.volumes?.[0]?.name).toMatch(/^kube-api-access-[a-z0-9]{5}$/);
    expect((await core.readNamespacedPod({ name: 'probe', namespace: 'shop' })).metadata?.uid).toBe(pod.metadata?.uid);
  });

  it('answers 201 with the object, and a generated name from generateName', async () => {
    const r = await raw(h.server, '/api/v1/namespaces/shop/pods', {
      method: 'POST',
      body: { ...testPod(''), metadata: { generateName: 'probe-' } },
    });
    expect(r.status).toBe(201);
    const pod = r.json() as { kind: string; metadata: { name: string } };
    expect(pod.kind).toBe('Pod');
    expect(pod.metadata.name).toMatch(/^probe-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('refuses a second pod of the same name with 409 AlreadyExists', async () => {
    const r = await apiError(core.createNamespacedPod({ namespace: 'shop', body: testPod('web-0') }));
    expect(r).toEqual({
      code: 409,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'pods "web-0" already exists',
        reason: 'AlreadyExists',
        details: { name: 'web-0', kind: 'pods' },
        code: 409,
      },
    });
  });

  it('validates as the apiserver does, and refuses a namespace that does not exist', async () => {
    const invalid = await apiError(
      core.createNamespacedPod({
        namespace: 'shop',
        body: { metadata: { name: 'Bad_Name' }, spec: { containers: [] } },
      }),
    );
    expect(invalid.code).toBe(422);
    expect(invalid.body).toMatchObject({ reason: 'Invalid', details: { name: 'Bad_Name', kind: 'Pod' } });
    expect(String(invalid.body.message)).toMatch(
      /^Pod "Bad_Name" is invalid: \[metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain .*, spec\.containers: Required value\]$/,
    );
    const nowhere = await apiError(core.createNamespacedPod({ namespace: 'nowhere', body: testPod('probe') }));
    expect([nowhere.code, nowhere.body.message]).toEqual([404, 'namespaces "nowhere" not found']);
    const mismatch = await apiError(
      core.createNamespacedPod({
        namespace: 'shop',
        body: { ...testPod('probe'), metadata: { name: 'probe', namespace: 'db' } },
      }),
    );
    expect([mismatch.code, mismatch.body.message]).toEqual([
      400,
      'the namespace of the provided object does not match the namespace sent on the request',
    ]);
    const garbage = await raw(h.server, '/api/v1/namespaces/shop/pods', { method: 'POST', body: '{not json' });
    expect([garbage.status, (garbage.json() as { reason: string }).reason]).toEqual([400, 'BadRequest']);
  });

  it('stores nothing on a dry run', async () => {
    const r = await raw(h.server, '/api/v1/namespaces/shop/pods?dryRun=All', {
      method: 'POST',
      body: testPod('ghost'),
    });
    expect(r.status).toBe(201);
    expect(h.server.store.get('pods', 'shop', 'ghost')).toBeUndefined();
  });
});

describe('deleting a pod', () => {
  it('removes an unscheduled pod at once and answers 200 with it', async () => {
    const r = await raw(h.server, '/api/v1/namespaces/shop/pods/web-0', { method: 'DELETE' });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ kind: 'Pod', metadata: { name: 'web-0' }, status: { phase: 'Pending' } });
    expect(h.server.store.get('pods', 'shop', 'web-0')).toBeUndefined();
  });

  it('marks a running pod terminating, then the kubelet of its Ready node removes it', async () => {
    const marked = await core.deleteNamespacedPod({ name: 'api-7d9c5b-x2x4k', namespace: 'shop' });
    expect(marked.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    expect(marked.metadata?.deletionGracePeriodSeconds).toBe(30);
    expect(h.server.store.get('pods', 'shop', 'api-7d9c5b-x2x4k')?.metadata.deletionTimestamp).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.server.store.get('pods', 'shop', 'api-7d9c5b-x2x4k')).toBeUndefined();
  });

  it('honours gracePeriodSeconds=0 and a uid precondition', async () => {
    const conflict = await apiError(
      core.deleteNamespacedPod({ name: 'cart-0', namespace: 'shop', body: { preconditions: { uid: 'not-the-uid' } } }),
    );
    expect(conflict.code).toBe(409);
    expect(conflict.body).toMatchObject({ reason: 'Conflict' });
    const gone = await core.deleteNamespacedPod({ name: 'cart-0', namespace: 'shop', gracePeriodSeconds: 0 });
    expect(gone.metadata?.deletionTimestamp).toBeUndefined();
    expect(h.server.store.get('pods', 'shop', 'cart-0')).toBeUndefined();
  });

  it('answers a missing pod with 404', async () => {
    const r = await apiError(core.deleteNamespacedPod({ name: 'nope', namespace: 'shop' }));
    expect([r.code, r.body.message]).toEqual([404, 'pods "nope" not found']);
  });
});
