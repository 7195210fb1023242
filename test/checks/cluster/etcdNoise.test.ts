import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

// The catalog's noise fault writes etcd 3.6's wording ("rejected connection on client endpoint"):
// the check must know it for the red herring it is, as it knows 3.5's "rejected connection".
describe('cluster.etcd on the etcd rejected-connection noise fault', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { generate: { controlPlanes: 1, workers: 1, podsPerWorker: 0, addons: false }, nodes: [] },
      faults: [{ fault: 'etcd-rejected-connection-noise', lines: 20 }],
    });
  });
  afterAll(() => t.close());

  it('reports the lines as likely unrelated, a healthy outcome', async () => {
    const r = await t.check('cluster.etcd', {});
    expect(r.outcome).toBe('rejected-connections-only');
    expect(r.summary).toContain('likely unrelated');
    expect(r.summary).toContain('10.0.0.5');
  });
});
