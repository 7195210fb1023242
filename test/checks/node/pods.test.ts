import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pod, startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';
import { startRestrictedDrill } from '../pod/restrictedDrill.js';

const container = (name: string, state: Record<string, unknown>, ready = true, restartCount = 0) => ({
  name,
  image: `${name}:1`,
  imageID: '',
  ready,
  started: ready,
  restartCount,
  state,
});
const running = (name: string, ready = true, restartCount = 0) =>
  container(name, { running: { startedAt: 'now-4h' } }, ready, restartCount);

const on = (
  node: string,
  name: string,
  namespace: string,
  status: Record<string, unknown>,
  meta: Record<string, unknown> = {},
) => {
  const p = pod(name, namespace, { nodeName: node }, status);
  Object.assign(p.metadata as Record<string, unknown>, meta);
  return p;
};

const objects = [
  // The Cloudpods guide's node, as `kubectl -n onecloud get pods -o wide | grep office-03-host01` showed it.
  on('office-03-host01', 'default-host-xc2t5', 'onecloud', {
    phase: 'Running',
    containerStatuses: [running('host'), running('ovn-controller'), running('sdnagent')],
  }),
  on('office-03-host01', 'default-host-deployer-zv6tk', 'onecloud', {
    phase: 'Running',
    containerStatuses: [running('deployer')],
  }),
  on('office-03-host01', 'default-host-image-cql69', 'onecloud', {
    phase: 'Running',
    containerStatuses: [running('host-image', true, 132)],
  }),
  on('office-03-host01', 'default-telegraf-q8fl9', 'onecloud', {
    phase: 'Running',
    containerStatuses: [running('telegraf', true, 40), running('init', true)],
  }),
  on('office-03-host01', 'kube-proxy-7xk2p', 'kube-system', {
    phase: 'Running',
    containerStatuses: [running('kube-proxy')],
  }),

  // A node whose kubelet went silent.
  on(
    'worker-3',
    'mysql-0',
    'db',
    { phase: 'Running', containerStatuses: [running('mysql', false)] },
    { deletionTimestamp: 'now-14m', deletionGracePeriodSeconds: 30 },
  ),
  on('worker-3', 'web-5f6d7c8b9-abcde', 'app', {
    phase: 'Unknown',
    reason: 'NodeLost',
    message: 'Node worker-3 which was running pod web-5f6d7c8b9-abcde is unresponsive',
  }),
  on('worker-3', 'kube-proxy-9q8w7', 'kube-system', { phase: 'Running', containerStatuses: [running('kube-proxy')] }),

  // A node whose runtime cannot create sandboxes.
  on(
    'worker-2',
    'api-6b7c8d9e-k4m2n',
    'app',
    { phase: 'Pending', containerStatuses: [container('api', { waiting: { reason: 'ContainerCreating' } }, false)] },
    { creationTimestamp: 'now-25m' },
  ),
  on(
    'worker-2',
    'api-6b7c8d9e-p9z8x',
    'app',
    { phase: 'Pending', containerStatuses: [container('api', { waiting: { reason: 'ContainerCreating' } }, false)] },
    { creationTimestamp: 'now-1m' },
  ),
  on(
    'worker-2',
    'deleting',
    'app',
    { phase: 'Running', containerStatuses: [running('main')] },
    { deletionTimestamp: 'now-20s', deletionGracePeriodSeconds: 30 },
  ),

  on('worker-4', 'crashy', 'app', {
    phase: 'Running',
    containerStatuses: [container('main', { waiting: { reason: 'CrashLoopBackOff' } }, false, 17)],
  }),
  on('worker-4', 'done', 'app', {
    phase: 'Succeeded',
    containerStatuses: [container('main', { terminated: { exitCode: 0, reason: 'Completed' } }, false)],
  }),
];

