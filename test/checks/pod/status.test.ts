import { noNodeAccess } from '../../../src/nodeaccess/none.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pod, startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

const running = (name: string, ready: boolean, extra: Record<string, unknown> = {}) => ({
  name,
  image: `registry.example.com/${name}:1`,
  imageID: '',
  ready,
  started: true,
  restartCount: 0,
  state: { running: { startedAt: 'now-20m' } },
  ...extra,
});

const waiting = (name: string, reason: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: `registry.example.com/${name}:1`,
  imageID: '',
  ready: false,
  started: false,
  restartCount: 0,
  state: { waiting: { reason, message: `${reason} message` } },
  ...extra,
});

const objects = [
  pod(
    'unscheduled',
    'app',
    { nodeSelector: { disktype: 'ssd' } },
    {
      phase: 'Pending',
      conditions: [
        { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available' },
      ],
    },
  ),
  pod(
    'pulling',
    'app',
    { nodeName: 'worker-1' },
    { phase: 'Pending', containerStatuses: [waiting('main', 'ImagePullBackOff')] },
  ),
  pod(
    'crashing',
    'app',
    { nodeName: 'worker-1' },
    {
      phase: 'Running',
      containerStatuses: [
        waiting('main', 'CrashLoopBackOff', {
          restartCount: 7,
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: 'now-3m', finishedAt: 'now-2m' } },
        }),
      ],
    },
  ),
  // Cloudpods' host pod: 2 of 3 containers ready, and the one that is not is named.
  pod(
    'default-host-x',
    'onecloud',
    {
      nodeName: 'worker-1',
      containers: [
        { name: 'host', image: 'h' },
        { name: 'ovn-controller', image: 'o' },
        { name: 'sdnagent', image: 's' },
      ],
    },
    {
      phase: 'Running',
      containerStatuses: [running('host', false), running('ovn-controller', true), running('sdnagent', true)],
    },
  ),
  pod('healthy', 'app', { nodeName: 'worker-1' }, { phase: 'Running', containerStatuses: [running('main', true)] }),
  pod(
    'creating',
    'app',
    { nodeName: 'worker-2' },
    { phase: 'Pending', containerStatuses: [waiting('main', 'ContainerCreating')] },
  ),
  pod(
    'done',
    'app',
    { nodeName: 'worker-1', restartPolicy: 'Never' },
    {
      phase: 'Succeeded',
      containerStatuses: [{ ...running('main', false), state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    },
  ),
  // kubernetes/kubernetes#94216: the init container's status as pasted; app containers wait in PodInitializing.
  pod(
    'init-crash',
    'app',
    { nodeName: 'worker-1', initContainers: [{ name: 'init', image: 'rtf-app-init:v1.0.22' }] },
    {
      phase: 'Pending',
      initContainerStatuses: [
        waiting('init', 'CrashLoopBackOff', {
          restartCount: 16,
          lastState: {
            terminated: {
              reason: 'Error',
              message: 'Failed to fetch /opt/mule/conf/rtfv1.yml. statusCode=403',
              exitCode: 1,
              startedAt: 'now-1m',
              finishedAt: 'now-1m',
            },
          },
        }),
      ],
      containerStatuses: [waiting('main', 'PodInitializing')],
    },
  ),
  // kelseyhightower/certificate-init-container#13: Init:Error, the first failed run.
  pod(
    'init-error',
    'app',
    { nodeName: 'worker-1', initContainers: [{ name: 'certificate-init-container', image: 'c' }] },
    {
      phase: 'Pending',
      initContainerStatuses: [
        { ...waiting('certificate-init-container', 'x'), state: { terminated: { reason: 'Error', exitCode: 1 } } },
      ],
      containerStatuses: [waiting('main', 'PodInitializing')],
    },
  ),
  // Init:1/2: the first init finished, the second still runs (a wait loop).
  pod(
    'init-wait',
    'app',
    {
      nodeName: 'worker-1',
      initContainers: [
        { name: 'upgrade-ipam', image: 'c' },
        { name: 'wait-db', image: 'w' },
      ],
    },
    {
      phase: 'Pending',
      initContainerStatuses: [
        { ...running('upgrade-ipam', true), state: { terminated: { reason: 'Completed', exitCode: 0 } } },
        running('wait-db', false),
      ],
      containerStatuses: [waiting('main', 'PodInitializing')],
    },
  ),
  // Azure/azure-databricks-operator#92: Ready now, 15 restarts, the last OOMKilled.
  pod(
    'ready-restarted',
    'app',
    { nodeName: 'worker-1' },
    {
      phase: 'Running',
      containerStatuses: [
        running('main', true, {
          restartCount: 15,
          lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, startedAt: 'now-3h', finishedAt: 'now-1m' } },
        }),
      ],
    },
  ),
  pod(
    'config',
    'app',
    { nodeName: 'worker-1' },
    { phase: 'Pending', containerStatuses: [waiting('main', 'CreateContainerConfigError')] },
  ),
];

