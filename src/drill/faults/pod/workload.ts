import { createHash } from 'node:crypto';
import { z } from 'zod';
import { uidFor } from '../../generate.js';
import type { KubeObject } from '../../types.js';
import {
  daemonSet,
  defaultDeploymentStrategy,
  deployment as deploymentObject,
  replicaSet,
  statefulSet,
} from '../../objects/apps.js';
import { namedNamespace, pod as podObject } from '../../objects/core.js';
import type { Meta } from '../../objects/meta.js';
import type { ClaimTemplate } from '../../objects/apps.js';
import type { Container, PodSpec } from 'kubernetes-types/core/v1.js';
import type { FaultContext } from '../types.js';
import { daemonPodTolerations } from '../../../kube/semantics/scheduling.js';
import { qosClass } from './quantities.js';
import { defaultTolerations } from '../../generate/pods.js';

/**
 * What every workload fault builds: the namespace, the controller chain
 * (Deployment → ReplicaSet, StatefulSet or DaemonSet) and the pod, with the
 * fields a real API server and the kubelet fill in, so `kubectl get`,
 * `kubectl describe` and plumbline's checks see what they see on a cluster.
 */

import type { Json } from '../../apiserver/json.js';
export type { Json };

/** A JSON scalar as text; objects and absent values are empty. */
export function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : fallback;
}

/** `namespace`, `name` (the controller) and `pod` (to fix the pod's name), common to the workload faults. */
export function workloadParams(namespace: string, name: string) {
  return {
    namespace: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/)
      .default(namespace),
    /** The controller (Deployment, StatefulSet or DaemonSet) the fault creates. */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/)
      .default(name),
    /** The pod's name; default: what the controller would call it. */
    pod: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]*$/)
      .optional(),
  };
}

export type OwnerKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

/** The kube-controller-manager's suffix alphabet (no vowels, no look-alikes). */
const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** A stable `safe.Encode`-like string: pod-template-hash, controller-revision-hash and pod suffixes look like real ones. */
export function safeName(length: number, ...seed: string[]): string {
  const h = createHash('sha256').update(seed.join('/')).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += safeAlphabet[(h[i] ?? 0) % safeAlphabet.length];
  return out;
}

export function hex(length: number, ...seed: string[]): string {
  let out = '';
  for (let i = 0; out.length < length; i++)
    out += createHash('sha256')
      .update(`${seed.join('/')}#${i}`)
      .digest('hex');
  return out.slice(0, length);
}

/** The pod name the controller gives its first pod. */
export function defaultPodName(kind: OwnerKind, namespace: string, name: string): string {
  if (kind === 'StatefulSet') return `${name}-0`;
  if (kind === 'Deployment')
    return `${name}-${safeName(10, 'rs', namespace, name)}-${safeName(5, 'pod', namespace, name)}`;
  return `${name}-${safeName(5, 'ds-pod', namespace, name)}`;
}

/** Nodes the fault can put a pod on, in the cluster's order. */
export function nodes(ctx: FaultContext): KubeObject[] {
  return ctx.list('Node');
}

export function isControlPlane(node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  return 'node-role.kubernetes.io/control-plane' in labels || 'node-role.kubernetes.io/master' in labels;
}

export function workers(ctx: FaultContext): KubeObject[] {
  return nodes(ctx).filter((n) => !isControlPlane(n));
}

export function nodeReady(node: KubeObject): string {
  const conditions = ((node.status as Json | undefined)?.conditions ?? []) as Json[];
  return str(conditions.find((c) => c.type === 'Ready')?.status, 'Unknown');
}

/** The node the pod runs on: the one asked for (it must exist), else the first Ready worker. */
export function pickNode(ctx: FaultContext, wanted: string | undefined, skip: string[] = []): KubeObject {
  if (wanted) return ctx.need('Node', undefined, wanted);
  const candidates = workers(ctx).filter((n) => !skip.includes(n.metadata.name));
  return (
    candidates.find((n) => nodeReady(n) === 'True') ??
    candidates[0] ??
    nodes(ctx)[0] ??
    ctx.fail('the cluster has no nodes to run the pod on')
  );
}

export function nodeIP(node: KubeObject): string {
  const addresses = ((node.status as Json | undefined)?.addresses ?? []) as Json[];
  return str(addresses.find((a) => a.type === 'InternalIP')?.address, '10.0.0.10');
}

