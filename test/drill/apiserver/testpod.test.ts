import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { kubectlAvailable, runKubectl, spawnKubectl, warnIfKubectlMissing } from '../../helpers/kubectl.js';
import type { KubectlResult } from '../../helpers/kubectl.js';
import { eventually, startControlPlaneHarness } from './controllersFixture.js';
import type { Harness } from './harness.js';

warnIfKubectlMissing('drill API server: test pods scheduled and started');

/**
 * The node-layer "test pod" check on the drill cluster: a small pod pinned
 * to a node runs if that node's kubelet is up, and stays Pending with no
 * container statuses if it is not; an unpinned pod needs the scheduler.
 */

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function core(harness: Harness): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromString(harness.kubeconfig);
  return kc.makeApiClient(CoreV1Api);
}

const testPod = (name: string, spec: Partial<NonNullable<V1Pod['spec']>>): V1Pod => ({
  metadata: { name, labels: { purpose: 'plumbline-check' } },
  spec: {
    containers: [{ name: 'probe', image: 'busybox:1.36', command: ['sleep', '3600'] }],
    restartPolicy: 'Never',
    ...spec,
  },
});

async function phaseOf(api: CoreV1Api, name: string): Promise<V1Pod> {
  return api.readNamespacedPod({ name, namespace: 'shop' });
}

async function running(api: CoreV1Api, name: string): Promise<V1Pod> {
  return eventually(async () => {
    const pod = await phaseOf(api, name);
    return pod.status?.phase === 'Running' ? pod : undefined;
  }, `${name} Running`);
}

