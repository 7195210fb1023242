import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { DrillApiFault } from '../../../src/drill/types.js';
import { buildFixture } from './fixture.js';
import { raw, startHarness } from './harness.js';
import type { Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function clientWith(apiFaults: DrillApiFault[]): Promise<CoreV1Api> {
  const fixture = buildFixture();
  fixture.spec.apiFaults = apiFaults;
  h = await startHarness(fixture);
  const kc = new KubeConfig();
  kc.loadFromString(h.kubeconfig);
  return kc.makeApiClient(CoreV1Api);
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the request to fail');
}

/** A per-request deadline, the way a check bounds a call it cannot wait on forever. */
function deadline(ms: number): Parameters<CoreV1Api['listNode']>[1] {
  // The object-parameter API takes observable-style middleware: anything with toPromise().
  return {
    middleware: [
      {
        pre: (ctx) => {
          ctx.setSignal(AbortSignal.timeout(ms));
          return { toPromise: () => Promise.resolve(ctx) } as never;
        },
        post: (r) => ({ toPromise: () => Promise.resolve(r) }) as never,
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

describe('API faults a scenario can inject', () => {
  it('latency: answers, late', async () => {
    // Far apart, so a loaded machine's slow answer to the node read is not taken for the pods' latency.
    const core = await clientWith([{ kind: 'latency', ms: 1500, resource: 'pods' }]);
    const started = Date.now();
    const pods = await core.listNamespacedPod({ namespace: 'shop' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1480);
    expect(pods.items.length).toBeGreaterThan(0);
    const quick = Date.now();
    await core.readNode({ name: 'cp-1' });
    expect(Date.now() - quick).toBeLessThan(1000);
  });

  it('error 500: an etcd failure, a Status with no reason', async () => {
    const core = await clientWith([{ kind: 'error', status: 500, path: '^/api/v1/namespaces/db/' }]);
    const err = (await failure(core.listNamespacedPod({ namespace: 'db' }))) as ApiException<string>;
    expect(err).toBeInstanceOf(ApiException);
    expect(err.code).toBe(500);
    expect(JSON.parse(err.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'etcdserver: request timed out',
      code: 500,
    });
    expect((await core.listNamespacedPod({ namespace: 'shop' })).items.length).toBeGreaterThan(0);
  });

  it('error 503: ServiceUnavailable, with Retry-After when the scenario gives one', async () => {
    const core = await clientWith([
      {
        kind: 'error',
        status: 503,
        message: 'etcd cluster is unavailable or misconfigured',
        retryAfterSeconds: 5,
        resource: 'nodes',
      },
    ]);
    const err = (await failure(core.listNode())) as ApiException<string>;
    expect(err.code).toBe(503);
    expect(JSON.parse(err.body)).toMatchObject({
      reason: 'ServiceUnavailable',
      message: 'etcd cluster is unavailable or misconfigured',
      details: { retryAfterSeconds: 5 },
      code: 503,
    });
    expect(err.headers['retry-after']).toBe('5');
  });

  it('throttle: 429 with Retry-After, as priority and fairness answers', async () => {
    const core = await clientWith([{ kind: 'throttle', retryAfterSeconds: 3, times: 2 }]);
    const err = (await failure(core.listNamespacedPod({ namespace: 'shop' }))) as ApiException<string>;
    expect(err.code).toBe(429);
    expect(err.headers['retry-after']).toBe('3');
    if (!h) throw new Error('no harness');
    const second = await raw(h.server, '/api/v1/nodes');
    expect([second.status, second.headers['content-type'], second.text]).toEqual([
      429,
      'text/plain; charset=utf-8',
      'Too many requests, please try again later.\n',
    ]);
    // `times` spent: healthy again.
    expect((await core.listNamespacedPod({ namespace: 'shop' })).items.length).toBeGreaterThan(0);
  });

  it('reset: the connection is dropped without an answer', async () => {
    const core = await clientWith([{ kind: 'reset', resource: 'pods', times: 1 }]);
    const err = (await failure(core.listNamespacedPod({ namespace: 'shop' }))) as Error;
    expect(err).not.toBeInstanceOf(ApiException);
    expect(`${err.message} ${String((err.cause as Error | undefined)?.message)}`).toMatch(
      /fetch failed|socket|ECONNRESET|other side closed/i,
    );
    expect((await core.listNamespacedPod({ namespace: 'shop' })).items.length).toBeGreaterThan(0);
  });

  it('hang: never answers, so only the client deadline ends the call', async () => {
    const core = await clientWith([{ kind: 'hang', path: '/nodes' }]);
    const started = Date.now();
    const err = (await failure(core.listNode(undefined, deadline(400)))) as Error;
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(`${err.name} ${err.message}`).toMatch(/abort|timeout/i);
    expect((await core.listNamespacedPod({ namespace: 'shop' })).items.length).toBeGreaterThan(0);
  });

  it('refuses a scenario whose path is not a regular expression', async () => {
    await expect(clientWith([{ kind: 'hang', path: '(' }])).rejects.toThrow(/^apiFaults\[0\]\.path: /);
  });
});
