import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSchedulingMessage, primaryReason } from '../../../src/checks/pod/schedulingMessage.js';
import { event, pod, startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

const pending = (message?: string) => ({
  phase: 'Pending',
  conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', ...(message ? { message } : {}) }],
});

const messages = {
  selector:
    "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
  taint:
    '0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
  cpu: '0/3 nodes are available: 1 Insufficient memory, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
  pvc: '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
  volume:
    "0/3 nodes are available: 1 node(s) had volume node affinity conflict, 2 node(s) didn't match Pod's node affinity/selector.",
  cordoned:
    '0/2 nodes are available: 2 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
};

describe('FailedScheduling message parser', () => {
  it('counts nodes per reason and ignores the preemption tail', () => {
    const p = parseSchedulingMessage(messages.selector);
    expect(p).toEqual({
      available: 0,
      total: 4,
      reasons: [
        {
          kind: 'taint',
          nodes: 1,
          text: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }',
          detail: '{node-role.kubernetes.io/control-plane: }',
        },
        { kind: 'node-selector', nodes: 3, text: "node(s) didn't match Pod's node affinity/selector" },
      ],
    });
    expect(primaryReason(p)?.kind).toBe('node-selector');
  });

  it.each([
    ['taint', 'taint', 3, '{dedicated: gpu}'],
    ['cpu', 'insufficient-resources', 2, 'cpu'],
    ['pvc', 'unbound-pvc', 0, undefined],
    ['volume', 'node-selector', 2, undefined],
    ['cordoned', 'unschedulable-nodes', 2, undefined],
  ] as const)('%s → %s', (key, kind, nodes, detail) => {
    const r = primaryReason(parseSchedulingMessage(messages[key]));
    expect(r?.kind).toBe(kind);
    expect(r?.nodes).toBe(nodes);
    expect(r?.detail).toBe(detail);
  });

  it('keeps a control-plane taint as the reason when it is the only one', () => {
    const r = primaryReason(
      parseSchedulingMessage(
        '0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.',
      ),
    );
    expect(r?.kind).toBe('taint');
  });
});

describe('pod.scheduling on the drill cluster', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: {
        nodes: [
          { name: 'cp-1', role: 'control-plane' },
          { name: 'worker-1' },
          { name: 'worker-2' },
          { name: 'worker-3' },
        ] as never,
      },
      objects: [
        pod('sel', 'shop', { nodeSelector: { disktype: 'ssd' } }, pending(messages.selector)),
        event('shop', 'sel', 'Warning', 'FailedScheduling', messages.selector, 9),
        pod(
          'aff',
          'shop',
          {
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z9'] }] }],
                },
              },
            },
          },
          pending(messages.selector),
        ),
        pod('gpu', 'shop', {}, pending()),
        event('shop', 'gpu', 'Warning', 'FailedScheduling', messages.taint, 3),
        // The condition still has the message after the events expired.
        pod('big', 'shop', {}, pending(messages.cpu)),
        pod('silent', 'shop', {}, { phase: 'Pending' }),
        pod('placed', 'shop', { nodeName: 'worker-1' }, { phase: 'Running' }),
      ] as never,
    });
  });
  afterAll(() => t.close());

  it('finds the node selector no node matches, with the numbers and the selector as facts', async () => {
    const r = await t.check('pod.scheduling', { namespace: 'shop', name: 'sel' });
    expect(r.outcome).toBe('node-selector');
    expect(r.summary).toBe("3 of 4 nodes do not match the pod's node selector/affinity (disktype=ssd)");
    expect(r.facts).toMatchObject({
      nodeSelector: 'disktype=ssd',
      nodeLabelSelector: 'disktype=ssd',
      nodesTotal: 4,
      nodesExcluded: 3,
      scheduleReason: 'node-selector',
    });
    expect(r.evidence).toContainEqual({ label: 'FailedScheduling ×9', value: messages.selector });
    expect(r.command).toBe(
      'kubectl get events -n shop --field-selector involvedObject.kind=Pod,involvedObject.name=sel,involvedObject.namespace=shop,reason=FailedScheduling',
    );
  });

  // Required affinity is no label selector: the words for it go to sentences, never into kubectl get nodes -l.
  it('says required node affinity in words, and gives no label selector for a command', async () => {
    const r = await t.check('pod.scheduling', { namespace: 'shop', name: 'aff' });
    expect(r.outcome).toBe('node-selector');
    expect(r.facts.nodeSelector).toContain('its required node affinity');
    expect(r.facts.nodeLabelSelector).toBeUndefined();
  });

  it.each([
    ['gpu', 'taint', { taint: '{dedicated: gpu}' }],
    ['big', 'insufficient-resources', { resource: 'cpu' }],
    ['silent', 'no-scheduler-message', {}],
    ['placed', 'scheduled', {}],
    ['ghost', 'not-found', {}],
  ])('%s → %s', async (name, outcome, facts) => {
    const r = await t.check('pod.scheduling', { namespace: 'shop', name });
    expect(r.outcome).toBe(outcome);
    expect(r.facts).toMatchObject(facts);
  });
});