describe('a pod created through the API (client-node)', () => {
  it('pinned to a Ready node: ContainerCreating, then Running and Ready with an IP and the kubelet events', async () => {
    h = await startControlPlaneHarness();
    const api = core(h);
    const created = await api.createNamespacedPod({
      namespace: 'shop',
      body: testPod('probe', { nodeName: 'worker-1' }),
    });
    expect(created.status?.phase).toBe('Pending');

    const pod = await running(api, 'probe');
    expect(pod.status?.conditions?.map((c) => [c.type, c.status])).toEqual([
      ['PodReadyToStartContainers', 'True'],
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
      ['PodScheduled', 'True'],
    ]);
    expect(pod.status?.hostIP).toBe('10.0.0.11');
    expect(pod.status?.podIP).toMatch(/^10\.244\.0\.\d+$/);
    expect(pod.status?.containerStatuses?.[0]).toMatchObject({
      name: 'probe',
      ready: true,
      started: true,
      restartCount: 0,
      image: 'docker.io/library/busybox:1.36',
    });
    expect(pod.status?.containerStatuses?.[0]?.state?.running?.startedAt).toBeInstanceOf(Date);

    const events = await api.listNamespacedEvent({ namespace: 'shop', fieldSelector: 'involvedObject.name=probe' });
    expect(events.items.map((e) => [e.reason, e.source?.component, e.source?.host])).toEqual([
      ['Pulling', 'kubelet', 'worker-1'],
      ['Pulled', 'kubelet', 'worker-1'],
      ['Created', 'kubelet', 'worker-1'],
      ['Started', 'kubelet', 'worker-1'],
    ]);
    expect(events.items.map((e) => e.message)).toEqual([
      'Pulling image "busybox:1.36"',
      expect.stringMatching(
        /^Successfully pulled image "busybox:1\.36" in [\d.]+m?s \([\d.]+m?s including waiting\)\. Image size: \d+ bytes\.$/,
      ),
      'Created container probe',
      'Started container probe',
    ]);
    expect(events.items[0]?.involvedObject.fieldPath).toBe('spec.containers{probe}');
  });

  it('pinned to a NotReady node: stays Pending with no container statuses while a pod on a Ready node starts', async () => {
    h = await startControlPlaneHarness();
    const api = core(h);
    await api.createNamespacedPod({ namespace: 'shop', body: testPod('on-dead-node', { nodeName: 'worker-2' }) });
    await api.createNamespacedPod({ namespace: 'shop', body: testPod('on-live-node', { nodeName: 'worker-1' }) });
    await running(api, 'on-live-node');
    const stuck = await phaseOf(api, 'on-dead-node');
    expect(stuck.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    const events = await api.listNamespacedEvent({
      namespace: 'shop',
      fieldSelector: 'involvedObject.name=on-dead-node',
    });
    expect(events.items).toEqual([]);
  });

  it('unpinned: the scheduler places it on a Ready, schedulable node and records Scheduled', async () => {
    h = await startControlPlaneHarness();
    const api = core(h);
    await api.createNamespacedPod({ namespace: 'shop', body: testPod('placed', {}) });
    const pod = await running(api, 'placed');
    expect(['cp-1', 'worker-1']).toContain(pod.spec?.nodeName);
    const events = await api.listNamespacedEvent({
      namespace: 'shop',
      fieldSelector: 'involvedObject.name=placed,reason=Scheduled',
    });
    expect(events.items.map((e) => [e.message, e.source?.component])).toEqual([
      [`Successfully assigned shop/placed to ${pod.spec?.nodeName ?? ''}`, 'default-scheduler'],
    ]);
  });

  it('unpinned with a selector no Ready node matches: FailedScheduling in the real scheduler’s words', async () => {
    h = await startControlPlaneHarness();
    const api = core(h);
    await api.createNamespacedPod({ namespace: 'shop', body: testPod('picky', { nodeSelector: { disktype: 'ssd' } }) });
    const event = await eventually(
      async () =>
        (
          await api.listNamespacedEvent({
            namespace: 'shop',
            fieldSelector: 'involvedObject.name=picky,reason=FailedScheduling',
          })
        ).items[0],
      'FailedScheduling',
    );
    const message =
      "0/4 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.";
    expect([event.type, event.message, event.source?.component]).toEqual(['Warning', message, 'default-scheduler']);
    const pod = await phaseOf(api, 'picky');
    expect(pod.status?.phase).toBe('Pending');
    expect(pod.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['PodScheduled', 'False', 'Unschedulable', message],
    ]);
  });

  it('unpinned while kube-scheduler crash-loops: nothing schedules it, no condition, no event', async () => {
    h = await startControlPlaneHarness({ scheduler: 'crashloop' });
    const api = core(h);
    await api.createNamespacedPod({ namespace: 'shop', body: testPod('orphan', {}) });
    // A pinned pod needs no scheduler: once it runs, the unpinned one has had every chance.
    await api.createNamespacedPod({ namespace: 'shop', body: testPod('pinned', { nodeName: 'worker-1' }) });
    await running(api, 'pinned');
    const orphan = await phaseOf(api, 'orphan');
    expect(orphan.spec?.nodeName).toBeUndefined();
    expect(orphan.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });
});

describe.skipIf(!kubectlAvailable())('the test pod with kubectl', () => {
  const kubectl = (...args: string[]): Promise<KubectlResult> =>
    runKubectl((h as Harness).kubeconfigPath, args, { timeoutMs: 60_000 });

  it('kubectl run pinned to a Ready node reaches Ready (kubectl wait), get -w shows each step, delete removes it', async () => {
    h = await startControlPlaneHarness();
    // -v=6 logs each request as it is answered: the list prints no row (there is no probe yet), so its log line says when the watch is open.
    const watch = spawnKubectl(h.kubeconfigPath, [
      'get',
      'pods',
      '-n',
      'shop',
      '-w',
      '--field-selector',
      'metadata.name=probe',
      '-v=6',
    ]);
    try {
      // The watch resumes from its initial list: once it is open, no step of the pod's start can be missed.
      await watch.waitFor(/GET \S+watch=true\S* 200 OK/, 10_000, 'stderr');
      const run = await kubectl(
        'run',
        'probe',
        '-n',
        'shop',
        '--image=busybox:1.36',
        '--restart=Never',
        '--overrides={"spec":{"nodeName":"worker-1"}}',
        '--',
        'sleep',
        '3600',
      );
      expect([run.stdout, run.stderr]).toEqual(['pod/probe created\n', '']);
      const wait = await kubectl('wait', '--for=condition=Ready', 'pod/probe', '-n', 'shop', '--timeout=60s');
      expect([wait.stdout, wait.exitCode]).toEqual(['pod/probe condition met\n', 0]);
      const out = await watch.waitFor(/^probe\s+1\/1\s+Running\s/m);
      expect(out).toMatch(/^probe\s+0\/1\s+ContainerCreating\s+0\s/m);
    } finally {
      await watch.stop();
    }
    const row = await kubectl('get', 'pod', 'probe', '-n', 'shop', '-o', 'wide', '--no-headers');
    expect(row.stdout).toMatch(/^probe\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.0\.\d+\s+worker-1\s+<none>\s+<none>\n$/);
    const del = await kubectl('delete', 'pod', 'probe', '-n', 'shop');
    expect(del.stdout).toBe('pod "probe" deleted\n');
    expect((await kubectl('get', 'pod', 'probe', '-n', 'shop')).stderr.trim()).toBe(
      'Error from server (NotFound): pods "probe" not found',
    );
  });

  it('kubectl run pinned to a NotReady node stays Pending; kubectl wait times out on it', async () => {
    h = await startControlPlaneHarness();
    await kubectl(
      'run',
      'probe',
      '-n',
      'shop',
      '--image=busybox:1.36',
      '--restart=Never',
      '--overrides={"spec":{"nodeName":"worker-2"}}',
    );
    const wait = await kubectl('wait', '--for=condition=Ready', 'pod/probe', '-n', 'shop', '--timeout=2s');
    expect([wait.stderr.trim(), wait.exitCode]).toEqual([
      'error: timed out waiting for the condition on pods/probe',
      1,
    ]);
    const row = await kubectl('get', 'pod', 'probe', '-n', 'shop', '--no-headers');
    expect(row.stdout).toMatch(/^probe\s+0\/1\s+Pending\s+0\s/);
  });
});
