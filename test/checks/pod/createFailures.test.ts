import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, pod, startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

// Event messages as the kubelet wrote them, pasted in public issues:
// kubernetes/kubernetes#123459 (systemd slice timeout), kata-containers/kata-containers#9257 (D-Bus connection),
// cri-o/cri-o#9082 (sd-bus call), eks-workshop-v2 style DeadlineExceeded.
const sliceTimeout =
  'unable to ensure pod container exists: failed to create container for [kubepods burstable pod71ab4a03-d88b-4cbb-bd26-41c5b0ce3663] : Timeout waiting for systemd to create kubepods-burstable-pod71ab4a03_d88b_4cbb_bd26_41c5b0ce3663.slice';
const dbusSandbox =
  'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create containerd task: failed to create shim task: Checking if systemd unit cri-containerd-d62895bff8eb91c826d42722cb3efe35a95a64cdfc994a2f59af616c95fbcde7.scope exists\n\nCaused by:\n    0: Establishing a D-Bus connection\n    1: I/O error: No such file or directory (os error 2)\n    2: No such file or directory (os error 2): unknown';
// kubernetes/kubernetes#100328: the kubelet's D-Bus connection closed (dbus was restarted).
const dbusClosed =
  'unable to ensure pod container exists: failed to create container for [kubepods burstable pod3b7a3b5d-7685-43cb-a0ab-5b0646ba07d7] : dbus: connection closed by user';
const deadline = 'Failed to create pod sandbox: rpc error: code = DeadlineExceeded desc = context deadline exceeded';
// canonical/microk8s#2593: containerd cannot pull the pause image (behind a proxy); the message names an image and a pull.
const sandboxImage =
  'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox image "k8s.gcr.io/pause:3.1": failed to pull image "k8s.gcr.io/pause:3.1": failed to pull and unpack image "k8s.gcr.io/pause:3.1": failed to resolve reference "k8s.gcr.io/pause:3.1": failed to do request: Head "https://k8s.gcr.io/v2/pause/manifests/3.1": dial tcp 172.217.194.82:443: i/o timeout';

describe('pod.create-failures on the drill cluster', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { nodes: [{ name: 'worker-1' }] as never },
      objects: [
        pod('slice', 'ml', { nodeName: 'worker-1' }, { phase: 'Pending' }),
        event('ml', 'slice', 'Warning', 'FailedCreatePodContainer', sliceTimeout, 1, 'now-29m'),
        pod('kata', 'default', { nodeName: 'worker-1' }, { phase: 'Pending' }),
        event('default', 'kata', 'Warning', 'FailedCreatePodSandBox', dbusSandbox, 1, 'now-1s'),
        pod('catalog', 'apps', { nodeName: 'worker-1' }, { phase: 'Pending' }),
        event('apps', 'catalog', 'Normal', 'Scheduled', 'Successfully assigned apps/catalog to worker-1', 1, 'now-15m'),
        event('apps', 'catalog', 'Warning', 'FailedCreatePodContainer', dbusClosed, 4642, 'now-4s'),
        pod('slow', 'default', { nodeName: 'worker-1' }, { phase: 'Pending' }),
        event('default', 'slow', 'Warning', 'FailedCreatePodSandBox', deadline, 7, 'now-2m'),
        pod('pause', 'kube-system', { nodeName: 'worker-1' }, { phase: 'Pending' }),
        event('kube-system', 'pause', 'Warning', 'FailedCreatePodSandBox', sandboxImage, 5223, 'now-12m'),
        pod('fine', 'default', { nodeName: 'worker-1' }, { phase: 'Pending' }),
        event('default', 'fine', 'Normal', 'Scheduled', 'Successfully assigned default/fine to worker-1'),
        pod('pull', 'default', { nodeName: 'worker-1' }, { phase: 'Pending' }),
        event('default', 'pull', 'Warning', 'Failed', 'Failed to pull image "nginx:nope": not found', 2),
      ] as never,
    });
  });
  afterAll(() => t.close());

  it('systemd: "Timeout waiting for systemd to create kubepods-…slice" (FailedCreatePodContainer)', async () => {
    const r = await t.check('pod.create-failures', { namespace: 'ml', name: 'slice' });
    expect(r.outcome).toBe('systemd');
    expect(r.summary).toContain("systemd did not create the pod's cgroup");
    expect(r.facts).toMatchObject({ createFailureReason: 'FailedCreatePodContainer', createFailureCount: 1 });
  });

  it('systemd: a D-Bus connection that cannot be established (FailedCreatePodSandBox)', async () => {
    const r = await t.check('pod.create-failures', { namespace: 'default', name: 'kata' });
    expect(r.outcome).toBe('systemd');
  });

  it("dbus-closed: the kubelet's own D-Bus connection is closed, told apart from a slow systemd", async () => {
    const r = await t.check('pod.create-failures', { namespace: 'apps', name: 'catalog' });
    expect(r.outcome).toBe('dbus-closed');
    expect(r.facts).toMatchObject({ createFailureReason: 'FailedCreatePodContainer', createFailureCount: 4642 });
  });

  it('sandbox-image: the pause image cannot be pulled (was dropped as an image pull and said "no FailedCreatePodSandBox event")', async () => {
    const r = await t.check('pod.create-failures', { namespace: 'kube-system', name: 'pause' });
    expect(r.outcome).toBe('sandbox-image');
    expect(r.facts).toMatchObject({
      createFailureReason: 'FailedCreatePodSandBox',
      createFailureCount: 5223,
      sandboxImage: 'k8s.gcr.io/pause:3.1',
    });
  });

  it('runtime-timeout: DeadlineExceeded', async () => {
    const r = await t.check('pod.create-failures', { namespace: 'default', name: 'slow' });
    expect(r.outcome).toBe('runtime-timeout');
    expect(r.facts).toMatchObject({ createFailureCount: 7 });
  });

  it('no-failures: no create event, and image pull failures are not create failures', async () => {
    expect((await t.check('pod.create-failures', { namespace: 'default', name: 'fine' })).outcome).toBe('no-failures');
    expect((await t.check('pod.create-failures', { namespace: 'default', name: 'pull' })).outcome).toBe('no-failures');
  });
});
