import { createHash } from 'node:crypto';
import type { KubeObject } from './types.js';

/** The generated part of a drill cluster: what kubeadm and a few add-ons leave on a healthy cluster. */
export interface GenerateSpec {
  controlPlanes: number;
  workers: number;
  /** Filler workload pods per worker, for clusters sized like production (namespace `load`). */
  podsPerWorker: number;
  /** CoreDNS, kube-proxy and metrics-server with its APIService. */
  addons: boolean;
}

export interface GeneratedNode {
  name: string;
  role: 'control-plane' | 'worker';
}

/** Stable uids: the same scenario serves the same objects every time. */
export function uidFor(...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('/')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function generatedNodeNames(g: GenerateSpec): GeneratedNode[] {
  return [
    ...Array.from({ length: g.controlPlanes }, (_, i) => ({ name: `cp-${i + 1}`, role: 'control-plane' as const })),
    ...Array.from({ length: g.workers }, (_, i) => ({ name: `worker-${i + 1}`, role: 'worker' as const })),
  ];
}

interface PodOptions {
  namespace: string;
  name: string;
  node: string;
  image: string;
  container: string;
  labels: Record<string, string>;
  owner?: { apiVersion: string; kind: string; name: string };
  created: string;
  priorityClassName?: string;
  hostNetwork?: boolean;
  podIP: string;
  hostIP: string;
}

function runningPod(o: PodOptions): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      uid: uidFor('pod', o.namespace, o.name),
      creationTimestamp: o.created,
      labels: o.labels,
      ...(o.owner ? { ownerReferences: [{ ...o.owner, uid: uidFor(o.owner.kind, o.namespace, o.owner.name), controller: true }] } : {}),
    },
    spec: {
      nodeName: o.node,
      containers: [{ name: o.container, image: o.image }],
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      ...(o.priorityClassName ? { priorityClassName: o.priorityClassName } : {}),
      ...(o.hostNetwork ? { hostNetwork: true } : {}),
    },
    status: {
      phase: 'Running',
      hostIP: o.hostIP,
      podIP: o.podIP,
      startTime: o.created,
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: o.created })),
      containerStatuses: [
        { name: o.container, image: o.image, imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: o.created } } },
      ],
      qosClass: 'Burstable',
    },
  };
}

const kubeVersion = 'v1.31.4';

/**
 * Objects a real cluster has around its nodes: node leases always; with a
 * generated layout also control-plane static pods, leader leases, add-ons and filler pods.
 */
