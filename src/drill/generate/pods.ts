import type {
  Container,
  ContainerPort,
  ContainerStatus,
  HostIP,
  ObjectReference,
  Pod,
  PodSpec,
  EnvVar,
  Probe,
  ResourceRequirements,
  SecurityContext,
  Toleration,
  Volume,
  VolumeMount,
} from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../types.js';
import { pod } from '../objects/core.js';
import type { Typed } from '../objects/meta.js';
import { hex64, hex64FromUid, safeFromHex, uidFor } from './ids.js';
import { daemonPodTolerations } from '../../kube/semantics/scheduling.js';

/** A node as generation places pods on it. */
export interface LayoutNode {
  name: string;
  role: 'control-plane' | 'worker';
  ip: string;
  heartbeatAgeSeconds: number;
  /** Position in the node list: it picks the node's pod CIDR. */
  index: number;
}

type OwnerReference = NonNullable<KubeObject['metadata']['ownerReferences']>[number];

/**
 * Pod IPs from a per-node /24 of 10.64.0.0/10, so 5,000 nodes never share a
 * subnet and every pod IP is unique (as the Endpoints built from them must be).
 */
export class PodNetwork {
  private readonly used = new Map<number, number>();

  podCIDR(node: LayoutNode): string {
    return `10.${64 + (node.index >> 8)}.${node.index & 255}.0/24`;
  }

  /** `count` consecutive host numbers on the node's /24, for pods addressed later; returns the first. */
  reserve(node: LayoutNode, count: number): number {
    const first = (this.used.get(node.index) ?? 1) + 1;
    this.used.set(node.index, first + count - 1);
    return first;
  }

  static address(node: LayoutNode, host: number): string {
    return `10.${64 + (node.index >> 8)}.${node.index & 255}.${host}`;
  }

  next(node: LayoutNode): string {
    const host = (this.used.get(node.index) ?? 1) + 1;
    this.used.set(node.index, host);
    return `10.${64 + (node.index >> 8)}.${node.index & 255}.${host}`;
  }
}

/**
 * Sub-objects every pod of a kind carries unchanged are shared and frozen:
 * 150,000 pods would otherwise hold 150,000 copies. The API server never
 * writes into a stored object (it replaces), and a fault that edits one in
 * place instead of assigning a new value fails loudly rather than changing
 * every pod at once.
 */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export const frozen = deepFreeze;

const emptyObject = deepFreeze({});

/** What the DefaultTolerationSeconds admission plugin adds to every pod that tolerates neither. */
export const defaultTolerations = deepFreeze([
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
]);

/** What the DaemonSet controller adds to its pods (util.AddOrUpdateDaemonPodTolerations). */
export function daemonSetTolerations(own: Toleration[], hostNetwork: boolean): Toleration[] {
  return [...own, ...daemonPodTolerations(hostNetwork)];
}

/** The projected service-account volume the ServiceAccount admission plugin mounts (BoundServiceAccountTokenVolume). */
const tokenProjection = deepFreeze({
  sources: [
    { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
    { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
    {
      downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] },
    },
  ],
  defaultMode: 420,
});

export interface ContainerInput {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  ports?: readonly ContainerPort[];
  resources?: ResourceRequirements;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  securityContext?: SecurityContext;
  volumeMounts?: VolumeMount[];
}

export interface PodInput {
  namespace: string;
  name: string;
  /** Default: uidFor('pod', namespace, name). */
  uid?: string;
  node: LayoutNode;
  podIP: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: OwnerReference;
  containers: ContainerInput[];
  /** Creation time; the containers started a few seconds later. */
  created: string;
  started: string;
  /** The service account whose token is mounted; none for static pods, which get no token. */
  serviceAccountName?: string;
  volumes?: Volume[];
  tolerations: readonly Toleration[];
  priorityClassName?: string;
  priority?: number;
  hostNetwork?: boolean;
  dnsPolicy?: string;
  nodeSelector?: Record<string, string>;
  hostname?: string;
  subdomain?: string;
  qosClass: 'Guaranteed' | 'Burstable' | 'BestEffort';
}

const imageIDs = new Map<string, string>();

/** The digest the runtime resolved the image to; one per image, as on a real cluster. */
function imageIDFor(image: string): string {
  let id = imageIDs.get(image);
  if (id === undefined) {
    const at = image.lastIndexOf(':');
    const repo = at > image.lastIndexOf('/') ? image.slice(0, at) : image;
    id = `${repo}@sha256:${hex64(image)}`;
    imageIDs.set(image, id);
  }
  return id;
}

const hostIPs = new Map<string, HostIP[]>();

/** status.hostIPs is the same for every pod on a node: one frozen list per node. */
function hostIPsOf(node: LayoutNode): HostIP[] {
  let list = hostIPs.get(node.ip);
  if (!list) {
    list = deepFreeze([{ ip: node.ip }]);
    hostIPs.set(node.ip, list);
  }
  return list;
}

