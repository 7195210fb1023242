import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toleratesTaint as tolerates } from '../../../src/kube/semantics/scheduling.js';
import { pod, startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

const objects = [
  pod('plain', 'app', {}, { phase: 'Pending' }),
  pod(
    'gpu-job',
    'ml',
    { tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] },
    { phase: 'Pending' },
  ),
  // What a DaemonSet pod gets: it tolerates cordons and sick nodes.
  pod(
    'node-agent',
    'kube-system',
    {
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
      ],
    },
    { phase: 'Pending' },
  ),
  // A kubeadm static pod's API copy, from the describe pasted in
  // https://github.com/kodekloudhub/certified-kubernetes-administrator-course/issues/150 (1.28.6):
  // annotations kubernetes.io/config.mirror, Controlled By: Node/kubemaster, tolerations :NoExecute op=Exists only.
  {
    ...pod(
      'kube-controller-manager-cp-1',
      'kube-system',
      { nodeName: 'cp-1', tolerations: [{ operator: 'Exists', effect: 'NoExecute' }] },
      { phase: 'Running' },
    ),
    metadata: {
      name: 'kube-controller-manager-cp-1',
      namespace: 'kube-system',
      labels: { component: 'kube-controller-manager', tier: 'control-plane' },
      annotations: {
        'kubernetes.io/config.hash': '2db9bd12f78f5220150a5d8d383647fc',
        'kubernetes.io/config.mirror': '2db9bd12f78f5220150a5d8d383647fc',
        'kubernetes.io/config.seen': '2024-02-01T04:17:34.586985919Z',
        'kubernetes.io/config.source': 'file',
      },
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Node', name: 'cp-1', uid: '00000000-0000-0000-0000-000000000150', controller: true },
      ],
    },
  },
  // An ordinary pod already running on a node that was tainted NoSchedule afterwards: it stays.
  pod('running-there', 'app', { nodeName: 'gpu-1' }, { phase: 'Running' }),
];

