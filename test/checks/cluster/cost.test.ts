import { describe, expect, it } from 'vitest';
import { pod } from '../../helpers/drill.js';
import { startRestrictedDrill } from '../pod/restrictedDrill.js';
import type { RestrictedDrill } from '../pod/restrictedDrill.js';

/** Every cluster check, and pod.pinned on a pod whose selector matches every node. */
const walk: [string, Record<string, string>][] = [
  ['cluster.apiserver-health', {}],
  ['cluster.aggregated-apis', {}],
  ['cluster.controller-manager', {}],
  ['cluster.scheduler', {}],
  ['cluster.etcd', {}],
  ['cluster.metrics-server', {}],
  ['cluster.coredns', { name: 'harbor.example.cn' }],
  ['cluster.control-plane-placement', {}],
  ['cluster.certificates', {}],
  ['cluster.admission-webhooks', {}],
  ['pod.pinned', { namespace: 'db', name: 'mysql-0' }],
];

const objects = [pod('mysql-0', 'db', { nodeSelector: { 'kubernetes.io/os': 'linux' } }, { phase: 'Pending' })];

/** Requests in a stable order (independent reads run concurrently, so arrival order varies), minus what varies between runs. */
async function requestsOf(d: RestrictedDrill): Promise<string[]> {
  for (const [id, params] of walk) {
    const r = await d.check(id, params, 10_000);
    expect(r.outcome, `${id}: ${r.summary}`).not.toBe('error');
  }
  return d.requests.map((r) => r.replace(/&?_continue=[^&]*/, '')).sort();
}

describe('what the cluster checks cost', () => {
  it('lists only with a label or field selector, except the per-API-group kinds (APIServices, webhook configurations)', async () => {
    const d = await startRestrictedDrill({
      generate: { controlPlanes: 1, workers: 3, podsPerWorker: 0, addons: true },
      objects,
    });
    try {
      const lists = (await requestsOf(d)).filter((r) =>
        /^GET \/api(?:s\/[^/]+)?\/v1\/(?:namespaces\/[^/]+\/)?[a-z]+(?:\?|$)/.test(r),
      );
      expect(lists.length).toBeGreaterThan(5);
      for (const r of lists) {
        if (/\/(?:apiservices|validatingwebhookconfigurations|mutatingwebhookconfigurations)\?/.test(r)) {
          expect(r, r).toMatch(/[?&]limit=\d+/);
          continue;
        }
        expect(r, r).toMatch(/[?&](?:fieldSelector|labelSelector)=/);
      }
    } finally {
      await d.close();
    }
  });

  it('makes the same requests on 4 nodes and on 301 nodes with 1,500 pods', async () => {
    const small = await startRestrictedDrill({
      generate: { controlPlanes: 1, workers: 3, podsPerWorker: 0, addons: true },
      objects,
    });
    const big = await startRestrictedDrill({
      generate: { controlPlanes: 1, workers: 300, podsPerWorker: 5, addons: true },
      objects,
    });
    try {
      const [s, b] = [await requestsOf(small), await requestsOf(big)];
      expect(s.length).toBeGreaterThan(20);
      expect(b).toEqual(s);
    } finally {
      await Promise.all([small.close(), big.close()]);
    }
  });
});
