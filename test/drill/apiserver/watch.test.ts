import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import type { V1Pod } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/drill/types.js';
import { raw, rawStream, startHarness } from './harness.js';
import type { Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness(undefined, { bookmarkIntervalMs: 100 });
});
afterEach(() => h.close());

const tableAccept =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

function testPod(name: string, labels: Record<string, string> = { app: name }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', labels },
    spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }], nodeName: 'worker-1' },
    status: { phase: 'Pending' },
  };
}

async function listRevision(path: string): Promise<string> {
  return ((await raw(h.server, path)).json() as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
}

describe('watch through @kubernetes/client-node', () => {
  it('receives ADDED, MODIFIED and DELETED from the list revision on', async () => {
    const kc = new KubeConfig();
    kc.loadFromString(h.kubeconfig);
    const list = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'shop' });
    const seen: { type: string; name: string | undefined; phase: string | undefined; rv: string | undefined }[] = [];
    let notify = (): void => undefined;
    const done: unknown[] = [];
    const controller = await new Watch(kc).watch(
      '/api/v1/namespaces/shop/pods',
      { resourceVersion: list.metadata?.resourceVersion },
      (type: string, pod: V1Pod) => {
        seen.push({ type, name: pod.metadata?.name, phase: pod.status?.phase, rv: pod.metadata?.resourceVersion });
        notify();
      },
      (err: unknown) => done.push(err),
    );
    const arrived = (n: number): Promise<void> =>
      new Promise((resolve) => {
        notify = () => {
          if (seen.length >= n) resolve();
        };
        notify();
      });

    const store = h.server.store;
    store.put('pods', testPod('probe'));
    await arrived(1);
    const created = store.get('pods', 'shop', 'probe');
    store.put('pods', {
      ...testPod('probe'),
      metadata: { ...testPod('probe').metadata, uid: created?.metadata.uid },
      status: { phase: 'Running' },
    });
    await arrived(2);
    store.delete('pods', 'shop', 'probe');
    // A write elsewhere must not reach a namespaced watch.
    store.put('pods', { ...testPod('elsewhere'), metadata: { name: 'elsewhere', namespace: 'db' } });
    await arrived(3);
    controller.abort();

    expect(seen.map((e) => [e.type, e.name, e.phase])).toEqual([
      ['ADDED', 'probe', 'Pending'],
      ['MODIFIED', 'probe', 'Running'],
      ['DELETED', 'probe', 'Running'],
    ]);
    const revisions = seen.map((e) => Number(e.rv));
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    expect(revisions[0]).toBeGreaterThan(Number(list.metadata?.resourceVersion));
  });
});