/** A pod IP in the node's pod CIDR (10.244.<node index>.0/24, as kubeadm with flannel's default hands out). */
export function podIP(ctx: FaultContext, node: KubeObject, ...seed: string[]): string {
  const index = Math.max(
    0,
    nodes(ctx).findIndex((n) => n.metadata.name === node.metadata.name),
  );
  const host = 10 + (parseInt(hex(4, 'ip', ...seed), 16) % 240);
  return `10.${244 + Math.floor(index / 256)}.${index % 256}.${host}`;
}

export function ensureNamespace(ctx: FaultContext, namespace: string, created: string): void {
  if (ctx.find('Namespace', undefined, namespace)) return;
  ctx.put(namedNamespace(namespace, uidFor('namespace', namespace), ctx.at(created)));
}

/** What the API server's admission adds to every container and pod, so describe reads like a real pod. */
function defaultContainer(c: Container, tokenVolume: string): Container {
  return {
    imagePullPolicy: str(c.image).endsWith(':latest') ? 'Always' : 'IfNotPresent',
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    ...c,
    volumeMounts: [
      ...(c.volumeMounts ?? []),
      { name: tokenVolume, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
    ],
  };
}

export interface WorkloadSpec {
  namespace: string;
  kind: OwnerKind;
  /** The controller's name. */
  name: string;
  podName?: string;
  /** Labels of the pod template (the selector); `app: <name>` when unset. */
  labels?: Record<string, string>;
  containers: Container[];
  /** Extra pod spec: nodeSelector, affinity, volumes, tolerations, hostNetwork... */
  podSpec?: Partial<PodSpec>;
  /** StatefulSet claim templates. */
  volumeClaimTemplates?: ClaimTemplate[];
  /** When the controller (and its first pod) were created: `now-14m`. */
  created: string;
  /** When this pod was created, if later than the controller (a replacement pod). */
  podCreated?: string;
  priorityClassName?: string;
}

export interface BuiltWorkload {
  pod: KubeObject;
  owner: KubeObject;
  /** The Deployment above a ReplicaSet owner. */
  deployment?: KubeObject;
  podName: string;
  uid: string;
}

/**
 * Creates the namespace, controller chain and pod (without status: the fault
 * sets it with `setPodStatus`), and the controller's creation events.
 */
export function createWorkload(ctx: FaultContext, w: WorkloadSpec): BuiltWorkload {
  const { namespace, name, kind } = w;
  ensureNamespace(ctx, namespace, w.created);
  const created = ctx.at(w.created);
  const podCreated = ctx.at(w.podCreated ?? w.created);
  const selector = w.labels ?? { app: name };
  const podName = w.podName ?? defaultPodName(kind, namespace, name);
  const uid = uidFor('pod', namespace, podName);
  const tokenVolume = `kube-api-access-${safeName(5, 'token', namespace, podName)}`;
  const template = { metadata: { labels: selector }, spec: templateSpec(w) };
  const meta = (k: string, n: string, extra: Partial<Meta> = {}): Meta => ({
    name: n,
    namespace,
    uid: uidFor(k, namespace, n),
    creationTimestamp: created,
    generation: 1,
    ...extra,
  });
  const ref = (o: KubeObject) => ({
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    uid: o.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  });

  let owner: KubeObject;
  let deployment: KubeObject | undefined;
  const podLabels: Record<string, string> = { ...selector };
  if (kind === 'Deployment') {
    const hash = safeName(10, 'rs', namespace, name);
    const rsName = `${name}-${hash}`;
    // Status {} until refreshOwner counts the pod the fault gives a status.
    deployment = deploymentObject(
      meta('Deployment', name, {
        labels: selector,
        annotations: { 'deployment.kubernetes.io/revision': '1' },
      }),
      {
        replicas: 1,
        selector: { matchLabels: selector },
        template,
        strategy: defaultDeploymentStrategy(),
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
    );
    owner = replicaSet(
      meta('ReplicaSet', rsName, {
        labels: { ...selector, 'pod-template-hash': hash },
        annotations: {
          'deployment.kubernetes.io/desired-replicas': '1',
          'deployment.kubernetes.io/max-replicas': '2',
          'deployment.kubernetes.io/revision': '1',
        },
        ownerReferences: [ref(deployment)],
      }),
      {
        replicas: 1,
        selector: { matchLabels: { ...selector, 'pod-template-hash': hash } },
        template: { metadata: { labels: { ...selector, 'pod-template-hash': hash } }, spec: template.spec },
      },
      {},
    );
    podLabels['pod-template-hash'] = hash;
    ctx.put(deployment);
    ctx.event({
      about: deployment,
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: `Scaled up replica set ${rsName} to 1`,
      source: 'deployment-controller',
      firstSeen: w.created,
    });
    ctx.put(owner);
    ctx.event({
      about: owner,
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: `Created pod: ${podName}`,
      source: 'replicaset-controller',
      firstSeen: w.podCreated ?? w.created,
    });
  } else if (kind === 'StatefulSet') {
    const revision = `${name}-${safeName(10, 'sts', namespace, name)}`;
    owner = statefulSet(
      meta('StatefulSet', name, { labels: selector }),
      {
        replicas: 1,
        selector: { matchLabels: selector },
        serviceName: name,
        template,
        ...(w.volumeClaimTemplates ? { volumeClaimTemplates: w.volumeClaimTemplates } : {}),
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        revisionHistoryLimit: 10,
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      },
      { currentRevision: revision, updateRevision: revision, collisionCount: 0 },
    );
    const ordinal = /-(\d+)$/.exec(podName)?.[1] ?? '0';
    Object.assign(podLabels, {
      'apps.kubernetes.io/pod-index': ordinal,
      'controller-revision-hash': revision,
      'statefulset.kubernetes.io/pod-name': podName,
    });
    ctx.put(owner);
    ctx.event({
      about: owner,
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: `create Pod ${podName} in StatefulSet ${name} successful`,
      source: 'statefulset-controller',
      firstSeen: w.podCreated ?? w.created,
    });
  } else {
    const existing = ctx.find('DaemonSet', namespace, name);
    owner =
      existing ??
      daemonSet(
        meta('DaemonSet', name, {
          labels: selector,
          annotations: { 'deprecated.daemonset.template.generation': '1' },
        }),
        {
          selector: { matchLabels: selector },
          template,
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
          revisionHistoryLimit: 10,
        },
      );
    Object.assign(podLabels, {
      'controller-revision-hash': safeName(10, 'ds', namespace, name),
      'pod-template-generation': '1',
    });
    ctx.put(owner);
    ctx.event({
      about: owner,
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: `Created pod: ${podName}`,
      source: 'daemonset-controller',
      firstSeen: w.podCreated ?? w.created,
    });
  }

  const containers = w.containers.map((c) => defaultContainer(c, tokenVolume));
  const pod = podObject(
    {
      name: podName,
      namespace,
      uid,
      creationTimestamp: podCreated,
      labels: podLabels,
      ownerReferences: [ref(owner)],
      ...(kind === 'StatefulSet' ? {} : { generateName: podName.replace(/[^-]+$/, '') }),
    },
    {
      ...templateSpec(w),
      containers,
      volumes: [
        ...(w.podSpec?.volumes ?? []),
        {
          name: tokenVolume,
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              {
                downwardAPI: {
                  items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
                },
              },
            ],
          },
        },
      ],
      tolerations: [
        ...(w.podSpec?.tolerations ?? []),
        ...(kind === 'DaemonSet'
          ? daemonPodTolerations(w.podSpec?.hostNetwork === true)
          : defaultTolerations.map((t) => ({ ...t }))),
      ],
      ...(kind === 'StatefulSet' ? { hostname: podName, subdomain: name } : {}),
    },
    { phase: 'Pending', qosClass: qosClass(containers) },
  );
  ctx.put(pod);
  return { pod, owner, ...(deployment ? { deployment } : {}), podName, uid };
}

function templateSpec(w: WorkloadSpec): PodSpec {
  const { tolerations: _t, volumes, ...rest } = w.podSpec ?? {};
  return {
    containers: w.containers,
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: w.podSpec?.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst',
    serviceAccountName: 'default',
    serviceAccount: 'default',
    securityContext: {},
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: w.priorityClassName ? 2000001000 : 0,
    ...(w.priorityClassName ? { priorityClassName: w.priorityClassName } : {}),
    ...(volumes ? { volumes } : {}),
    ...rest,
  };
}

/** The first control-plane node's address (where cluster-wide services such as OVN's databases are reached). */
export function controlPlaneIP(ctx: FaultContext): string {
  const cp = nodes(ctx).find(isControlPlane) ?? nodes(ctx)[0];
  return cp ? nodeIP(cp) : '10.0.0.11';
}
