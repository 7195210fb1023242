import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../types.js';
import { configMap as configMapObject } from '../objects/core.js';
import type { Typed } from '../objects/meta.js';
import type { VirtualSet } from './virtualSet.js';
import { objectUid } from './ids.js';
import type { LayoutNode, PodNetwork } from './pods.js';
import type { ServiceIPs } from './services.js';

/** Times resolved once: 150,000 pods share a handful of timestamps. */
export interface GenTimes {
  /** kubeadm init: the cluster, its namespaces and add-ons. */
  cluster: string;
  /** When the add-on containers came up. */
  clusterStarted: string;
  /** The last lease renewals. */
  renew: string;
  /** Workload namespaces were made a month ago; the filler workload rolled out six hours ago. */
  workloadNamespaces: string;
  load: string;
  loadStarted: string;
  loadReady: string;
  at(relative: string): string;
}

export interface GenContext {
  nodes: readonly LayoutNode[];
  workers: readonly LayoutNode[];
  net: PodNetwork;
  ips: ServiceIPs;
  t: GenTimes;
  out: KubeObject[];
  /** Objects made on read (filler pods), served beside `out`. */
  virtual: VirtualSet[];
}

export const kubeVersion = 'v1.31.4';

export function configMap(
  namespace: string,
  name: string,
  created: string,
  data: Record<string, string>,
  extra: Partial<KubeObject['metadata']> = {},
): Typed<ConfigMap> {
  return configMapObject(
    { name, namespace, uid: objectUid('ConfigMap', namespace, name), creationTimestamp: created, ...extra },
    data,
  );
}
