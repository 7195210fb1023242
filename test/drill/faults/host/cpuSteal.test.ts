import { describe, expect, it } from 'vitest';
import { faultDrill } from './helpers.js';

describe('fault cpu-steal', () => {
  const d = faultDrill([{ fault: 'cpu-steal', node: 'cp-1', percent: 40 }]);

  it('the cpu-steal check measures the steal between two /proc/stat samples', async () => {
    const r = await d.host('host.cpu-steal', { node: 'cp-1', intervalSeconds: 0.01 });
    expect(r.outcome).toBe('high-steal');
    expect(r.facts).toMatchObject({ stealPercent: 40, cpuCount: 4, sampleSeconds: 1 });
    expect((await d.host('host.cpu-steal', { node: 'worker-1', intervalSeconds: 0.01 })).outcome).toBe('normal');
  });

  it('iostat shows the same %steal in its one-second report, and less since boot', async () => {
    const r = await d.run('cp-1', 'iostat -c 1 2');
    const rows = [...r.stdout.matchAll(/^ {7}((?: +\d+\.\d\d){6})$/gm)].map((m) =>
      (m[1] ?? '').trim().split(/\s+/).map(Number),
    );
    expect(rows).toHaveLength(2);
    expect(rows[1]?.[4]).toBe(40);
    expect(rows[0]?.[4]).toBeLessThan(15);
  });

  it('the node stays Ready: steal makes it slow, not broken', async () => {
    expect(await d.kubectl('get', 'node', 'cp-1')).toMatch(/^cp-1\s+Ready\s+control-plane\s/m);
  });
});