describe('pod.status on the drill cluster', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { nodes: [{ name: 'worker-1' }, { name: 'worker-2' }] as never },
      objects: objects as never,
    });
  });
  afterAll(() => t.close());

  it.each([
    ['unscheduled', 'app', 'unscheduled', /not scheduled to any node \(Unschedulable\)/],
    ['pulling', 'app', 'image-pull', /cannot pull its image registry\.example\.com\/main:1 \(ImagePullBackOff\)/],
    ['crashing', 'app', 'crash-loop', /keeps crashing: 7 restarts/],
    ['default-host-x', 'onecloud', 'not-ready', /1\/3 containers are not ready: host/],
    ['healthy', 'app', 'running', /all 1 containers are ready/],
    ['creating', 'app', 'creating', /on node worker-2 .*ContainerCreating/],
    ['done', 'app', 'completed', /exited successfully/],
    ['config', 'app', 'config-error', /CreateContainerConfigError/],
    [
      'init-crash',
      'app',
      'init-failed',
      /^init container init fails \(Init:CrashLoopBackOff, 16 restarts, last exit 1\): the app containers wait in PodInitializing/,
    ],
    [
      'init-error',
      'app',
      'init-failed',
      /^init container certificate-init-container fails \(Init:Error, last exit 1\)/,
    ],
    ['init-wait', 'app', 'initializing', /^init container wait-db has not finished \(Init:1\/2, running since/],
    [
      'ready-restarted',
      'app',
      'restarting',
      /^pod is Running and ready, but container main has restarted 15 times; the last instance ended OOMKilled \(exit 137\)/,
    ],
  ])('%s → %s', async (name, namespace, outcome, summary) => {
    const r = await t.check('pod.status', { namespace, name });
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toMatch(summary);
    expect(r.command).toBe(`kubectl get pod ${name} -n ${namespace} -o wide`);
  });

  it("reports a missing pod as not-found, with the API server's own words", async () => {
    const r = await t.check('pod.status', { namespace: 'app', name: 'ghost' });
    expect(r.outcome).toBe('not-found');
    expect(r.evidence).toContainEqual({ label: 'API', value: 'pods "ghost" not found' });
  });

  it('names the container that is not ready and the node, as facts for later steps', async () => {
    const r = await t.check('pod.status', { namespace: 'onecloud', name: 'default-host-x' });
    expect(r.facts).toMatchObject({
      nodeName: 'worker-1',
      notReadyContainers: 'host',
      container: 'host',
      phase: 'Running',
    });
    expect(r.evidence).toContainEqual({ label: 'ready', value: '2/3' });
  });

  it('turns a rejected token into the error outcome, not an exception', async () => {
    const { KubeClient } = await import('../../../src/kube/client.js');
    const { loadKubeConfig } = await import('../../../src/kube/config.js');
    const { writeFileSync, readFileSync } = await import('node:fs');
    const bad = `${t.drill.kubeconfigPath}.bad`;
    writeFileSync(bad, readFileSync(t.drill.kubeconfigPath, 'utf8').replace(/token: .*/, 'token: wrong'), {
      mode: 0o600,
    });
    const kube = await KubeClient.create(await loadKubeConfig({ kubeconfig: bad }));
    const { runCheck } = await import('../../../src/engine/runCheck.js');
    const r = await runCheck(
      {
        step: 's',
        check: 'pod.status',
        with: { namespace: 'app', name: 'healthy' },
        timeoutMs: 5000,
        inputs: {},
        facts: {},
        phase: 'top-down',
      },
      AbortSignal.timeout(5000),
      { kube, nodes: noNodeAccess, now: () => new Date(), onStart: () => undefined },
    );
    expect(r.outcome).toBe('error');
    expect(r.summary).toBe('unauthorized: Unauthorized: the credentials in your kubeconfig were rejected');
    expect(r.facts.errorKind).toBe('unauthorized');
  });
});
