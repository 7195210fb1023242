import { CoordinationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDrill } from '../../src/drill/cluster.js';
import type { RunningDrill } from '../../src/drill/cluster.js';
import { scenarioSchema } from '../../src/drill/scenarioSchema.js';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../helpers/kubectl.js';

// A fake clock the drill runs on: the test moves it, the server reads it.
const start = Math.floor(Date.now() / 1000) * 1000;
let t = start;
const clock = (): Date => new Date(t);
const advance = (seconds: number): void => {
  t += seconds * 1000;
};

const scenario = scenarioSchema.parse({
  id: 'clock',
  title: 'clock',
  page: 'clock',
  runbook: 'workload-down',
  expect: { diagnosis: null },
  cluster: {
    generate: { controlPlanes: 1, workers: 0, addons: false },
    nodes: [
      { name: 'cp-1', role: 'control-plane', age: '5m' },
      { name: 'worker-1', age: '5m' },
      // A kubelet that stopped two minutes before the drill began.
      { name: 'worker-2', age: '5m', ready: 'Unknown', heartbeatAgeSeconds: 120 },
      // A kubelet that is alive and says the node is unhealthy (runtime down): it keeps posting.
      { name: 'worker-3', age: '5m', ready: 'False', heartbeatAgeSeconds: 10 },
    ],
  },
});

let drill: RunningDrill;
let leases: CoordinationV1Api;
let core: CoreV1Api;

beforeAll(async () => {
  drill = await startDrill(scenario, { now: new Date(start), clock });
  const kc = new KubeConfig();
  kc.loadFromFile(drill.kubeconfigPath);
  leases = kc.makeApiClient(CoordinationV1Api);
  core = kc.makeApiClient(CoreV1Api);
});
afterAll(() => drill.close());
warnIfKubectlMissing('drill clock through kubectl');

async function leaseAge(namespace: string, name: string): Promise<number> {
  const lease = await leases.readNamespacedLease({ namespace, name });
  const renewed = lease.spec?.renewTime;
  if (!renewed) throw new Error(`lease ${namespace}/${name} has no renewTime`);
  return (t - new Date(renewed).getTime()) / 1000;
}

async function heartbeatAge(node: string): Promise<number> {
  const n = await core.readNode({ name: node });
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready?.lastHeartbeatTime) throw new Error(`node ${node} has no Ready heartbeat`);
  return (t - new Date(ready.lastHeartbeatTime).getTime()) / 1000;
}

/** kubectl's AGE column for a node. */
async function kubectlAge(node: string): Promise<string> {
  const r = await runKubectl(drill.kubeconfigPath, ['get', 'node', node, '--no-headers']);
  expect(r.stderr).toBe('');
  return r.stdout.trim().split(/\s+/)[3] ?? '';
}

describe('the drill clock', () => {
  it('starts with the ages the scenario wrote', async () => {
    expect(await leaseAge('kube-node-lease', 'worker-1')).toBe(10);
    expect(await heartbeatAge('worker-1')).toBe(10);
    expect(await leaseAge('kube-node-lease', 'worker-2')).toBe(120);
    expect(await heartbeatAge('worker-2')).toBe(120);
  });

  it.skipIf(!kubectlAvailable())('kubectl get nodes AGE advances with it', async () => {
    expect(await kubectlAge('worker-1')).toBe('5m');
  });

  it('an hour on: live kubelets renewed their leases every 10 s; a silent one did not', async () => {
    advance(3600 + 7);
    const live = await leaseAge('kube-node-lease', 'worker-1');
    expect(live).toBeGreaterThanOrEqual(0);
    expect(live).toBeLessThan(10);
    // Renewals fall on the kubelet's own 10 s cadence from its last renewal.
    expect((3600 + 7 + 10 - live) % 10).toBe(0);
    expect(await leaseAge('kube-node-lease', 'worker-3')).toBeLessThan(10);
    expect(await leaseAge('kube-node-lease', 'worker-2')).toBe(3600 + 7 + 120);
  });

  it('the healthy scheduler and controller-manager leaders kept renewing every 2 s', async () => {
    for (const leader of ['kube-scheduler', 'kube-controller-manager']) {
      const age = await leaseAge('kube-system', leader);
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThan(2);
    }
  });

  it('node status heartbeats: posted every 5 min by a live kubelet (Ready True or False), frozen for a silent one', async () => {
    const ready = await heartbeatAge('worker-1');
    expect(ready).toBeGreaterThanOrEqual(0);
    expect(ready).toBeLessThan(300);
    expect(await heartbeatAge('worker-3')).toBeLessThan(300);
    expect(await heartbeatAge('worker-2')).toBe(3600 + 7 + 120);
    // Every condition carries the heartbeat of the status post that wrote it.
    const node = await core.readNode({ name: 'worker-1' });
    expect(new Set(node.status?.conditions?.map((c) => c.lastHeartbeatTime?.getTime())).size).toBe(1);
  });

  it('a list of all nodes shows the same heartbeats as a single read', async () => {
    const all = await core.listNode();
    const w1 = all.items.find((n) => n.metadata?.name === 'worker-1');
    const single = await core.readNode({ name: 'worker-1' });
    expect(w1?.status?.conditions).toEqual(single.status?.conditions);
  });

  it.skipIf(!kubectlAvailable())('kubectl sees the renewed lease and the older node', async () => {
    const r = await runKubectl(drill.kubeconfigPath, [
      'get',
      'lease',
      'worker-1',
      '-n',
      'kube-node-lease',
      '-o',
      'jsonpath={.spec.renewTime}',
    ]);
    expect((t - Date.parse(r.stdout)) / 1000).toBeLessThan(10);
    expect(await kubectlAge('worker-1')).toBe('65m');
  });
});
