import type { KubeObject } from '../../../src/drill/types.js';
import { buildFixture } from './fixture.js';
import type { Fixture } from './fixture.js';
import { startHarness } from './harness.js';
import type { Harness } from './harness.js';

/**
 * The test fixture with a working control plane (kube-scheduler and
 * kube-controller-manager pods Running and Ready, their leader Leases fresh)
 * and owned workloads: the crash-looping worker pod belongs to a ReplicaSet
 * of Deployment `worker` (its liveness probe too tight), cart-0 to
 * StatefulSet `cart`, a kube-proxy pod to DaemonSet `kube-proxy`.
 */

export type ComponentState = 'healthy' | 'crashloop' | 'absent';

export interface ControlPlaneOptions {
  scheduler?: ComponentState;
  controllerManager?: ComponentState;
}

const ago = (now: Date, seconds: number): string =>
  new Date(now.getTime() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const uids = {
  deployment: '6a1f3c2e-0b7d-4e59-8c21-9f4d2a7b3e10',
  replicaSet: '0c9e4b7a-2d18-4f63-a5e0-7b1c9d3e2f41',
  daemonSet: '9b2d7e41-5c06-4a8f-b3d2-1e7f0c6a9d52',
  statefulSet: '4e8a1d3c-7f29-4b05-9c6e-2a0d8b5f1c63',
};

/** The probe that kills the worker before it finishes starting, and the fix a trainee applies. */
export const tightProbe = {
  httpGet: { path: '/healthz', port: 8080 },
  periodSeconds: 5,
  failureThreshold: 3,
  timeoutSeconds: 1,
};
export const fixedProbe = { ...tightProbe, failureThreshold: 60 };

function component(now: Date, name: string, state: ComponentState): KubeObject[] {
  if (state === 'absent') return [];
  const healthy = state === 'healthy';
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${name}-cp-1`,
      namespace: 'kube-system',
      labels: { component: name, tier: 'control-plane' },
      creationTimestamp: ago(now, 30 * 86400),
    },
    spec: { nodeName: 'cp-1', hostNetwork: true, containers: [{ name, image: `registry.k8s.io/${name}:v1.31.4` }] },
    status: {
      phase: 'Running',
      hostIP: '10.0.0.10',
      podIP: '10.0.0.10',
      conditions: [
        { type: 'Ready', status: healthy ? 'True' : 'False' },
        { type: 'ContainersReady', status: healthy ? 'True' : 'False' },
      ],
      containerStatuses: [
        healthy
          ? {
              name,
              ready: true,
              started: true,
              restartCount: 0,
              image: `registry.k8s.io/${name}:v1.31.4`,
              state: { running: { startedAt: ago(now, 30 * 86400) } },
            }
          : {
              name,
              ready: false,
              started: false,
              restartCount: 37,
              image: `registry.k8s.io/${name}:v1.31.4`,
              state: {
                waiting: {
                  reason: 'CrashLoopBackOff',
                  message: `back-off 5m0s restarting failed container=${name} pod=${name}-cp-1_kube-system(1d2c)`,
                },
              },
              lastState: {
                terminated: { exitCode: 255, reason: 'Error', startedAt: ago(now, 95), finishedAt: ago(now, 90) },
              },
            },
      ],
    },
  };
  const lease: KubeObject = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: 'kube-system', creationTimestamp: ago(now, 30 * 86400) },
    spec: {
      holderIdentity: `cp-1_${name}`,
      leaseDurationSeconds: 15,
      renewTime: `${ago(now, healthy ? 2 : 40 * 60).slice(0, -1)}.000000Z`,
    },
  };
  return [pod, lease];
}

/** Makes a control-plane component healthy again, as a trainee's fix would (its pod Ready, its leader renewing). */
export function healComponent(h: Harness, name: 'kube-scheduler' | 'kube-controller-manager'): void {
  for (const obj of component(h.fixture.now, name, 'healthy')) {
    h.server.store.put(obj.kind === 'Lease' ? 'leases.coordination.k8s.io' : 'pods', obj);
  }
}

function find(objects: KubeObject[], kind: string, namespace: string, name: string): KubeObject {
  const obj = objects.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name);
  if (!obj) throw new Error(`fixture lacks ${kind} ${namespace}/${name}`);
  return obj;
}

export function controlPlaneFixture(opts: ControlPlaneOptions = {}): Fixture {
  const fixture = buildFixture();
  const { now } = fixture;
  const objects = fixture.spec.objects;
  objects.push(
    ...component(now, 'kube-scheduler', opts.scheduler ?? 'healthy'),
    ...component(now, 'kube-controller-manager', opts.controllerManager ?? 'healthy'),
  );

  const deployment = find(objects, 'Deployment', 'shop', 'worker');
  deployment.metadata.uid = uids.deployment;
  deployment.metadata.generation = 1;
  const template = (
    deployment.spec as {
      template: { metadata: { labels: Record<string, string> }; spec: { containers: Record<string, unknown>[] } };
    }
  ).template;
  for (const c of template.spec.containers) c.livenessProbe = tightProbe;
  const rsLabels = { ...template.metadata.labels, 'pod-template-hash': '5f6b7' };
  objects.push({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'worker-5f6b7',
      namespace: 'shop',
      uid: uids.replicaSet,
      labels: rsLabels,
      annotations: { 'deployment.kubernetes.io/revision': '1' },
      creationTimestamp: ago(now, 2 * 3600),
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'worker', uid: uids.deployment, controller: true },
      ],
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: rsLabels },
      template: { metadata: { labels: rsLabels }, spec: structuredClone(template.spec) },
    },
    status: { replicas: 1, fullyLabeledReplicas: 1 },
  });
  const worker = find(objects, 'Pod', 'shop', 'worker-5f6b7-qlm2p');
  worker.metadata.labels = rsLabels;
  worker.metadata.uid = '0f0e6c4a-8b1e-4c55-9f7d-3a1c2b9e0d11';
  worker.metadata.ownerReferences = [
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'worker-5f6b7', uid: uids.replicaSet, controller: true },
  ];
  for (const c of (worker.spec as { containers: Record<string, unknown>[] }).containers) c.livenessProbe = tightProbe;

  const cart = find(objects, 'Pod', 'shop', 'cart-0');
  cart.metadata.ownerReferences = [
    { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'cart', uid: uids.statefulSet, controller: true },
  ];
  find(objects, 'StatefulSet', 'shop', 'cart').metadata.uid = uids.statefulSet;

  find(objects, 'DaemonSet', 'kube-system', 'kube-proxy').metadata.uid = uids.daemonSet;
  objects.push({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'kube-proxy-7xq2w',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-proxy' },
      creationTimestamp: ago(now, 30 * 86400),
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'kube-proxy', uid: uids.daemonSet, controller: true },
      ],
    },
    spec: {
      nodeName: 'worker-1',
      hostNetwork: true,
      containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.31.4' }],
    },
    status: {
      phase: 'Running',
      hostIP: '10.0.0.11',
      podIP: '10.0.0.11',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        {
          name: 'kube-proxy',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: ago(now, 30 * 86400) } },
        },
      ],
    },
  });
  return fixture;
}

/** A server on the control-plane fixture whose components take small steps, so tests wait on conditions briefly. */
export function startControlPlaneHarness(opts: ControlPlaneOptions = {}): Promise<Harness> {
  return startHarness(controlPlaneFixture(opts), { simulationStepMs: 40, podTerminationMs: 40 });
}

/** Polls until `probe` returns a value (not undefined), failing with what it last saw after a generous deadline. */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