// Real FailedScheduling messages as pasted in public threads, one per release's wording.
describe('FailedScheduling wording across releases', () => {
  it.each([
    // https://github.com/kubernetes/kubernetes/issues/48759 (GKE 1.6.4)
    [
      'No nodes are available that match all of the following predicates:: Insufficient cpu (1).',
      'insufficient-resources',
      1,
      'cpu',
    ],
    // https://github.com/logicmonitor/k8s-argus/issues/76 (1.10)
    [
      'No nodes are available that match all of the predicates: Insufficient memory (5), PodToleratesNodeTaints (3)',
      'insufficient-resources',
      5,
      'memory',
    ],
    // https://github.com/openshift/origin/issues/19609 (OpenShift 3.9, kubernetes 1.9)
    ['0/3 nodes are available: 3 MatchNodeSelector.', 'node-selector', 3, undefined],
    // https://github.com/k3d-io/k3d/issues/18 (k3s v1.14.1): the taint is not named
    ["0/2 nodes are available: 2 node(s) had taints that the pod didn't tolerate.", 'taint', 2, undefined],
    // https://github.com/kubernetes-sigs/kubespray/issues/9989 (1.26)
    [
      '0/3 nodes are available: 3 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..',
      'node-condition',
      3,
      '{node.kubernetes.io/not-ready: }',
    ],
    // https://github.com/snowdrop/k8s-infra/issues/249 (1.21)
    [
      "0/1 nodes are available: 1 node(s) had taint {node.kubernetes.io/disk-pressure: }, that the pod didn't tolerate.",
      'node-condition',
      1,
      '{node.kubernetes.io/disk-pressure: }',
    ],
    // https://github.com/kadalu/kadalu/issues/216 (1.17: the filter plugin's error, no node counts)
    [
      'error while running "VolumeBinding" filter plugin for pod "pod1": pod has unbound immediate PersistentVolumeClaims',
      'unbound-pvc',
      0,
      undefined,
    ],
    // https://github.com/radondb/radondb-mysql-kubernetes/issues/524 (1.2x)
    [
      '0/3 nodes are available: 3 pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
      'unbound-pvc',
      3,
      undefined,
    ],
    // https://github.com/open-metadata/openmetadata-helm-charts/issues/417 (as its title quotes it: no head, a preemption tail)
    [
      'pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling',
      'unbound-pvc',
      0,
      undefined,
    ],
    // https://github.com/kubernetes-sigs/sig-storage-local-static-provisioner/issues/424
    [
      "0/1 nodes are available: 1 node(s) didn't find available persistent volumes to bind. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
      'unbound-pvc',
      1,
      undefined,
    ],
    // https://github.com/kubernetes/kops/issues/3235 (1.7 scheduler log)
    [
      'fit failure summary on nodes : NoVolumeZoneConflict (3), PodToleratesNodeTaints (3); retrying',
      'volume-node-affinity',
      3,
      undefined,
    ],
    // https://github.com/vmware-tanzu/community-edition/pull/5501
    [
      "0/6 nodes are available: 3 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate, 3 node(s) had volume node affinity conflict.",
      'volume-node-affinity',
      3,
      undefined,
    ],
  ] as const)('%s → %s', (message, kind, nodes, detail) => {
    const r = primaryReason(parseSchedulingMessage(message));
    expect(r?.kind).toBe(kind);
    expect(r?.nodes).toBe(nodes);
    expect(r?.detail).toBe(detail);
  });

  it('counts every predicate a node failed in the pre-1.10 wording, so the counts overlap', () => {
    // https://github.com/argoproj/argo-workflows/issues/190
    const p = parseSchedulingMessage(
      'No nodes are available that match all of the following predicates:: Insufficient cpu (9), Insufficient memory (15), MatchNodeSelector (18).',
    );
    expect(p.total).toBeNull();
    expect(p.overlapping).toBe(true);
    expect(p.reasons.map((r) => [r.kind, r.nodes])).toEqual([
      ['insufficient-resources', 9],
      ['insufficient-resources', 15],
      ['node-selector', 18],
    ]);
  });

  it('keeps a reason it does not know as written, and does not let a known one win a tie with it', () => {
    // https://github.com/kubernetes/kubernetes/issues/49440 (1.7): a host port in use on the only worker, the master tainted
    const r = primaryReason(
      parseSchedulingMessage(
        'No nodes are available that match all of the following predicates:: PodFitsHostPorts (1), PodToleratesNodeTaints (1).',
      ),
    );
    expect(r).toEqual({ kind: 'other', nodes: 1, text: 'PodFitsHostPorts' });
    // https://github.com/kubernetes/kubernetes/issues/66568 (1.11)
    const ports = primaryReason(
      parseSchedulingMessage(
        "0/108 nodes are available: 2 node(s) were not ready, 106 node(s) didn't have free ports for the requested pod ports.",
      ),
    );
    expect(ports).toEqual({
      kind: 'other',
      nodes: 106,
      text: "node(s) didn't have free ports for the requested pod ports",
    });
  });

  it('drops the event recorder\'s "(repeated N times)"', () => {
    expect(
      parseSchedulingMessage('pod has unbound immediate PersistentVolumeClaims (repeated 2 times)').reasons,
    ).toEqual([{ kind: 'unbound-pvc', nodes: 0, text: 'pod has unbound immediate PersistentVolumeClaims' }]);
  });
});
