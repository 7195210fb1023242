import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

const condition = (type: string, status: string, reason: string, message: string) => ({
  type,
  status,
  reason,
  message,
  lastHeartbeatTime: 'now-10s',
  lastTransitionTime: 'now-7m',
});
const clear = [
  condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
  condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
  condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
  condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
];
const node = (name: string, conditions = clear) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { conditions },
});
const nodeEvent = (node: string, i: number, type: string, reason: string, message: string, ago: string) => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: `${node}.${i}`, namespace: 'default', creationTimestamp: ago },
  involvedObject: { apiVersion: 'v1', kind: 'Node', name: node, uid: node },
  reason,
  message,
  source: { component: 'kubelet', host: node },
  firstTimestamp: ago,
  lastTimestamp: ago,
  count: 1,
  type,
});
const pod = (name: string, nodeName: string, status: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'web', creationTimestamp: 'now-3h' },
  spec: { nodeName, containers: [{ name: 'app', image: 'registry.example.com/app:1' }] },
  status,
});
const evicted = (message: string) => ({ phase: 'Failed', reason: 'Evicted', message });
const lowDisk =
  'The node was low on resource: ephemeral-storage. Container app was using 34260Ki, which exceeds its request of 0. ';

const objects = [
  node('disk', [
    condition('DiskPressure', 'True', 'KubeletHasDiskPressure', 'kubelet has disk pressure'),
    ...clear.filter((c) => c.type !== 'DiskPressure'),
  ]),
  // bsycorp/kind#15 (2019-03-08): the node's events from kubectl describe node minikube, verbatim, after pods showed Evicted.
  node('minikube'),
  nodeEvent('minikube', 1, 'Warning', 'EvictionThresholdMet', 'Attempting to reclaim ephemeral-storage', 'now-4m32s'),
  nodeEvent(
    'minikube',
    2,
    'Normal',
    'NodeHasDiskPressure',
    'Node minikube status is now: NodeHasDiskPressure',
    'now-4m23s',
  ),
  node('memory-node'),
  nodeEvent('memory-node', 1, 'Warning', 'EvictionThresholdMet', 'Attempting to reclaim memory', 'now-9m'),
  node('quiet'),
  nodeEvent('quiet', 1, 'Normal', 'Starting', 'Starting kubelet.', 'now-30m'),
  pod('on-disk', 'disk', evicted(lowDisk)),
  pod('on-minikube', 'minikube', evicted(lowDisk)),
  pod(
    'on-memory',
    'memory-node',
    evicted(
      'The node was low on resource: memory. Container app was using 1275700Ki, which exceeds its request of 0. ',
    ),
  ),
  pod('on-quiet', 'quiet', evicted(lowDisk)),
  pod('on-gone', 'gone-node', evicted(lowDisk)),
  pod('crashed', 'disk', {
    phase: 'Failed',
    containerStatuses: [
      {
        name: 'app',
        ready: false,
        restartCount: 0,
        image: 'registry.example.com/app:1',
        imageID: '',
        state: { terminated: { exitCode: 1, reason: 'Error' } },
      },
    ],
  }),
];

describe('node.eviction-pressure on the drill cluster', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({ cluster: { nodes: [{ name: 'worker-1' }] as never }, objects });
  });
  afterAll(() => t.close());

  it.each([
    [
      'on-disk',
      'pressure-now',
      'pod on-disk was evicted and its node disk has DiskPressure now: kubelet has disk pressure',
      {
        nodeName: 'disk',
        pressures: 'DiskPressure',
        pressureMessage: 'kubelet has disk pressure',
        evictionMessage: lowDisk.trim(),
      },
    ],
    [
      'on-minikube',
      'pressure-in-events',
      'pod on-minikube was evicted; node minikube shows no pressure now, but its events record EvictionThresholdMet: Attempting to reclaim ephemeral-storage',
      {
        nodeName: 'minikube',
        pressures: 'DiskPressure',
        pressureMessage: 'EvictionThresholdMet: Attempting to reclaim ephemeral-storage',
        pressureSeen: 'recorded DiskPressure in its events (last 4m32s ago); its conditions show none now',
      },
    ],
    [
      'on-memory',
      'pressure-in-events',
      'pod on-memory was evicted; node memory-node shows no pressure now, but its events record EvictionThresholdMet: Attempting to reclaim memory',
      { pressures: 'MemoryPressure' },
    ],
    [
      'on-quiet',
      'no-pressure-seen',
      'pod on-quiet was evicted from quiet, which shows no memory, disk or PID pressure now and no eviction event (node events expire after an hour by default)',
      { nodeName: 'quiet' },
    ],
    [
      'on-gone',
      'no-node',
      'pod on-gone was evicted from node gone-node, which no longer exists',
      { nodeName: 'gone-node' },
    ],
    ['crashed', 'not-evicted', 'pod crashed was not evicted (status reason none)', {}],
    ['ghost', 'not-found', 'pod ghost does not exist in namespace web', {}],
  ])('%s → %s', async (name, outcome, summary, facts) => {
    const r = await t.check('node.eviction-pressure', { namespace: 'web', name });
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toBe(summary);
    expect(r.facts).toMatchObject(facts);
  });

  it('never claims pressure on a node whose conditions and events show none', async () => {
    const r = await t.check('node.eviction-pressure', { namespace: 'web', name: 'on-quiet' });
    expect(r.facts.pressures).toBeUndefined();
    expect(r.evidence.map((e) => e.label)).toEqual(['pod status', 'DiskPressure', 'MemoryPressure', 'PIDPressure']);
  });
});
