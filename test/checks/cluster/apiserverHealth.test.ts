import { describe, expect, it } from 'vitest';
import { failingChecks } from '../../../src/checks/cluster/apiserverHealth.js';
import { startTestDrill } from '../../helpers/drill.js';
import { runWithin } from './helpers.js';

async function withFaults(faults: Record<string, unknown>[], params: Record<string, string> = {}, timeoutMs?: number) {
  const t = await startTestDrill({
    cluster: { nodes: [{ name: 'cp-1', role: 'control-plane' }] } as never,
    api: { faults } as never,
  });
  try {
    return await runWithin(t, 'cluster.apiserver-health', params, timeoutMs ? { timeoutMs } : {});
  } finally {
    await t.close();
  }
}

describe('cluster.apiserver-health on the drill cluster', () => {
  it('healthy: /livez and /readyz pass, latency measured over three calls', async () => {
    const r = await withFaults([]);
    expect(r.outcome).toBe('healthy');
    expect(r.summary).toMatch(/^kube-apiserver passes every liveness and readiness check and answers in \d+ms$/);
    expect(r.evidence.slice(0, 2)).toEqual([
      { label: 'GET /livez?verbose', value: '200: livez check passed' },
      { label: 'GET /readyz?verbose', value: '200: readyz check passed' },
    ]);
    expect(r.evidence[2]?.label).toBe('latency over 3 GET /readyz');
    expect(r.facts).toMatchObject({ livezStatus: 200, readyzStatus: 200 });
    expect(typeof r.facts.latencyMs).toBe('number');
  });

  it('slow: every answer is delayed past the threshold', async () => {
    const r = await withFaults([{ path: '^/readyz', kind: 'latency', ms: 400 }], { slowMs: '300' });
    expect(r.outcome).toBe('slow');
    expect(r.summary).toMatch(
      /^kube-apiserver is healthy but slow: a health check takes \d+ms \(median of 3; over 300ms\)$/,
    );
    expect(Number(r.facts.latencyMs)).toBeGreaterThan(300);
  });

  it('not-live: /livez answers 500', async () => {
    const r = await withFaults([{ path: '^/livez', kind: 'error', status: 500 }]);
    expect(r.outcome).toBe('not-live');
    expect(r.facts).toMatchObject({ livezStatus: 500, failingChecks: 'HTTP 500: etcdserver: request timed out' });
  });

  it('not-ready: /readyz answers 503 while /livez passes', async () => {
    const r = await withFaults([{ path: '^/readyz', kind: 'error', status: 503 }]);
    expect(r.outcome).toBe('not-ready');
    expect(r.facts).toMatchObject({ livezStatus: 200, readyzStatus: 503 });
    expect(r.summary).toBe(
      'kube-apiserver is live but not ready (HTTP 503: the server is currently unable to handle the request): it answers, but load balancers take it out and requests that need the failing part fail',
    );
  });

  it('timeout: /livez never answers', async () => {
    const r = await withFaults([{ path: '^/livez', kind: 'hang' }], {}, 1500);
    expect(r.outcome).toBe('error');
    expect(r.facts.errorKind).toBe('timeout');
  });

  it('unreachable: nothing listens any more', async () => {
    const t = await startTestDrill({});
    await t.close();
    const r = await runWithin(t, 'cluster.apiserver-health', {});
    expect(r.outcome).toBe('error');
    expect(r.facts.errorKind).toBe('unreachable');
  });
});

describe('failing checks named from a verbose answer', () => {
  it('reads the [-] lines kube-apiserver prints', () => {
    // The shape of `kubectl get --raw '/readyz?verbose'` on a server whose etcd is down.
    const body = [
      '[+]ping ok',
      '[+]log ok',
      '[-]etcd failed: reason withheld',
      '[+]etcd-readiness ok',
      '[-]informer-sync failed: reason withheld',
      '[+]poststarthook/start-apiserver-admission-initializer ok',
      'readyz check failed',
      '',
    ].join('\n');
    expect(failingChecks({ status: 500, body })).toEqual([
      { name: 'etcd', line: '[-]etcd failed: reason withheld' },
      { name: 'informer-sync', line: '[-]informer-sync failed: reason withheld' },
    ]);
  });
});
