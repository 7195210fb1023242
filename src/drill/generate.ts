import { selfSignedCertificate } from './apiserver/tls.js';
import type { KubeObject } from './types.js';
import { addons, namespaces } from './generate/addons.js';
import type { GenContext, GenTimes } from './generate/context.js';
import { controlPlane, lease } from './generate/controlPlane.js';
import { nodeUid } from './generate/ids.js';
import type { VirtualSet } from './generate/virtualSet.js';
import { PodNetwork } from './generate/pods.js';
import { ServiceIPs } from './generate/services.js';
import { fillerWorkload, statefulWorkloads } from './generate/workloads.js';

export { nodeUid, objectUid, uidFor } from './generate/ids.js';

/** The generated part of a drill cluster: what kubeadm and a few add-ons leave on a healthy cluster. */
export interface GenerateSpec {
  controlPlanes: number;
  workers: number;
  /** Filler workload pods per worker, for clusters sized like production (namespace `load`), plus a few StatefulSets (namespace `data`). */
  podsPerWorker: number;
  /** CoreDNS, kube-proxy and metrics-server with its APIService. */
  addons: boolean;
}

export interface GeneratedNode {
  name: string;
  role: 'control-plane' | 'worker';
}

export function generatedNodeNames(g: GenerateSpec): GeneratedNode[] {
  return [
    ...Array.from({ length: g.controlPlanes }, (_, i) => ({ name: `cp-${i + 1}`, role: 'control-plane' as const })),
    ...Array.from({ length: g.workers }, (_, i) => ({ name: `worker-${i + 1}`, role: 'worker' as const })),
  ];
}

function times(now: (offset: string) => string): GenTimes {
  return {
    cluster: now('now-90d'),
    clusterStarted: now('now-90d+30s'),
    // Leaders renew every 2 s: a leader Lease read right after start is at most that old.
    renew: now('now-1s'),
    workloadNamespaces: now('now-30d'),
    load: now('now-6h'),
    loadStarted: now('now-6h+8s'),
    loadReady: now('now-6h+14s'),
    at: now,
  };
}

/**
 * Objects a real cluster has around its nodes: node leases always; with a
 * generated layout also what `kubeadm init` and its add-ons leave (namespaces,
 * control-plane static pods, leader leases, kube-proxy, CoreDNS,
 * metrics-server, the `kubernetes` Service) and, with podsPerWorker, a filler
 * workload and a few StatefulSets with their volumes. Every object has a
 * stable uid, owners exist with the uid their dependents name, selectors
 * match labels and status counts are those of the pods.
 */
export interface GeneratedObjects {
  objects: KubeObject[];
  /** Pods made on read (the filler workload's), beside `objects`. */
  virtual: VirtualSet[];
}

export function generateObjects(
  g: GenerateSpec,
  nodes: { name: string; role: 'control-plane' | 'worker'; ip: string; heartbeatAgeSeconds: number }[],
  now: (offset: string) => string,
): GeneratedObjects {
  const out: KubeObject[] = [];
  const virtual: VirtualSet[] = [];
  const t = times(now);
  // Every kubelet renews its node's Lease with its heartbeat; a silent one's goes stale with it.
  for (const n of nodes) {
    const owner = [{ apiVersion: 'v1', kind: 'Node', name: n.name, uid: nodeUid(n.name) }];
    out.push(
      lease('kube-node-lease', n.name, n.name, now(`now-${Math.round(n.heartbeatAgeSeconds)}s`), 40, t.cluster, owner),
    );
  }
  if (!g.addons && g.controlPlanes === 0 && g.podsPerWorker === 0) return { objects: out, virtual };

  const layout = nodes.map((n, index) => ({ ...n, index }));
  const ctx: GenContext = {
    nodes: layout,
    workers: layout.filter((n) => n.role === 'worker'),
    net: new PodNetwork(),
    ips: new ServiceIPs(),
    t,
    out,
    virtual,
  };
  const workloads = g.podsPerWorker > 0 && ctx.workers.length > 0;
  // One cluster CA, published in every namespace as kube-root-ca.crt.
  const ca = selfSignedCertificate('kubernetes').cert;
  namespaces(
    ctx,
    [
      ...['default', 'kube-node-lease', 'kube-public', 'kube-system'].map((name) => ({ name, created: t.cluster })),
      ...(workloads ? ['data', 'load'].map((name) => ({ name, created: t.workloadNamespaces })) : []),
    ],
    ca,
  );
  controlPlane(ctx);
  if (g.addons) addons(ctx);
  if (workloads) {
    statefulWorkloads(ctx);
    fillerWorkload(ctx, g.podsPerWorker);
  }
  return { objects: out, virtual };
}