describe('node.pods on the drill cluster', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: {
        nodes: [
          { name: 'office-03-host01' },
          { name: 'worker-2' },
          { name: 'worker-3', ready: 'Unknown', heartbeatAgeSeconds: 900 },
          { name: 'worker-4' },
          { name: 'empty' },
        ] as never,
      },
      objects: objects as never,
    });
  });
  afterAll(() => t.close());

  it('Cloudpods host node: lists its pods through the spec.nodeName field selector', async () => {
    const r = await t.check('node.pods', { name: 'office-03-host01' });
    expect(r.outcome).toBe('all-running');
    expect(r.summary).toBe('5 pods on node office-03-host01, none stuck: 5 Running, 0 Succeeded, 0 Pending');
    expect(r.facts).toEqual({
      podCount: 5,
      running: 5,
      pending: 0,
      succeeded: 0,
      failed: 0,
      unknown: 0,
      terminating: 0,
      stuckTerminating: 0,
      stuckCreating: 0,
      crashLooping: 0,
    });
    expect(r.command).toBe('kubectl get pods -A -o wide --field-selector spec.nodeName=office-03-host01');
  });

  it.each([
    [
      'worker-3',
      'unknown-pods',
      '1 pod on node worker-3 is in phase Unknown: the node stopped reporting their state',
      { podCount: 3, unknown: 1, stuckTerminating: 1, stuckPods: 'app/web-5f6d7c8b9-abcde,db/mysql-0' },
    ],
    [
      'worker-2',
      'stuck-creating',
      '1 pod on node worker-2 has been ContainerCreating for over 5 minutes: volumes, network (CNI) or the runtime on this node',
      { stuckCreating: 1, terminating: 1, stuckTerminating: 0, stuckPods: 'app/api-6b7c8d9e-k4m2n' },
    ],
    ['worker-4', 'crash-looping', '1 pod on node worker-4 is in CrashLoopBackOff', { crashLooping: 1, succeeded: 1 }],
    ['empty', 'no-pods', 'no pods are bound to node empty (not even DaemonSet pods)', { podCount: 0 }],
    ['ghost', 'not-found', 'node ghost does not exist and no pods name it', {}],
  ])('%s → %s', async (name, outcome, summary, facts) => {
    const r = await t.check('node.pods', { name });
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toBe(summary);
    expect(r.facts).toMatchObject(facts);
  });

  it('never counts the paged pod as another stuck pod on its own node (except)', async () => {
    // worker-4's only stuck pod is the one paged about: the node shows nothing else stuck.
    const r = await t.check('node.pods', { name: 'worker-4', except: 'app/crashy' });
    expect(r.outcome).toBe('all-running');
    expect(r.facts).toMatchObject({ podCount: 1, crashLooping: 0 });
    const all = await t.check('node.pods', { name: 'worker-4' });
    expect(all.outcome).toBe('crash-looping');
  });

  it('names the stuck pods with how long they have been stuck', async () => {
    const r = await t.check('node.pods', { name: 'worker-3' });
    expect(r.evidence).toEqual([
      { label: 'pods', value: '3: 2 Running, 0 Pending, 0 Succeeded, 0 Failed, 1 Unknown; 1 Terminating' },
      { label: 'unknown app/web-5f6d7c8b9-abcde', value: 'phase Unknown (NodeLost)' },
      { label: 'terminating db/mysql-0', value: 'deletion due 14m ago' },
    ]);
  });

  it('reports stuck Terminating when nothing is Unknown', async () => {
    const d = await startRestrictedDrill({
      nodes: [{ name: 'worker-3', ready: 'Unknown' }],
      objects: [objects[5] as Record<string, unknown>],
    });
    try {
      const r = await d.check('node.pods', { name: 'worker-3' });
      expect(r.outcome).toBe('stuck-terminating');
      expect(r.summary).toBe(
        '1 pod on node worker-3 is stuck Terminating, over 60s past the end of the grace period: the kubelet is not completing deletions',
      );
    } finally {
      await d.close();
    }
  });
});
