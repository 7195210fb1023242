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
  taint: '0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
  cpu: '0/3 nodes are available: 1 Insufficient memory, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
  pvc: '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
  volume: "0/3 nodes are available: 1 node(s) had volume node affinity conflict, 2 node(s) didn't match Pod's node affinity/selector.",
  cordoned: '0/2 nodes are available: 2 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
};

describe('FailedScheduling message parser', () => {
  it('counts nodes per reason and ignores the preemption tail', () => {
    const p = parseSchedulingMessage(messages.selector);
    expect(p).toEqual({
      available: 0,
      total: 4,
      reasons: [
        { kind: 'taint', nodes: 1, text: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }', detail: '{node-role.kubernetes.io/control-plane: }' },
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
    const r = primaryReason(parseSchedulingMessage('0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.'));
    expect(r?.kind).toBe('taint');
  });
});

describe('pod.scheduling on the drill cluster', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { nodes: [{ name: 'cp-1', role: 'control-plane' }, { name: 'worker-1' }, { name: 'worker-2' }, { name: 'worker-3' }] as never },
      objects: [
        pod('sel', 'shop', { nodeSelector: { disktype: 'ssd' } }, pending(messages.selector)),
        event('shop', 'sel', 'Warning', 'FailedScheduling', messages.selector, 9),
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
    expect(r.facts).toMatchObject({ nodeSelector: 'disktype=ssd', nodesTotal: 4, nodesExcluded: 3, scheduleReason: 'node-selector' });
    expect(r.evidence).toContainEqual({ label: 'FailedScheduling ×9', value: messages.selector });
    expect(r.command).toBe('kubectl get events -n shop --field-selector involvedObject.kind=Pod,involvedObject.name=sel,involvedObject.namespace=shop,reason=FailedScheduling');
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
