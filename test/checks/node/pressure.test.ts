import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

type Condition = [type: string, status: string, reason: string, message: string];

const healthy: Condition[] = [
  ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
];

/** A node written out as `kubectl get node -o yaml` prints it, with the conditions given. */
const node = (name: string, overrides: Condition[], extra: Condition[] = []) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, creationTimestamp: 'now-90d', labels: { 'kubernetes.io/hostname': name } },
  spec: {},
  status: {
    conditions: [...extra, ...healthy.map((c) => overrides.find((o) => o[0] === c[0]) ?? c)].map(
      ([type, status, reason, message]) => ({
        type,
        status,
        reason,
        message,
        lastHeartbeatTime: 'now-10s',
        lastTransitionTime: status === 'True' && type !== 'Ready' ? 'now-7m' : 'now-90d',
      }),
    ),
  },
});

const objects = [
  node('disk', [['DiskPressure', 'True', 'KubeletHasDiskPressure', 'kubelet has disk pressure']]),
  node('memory', [
    ['MemoryPressure', 'True', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'],
  ]),
  node('pids', [['PIDPressure', 'True', 'KubeletHasInsufficientPID', 'kubelet has insufficient PID available']]),
  node('both', [
    ['MemoryPressure', 'True', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'],
    ['DiskPressure', 'True', 'KubeletHasDiskPressure', 'kubelet has disk pressure'],
  ]),
  node('no-cni', [], [['NetworkUnavailable', 'True', 'NoRouteCreated', 'Node created without a route']]),
  node('calico', [], [['NetworkUnavailable', 'False', 'CalicoIsUp', 'Calico is running on this node']]),
];

describe('node.pressure on the drill cluster', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: {
        nodes: [{ name: 'worker-1' }, { name: 'silent', ready: 'Unknown', heartbeatAgeSeconds: 600 }] as never,
      },
      objects,
    });
  });
  afterAll(() => t.close());

  it.each([
    [
      'disk',
      'disk-pressure',
      'node disk has DiskPressure since 7m ago: kubelet has disk pressure',
      { pressures: 'DiskPressure', pressureMessage: 'kubelet has disk pressure', pressureSinceSeconds: 420 },
    ],
    [
      'memory',
      'memory-pressure',
      'node memory has MemoryPressure since 7m ago: kubelet has insufficient memory available',
      { pressures: 'MemoryPressure' },
    ],
    [
      'pids',
      'pid-pressure',
      'node pids has PIDPressure since 7m ago: kubelet has insufficient PID available',
      { pressures: 'PIDPressure' },
    ],
    [
      'both',
      'disk-pressure',
      'node both has DiskPressure since 7m ago: kubelet has disk pressure (also MemoryPressure)',
      { pressures: 'DiskPressure,MemoryPressure' },
    ],
    [
      'no-cni',
      'network-unavailable',
      'node no-cni has NetworkUnavailable since 7m ago: Node created without a route',
      { pressures: 'NetworkUnavailable' },
    ],
    [
      'calico',
      'no-pressure',
      'node calico reports no memory, disk or PID pressure and its network is available',
      { pressures: '' },
    ],
    ['worker-1', 'no-pressure', 'node worker-1 reports no memory, disk or PID pressure', { pressures: '' }],
    [
      'silent',
      'conditions-unknown',
      "node silent's pressure conditions are Unknown (DiskPressure, MemoryPressure, PIDPressure): the kubelet stopped reporting, so pressure cannot be judged",
      {},
    ],
    ['ghost', 'not-found', 'node ghost does not exist', {}],
  ])('%s → %s', async (name, outcome, summary, facts) => {
    const r = await t.check('node.pressure', { name });
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toBe(summary);
    expect(r.facts).toMatchObject(facts);
  });

  it('shows each condition with its reason and message, and what the pressure does', async () => {
    const r = await t.check('node.pressure', { name: 'disk' });
    expect(r.evidence).toEqual([
      { label: 'DiskPressure', value: 'True (KubeletHasDiskPressure): kubelet has disk pressure, since 7m ago' },
      {
        label: 'MemoryPressure',
        value: 'False (KubeletHasSufficientMemory): kubelet has sufficient memory available, since 90d ago',
      },
      {
        label: 'PIDPressure',
        value: 'False (KubeletHasSufficientPID): kubelet has sufficient PID available, since 90d ago',
      },
      {
        label: 'effect',
        value:
          'the kubelet evicts pods and garbage-collects images; new pods are refused (taint node.kubernetes.io/disk-pressure)',
      },
    ]);
    expect(r.command).toBe(
      `kubectl get node disk -o jsonpath='{range .status.conditions[*]}{.type}{"\\t"}{.status}{"\\t"}{.reason}{"\\t"}{.message}{"\\n"}{end}'`,
    );
  });
});
