import type { Affinity, Container, ContainerPort, PodSpec, Toleration, Volume } from 'kubernetes-types/core/v1.js';
import type { DaemonSet, DeploymentStrategy, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../types.js';
import { daemonSet, rolledOutDeployment, statefulSet } from '../objects/apps.js';
import type { Typed } from '../objects/meta.js';
import type { ClaimTemplate, Template } from '../objects/apps.js';
import { controllerRef, objectUid } from './ids.js';
import type { ContainerInput } from './pods.js';

/** A container as the API server stores it in a template: the defaults it fills in. */
export function templateContainer(c: ContainerInput): Container {
  const out: Container = { name: c.name, image: c.image };
  if (c.command) out.command = c.command;
  if (c.args) out.args = c.args;
  if (c.env) out.env = c.env;
  if (c.ports) out.ports = c.ports as ContainerPort[];
  out.resources = c.resources ?? {};
  if (c.livenessProbe) out.livenessProbe = c.livenessProbe;
  if (c.readinessProbe) out.readinessProbe = c.readinessProbe;
  if (c.startupProbe) out.startupProbe = c.startupProbe;
  if (c.volumeMounts && c.volumeMounts.length > 0) out.volumeMounts = c.volumeMounts;
  out.terminationMessagePath = '/dev/termination-log';
  out.terminationMessagePolicy = 'File';
  out.imagePullPolicy = 'IfNotPresent';
  if (c.securityContext) out.securityContext = c.securityContext;
  return out;
}

export interface TemplateInput {
  labels: Record<string, string>;
  containers: ContainerInput[];
  serviceAccountName?: string;
  volumes?: Volume[];
  tolerations?: Toleration[];
  priorityClassName?: string;
  hostNetwork?: boolean;
  dnsPolicy?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
}

/** A pod template with the defaults the API server fills in, as `kubectl get -o yaml` shows it. */
export function podTemplate(t: TemplateInput, labels: Record<string, string> = t.labels): Template {
  // Built key by key in the order the API server prints a template.
  const spec: Partial<PodSpec> = {};
  if (t.volumes) spec.volumes = t.volumes;
  spec.containers = t.containers.map(templateContainer);
  spec.restartPolicy = 'Always';
  spec.terminationGracePeriodSeconds = 30;
  spec.dnsPolicy = t.dnsPolicy ?? 'ClusterFirst';
  if (t.nodeSelector) spec.nodeSelector = t.nodeSelector;
  if (t.serviceAccountName) {
    spec.serviceAccountName = t.serviceAccountName;
    spec.serviceAccount = t.serviceAccountName;
  }
  if (t.hostNetwork) spec.hostNetwork = true;
  spec.securityContext = {};
  if (t.affinity) spec.affinity = t.affinity;
  spec.schedulerName = 'default-scheduler';
  if (t.tolerations) spec.tolerations = t.tolerations;
  if (t.priorityClassName) spec.priorityClassName = t.priorityClassName;
  return { metadata: { creationTimestamp: null, labels }, spec: spec as PodSpec };
}

function isReady(pod: KubeObject): boolean {
  const conditions = (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

export interface DeploymentInput {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  template: TemplateInput;
  /** pod-template-hash of the one ReplicaSet. */
  hash: string;
  created: string;
  /** When the ReplicaSet's pods last became available (the conditions' times). */
  progressed: string;
  strategy?: DeploymentStrategy;
}

/** The Deployment, its one ReplicaSet, and the labels and owner its pods need. */
export function deploymentFor(d: DeploymentInput): {
  replicaSetName: string;
  podLabels: Record<string, string>;
  podOwner: ReturnType<typeof controllerRef>;
} {
  const replicaSetName = `${d.name}-${d.hash}`;
  return {
    replicaSetName,
    podLabels: { ...d.template.labels, 'pod-template-hash': d.hash },
    podOwner: controllerRef('apps/v1', 'ReplicaSet', d.namespace, replicaSetName),
  };
}

/** Deployment and ReplicaSet objects whose status counts are those of `pods` (or, for pods not built, their counts). */
export function deploymentObjects(
  d: DeploymentInput,
  pods: readonly KubeObject[] | { replicas: number; ready: number },
): KubeObject[] {
  const replicas = 'replicas' in pods ? pods.replicas : pods.length;
  const ready = 'ready' in pods ? pods.ready : pods.filter(isReady).length;
  const { deployment, replicaSet } = rolledOutDeployment({
    namespace: d.namespace,
    name: d.name,
    labels: d.labels,
    selector: d.template.labels,
    hash: d.hash,
    template: (labels) => podTemplate(d.template, labels),
    created: d.created,
    progressed: d.progressed,
    replicas,
    ready,
    ...(d.strategy ? { strategy: d.strategy } : {}),
  });
  return [deployment, replicaSet];
}

export interface DaemonSetInput {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  template: TemplateInput;
  revisionHash: string;
  created: string;
}

export function daemonSetPodLabels(d: DaemonSetInput): Record<string, string> {
  return { ...d.template.labels, 'controller-revision-hash': d.revisionHash, 'pod-template-generation': '1' };
}

/** A DaemonSet whose desired count is the number of nodes it runs on and whose other counts are its pods'. */
export function daemonSetObject(d: DaemonSetInput, desired: number, pods: readonly KubeObject[]): Typed<DaemonSet> {
  const ready = pods.filter(isReady).length;
  return daemonSet(
    {
      name: d.name,
      namespace: d.namespace,
      uid: objectUid('DaemonSet', d.namespace, d.name),
      generation: 1,
      creationTimestamp: d.created,
      labels: d.labels,
      annotations: { 'deprecated.daemonset.template.generation': '1' },
    },
    {
      selector: { matchLabels: { ...d.template.labels } },
      template: podTemplate(d.template),
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
    },
    {
      currentNumberScheduled: pods.length,
      numberMisscheduled: 0,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration: 1,
      updatedNumberScheduled: pods.length,
      numberAvailable: ready,
      ...(desired - ready > 0 ? { numberUnavailable: desired - ready } : {}),
    },
  );
}

export interface StatefulSetInput {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  template: TemplateInput;
  serviceName: string;
  replicas: number;
  revisionHash: string;
  created: string;
  volumeClaimTemplates: ClaimTemplate[];
}

export function statefulSetPodLabels(s: StatefulSetInput, ordinal: number): Record<string, string> {
  return {
    ...s.template.labels,
    'apps.kubernetes.io/pod-index': String(ordinal),
    'controller-revision-hash': `${s.name}-${s.revisionHash}`,
    'statefulset.kubernetes.io/pod-name': `${s.name}-${ordinal}`,
  };
}

export function statefulSetObject(s: StatefulSetInput, pods: readonly KubeObject[]): Typed<StatefulSet> {
  const ready = pods.filter(isReady).length;
  const revision = `${s.name}-${s.revisionHash}`;
  return statefulSet(
    {
      name: s.name,
      namespace: s.namespace,
      uid: objectUid('StatefulSet', s.namespace, s.name),
      generation: 1,
      creationTimestamp: s.created,
      labels: s.labels,
    },
    {
      replicas: s.replicas,
      selector: { matchLabels: { ...s.template.labels } },
      template: podTemplate(s.template),
      volumeClaimTemplates: s.volumeClaimTemplates,
      serviceName: s.serviceName,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    },
    {
      observedGeneration: 1,
      replicas: pods.length,
      readyReplicas: ready,
      currentReplicas: pods.length,
      updatedReplicas: pods.length,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
      availableReplicas: ready,
    },
  );
}
