import { describe, expect, it } from 'vitest';
import { faultDrill, nodeView } from './helpers.js';

describe('fault systemd-dbus-hang', () => {
  const d = faultDrill([{ fault: 'systemd-dbus-hang', node: 'worker-2', since: 'now-12m', runc: 3 }]);

  it('systemd does not answer a Ping while the bus lists its names and the stuck runC connections', async () => {
    const ping = await d.host('host.systemd-dbus', { node: 'worker-2' });
    expect(ping.outcome).toBe('timeout');
    expect(ping.evidence[0]).toEqual({ label: 'busctl', value: 'Call failed: Connection timed out' });
    const names = await d.host('host.dbus-names', { node: 'worker-2' });
    expect(names.outcome).toBe('answering');
    expect(names.facts).toMatchObject({ systemd1OnBus: true });
    expect(Number(names.facts.busMaxUniqueName)).toBeGreaterThan(48_000);
    const bus = await d.run('worker-2', 'busctl --system --timeout=5 list --no-pager');
    expect(bus.stdout.match(/ runc +root +:1\.\d+ +containerd\.service /g)).toHaveLength(3);
  }, 20_000);

  it('runC processes linger for minutes and the kubelet says PLEG is not healthy', async () => {
    const runc = await d.host('host.runc-lingering', { node: 'worker-2' });
    expect(runc.outcome).toBe('lingering');
    expect(runc.facts).toMatchObject({ lingeringRunc: 3, lingeringRuncVerbs: 'create:3' });
    expect(Number(runc.facts.oldestRuncSeconds)).toBe(720);
    const journal = await d.host('host.kubelet-journal', { node: 'worker-2' });
    // runC's create calls hang, so the kubelet's runtime calls time out as PLEG stalls; either finding leads to runC and D-Bus.
    expect(journal.outcome).toBe('runtime-timeout');
    expect(Number(journal.facts.plegLastSeenSeconds)).toBeGreaterThan(180);
    // containerd itself is up: the fault is beneath it.
    expect((await d.host('host.container-runtime', { node: 'worker-2' })).outcome).toBe('running');
  });

  it('the node is Ready=False with the PLEG message, its heartbeat and lease fresh', async () => {
    expect(await d.kubectl('get', 'node', 'worker-2')).toMatch(/^worker-2\s+NotReady\s/m);
    const node = nodeView(await d.get('node', 'worker-2'));
    const ready = node.conditions.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'KubeletNotReady' });
    expect(ready?.message).toMatch(
      /^PLEG is not healthy: pleg was last seen active \d+m[\d.]+s ago; threshold is 3m0s$/,
    );
    expect(node.taints.map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/not-ready:NoSchedule',
      'node.kubernetes.io/not-ready:NoExecute',
    ]);
    expect((await d.t.check('node.ready', { name: 'worker-2' })).outcome).toBe('not-ready');
    expect((await d.t.check('node.heartbeat-lease', { name: 'worker-2' })).outcome).toBe('fresh');
    const events = await d.kubectl(
      'get',
      'events',
      '-n',
      'default',
      '--field-selector',
      'involvedObject.name=worker-2,reason=NodeNotReady',
    );
    expect(events).toMatch(/Normal\s+NodeNotReady\s+node\/worker-2\s+Node worker-2 status is now: NodeNotReady/);
  });
});
