import { describe, expect, it } from 'vitest';
import { buildCluster, ScenarioBuildError } from '../../../../src/drill/scenario.js';
import { scenarioSchema } from '../../../../src/drill/scenarioSchema.js';
import { faultDrill, nodeView } from './helpers.js';

describe('fault kubelet-config-missing', () => {
  const d = faultDrill([{ fault: 'kubelet-config-missing', node: 'worker-2', since: 'now-25m' }]);

  it('the host checks find the missing file and the crash-looping kubelet', async () => {
    const config = await d.host('host.kubelet-config', { node: 'worker-2' });
    expect(config.outcome).toBe('missing');
    expect(config.evidence[0]?.value).toBe('cat: /var/lib/kubelet/config.yaml: No such file or directory');
    const service = await d.host('host.kubelet-service', { node: 'worker-2' });
    expect(service.outcome).toBe('restart-loop');
    // Restart=always every 10 s for 25 minutes.
    expect(service.facts).toMatchObject({
      kubeletActiveState: 'activating',
      kubeletSubState: 'auto-restart',
      kubeletResult: 'exit-code',
      kubeletRestarts: 150,
      kubeletExitStatus: 1,
    });
    const journal = await d.host('host.kubelet-journal', { node: 'worker-2' });
    expect(journal.outcome).toBe('config-missing');
    expect(journal.facts).toMatchObject({
      kubeletConfigPath: '/var/lib/kubelet/config.yaml',
      kubeletRestartCounter: 150,
    });
  });

  it('no kubelet process or port is left on the host; other nodes are untouched', async () => {
    const ps = await d.run('worker-2', 'ps -eo pid,etimes,args');
    expect(ps.stdout).not.toMatch(/\/usr\/bin\/kubelet /);
    expect(ps.stdout).toMatch(/\/usr\/bin\/containerd$/m);
    const ss = await d.run('worker-2', 'ss -ltnp');
    expect(ss.stdout).not.toContain('"kubelet"');
    expect((await d.host('host.kubelet-config', { node: 'worker-1' })).outcome).toBe('present');
    expect((await d.host('host.kubelet-service', { node: 'worker-1' })).outcome).toBe('running');
  });

  it('the API shows the node gone silent 25 minutes ago: Unknown, unreachable taints, stale heartbeat and lease', async () => {
    const table = await d.kubectl('get', 'node', 'worker-2');
    expect(table).toMatch(/^worker-2\s+NotReady\s+<none>\s+/m);
    const node = nodeView(await d.get('node', 'worker-2'));
    const since = new Date(d.t.now.getTime() - 25 * 60_000).toISOString().replace('.000Z', 'Z');
    expect(node.conditions.map((c) => [c.type, c.status, c.reason, c.lastHeartbeatTime])).toEqual([
      ['MemoryPressure', 'Unknown', 'NodeStatusUnknown', since],
      ['DiskPressure', 'Unknown', 'NodeStatusUnknown', since],
      ['PIDPressure', 'Unknown', 'NodeStatusUnknown', since],
      ['Ready', 'Unknown', 'NodeStatusUnknown', since],
    ]);
    expect(node.conditions.find((c) => c.type === 'Ready')?.message).toBe('Kubelet stopped posting node status.');
    expect(node.taints.map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/unreachable:NoSchedule',
      'node.kubernetes.io/unreachable:NoExecute',
    ]);
    const ready = await d.t.check('node.ready', { name: 'worker-2' });
    expect(ready.outcome).toBe('unknown');
    const lease = await d.t.check('node.heartbeat-lease', { name: 'worker-2' });
    expect(lease.outcome).toBe('stale');
    expect(Number(lease.facts.leaseAgeSeconds)).toBe(25 * 60);
    const events = await d.kubectl(
      'get',
      'events',
      '-n',
      'default',
      '--field-selector',
      'involvedObject.name=worker-2',
    );
    expect(events).toMatch(/Normal\s+NodeNotReady\s+node\/worker-2\s+Node worker-2 status is now: NodeNotReady/);
  });

  it('marks the pods on the node not ready, as the node lifecycle controller does', async () => {
    const pods = JSON.parse(
      await d.kubectl('get', 'pods', '-A', '--field-selector', 'spec.nodeName=worker-2', '-o', 'json'),
    ) as { items: { status: { conditions?: { type: string; status: string }[] } }[] };
    expect(pods.items.length).toBeGreaterThan(0);
    for (const p of pods.items) expect(p.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
  });

  it('a node the cluster lacks is a scenario error', () => {
    const s = scenarioSchema.parse({
      id: 's',
      title: 't',
      page: 'p',
      runbook: 'node-not-ready',
      expect: { diagnosis: null },
      cluster: { generate: { controlPlanes: 1, workers: 1 } },
      faults: [{ fault: 'kubelet-config-missing', node: 'worker-9' }],
    });
    expect(() => buildCluster(s, new Date())).toThrow(ScenarioBuildError);
    expect(() => buildCluster(s, new Date())).toThrow('fault kubelet-config-missing: the cluster has no Node worker-9');
  });
});
