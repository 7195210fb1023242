import { ApiException, AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixture } from './fixture.js';
import { raw, startHarness } from './harness.js';
import type { Harness } from './harness.js';

const user = 'system:serviceaccount:oncall:plumbline';
let h: Harness;
let core: CoreV1Api;
let apps: AppsV1Api;

beforeAll(async () => {
  const fixture = buildFixture();
  fixture.spec.user = user;
  fixture.spec.denials = [
    { verb: 'list', resource: 'pods', namespace: 'db' },
    { verb: 'get', resource: 'pods', namespace: 'db' },
    { verb: 'get', resource: 'pods/log' },
    { verb: 'list', resource: 'nodes' },
    { verb: '*', resource: 'secrets' },
    { verb: 'list', resource: 'daemonsets', group: 'apps' },
    { verb: 'list', resource: 'pods', namespace: 'shop', user: 'someone-else' },
  ];
  h = await startHarness(fixture);
  const kc = new KubeConfig();
  kc.loadFromString(h.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
});
afterAll(() => h.close());

async function denied(p: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiException)
      return { code: err.code, body: JSON.parse(err.body as string) as Record<string, unknown> };
    throw err;
  }
  throw new Error('expected a 403');
}

describe('RBAC denials a scenario declares', () => {
  it('refuses a namespaced list with the apiserver message and Status', async () => {
    const r = await denied(core.listNamespacedPod({ namespace: 'db' }));
    expect(r.code).toBe(403);
    expect(r.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `pods is forbidden: User "${user}" cannot list resource "pods" in API group "" in the namespace "db"`,
      reason: 'Forbidden',
      details: { kind: 'pods' },
      code: 403,
    });
  });

  it('names the object for a get, and for a list pinned to one name', async () => {
    const get = await denied(core.readNamespacedPod({ name: 'mysql-0', namespace: 'db' }));
    expect(get.body).toMatchObject({
      message: `pods "mysql-0" is forbidden: User "${user}" cannot get resource "pods" in API group "" in the namespace "db"`,
      details: { name: 'mysql-0', kind: 'pods' },
    });
    const pinned = await denied(core.listNamespacedPod({ namespace: 'db', fieldSelector: 'metadata.name=mysql-0' }));
    expect(pinned.body.message).toBe(
      `pods "mysql-0" is forbidden: User "${user}" cannot list resource "pods" in API group "" in the namespace "db"`,
    );
  });

  it('words subresources, cluster scope and named groups as the apiserver does', async () => {
    const log = await denied(core.readNamespacedPodLog({ name: 'api-7d9c5b-x2x4k', namespace: 'shop' }));
    expect(log.body.message).toBe(
      `pods "api-7d9c5b-x2x4k" is forbidden: User "${user}" cannot get resource "pods/log" in API group "" in the namespace "shop"`,
    );
    const nodes = await denied(core.listNode());
    expect(nodes.body.message).toBe(
      `nodes is forbidden: User "${user}" cannot list resource "nodes" in API group "" at the cluster scope`,
    );
    const ds = await denied(apps.listDaemonSetForAllNamespaces());
    expect(ds.body).toMatchObject({
      message: `daemonsets.apps is forbidden: User "${user}" cannot list resource "daemonsets" in API group "apps" at the cluster scope`,
      details: { group: 'apps', kind: 'daemonsets' },
    });
    const watch = await raw(h.server, '/api/v1/namespaces/db/secrets?watch=true');
    expect([watch.status, (watch.json() as { message: string }).message]).toEqual([
      403,
      `secrets is forbidden: User "${user}" cannot watch resource "secrets" in API group "" in the namespace "db"`,
    ]);
  });

  it('allows everything else, including what is denied to another user', async () => {
    expect((await core.listNamespacedPod({ namespace: 'shop' })).items.length).toBeGreaterThan(0);
    expect((await core.readNode({ name: 'cp-1' })).metadata?.name).toBe('cp-1');
    expect((await apps.listNamespacedDeployment({ namespace: 'shop' })).items.map((d) => d.metadata?.name)).toEqual([
      'api',
      'worker',
    ]);
  });
});
