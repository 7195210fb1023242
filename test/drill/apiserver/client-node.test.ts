import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeconfigYaml } from '../../../src/drill/apiserver/server.js';
import { loadPodCount } from './fixture.js';
import { startHarness } from './harness.js';
import type { Harness } from './harness.js';

let h: Harness;
let core: CoreV1Api;

function client(kubeconfig: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  return kc.makeApiClient(CoreV1Api);
}

async function apiError(p: Promise<unknown>): Promise<ApiException<string>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiException) return err as ApiException<string>;
    throw err;
  }
  throw new Error('expected the request to fail');
}

beforeAll(async () => {
  h = await startHarness();
  core = client(h.kubeconfig);
});
afterAll(() => h.close());

describe('drill API server through @kubernetes/client-node', () => {
  it('reads a pod with server-filled metadata', async () => {
    const pod = await core.readNamespacedPod({ name: 'web-0', namespace: 'shop' });
    expect(pod.kind).toBe('Pod');
    expect(pod.apiVersion).toBe('v1');
    expect(pod.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(pod.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(pod.spec?.nodeSelector).toEqual({ disktype: 'ssd' });
    expect(pod.status?.phase).toBe('Pending');
  });

  it('reads cluster-scoped nodes and derived namespaces', async () => {
    const node = await core.readNode({ name: 'worker-2' });
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('Unknown');
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toEqual([
      'db',
      'default',
      'kube-node-lease',
      'kube-public',
      'kube-system',
      'load',
      'shop',
    ]);
    expect(namespaces.items[0]?.status?.phase).toBe('Active');
  });

  it('lists pods in a namespace and across namespaces, in namespace/name order', async () => {
    const shop = await core.listNamespacedPod({ namespace: 'shop' });
    expect(shop.kind).toBe('PodList');
    expect(shop.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(shop.items.map((p) => p.metadata?.name)).toEqual([
      'api-7d9c5b-x2x4k',
      'cart-0',
      'migrate-8xk2z',
      'old-api-6c8d-zz9q1',
      'web-0',
      'worker-5f6b7-qlm2p',
    ]);
    const all = await core.listPodForAllNamespaces();
    const keys = all.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);
    expect(keys).toHaveLength(9 + loadPodCount);
    expect(keys).toEqual([...keys].sort());
  });

  it('answers a missing pod with ApiException 404 and the NotFound Status', async () => {
    const err = await apiError(core.readNamespacedPod({ name: 'nope', namespace: 'shop' }));
    expect(err.code).toBe(404);
    expect(JSON.parse(err.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'pods' },
      code: 404,
    });
  });

  it('answers a wrong token with ApiException 401', async () => {
    const bad = client(kubeconfigYaml({ ...h.server, token: 'not-the-token' }, 'bad'));
    const err = await apiError(bad.listNamespacedPod({ namespace: 'shop' }));
    // client-node drops 401 bodies (its generated code passes undefined); http.test.ts checks the Status.
    expect(err.code).toBe(401);
  });

  it('filters events with field selectors as the checks ask for them', async () => {
    const events = await core.listNamespacedEvent({
      namespace: 'shop',
      fieldSelector:
        'involvedObject.kind=Pod,involvedObject.name=web-0,involvedObject.namespace=shop,reason=FailedScheduling',
    });
    expect(events.items).toHaveLength(1);
    expect(events.items[0]?.count).toBe(3);
    const pod = await core.readNamespacedPod({ name: 'web-0', namespace: 'shop' });
    // Seeding fills involvedObject.uid from the pod, which is how kubectl describe finds events.
    expect(events.items[0]?.involvedObject.uid).toBe(pod.metadata?.uid);
    const warnings = await core.listEventForAllNamespaces({ fieldSelector: 'type!=Normal' });
    expect(warnings.items.map((e) => e.reason).sort()).toEqual(['BackOff', 'Failed', 'FailedScheduling']);
  });

  it('filters pods by node, phase and the other supported fields', async () => {
    const onCp = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=cp-1' });
    expect(onCp.items).toHaveLength(2 + loadPodCount / 2);
    const unscheduled = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=' });
    expect(unscheduled.items.map((p) => p.metadata?.name)).toEqual(['web-0']);
    const notRunning = await core.listNamespacedPod({
      namespace: 'shop',
      fieldSelector: 'status.phase!=Running,metadata.name!=web-0',
    });
    expect(notRunning.items.map((p) => p.metadata?.name)).toEqual(['cart-0', 'migrate-8xk2z']);
    const byIp = await core.listPodForAllNamespaces({ fieldSelector: 'status.podIP==10.244.1.5' });
    expect(byIp.items.map((p) => p.metadata?.name)).toEqual(['api-7d9c5b-x2x4k']);
    const cordoned = await core.listNode({ fieldSelector: 'spec.unschedulable=true' });
    expect(cordoned.items.map((n) => n.metadata?.name)).toEqual(['worker-3']);
  });

  it('refuses an unsupported field with the apiserver message', async () => {
    const err = await apiError(core.listNamespacedPod({ namespace: 'shop', fieldSelector: 'spec.containers=x' }));
    expect(err.code).toBe(400);
    expect(JSON.parse(err.body)).toMatchObject({
      reason: 'BadRequest',
      message: 'field label not supported: spec.containers',
    });
  });

  it('filters with the full label selector syntax', async () => {
    const names = async (labelSelector: string): Promise<(string | undefined)[]> =>
      (await core.listPodForAllNamespaces({ labelSelector })).items.map((p) => p.metadata?.name);
    expect(await names('app=api')).toEqual(['api-7d9c5b-x2x4k', 'old-api-6c8d-zz9q1']);
    expect(await names('tier in (frontend),app==web')).toEqual(['web-0']);
    expect(await names('app notin (load),tier')).toEqual([
      'kube-apiserver-cp-1',
      'api-7d9c5b-x2x4k',
      'cart-0',
      'old-api-6c8d-zz9q1',
      'web-0',
      'worker-5f6b7-qlm2p',
    ]);
    expect(await names('!app,k8s-app')).toEqual(['coredns-7db6d8ff4d-7kb9x']);
    expect(await names('app=load,shard!=0,shard!=1')).toEqual(['load-02', 'load-05', 'load-08', 'load-11']);
    const err = await apiError(core.listPodForAllNamespaces({ labelSelector: 'app in (api' }));
    expect(err.code).toBe(400);
    expect(JSON.parse(err.body)).toMatchObject({
      reason: 'BadRequest',
      message: "unable to parse requirement: found '', expected: ',' or ')'",
    });
  });

  it('pages with limit and continue until every pod has been seen once', async () => {
    const seen: string[] = [];
    const remaining: (number | undefined)[] = [];
    let token: string | undefined;
    let pages = 0;
    let firstVersion: string | undefined;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 7, ...(token ? { _continue: token } : {}) });
      pages++;
      firstVersion ??= page.metadata?.resourceVersion;
      expect(page.metadata?.resourceVersion).toBe(firstVersion);
      seen.push(...page.items.map((p: V1Pod) => `${p.metadata?.namespace}/${p.metadata?.name}`));
      remaining.push(page.metadata?.remainingItemCount);
      token = page.metadata?._continue || undefined;
    } while (token);
    const all = (await core.listPodForAllNamespaces()).items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);
    expect(pages).toBe(Math.ceil(all.length / 7));
    expect(seen).toEqual(all);
    expect(remaining).toEqual([all.length - 7, all.length - 14, undefined]);
  });

  it('pages a selector-filtered, namespaced list without remainingItemCount', async () => {
    const first = await core.listNamespacedPod({ namespace: 'load', labelSelector: 'shard=1', limit: 2 });
    expect(first.items.map((p) => p.metadata?.name)).toEqual(['load-01', 'load-04']);
    expect(first.metadata?.remainingItemCount).toBeUndefined();
    const second = await core.listNamespacedPod({
      namespace: 'load',
      labelSelector: 'shard=1',
      limit: 2,
      _continue: first.metadata?._continue ?? '',
    });
    expect(second.items.map((p) => p.metadata?.name)).toEqual(['load-07', 'load-10']);
    // As with etcd, keys left after a full page mean a continue token even if none of them match: the last page is empty.
    const third = await core.listNamespacedPod({
      namespace: 'load',
      labelSelector: 'shard=1',
      limit: 2,
      _continue: second.metadata?._continue ?? '',
    });
    expect(third.items).toEqual([]);
    expect(third.metadata?._continue).toBeFalsy();
  });

  it('rejects a forged continue token with 400', async () => {
    const err = await apiError(core.listPodForAllNamespaces({ limit: 2, _continue: 'not a token!' }));
    expect(err.code).toBe(400);
    expect(JSON.parse(err.body)).toMatchObject({
      reason: 'BadRequest',
      message: 'invalid continue token: continue key is not valid: illegal base64 data at input byte 3',
    });
  });

  it('serves container logs with tailLines, previous and timestamps', async () => {
    const log = await core.readNamespacedPodLog({ name: 'worker-5f6b7-qlm2p', namespace: 'shop' });
    expect(log).toBe(
      'starting worker v2.3.1\nconnecting to redis at redis.shop.svc:6379\nerror: dial tcp 10.96.12.4:6379: connect: connection refused\nfatal: cannot reach queue, exiting\n',
    );
    const tail = await core.readNamespacedPodLog({ name: 'worker-5f6b7-qlm2p', namespace: 'shop', tailLines: 1 });
    expect(tail).toBe('fatal: cannot reach queue, exiting\n');
    const previous = await core.readNamespacedPodLog({
      name: 'worker-5f6b7-qlm2p',
      namespace: 'shop',
      container: 'app',
      previous: true,
    });
    expect(previous).toContain('exiting (previous)');
    const stamped = await core.readNamespacedPodLog({
      name: 'api-7d9c5b-x2x4k',
      namespace: 'shop',
      tailLines: 2,
      timestamps: true,
    });
    expect(stamped.trimEnd().split('\n')).toEqual([
      `${new Date(h.fixture.now.getTime() - 120_000).toISOString().replace('.000Z', 'Z')} GET /healthz 200 (9)`,
      `${new Date(h.fixture.now.getTime() - 60_000).toISOString().replace('.000Z', 'Z')} GET /healthz 200 (10)`,
    ]);
    const recent = await core.readNamespacedPodLog({ name: 'api-7d9c5b-x2x4k', namespace: 'shop', sinceSeconds: 150 });
    expect(recent).toBe('GET /healthz 200 (9)\nGET /healthz 200 (10)\n');
  });

  it('refuses logs as the apiserver and kubelet do', async () => {
    const multi = await apiError(core.readNamespacedPodLog({ name: 'mysql-0', namespace: 'db' }));
    expect(multi.code).toBe(400);
    expect(JSON.parse(multi.body)).toMatchObject({
      message: 'a container name must be specified for pod mysql-0, choose one of: [mysql metrics]',
    });
    const noPrevious = await apiError(
      core.readNamespacedPodLog({ name: 'api-7d9c5b-x2x4k', namespace: 'shop', previous: true }),
    );
    expect(JSON.parse(noPrevious.body)).toMatchObject({
      message: 'previous terminated container "app" in pod "api-7d9c5b-x2x4k" not found',
    });
    const waiting = await apiError(core.readNamespacedPodLog({ name: 'mysql-0', namespace: 'db', container: 'mysql' }));
    expect(JSON.parse(waiting.body)).toMatchObject({
      message: 'container "mysql" in pod "mysql-0" is waiting to start: ContainerCreating',
    });
    const missing = await apiError(core.readNamespacedPodLog({ name: 'gone', namespace: 'shop' }));
    expect(missing.code).toBe(404);
  });

  it('answers the discovery calls clients start with', async () => {
    const resources = await core.getAPIResources();
    const pods = resources.resources.find((r) => r.name === 'pods');
    expect(pods).toMatchObject({ kind: 'Pod', namespaced: true, singularName: 'pod', shortNames: ['po'] });
    // Sorted by name, subresources after their resource, as the apiserver's route installer lists them.
    expect(resources.resources.map((r) => r.name)).toEqual([
      'configmaps',
      'endpoints',
      'events',
      'namespaces',
      'nodes',
      'persistentvolumeclaims',
      'persistentvolumes',
      'pods',
      'pods/log',
      'secrets',
      'services',
    ]);
  });
});
