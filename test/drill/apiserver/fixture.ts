import type { ContainerLog, DrillClusterSpec, KubeObject } from '../../../src/drill/types.js';
import { workloadObjects } from './fixtureWorkloads.js';

/** A small cluster in the states kubectl users meet: ready and broken nodes, pods pending, crashing, pulling, done. */
export interface Fixture {
  spec: DrillClusterSpec;
  now: Date;
}

export const token = 'drill-test-token-3f9a';

const ago = (now: Date, seconds: number): string =>
  new Date(now.getTime() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const m = 60;
const h = 60 * m;
const d = 24 * h;

function node(
  now: Date,
  name: string,
  opts: { age: number; ready: 'True' | 'False' | 'Unknown'; roles?: string[]; unschedulable?: boolean; ip: string },
): KubeObject {
  const labels: Record<string, string> = { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' };
  for (const r of opts.roles ?? []) labels[`node-role.kubernetes.io/${r}`] = '';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels, creationTimestamp: ago(now, opts.age) },
    spec: { podCIDR: '10.244.0.0/24', ...(opts.unschedulable ? { unschedulable: true } : {}) },
    status: {
      addresses: [
        { type: 'InternalIP', address: opts.ip },
        { type: 'Hostname', address: name },
      ],
      conditions: [
        {
          type: 'MemoryPressure',
          status: opts.ready === 'True' ? 'False' : 'Unknown',
          reason: opts.ready === 'True' ? 'KubeletHasSufficientMemory' : 'NodeStatusUnknown',
          message:
            opts.ready === 'True' ? 'kubelet has sufficient memory available' : 'Kubelet stopped posting node status.',
          lastHeartbeatTime: ago(now, opts.ready === 'True' ? 20 : 9 * m),
          lastTransitionTime: ago(now, opts.ready === 'True' ? opts.age : 9 * m),
        },
        {
          type: 'Ready',
          status: opts.ready,
          reason: opts.ready === 'True' ? 'KubeletReady' : 'NodeStatusUnknown',
          message: opts.ready === 'True' ? 'kubelet is posting ready status' : 'Kubelet stopped posting node status.',
          lastHeartbeatTime: ago(now, opts.ready === 'True' ? 20 : 9 * m),
          lastTransitionTime: ago(now, opts.ready === 'True' ? opts.age : 9 * m),
        },
      ],
      capacity: { cpu: '4', memory: '16375720Ki', pods: '110', 'ephemeral-storage': '101430960Ki' },
      allocatable: { cpu: '4', memory: '16273320Ki', pods: '110', 'ephemeral-storage': '93478772582' },
      nodeInfo: {
        kubeletVersion: 'v1.31.4',
        osImage: 'Ubuntu 22.04.4 LTS',
        kernelVersion: '5.15.0-105-generic',
        containerRuntimeVersion: 'containerd://1.7.12',
        architecture: 'amd64',
        operatingSystem: 'linux',
      },
    },
  };
}

interface PodOpts {
  age: number;
  node?: string;
  ip?: string;
  phase: string;
  containers?: string[];
  statuses?: Record<string, unknown>[];
  labels?: Record<string, string>;
  conditions?: Record<string, unknown>[];
  deleting?: boolean;
  nodeSelector?: Record<string, string>;
}

function pod(now: Date, namespace: string, name: string, o: PodOpts): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: o.labels ?? { app: name },
      creationTimestamp: ago(now, o.age),
      ...(o.deleting ? { deletionTimestamp: ago(now, 10), deletionGracePeriodSeconds: 30 } : {}),
    },
    spec: {
      containers: (o.containers ?? ['app']).map((c) => ({ name: c, image: `registry.example.com/${c}:1.0` })),
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      ...(o.node ? { nodeName: o.node } : {}),
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
    },
    status: {
      phase: o.phase,
      ...(o.node ? { hostIP: nodeIPs[o.node] ?? '', hostIPs: [{ ip: nodeIPs[o.node] ?? '' }] } : {}),
      ...(o.ip ? { podIP: o.ip, podIPs: [{ ip: o.ip }] } : {}),
      ...(o.conditions ? { conditions: o.conditions } : {}),
      ...(o.statuses ? { containerStatuses: o.statuses } : {}),
    },
  };
}

const running = (now: Date, name: string, since: number, ready = true): Record<string, unknown> => ({
  name,
  ready,
  started: true,
  restartCount: 0,
  image: `registry.example.com/${name}:1.0`,
  state: { running: { startedAt: ago(now, since) } },
});

const nodeIPs: Record<string, string> = {
  'cp-1': '10.0.0.10',
  'worker-1': '10.0.0.11',
  'worker-2': '10.0.0.12',
  'worker-3': '10.0.0.13',
};