export function generateObjects(
  g: GenerateSpec,
  nodes: { name: string; role: 'control-plane' | 'worker'; ip: string; heartbeatAgeSeconds: number }[],
  now: (offset: string) => string,
): KubeObject[] {
  const out: KubeObject[] = [];
  const created = now('now-90d');
  const renew = now('now-5s');
  // Every kubelet renews its node's Lease with its heartbeat; a silent one's goes stale with it.
  for (const n of nodes) out.push(lease('kube-node-lease', n.name, n.name, now(`now-${Math.round(n.heartbeatAgeSeconds)}s`), 40, created));
  if (!g.addons && g.controlPlanes === 0 && g.podsPerWorker === 0) return out;
  // Static pods are mirror pods owned by their Node, as the kubelet creates them.
  for (const n of nodes.filter((x) => x.role === 'control-plane')) {
    for (const component of ['kube-apiserver', 'etcd', 'kube-scheduler', 'kube-controller-manager']) {
      const image = component === 'etcd' ? 'registry.k8s.io/etcd:3.5.15-0' : `registry.k8s.io/${component}:${kubeVersion}`;
      out.push(
        runningPod({
          namespace: 'kube-system',
          name: `${component}-${n.name}`,
          node: n.name,
          image,
          container: component,
          labels: { component, tier: 'control-plane' },
          owner: { apiVersion: 'v1', kind: 'Node', name: n.name },
          created,
          priorityClassName: 'system-node-critical',
          hostNetwork: true,
          podIP: n.ip,
          hostIP: n.ip,
        }),
      );
    }
  }
  const first = nodes.find((n) => n.role === 'control-plane') ?? nodes[0];
  if (first) {
    for (const leader of ['kube-scheduler', 'kube-controller-manager']) {
      out.push(lease('kube-system', leader, `${first.name}_${uidFor('leader', leader)}`, renew, 15, created));
    }
  }

  if (g.addons) {
    const workers = nodes.filter((n) => n.role === 'worker');
    const placeOn = (i: number) => (workers.length > 0 ? workers[i % workers.length] : nodes[i % Math.max(nodes.length, 1)]);
    for (const n of nodes) {
      out.push(
        runningPod({
          namespace: 'kube-system',
          name: `kube-proxy-${uidFor('kube-proxy', n.name).slice(0, 5)}`,
          node: n.name,
          image: `registry.k8s.io/kube-proxy:${kubeVersion}`,
          container: 'kube-proxy',
          labels: { 'k8s-app': 'kube-proxy', 'controller-revision-hash': '6c9f7d5d8b', 'pod-template-generation': '1' },
          owner: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'kube-proxy' },
          created,
          priorityClassName: 'system-node-critical',
          hostNetwork: true,
          podIP: n.ip,
          hostIP: n.ip,
        }),
      );
    }
    for (let i = 0; i < 2; i++) {
      const n = placeOn(i);
      if (!n) break;
      out.push(
        runningPod({
          namespace: 'kube-system',
          name: `coredns-7c65d6cfc9-${['x8k2p', 'q7lmn'][i] ?? i}`,
          node: n.name,
          image: 'registry.k8s.io/coredns/coredns:v1.11.3',
          container: 'coredns',
          labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '7c65d6cfc9' },
          owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'coredns-7c65d6cfc9' },
          created,
          priorityClassName: 'system-cluster-critical',
          podIP: `10.244.${nodes.indexOf(n)}.${2 + i}`,
          hostIP: n.ip,
        }),
      );
    }
    const ms = placeOn(2);
    if (ms) {
      out.push(
        runningPod({
          namespace: 'kube-system',
          name: 'metrics-server-6d94bc8694-vz5t2',
          node: ms.name,
          image: 'registry.k8s.io/metrics-server/metrics-server:v0.7.2',
          container: 'metrics-server',
          labels: { 'k8s-app': 'metrics-server', 'pod-template-hash': '6d94bc8694' },
          owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'metrics-server-6d94bc8694' },
          created,
          priorityClassName: 'system-cluster-critical',
          podIP: `10.244.${nodes.indexOf(ms)}.9`,
          hostIP: ms.ip,
        }),
      );
      out.push({
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name: 'v1beta1.metrics.k8s.io', uid: uidFor('apiservice', 'metrics'), creationTimestamp: created, labels: { 'k8s-app': 'metrics-server' } },
        spec: { service: { name: 'metrics-server', namespace: 'kube-system', port: 443 }, group: 'metrics.k8s.io', version: 'v1beta1', insecureSkipTLSVerify: true, groupPriorityMinimum: 100, versionPriority: 100 },
        status: { conditions: [{ type: 'Available', status: 'True', lastTransitionTime: created, reason: 'Passed', message: 'all checks passed' }] },
      });
    }
  }

  if (g.podsPerWorker > 0) {
    nodes
      .filter((n) => n.role === 'worker')
      .forEach((n, w) => {
        for (let p = 0; p < g.podsPerWorker; p++) {
          const app = `app-${(w * g.podsPerWorker + p) % 500}`;
          out.push(
            runningPod({
              namespace: 'load',
              name: `${app}-${w.toString(36)}-${p.toString(36)}`,
              node: n.name,
              image: `registry.example.com/load/${app}:1.0`,
              container: 'main',
              labels: { app },
              created: now('now-6h'),
              podIP: `10.${128 + ((w >> 8) & 127)}.${w & 255}.${p + 10}`,
              hostIP: n.ip,
            }),
          );
        }
      });
  }
  return out;
}

function lease(namespace: string, name: string, holder: string, renewTime: string, durationSeconds: number, created: string): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, uid: uidFor('lease', namespace, name), creationTimestamp: created },
    spec: { holderIdentity: holder, leaseDurationSeconds: durationSeconds, renewTime: renewTime.replace('Z', '.000000Z') },
  };
}