/** A Running, Ready pod as the kubelet reports it, with the fields admission and the scheduler add. */
export function runningPod(p: PodInput): Typed<Pod> {
  // Pods keep the uid scheme drills have always used (faults compute it the same way); filler pods bring a cheaper one.
  const uid = p.uid ?? uidFor('pod', p.namespace, p.name);
  const tokenVolume =
    p.serviceAccountName === undefined ? undefined : `kube-api-access-${safeFromHex(uid.slice(24), 5)}`;
  const containers: Container[] = [];
  const statuses: ContainerStatus[] = [];
  // Objects are written as whole literals (rare fields added after): 150,000 pods built
  // one property at a time spend their start-up growing property arrays.
  for (const c of p.containers) {
    const mounts = c.volumeMounts ?? [];
    const container: Container = {
      name: c.name,
      image: c.image,
      ports: c.ports as ContainerPort[] | undefined,
      resources: c.resources ?? emptyObject,
      readinessProbe: c.readinessProbe,
      volumeMounts: tokenVolume
        ? [...mounts, { name: tokenVolume, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]
        : mounts,
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: 'IfNotPresent',
    };
    if (!c.ports) delete container.ports;
    if (!c.readinessProbe) delete container.readinessProbe;
    if (container.volumeMounts?.length === 0) delete container.volumeMounts;
    if (c.command) container.command = c.command;
    if (c.args) container.args = c.args;
    if (c.env) container.env = c.env;
    if (c.livenessProbe) container.livenessProbe = c.livenessProbe;
    if (c.startupProbe) container.startupProbe = c.startupProbe;
    if (c.securityContext) container.securityContext = c.securityContext;
    containers.push(container);
    statuses.push({
      name: c.name,
      state: { running: { startedAt: p.started } },
      lastState: emptyObject,
      ready: true,
      restartCount: 0,
      image: c.image,
      imageID: imageIDFor(c.image),
      containerID: hex64FromUid('containerd://', uid, statuses.length),
      started: true,
    });
  }
  const volumes: Volume[] = p.volumes ? [...p.volumes] : [];
  if (tokenVolume) volumes.push({ name: tokenVolume, projected: tokenProjection });

  const metadata: KubeObject['metadata'] = {
    name: p.name,
    namespace: p.namespace,
    uid,
    creationTimestamp: p.created,
    labels: p.labels,
    ownerReferences: p.owner ? [p.owner] : [],
  };
  if (!p.owner) delete metadata.ownerReferences;
  if (p.annotations) metadata.annotations = p.annotations;

  const spec: PodSpec = {
    volumes,
    containers,
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: p.dnsPolicy ?? 'ClusterFirst',
    serviceAccountName: p.serviceAccountName,
    serviceAccount: p.serviceAccountName,
    nodeName: p.node.name,
    securityContext: emptyObject,
    schedulerName: 'default-scheduler',
    tolerations: p.tolerations as Toleration[],
    priority: p.priority ?? 0,
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
  };
  if (volumes.length === 0) delete spec.volumes;
  if (p.serviceAccountName === undefined) {
    delete spec.serviceAccountName;
    delete spec.serviceAccount;
  }
  if (p.nodeSelector) spec.nodeSelector = p.nodeSelector;
  if (p.hostNetwork) spec.hostNetwork = true;
  if (p.hostname) spec.hostname = p.hostname;
  if (p.subdomain) spec.subdomain = p.subdomain;
  if (p.priorityClassName) spec.priorityClassName = p.priorityClassName;

  return pod(metadata, spec, {
    phase: 'Running',
    conditions: [
      { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: p.started },
      { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: p.created },
      { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: p.started },
      { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: p.started },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: p.created },
    ],
    hostIP: p.node.ip,
    hostIPs: hostIPsOf(p.node),
    podIP: p.podIP,
    podIPs: [{ ip: p.podIP }],
    startTime: p.created,
    containerStatuses: statuses,
    qosClass: p.qosClass,
  });
}

const probeReady = deepFreeze([{ type: 'Ready', status: 'True' }]);

/** Where a generated Running, Ready pod made on read runs, as selectors and Tables read it. */
export interface PodPlace {
  node: string;
  podIP: string;
  serviceAccountName: string;
  hostNetwork?: boolean;
}

/** A pod made on read as selectors see it: its metadata, and the spec and status fields they match on. */
export function runningPodView(metadata: KubeObject['metadata'], p: PodPlace): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: {
      nodeName: p.node,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      serviceAccountName: p.serviceAccountName,
      ...(p.hostNetwork ? { hostNetwork: true } : {}),
    },
    status: { phase: 'Running', podIP: p.podIP, conditions: probeReady },
  };
}

type ProbeMeta = Pick<
  KubeObject['metadata'],
  'name' | 'namespace' | 'creationTimestamp' | 'labels' | 'ownerReferences'
>;

/** A probe's metadata: a scan over 150,000 probes rarely reads a uid, so it is made only when asked. */
export function probeMetadata(m: ProbeMeta, uid: () => string): KubeObject['metadata'] {
  return {
    name: m.name,
    namespace: m.namespace,
    get uid() {
      return uid();
    },
    creationTimestamp: m.creationTimestamp,
    labels: m.labels,
    ownerReferences: m.ownerReferences,
  };
}

/** A pod reference as Endpoints and EndpointSlices carry it; the two share one frozen copy. */
export function podRef(pod: KubeObject): ObjectReference {
  return Object.freeze({
    kind: 'Pod',
    namespace: pod.metadata.namespace,
    name: pod.metadata.name,
    uid: pod.metadata.uid,
  });
}

export function podIP(pod: KubeObject): string {
  return String((pod.status as { podIP?: string } | undefined)?.podIP ?? '');
}

export function podNode(pod: KubeObject): string {
  return String((pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '');
}