function event(
  now: Date,
  namespace: string,
  involved: { kind: string; name: string },
  e: {
    reason: string;
    type: string;
    message: string;
    count?: number;
    first: number;
    last: number;
    component: string;
    host?: string;
  },
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${involved.name}.${e.reason.toLowerCase()}`, namespace, creationTimestamp: ago(now, e.first) },
    // Events about cluster-scoped objects (nodes) live in "default" but name no namespace.
    involvedObject: {
      apiVersion: 'v1',
      kind: involved.kind,
      name: involved.name,
      ...(involved.kind === 'Node' ? {} : { namespace }),
    },
    reason: e.reason,
    message: e.message,
    type: e.type,
    count: e.count ?? 1,
    firstTimestamp: ago(now, e.first),
    lastTimestamp: ago(now, e.last),
    source: { component: e.component, ...(e.host ? { host: e.host } : {}) },
  };
}

export const loadPodCount = 12;

export function buildFixture(now = new Date(Math.floor(Date.now() / 1000) * 1000)): Fixture {
  const objects: KubeObject[] = [
    node(now, 'cp-1', { age: 30 * d, ready: 'True', roles: ['control-plane'], ip: '10.0.0.10' }),
    node(now, 'worker-1', { age: 30 * d, ready: 'True', ip: '10.0.0.11' }),
    node(now, 'worker-2', { age: 10 * d, ready: 'Unknown', ip: '10.0.0.12' }),
    node(now, 'worker-3', { age: 3 * d + 4 * h, ready: 'True', unschedulable: true, ip: '10.0.0.13' }),

    pod(now, 'shop', 'web-0', {
      age: 45,
      phase: 'Pending',
      nodeSelector: { disktype: 'ssd' },
      labels: { app: 'web', tier: 'frontend' },
      conditions: [
        { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/4 nodes are available' },
      ],
    }),
    pod(now, 'shop', 'api-7d9c5b-x2x4k', {
      age: 3 * d + 4 * h,
      node: 'worker-1',
      ip: '10.244.1.5',
      phase: 'Running',
      labels: { app: 'api', tier: 'backend' },
      conditions: [{ type: 'Ready', status: 'True' }],
      statuses: [running(now, 'app', 3 * d)],
    }),
    pod(now, 'shop', 'worker-5f6b7-qlm2p', {
      age: 2 * h,
      node: 'worker-1',
      ip: '10.244.1.9',
      phase: 'Running',
      labels: { app: 'worker', tier: 'backend' },
      statuses: [
        {
          name: 'app',
          ready: false,
          started: false,
          restartCount: 5,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container=app' } },
          lastState: {
            terminated: {
              exitCode: 1,
              reason: 'Error',
              startedAt: ago(now, 2 * m + 5),
              finishedAt: ago(now, 2 * m),
              containerID: 'containerd://abc',
            },
          },
        },
      ],
    }),
    pod(now, 'shop', 'cart-0', {
      age: 10 * m,
      node: 'worker-1',
      ip: '10.244.1.12',
      phase: 'Pending',
      labels: { app: 'cart', tier: 'backend' },
      statuses: [
        {
          name: 'app',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } },
        },
      ],
    }),
    pod(now, 'shop', 'migrate-8xk2z', {
      age: 5 * h,
      node: 'worker-1',
      ip: '10.244.1.7',
      phase: 'Succeeded',
      labels: { app: 'migrate' },
      statuses: [
        {
          name: 'app',
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: ago(now, 5 * h - 30) } },
        },
      ],
    }),
    pod(now, 'shop', 'old-api-6c8d-zz9q1', {
      age: 9 * d,
      node: 'worker-1',
      ip: '10.244.1.3',
      phase: 'Running',
      deleting: true,
      labels: { app: 'api', tier: 'backend' },
      conditions: [{ type: 'Ready', status: 'True' }],
      statuses: [running(now, 'app', 9 * d)],
    }),
    pod(now, 'db', 'mysql-0', {
      age: 3 * m + 20,
      node: 'worker-3',
      phase: 'Pending',
      containers: ['mysql', 'metrics'],
      labels: { app: 'mysql' },
      statuses: [
        { name: 'metrics', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
        { name: 'mysql', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
      ],
    }),
    pod(now, 'kube-system', 'coredns-7db6d8ff4d-7kb9x', {
      age: 30 * d,
      node: 'cp-1',
      ip: '10.244.0.2',
      phase: 'Running',
      labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '7db6d8ff4d' },
      conditions: [{ type: 'Ready', status: 'True' }],
      statuses: [running(now, 'coredns', 30 * d)],
    }),
    pod(now, 'kube-system', 'kube-apiserver-cp-1', {
      age: 30 * d,
      node: 'cp-1',
      ip: '10.0.0.10',
      phase: 'Running',
      labels: { component: 'kube-apiserver', tier: 'control-plane' },
      conditions: [{ type: 'Ready', status: 'True' }],
      statuses: [running(now, 'kube-apiserver', 30 * d)],
    }),

    event(
      now,
      'shop',
      { kind: 'Pod', name: 'web-0' },
      {
        reason: 'FailedScheduling',
        type: 'Warning',
        message:
          "0/4 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
        count: 3,
        first: 45,
        last: 30,
        component: 'default-scheduler',
      },
    ),
    event(
      now,
      'shop',
      { kind: 'Pod', name: 'worker-5f6b7-qlm2p' },
      {
        reason: 'BackOff',
        type: 'Warning',
        message:
          'Back-off restarting failed container app in pod worker-5f6b7-qlm2p_shop(0f0e6c4a-8b1e-4c55-9f7d-3a1c2b9e0d11)',
        count: 24,
        first: 110 * m,
        last: 90,
        component: 'kubelet',
        host: 'worker-1',
      },
    ),
    event(
      now,
      'shop',
      { kind: 'Pod', name: 'cart-0' },
      {
        reason: 'Failed',
        type: 'Warning',
        message:
          'Failed to pull image "registry.example.com/app:1.0": rpc error: code = NotFound desc = failed to pull and unpack image "registry.example.com/app:1.0": not found',
        count: 4,
        first: 9 * m,
        last: 2 * m,
        component: 'kubelet',
        host: 'worker-1',
      },
    ),
    event(
      now,
      'shop',
      { kind: 'Pod', name: 'api-7d9c5b-x2x4k' },
      {
        reason: 'Started',
        type: 'Normal',
        message: 'Started container app',
        first: 3 * d,
        last: 3 * d,
        component: 'kubelet',
        host: 'worker-1',
      },
    ),
    event(
      now,
      'db',
      { kind: 'Pod', name: 'mysql-0' },
      {
        reason: 'Scheduled',
        type: 'Normal',
        message: 'Successfully assigned db/mysql-0 to worker-3',
        first: 3 * m,
        last: 3 * m,
        component: 'default-scheduler',
      },
    ),
    event(
      now,
      'default',
      { kind: 'Node', name: 'worker-2' },
      {
        reason: 'NodeNotReady',
        type: 'Normal',
        message: 'Node worker-2 status is now: NodeNotReady',
        first: 9 * m,
        last: 9 * m,
        component: 'node-controller',
      },
    ),

    {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'worker-1', namespace: 'kube-node-lease', creationTimestamp: ago(now, 30 * d) },
      spec: { holderIdentity: 'worker-1', leaseDurationSeconds: 40, renewTime: ago(now, 5).replace('Z', '.000000Z') },
    },
  ];

  objects.push(...workloadObjects(now));

  for (let i = 0; i < loadPodCount; i++) {
    const name = `load-${String(i).padStart(2, '0')}`;
    objects.push(
      pod(now, 'load', name, {
        age: 6 * h,
        node: i % 2 === 0 ? 'worker-1' : 'cp-1',
        ip: `10.244.2.${i + 10}`,
        phase: 'Running',
        labels: { app: 'load', shard: String(i % 3) },
        conditions: [{ type: 'Ready', status: 'True' }],
        statuses: [running(now, 'app', 6 * h)],
      }),
    );
  }

  const logs: ContainerLog[] = [
    {
      namespace: 'shop',
      pod: 'worker-5f6b7-qlm2p',
      container: 'app',
      lines: [
        `${ago(now, 2 * m + 5)} starting worker v2.3.1`,
        `${ago(now, 2 * m + 4)} connecting to redis at redis.shop.svc:6379`,
        `${ago(now, 2 * m + 1)} error: dial tcp 10.96.12.4:6379: connect: connection refused`,
        `${ago(now, 2 * m)} fatal: cannot reach queue, exiting`,
      ],
    },
    {
      namespace: 'shop',
      pod: 'worker-5f6b7-qlm2p',
      container: 'app',
      previous: true,
      lines: [
        `${ago(now, 5 * m + 5)} starting worker v2.3.1`,
        `${ago(now, 5 * m)} fatal: cannot reach queue, exiting (previous)`,
      ],
    },
    {
      namespace: 'shop',
      pod: 'api-7d9c5b-x2x4k',
      container: 'app',
      lines: Array.from({ length: 10 }, (_, i) => `${ago(now, (10 - i) * m)} GET /healthz 200 (${i + 1})`),
    },
  ];

  return { spec: { objects, logs, token, name: 'drill-test' }, now };
}