describe('node.schedulable on the drill cluster', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: {
        nodes: [
          { name: 'worker-1' },
          { name: 'worker-2', unschedulable: true },
          {
            name: 'gpu-1',
            taints: [
              { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' },
              { key: 'spot', value: 'true', effect: 'PreferNoSchedule' },
            ],
          },
          { name: 'worker-3', ready: 'Unknown', heartbeatAgeSeconds: 600 },
          { name: 'cp-1', role: 'control-plane' },
        ] as never,
      },
      objects: objects as never,
    });
  });
  afterAll(() => t.close());

  it.each([
    [
      { name: 'worker-1' },
      'schedulable',
      'node worker-1 is schedulable: not cordoned, no NoSchedule or NoExecute taints',
      { cordoned: false, taints: '' },
    ],
    [
      { name: 'worker-2' },
      'cordoned',
      'node worker-2 is cordoned (SchedulingDisabled): it takes no new pods; uncordon it when its maintenance is over',
      { cordoned: true, taint: 'node.kubernetes.io/unschedulable:NoSchedule' },
    ],
    [
      { name: 'gpu-1' },
      'repels-pods',
      'node gpu-1 has 1 taint that refuses pods without a toleration: nvidia.com/gpu=present:NoSchedule',
      { taints: 'nvidia.com/gpu=present:NoSchedule,spot=true:PreferNoSchedule' },
    ],
    [
      { name: 'worker-3' },
      'repels-pods',
      'node worker-3 has 2 taints that refuse pods without a toleration: node.kubernetes.io/unreachable:NoSchedule, node.kubernetes.io/unreachable:NoExecute (NoExecute also evicts running pods)',
      { noExecuteTaints: 'node.kubernetes.io/unreachable:NoExecute' },
    ],
    [
      { name: 'gpu-1', namespace: 'app', pod: 'plain' },
      'pod-repelled',
      'node gpu-1 refuses pod plain: it does not tolerate nvidia.com/gpu=present:NoSchedule',
      { untoleratedTaints: 'nvidia.com/gpu=present:NoSchedule' },
    ],
    [
      { name: 'gpu-1', namespace: 'ml', pod: 'gpu-job' },
      'pod-tolerates',
      'pod gpu-job tolerates every taint on node gpu-1',
      { untoleratedTaints: '' },
    ],
    [
      { name: 'worker-2', namespace: 'kube-system', pod: 'node-agent' },
      'pod-tolerates',
      'pod node-agent tolerates every taint on node worker-2, including the cordon',
      {},
    ],
    [
      { name: 'worker-3', namespace: 'app', pod: 'plain' },
      'pod-repelled',
      'node worker-3 refuses pod plain: it does not tolerate node.kubernetes.io/unreachable:NoSchedule, node.kubernetes.io/unreachable:NoExecute (NoExecute: it would be evicted even if running)',
      { taint: 'node.kubernetes.io/unreachable:NoSchedule' },
    ],
    [
      { name: 'cp-1', namespace: 'app', pod: 'plain' },
      'pod-repelled',
      'node cp-1 refuses pod plain: it does not tolerate node-role.kubernetes.io/control-plane:NoSchedule',
      {},
    ],
    [
      { name: 'cp-1', namespace: 'kube-system', pod: 'kube-controller-manager-cp-1' },
      'static-pod',
      "pod kube-controller-manager-cp-1 is a static (mirror) pod of node cp-1's kubelet: taints (node-role.kubernetes.io/control-plane:NoSchedule) do not apply to it",
      {},
    ],
    [
      { name: 'gpu-1', namespace: 'app', pod: 'running-there' },
      'pod-tolerates',
      'pod running-there already runs on node gpu-1: its NoSchedule taints (nvidia.com/gpu=present:NoSchedule) only keep new pods away, and no NoExecute taint evicts it',
      { untoleratedTaints: '' },
    ],
    [{ name: 'worker-9' }, 'not-found', 'node worker-9 does not exist', {}],
    [
      { name: 'worker-1', namespace: 'app', pod: 'ghost' },
      'not-found',
      'pod ghost does not exist in namespace app',
      {},
    ],
  ])('%o → %s', async (params, outcome, summary, facts) => {
    const r = await t.check('node.schedulable', params);
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toBe(summary);
    expect(r.facts).toMatchObject(facts);
  });

  it('explains what each taint repels and who set it', async () => {
    const r = await t.check('node.schedulable', { name: 'worker-3', namespace: 'app', pod: 'plain' });
    expect(r.evidence).toEqual([
      { label: 'unschedulable', value: 'false' },
      {
        label: 'taint node.kubernetes.io/unreachable:NoSchedule',
        value: 'refuses new pods without a matching toleration; set because the node stopped reporting (Ready Unknown)',
      },
      {
        label: 'taint node.kubernetes.io/unreachable:NoExecute',
        value:
          'refuses new pods and evicts running ones without a matching toleration; set because the node stopped reporting (Ready Unknown)',
      },
      { label: 'pod plain tolerations', value: 'none' },
    ]);
    expect(r.command).toBe(
      `kubectl get node worker-3 -o jsonpath='{.spec.unschedulable}{"\\n"}{range .spec.taints[*]}{.key}={.value}:{.effect}{"\\n"}{end}' && kubectl get pod plain -n app -o jsonpath='{.spec.tolerations}'`,
    );
  });
});

describe('toleration matching', () => {
  const taint = { key: 'dedicated', value: 'db', effect: 'NoSchedule' };
  it.each([
    [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }, true],
    [{ key: 'dedicated', value: 'db' }, true],
    [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }, false],
    [{ key: 'dedicated', operator: 'Exists' }, true],
    [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
    [{ operator: 'Exists' }, true],
    [{ key: 'other', operator: 'Exists' }, false],
  ])('%o tolerates dedicated=db:NoSchedule: %s', (tol, expected) => expect(tolerates(tol, taint)).toBe(expected));
});
