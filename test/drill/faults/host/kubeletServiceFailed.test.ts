import { describe, expect, it } from 'vitest';
import { faultDrill, nodeView } from './helpers.js';

describe('fault kubelet-service-failed', () => {
  const d = faultDrill([{ fault: 'kubelet-service-failed', node: 'worker-1', since: 'now-10m' }]);

  it('systemd shows the kubelet failed with exit-code, and its journal says why', async () => {
    const service = await d.host('host.kubelet-service', { node: 'worker-1' });
    expect(service.outcome).toBe('failed');
    expect(service.summary).toBe('kubelet service is failed (Result=exit-code, exit status 1)');
    const journal = await d.run('worker-1', 'journalctl -u kubelet --since=-15m -o short-iso --no-pager -n 2000');
    expect(journal.stdout).toMatch(
      / worker-1 kubelet\[\d+\]: E\d{4} [\d:.]+ +\d+ run\.go:72\] "command failed" err="failed to parse kubelet flag: unknown flag: --container-runtime"$/m,
    );
    expect(journal.stdout).toMatch(/ worker-1 systemd\[1\]: kubelet\.service: Failed with result 'exit-code'\.$/m);
    expect((await d.host('host.listening-ports', { node: 'worker-1', port: 10250 })).outcome).toBe('not-listening');
  });

  it('the node goes Unknown with a heartbeat and lease stale since the kubelet stopped', async () => {
    expect(await d.kubectl('get', 'node', 'worker-1')).toMatch(/^worker-1\s+NotReady\s/m);
    const node = nodeView(await d.get('node', 'worker-1'));
    expect(node.conditions.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });
    expect(node.taints.map((t) => `${t.key}:${t.effect}`)).toContain('node.kubernetes.io/unreachable:NoExecute');
    const lease = await d.t.check('node.heartbeat-lease', { name: 'worker-1' });
    expect(lease.outcome).toBe('stale');
    expect(lease.facts.leaseAgeSeconds).toBe(600);
  });
});
