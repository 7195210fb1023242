import { describe, expect, it } from 'vitest';
import { faultDrill, nodeView } from './helpers.js';

describe('fault clock-skew', () => {
  const d = faultDrill([{ fault: 'clock-skew', node: 'worker-2', offsetSeconds: 312 }]);

  it('timedatectl says not synchronised and shows the node 312 s ahead; chrony has no source', async () => {
    const td = await d.run('worker-2', 'timedatectl show');
    expect(td.stdout).toMatch(/^NTPSynchronized=no$/m);
    const shown = /^TimeUSec=\w{3} (\S+) (\S+) UTC$/m.exec(td.stdout);
    expect(Date.parse(`${shown?.[1]}T${shown?.[2]}Z`) - d.t.now.getTime()).toBe(312_000);
    const chrony = await d.run('worker-2', 'chronyc tracking');
    expect(chrony.stdout).toMatch(/^System time {5}: 312\.000000000 seconds fast of NTP time$/m);
    expect(chrony.stdout).toMatch(/^Leap status {5}: Not synchronised$/m);
    const check = await d.host('host.time-sync', { node: 'worker-2' });
    expect(['not-synced', 'offset-large']).toContain(check.outcome);
    expect((await d.host('host.time-sync', { node: 'worker-1' })).outcome).toBe('synced');
  });

  it('the times the kubelet writes into the API are ahead by the same amount', async () => {
    const node = nodeView(await d.get('node', 'worker-2'));
    const beat = Date.parse(node.conditions.find((c) => c.type === 'Ready')?.lastHeartbeatTime ?? '');
    expect(beat - d.t.now.getTime()).toBe(302_000);
    const lease = (await d.get('lease', 'worker-2', '-n', 'kube-node-lease')) as { spec?: { renewTime?: string } };
    expect(Date.parse(lease.spec?.renewTime ?? '') - d.t.now.getTime()).toBe(308_000);
  });
});
