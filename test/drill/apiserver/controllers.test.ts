import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../../helpers/kubectl.js';
import type { KubectlResult } from '../../helpers/kubectl.js';
import { eventually, healComponent, startControlPlaneHarness } from './controllersFixture.js';
import type { Harness } from './harness.js';

warnIfKubectlMissing('drill API server: controllers replacing deleted pods');

/**
 * Deleting an owned pod: its controller creates a replacement if the
 * controller-manager works, and the replacement meets the same fault unless
 * the template was fixed since.
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

async function podsNamed(api: CoreV1Api, namespace: string, prefix: string): Promise<V1Pod[]> {
  return (await api.listNamespacedPod({ namespace })).items.filter((p) => p.metadata?.name?.startsWith(prefix));
}

async function replacementOf(
  api: CoreV1Api,
  namespace: string,
  prefix: string,
  oldUid: string,
  done: (p: V1Pod) => boolean,
): Promise<V1Pod> {
  return eventually(
    async () => (await podsNamed(api, namespace, prefix)).find((p) => p.metadata?.uid !== oldUid && done(p)),
    `a replacement for ${prefix}*`,
  );
}

const settled = (p: V1Pod): boolean =>
  (p.status?.containerStatuses ?? []).every((c) => c.state?.waiting?.reason !== 'ContainerCreating') &&
  (p.status?.containerStatuses?.length ?? 0) > 0;

describe.skipIf(!kubectlAvailable())('kubectl delete pod of a controller-owned pod', () => {
  const kubectl = (...args: string[]): Promise<KubectlResult> =>
    runKubectl((h as Harness).kubeconfigPath, args, { timeoutMs: 60_000 });

  it('a ReplicaSet pod: a replacement with another name appears, crash-looping as the old one did', async () => {
    h = await startControlPlaneHarness();
    const api = core(h);
    const old = await api.readNamespacedPod({ name: 'worker-5f6b7-qlm2p', namespace: 'shop' });
    const del = await kubectl('delete', 'pod', 'worker-5f6b7-qlm2p', '-n', 'shop');
    expect([del.stdout, del.exitCode]).toEqual(['pod "worker-5f6b7-qlm2p" deleted\n', 0]);

    const fresh = await replacementOf(api, 'shop', 'worker-5f6b7-', old.metadata?.uid ?? '', settled);
    expect(fresh.metadata?.name).toMatch(/^worker-5f6b7-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(fresh.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'ReplicaSet',
      name: 'worker-5f6b7',
      controller: true,
    });
    expect(fresh.spec?.containers[0]?.livenessProbe?.failureThreshold).toBe(3);
    const status = fresh.status?.containerStatuses?.[0];
    expect(status?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(status?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(status?.restartCount).toBe(1);
    expect(status?.ready).toBe(false);
    expect(fresh.status?.phase).toBe('Running');

    const row = await kubectl('get', 'pod', fresh.metadata?.name ?? '', '-n', 'shop', '--no-headers');
    expect(row.stdout).toMatch(/^worker-5f6b7-\w{5}\s+0\/1\s+CrashLoopBackOff\s+1 \(\S+ ago\)\s/);
    const rsEvents = await kubectl(
      'get',
      'events',
      '-n',
      'shop',
      '--field-selector',
      'involvedObject.name=worker-5f6b7,reason=SuccessfulCreate',
      '-o',
      'jsonpath={.items[*].message}',
    );
    expect(rsEvents.stdout).toBe(`Created pod: ${fresh.metadata?.name ?? ''}`);
    const warnings = await api.listNamespacedEvent({
      namespace: 'shop',
      fieldSelector: `involvedObject.name=${fresh.metadata?.name ?? ''},type=Warning`,
    });
    expect(warnings.items.map((e) => e.reason)).toEqual(['BackOff']);
    expect(warnings.items[0]?.message).toBe(
      `Back-off restarting failed container app in pod ${fresh.metadata?.name ?? ''}_shop(${fresh.metadata?.uid ?? ''})`,
    );
  });

  it('with kube-controller-manager crash-looping, no replacement is created; once it is healthy, one is', async () => {
    h = await startControlPlaneHarness({ controllerManager: 'crashloop' });
    const api = core(h);
    const del = await kubectl('delete', 'pod', 'worker-5f6b7-qlm2p', '-n', 'shop');
    expect(del.exitCode).toBe(0);
    // The kubelets still work: once a pod created after the delete runs, the controller has had its chance.
    const run = await kubectl(
      'run',
      'marker',
      '-n',
      'shop',
      '--image=busybox:1.36',
      '--restart=Never',
      '--overrides={"spec":{"nodeName":"worker-1"}}',
    );
    expect(run.exitCode).toBe(0);
    expect((await kubectl('wait', '--for=condition=Ready', 'pod/marker', '-n', 'shop', '--timeout=60s')).exitCode).toBe(
      0,
    );
    expect(await podsNamed(api, 'shop', 'worker-5f6b7-')).toEqual([]);

    healComponent(h, 'kube-controller-manager');
    const fresh = await replacementOf(api, 'shop', 'worker-5f6b7-', '', settled);
    expect(fresh.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('CrashLoopBackOff');
  });

  it('a StatefulSet pod comes back under the same name, with the same image pull failure', async () => {
    h = await startControlPlaneHarness();
    const api = core(h);
    const old = await api.readNamespacedPod({ name: 'cart-0', namespace: 'shop' });
    expect((await kubectl('delete', 'pod', 'cart-0', '-n', 'shop')).stdout).toBe('pod "cart-0" deleted\n');
    const fresh = await replacementOf(api, 'shop', 'cart-0', old.metadata?.uid ?? '', settled);
    expect(fresh.metadata?.name).toBe('cart-0');
    expect(fresh.status?.phase).toBe('Pending');
    expect(fresh.status?.containerStatuses?.[0]?.state?.waiting).toEqual({
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image',
    });
    const events = await api.listNamespacedEvent({
      namespace: 'shop',
      fieldSelector: 'involvedObject.name=cart,reason=SuccessfulCreate',
    });
    expect(events.items.map((e) => [e.message, e.source?.component])).toEqual([
      ['create Pod cart-0 in StatefulSet cart successful', 'statefulset-controller'],
    ]);
  });

  it('a DaemonSet pod is replaced on the same node, healthy as the old one was', async () => {
    h = await startControlPlaneHarness();
    const api = core(h);
    expect((await kubectl('delete', 'pod', 'kube-proxy-7xq2w', '-n', 'kube-system')).exitCode).toBe(0);
    const fresh = await replacementOf(api, 'kube-system', 'kube-proxy-', '', (p) => p.status?.phase === 'Running');
    expect(fresh.spec?.nodeName).toBe('worker-1');
    expect(fresh.status?.podIP).toBe('10.0.0.11');
    expect(
      fresh.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]
        ?.matchFields,
    ).toEqual([{ key: 'metadata.name', operator: 'In', values: ['worker-1'] }]);
    expect(fresh.status?.containerStatuses?.[0]).toMatchObject({ ready: true, restartCount: 0 });
  });

  it('after kubectl patch fixes the Deployment probe, the rollout replaces the crash-looping pod with a healthy one', async () => {
    h = await startControlPlaneHarness();
    const api = core(h);
    const patch = await kubectl(
      'patch',
      'deployment',
      'worker',
      '-n',
      'shop',
      '--type=strategic',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"app","livenessProbe":{"failureThreshold":60}}]}}}}',
    );
    expect([patch.stdout, patch.stderr, patch.exitCode]).toEqual(['deployment.apps/worker patched\n', '', 0]);

    const rs = await eventually(async () => {
      const list = JSON.parse((await kubectl('get', 'rs', '-n', 'shop', '-l', 'app=worker', '-o', 'json')).stdout) as {
        items: { metadata: { name: string; labels: Record<string, string> }; spec: { replicas: number } }[];
      };
      return list.items.length === 2 ? list.items : undefined;
    }, 'a second ReplicaSet');
    const fresh = rs.find((r) => r.metadata.name !== 'worker-5f6b7');
    expect(fresh?.metadata.name).toBe(`worker-${fresh?.metadata.labels['pod-template-hash'] ?? ''}`);
    expect(rs.find((r) => r.metadata.name === 'worker-5f6b7')?.spec.replicas).toBe(0);

    const hash = fresh?.metadata.labels['pod-template-hash'] ?? '';
    const wait = await eventually(async () => {
      const r = await kubectl(
        'wait',
        '--for=condition=Ready',
        'pod',
        '-l',
        `pod-template-hash=${hash}`,
        '-n',
        'shop',
        '--timeout=30s',
      );
      return r.exitCode === 0 ? r : undefined;
    }, 'the new pod Ready');
    expect(wait.stdout).toMatch(/^pod\/worker-\w+-\w{5} condition met\n$/);
    const pod = (await podsNamed(api, 'shop', `worker-${hash}-`))[0];
    expect(pod?.spec?.containers[0]?.livenessProbe).toMatchObject({ failureThreshold: 60, periodSeconds: 5 });
    expect(pod?.status?.containerStatuses?.[0]).toMatchObject({ ready: true, restartCount: 0 });
    await eventually(
      async () => ((await podsNamed(api, 'shop', 'worker-5f6b7-')).length === 0 ? true : undefined),
      'the old pod gone',
    );
    const scaling = await kubectl(
      'get',
      'events',
      '-n',
      'shop',
      '--field-selector',
      'involvedObject.name=worker,reason=ScalingReplicaSet',
      '-o',
      'jsonpath={range .items[*]}{.message}{"\\n"}{end}',
    );
    expect(scaling.stdout).toBe(
      `Scaled up replica set worker-${hash} from 0 to 1\nScaled down replica set worker-5f6b7 from 1 to 0\n`,
    );
  });
});