describe('watch semantics', () => {
  it('starts with the current objects as ADDED when no resourceVersion is given, then streams writes', async () => {
    const s = await rawStream(h.server, '/api/v1/namespaces/shop/pods?watch=true');
    expect([s.status, s.headers['content-type'], s.headers['transfer-encoding']]).toEqual([
      200,
      'application/json',
      'chunked',
    ]);
    await s.waitForEvents(6);
    expect(s.events.map((e) => [e.type, e.object.metadata?.name])).toEqual([
      ['ADDED', 'api-7d9c5b-x2x4k'],
      ['ADDED', 'cart-0'],
      ['ADDED', 'migrate-8xk2z'],
      ['ADDED', 'old-api-6c8d-zz9q1'],
      ['ADDED', 'web-0'],
      ['ADDED', 'worker-5f6b7-qlm2p'],
    ]);
    expect(s.events[0]?.object).toMatchObject({ kind: 'Pod', apiVersion: 'v1' });
    h.server.store.put('pods', testPod('late'));
    await s.waitForEvents(7);
    expect(s.events[6]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'late' } } });
    s.close();
  });

  it('replays every write after the resourceVersion it is given', async () => {
    const rv = await listRevision('/api/v1/pods');
    h.server.store.put('pods', testPod('one'));
    h.server.store.delete('pods', 'shop', 'cart-0');
    const s = await rawStream(h.server, `/api/v1/pods?watch=1&resourceVersion=${rv}`);
    await s.waitForEvents(2);
    expect(s.events.map((e) => [e.type, e.object.metadata?.name])).toEqual([
      ['ADDED', 'one'],
      ['DELETED', 'cart-0'],
    ]);
    s.close();
  });

  it('answers a compacted resourceVersion with a 410 ERROR event and ends', async () => {
    const rv = await listRevision('/api/v1/pods');
    h.server.store.put('pods', testPod('one'));
    h.server.store.compact();
    const s = await rawStream(h.server, `/api/v1/namespaces/shop/pods?watch=true&resourceVersion=${rv}`);
    await s.ended;
    expect(s.status).toBe(200);
    expect(s.events).toEqual([
      {
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${rv} (${h.server.store.compactedRevision})`,
          reason: 'Expired',
          code: 410,
        },
      },
    ]);
  });

  it('waits for a resourceVersion the store has not reached yet', async () => {
    const next = Number(await listRevision('/api/v1/pods')) + 1;
    const s = await rawStream(h.server, `/api/v1/namespaces/shop/pods?watch=true&resourceVersion=${next}`);
    h.server.store.put('pods', testPod('first'));
    h.server.store.put('pods', testPod('second'));
    await s.waitForEvents(1);
    // Watching from revision N sends what came after N: the write at N itself is already known.
    expect(s.events.map((e) => e.object.metadata?.name)).toEqual(['second']);
    s.close();
  });

  it('ends the stream after timeoutSeconds', async () => {
    const started = Date.now();
    const s = await rawStream(h.server, '/api/v1/nodes?watch=true&timeoutSeconds=1&resourceVersion=0');
    await s.ended;
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(s.events.map((e) => e.object.metadata?.name)).toEqual(['cp-1', 'worker-1', 'worker-2', 'worker-3']);
  });

  it('sends BOOKMARK events with the current revision when allowed', async () => {
    const rv = await listRevision('/api/v1/nodes');
    const s = await rawStream(h.server, `/api/v1/nodes?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`);
    await s.waitForEvents(2);
    s.close();
    expect(s.events[0]).toEqual({
      type: 'BOOKMARK',
      object: { kind: 'Node', apiVersion: 'v1', metadata: { resourceVersion: rv, creationTimestamp: null } },
    });
    const plain = await rawStream(h.server, `/api/v1/nodes?watch=true&resourceVersion=${rv}&timeoutSeconds=1`);
    await plain.ended;
    expect(plain.events).toEqual([]);
  });

  it('turns objects entering and leaving a selector into ADDED and DELETED', async () => {
    const rv = await listRevision('/api/v1/pods');
    const s = await rawStream(h.server, `/api/v1/pods?watch=true&resourceVersion=${rv}&labelSelector=tier%3Dfrontend`);
    const web = h.server.store.get('pods', 'shop', 'web-0');
    if (!web) throw new Error('fixture lacks web-0');
    const relabel = (labels: Record<string, string>): void => {
      const current = h.server.store.get('pods', 'shop', 'web-0') ?? web;
      h.server.store.put('pods', { ...current, metadata: { ...current.metadata, labels } });
    };
    relabel({ app: 'web', tier: 'frontend', version: '2' });
    relabel({ app: 'web', tier: 'retired' });
    relabel({ app: 'web', tier: 'frontend' });
    await s.waitForEvents(3);
    expect(s.events.map((e) => [e.type, e.object.metadata?.name])).toEqual([
      ['MODIFIED', 'web-0'],
      ['DELETED', 'web-0'],
      ['ADDED', 'web-0'],
    ]);
    // The DELETED object is the last state that matched, at the revision that made it leave.
    expect((s.events[1]?.object as { metadata: { labels: Record<string, string> } }).metadata.labels).toEqual({
      app: 'web',
      tier: 'frontend',
      version: '2',
    });
    expect(Number(s.events[1]?.object.metadata?.resourceVersion)).toBeGreaterThan(
      Number(s.events[0]?.object.metadata?.resourceVersion),
    );
    s.close();
  });

  it('streams Tables for kubectl, with column definitions only in the first event', async () => {
    const rv = await listRevision('/api/v1/namespaces/shop/pods');
    const s = await rawStream(h.server, `/api/v1/namespaces/shop/pods?watch=true&resourceVersion=${rv}`, {
      accept: tableAccept,
    });
    h.server.store.put('pods', testPod('probe'));
    h.server.store.delete('pods', 'shop', 'probe');
    await s.waitForEvents(2);
    s.close();
    const [first, second] = s.events as {
      type: string;
      object: { kind: string; columnDefinitions: { name: string }[] | null; rows: { cells: unknown[] }[] };
    }[];
    expect(first?.type).toBe('ADDED');
    expect(first?.object.kind).toBe('Table');
    expect(first?.object.columnDefinitions?.map((c) => c.name).slice(0, 5)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
    ]);
    expect(first?.object.rows[0]?.cells.slice(0, 3)).toEqual(['probe', '0/1', 'Pending']);
    expect(second?.type).toBe('DELETED');
    expect(second?.object.columnDefinitions).toBeNull();
  });

  it('serves the deprecated /watch/ paths, one object by name', async () => {
    const rv = await listRevision('/api/v1/pods');
    const s = await rawStream(h.server, `/api/v1/watch/namespaces/shop/pods/web-0?resourceVersion=${rv}`);
    h.server.store.delete('pods', 'shop', 'cart-0');
    h.server.store.delete('pods', 'shop', 'web-0');
    await s.waitForEvents(1);
    s.close();
    expect(s.events.map((e) => [e.type, e.object.metadata?.name])).toEqual([['DELETED', 'web-0']]);
  });

  it('refuses what Kubernetes 1.31 refuses', async () => {
    const initial = await raw(
      h.server,
      '/api/v1/pods?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true',
    );
    expect([initial.status, (initial.json() as { message: string }).message]).toEqual([
      422,
      'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
    ]);
    const bad = await raw(h.server, '/api/v1/pods?watch=true&resourceVersion=abc');
    expect([bad.status, (bad.json() as { reason: string }).reason]).toEqual([422, 'Invalid']);
  });
});
