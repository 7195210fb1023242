import { CoordinationV1Api, KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { startDrill } from '../../src/drill/cluster.js';
import { scenarioSchema } from '../../src/drill/scenarioSchema.js';

/**
 * A 5,000-node scenario takes seconds to build: by the time the server is up the
 * clock has moved on. What was fresh at the scenario's "now" must still be alive.
 */
describe('a drill whose server comes up long after the scenario moment', () => {
  it('keeps renewing the leases that were fresh then', async () => {
    const start = Math.floor(Date.now() / 1000) * 1000;
    // The server's clock reads 60 s past the scenario's moment from the first call.
    const clock = () => new Date(start + 60_000);
    const scenario = scenarioSchema.parse({
      id: 'lag',
      title: 'lag',
      page: 'lag',
      runbook: 'workload-down',
      expect: { diagnosis: null },
      cluster: { generate: { controlPlanes: 1, workers: 1, addons: false } },
    });
    const drill = await startDrill(scenario, { now: new Date(start), clock });
    try {
      const kc = new KubeConfig();
      kc.loadFromFile(drill.kubeconfigPath);
      const leases = kc.makeApiClient(CoordinationV1Api);
      for (const [ns, name, within] of [
        ['kube-node-lease', 'worker-1', 10],
        ['kube-system', 'kube-scheduler', 2],
      ] as const) {
        const lease = await leases.readNamespacedLease({ namespace: ns, name });
        const age = (start + 60_000 - new Date(lease.spec?.renewTime ?? 0).getTime()) / 1000;
        expect(age, `${ns}/${name} renewed ${age}s ago`).toBeLessThanOrEqual(within);
      }
    } finally {
      await drill.close();
    }
  });
});
