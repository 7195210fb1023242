import { describe, expect, it } from 'vitest';
import { faultDrill, nodeView } from './helpers.js';

describe('fault disk-pressure', () => {
  const d = faultDrill([{ fault: 'disk-pressure', node: 'worker-3', usedPercent: 94 }]);

  it('df shows the kubelet filesystem 94% full; the disk and journal checks see the pressure', async () => {
    const df = await d.run('worker-3', 'df -P /var/lib/kubelet /var/lib/containerd');
    expect(df.stdout).toMatch(/^\/dev\/vda1 +102687672 +\d+ +\d+ +94% \/$/m);
    const space = await d.host('host.disk-space', { node: 'worker-3' });
    expect(space.outcome).toBe('pressure');
    const journal = await d.host('host.kubelet-journal', { node: 'worker-3' });
    expect(journal.outcome).toBe('eviction');
    expect(journal.facts).toMatchObject({ evictionResource: 'ephemeral-storage' });
  });

  it('the node reports DiskPressure, carries the taint, and the kubelet recorded why', async () => {
    const node = nodeView(await d.get('node', 'worker-3'));
    expect(node.conditions.find((c) => c.type === 'DiskPressure')).toMatchObject({
      status: 'True',
      reason: 'KubeletHasDiskPressure',
      message: 'kubelet has disk pressure',
    });
    expect(node.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node.taints.map((t) => `${t.key}:${t.effect}`)).toContain('node.kubernetes.io/disk-pressure:NoSchedule');
    const pressure = await d.t.check('node.pressure', { name: 'worker-3' });
    expect(pressure.outcome).toBe('disk-pressure');
    const events = await d.kubectl(
      'get',
      'events',
      '-n',
      'default',
      '--field-selector',
      'involvedObject.name=worker-3',
      '--sort-by',
      '.reason',
    );
    expect(events).toMatch(/Warning\s+EvictionThresholdMet\s+node\/worker-3\s+Attempting to reclaim ephemeral-storage/);
    expect(events).toMatch(
      /Warning\s+FreeDiskSpaceFailed\s+node\/worker-3\s+Failed to garbage collect required amount of images\. Attempted to free \d+ bytes, but only found 0 bytes eligible to free\./,
    );
    expect(events).toMatch(
      /Normal\s+NodeHasDiskPressure\s+node\/worker-3\s+Node worker-3 status is now: NodeHasDiskPressure/,
    );
  });
});
