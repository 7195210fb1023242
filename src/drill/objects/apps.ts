import type {
  DaemonSet,
  DaemonSetSpec,
  DaemonSetStatus,
  Deployment,
  DeploymentSpec,
  DeploymentStatus,
  DeploymentStrategy,
  ReplicaSet,
  ReplicaSetSpec,
  ReplicaSetStatus,
  StatefulSet,
  StatefulSetSpec,
  StatefulSetStatus,
} from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { controllerRef, objectUid } from '../generate/ids.js';
import type { Meta, TemplateMeta, Typed } from './meta.js';

/** A pod template as a controller's spec holds it (metadata may carry `creationTimestamp: null`). */
export type Template = Omit<PodTemplateSpec, 'metadata'> & { metadata?: TemplateMeta };

/** A StatefulSet's claim template, printed with `creationTimestamp: null` like a pod template. */
export type ClaimTemplate = Omit<PersistentVolumeClaim, 'metadata'> & { metadata?: TemplateMeta };

type WithTemplate<S> = Omit<S, 'template'> & { template?: Template };

export function deployment(
  metadata: Meta,
  spec: WithTemplate<DeploymentSpec>,
  status: DeploymentStatus = {},
): Typed<Deployment> {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: spec as DeploymentSpec, status };
}

export function replicaSet(
  metadata: Meta,
  spec: WithTemplate<ReplicaSetSpec>,
  status: Partial<ReplicaSetStatus> = {},
): Typed<ReplicaSet> {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata,
    spec: spec as ReplicaSetSpec,
    status: status as ReplicaSetStatus,
  };
}

export function daemonSet(
  metadata: Meta,
  spec: WithTemplate<DaemonSetSpec>,
  status: Partial<DaemonSetStatus> = {},
): Typed<DaemonSet> {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata,
    spec: spec as DaemonSetSpec,
    status: status as DaemonSetStatus,
  };
}

export function statefulSet(
  metadata: Meta,
  spec: Omit<WithTemplate<StatefulSetSpec>, 'volumeClaimTemplates'> & { volumeClaimTemplates?: ClaimTemplate[] },
  status: Partial<StatefulSetStatus> = {},
): Typed<StatefulSet> {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata,
    spec: spec as unknown as StatefulSetSpec,
    status: status as StatefulSetStatus,
  };
}

/** The rolling-update strategy the API server defaults a Deployment to. */
export const defaultDeploymentStrategy = (): DeploymentStrategy => ({
  type: 'RollingUpdate',
  rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
});

/**
 * Where a Deployment's rollout stands: complete (NewReplicaSetAvailable, kept
 * when pods later become unready), still progressing, or past its deadline.
 */
export type Rollout = 'complete' | 'progressing' | { stuckSince: string };

/**
 * The status the deployment controller writes. Its counts are omitempty, so
 * no ready pods means no readyReplicas or availableReplicas at all.
 */
export function deploymentStatus(s: {
  replicas: number;
  current: number;
  ready: number;
  created: string;
  progressed: string;
  replicaSetName: string;
  rollout?: Rollout;
}): DeploymentStatus {
  const { replicas, current, ready, progressed } = s;
  const rollout = s.rollout ?? 'complete';
  return {
    observedGeneration: 1,
    replicas: current,
    updatedReplicas: current,
    ...(ready > 0 ? { readyReplicas: ready, availableReplicas: ready } : {}),
    ...(ready < replicas ? { unavailableReplicas: replicas - ready } : {}),
    conditions: [
      ready >= replicas
        ? {
            type: 'Available',
            status: 'True',
            lastUpdateTime: progressed,
            lastTransitionTime: progressed,
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
          }
        : {
            type: 'Available',
            status: 'False',
            lastUpdateTime: progressed,
            lastTransitionTime: progressed,
            reason: 'MinimumReplicasUnavailable',
            message: 'Deployment does not have minimum availability.',
          },
      typeof rollout === 'object'
        ? {
            type: 'Progressing',
            status: 'False',
            lastUpdateTime: rollout.stuckSince,
            lastTransitionTime: rollout.stuckSince,
            reason: 'ProgressDeadlineExceeded',
            message: `ReplicaSet "${s.replicaSetName}" has timed out progressing.`,
          }
        : {
            type: 'Progressing',
            status: 'True',
            lastUpdateTime: progressed,
            lastTransitionTime: s.created,
            reason: rollout === 'complete' ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
            message: `ReplicaSet "${s.replicaSetName}" ${rollout === 'complete' ? 'has successfully progressed' : 'is progressing'}.`,
          },
    ],
  };
}

/** A ReplicaSet's status; its counts are omitempty too. */
export function replicaSetStatus(current: number, ready: number): ReplicaSetStatus {
  return {
    replicas: current,
    fullyLabeledReplicas: current,
    ...(ready > 0 ? { readyReplicas: ready, availableReplicas: ready } : {}),
    observedGeneration: 1,
  };
}

export interface RolledOutDeployment {
  namespace: string;
  name: string;
  /** The Deployment's own labels. */
  labels: Record<string, string>;
  /** The pod template's labels, which are the Deployment's selector. */
  selector: Record<string, string>;
  /** pod-template-hash of the one ReplicaSet. */
  hash: string;
  /** The pod template for these labels (the ReplicaSet's carry the hash). */
  template: (labels: Record<string, string>) => Template;
  created: string;
  /** When the ReplicaSet was made (a later rollout than the Deployment's creation); default: created. */
  replicaSetCreated?: string;
  /** When the ReplicaSet's pods last became available (the conditions' times); default: created. */
  progressed?: string;
  /** spec.replicas. */
  replicas: number;
  /** Pods that exist, ready or not (default: replicas). */
  current?: number;
  /** Pods that are Ready. */
  ready: number;
  strategy?: DeploymentStrategy;
}

/**
 * A Deployment whose one ReplicaSet has rolled out, with the status counts
 * the two controllers last wrote: the one builder generation and faults share.
 * DeploymentStatus counts are omitempty, so no ready pods means no readyReplicas.
 */
export function rolledOutDeployment(d: RolledOutDeployment): {
  deployment: Typed<Deployment>;
  replicaSet: Typed<ReplicaSet>;
} {
  const { namespace, name, replicas, ready } = d;
  const current = d.current ?? replicas;
  const progressed = d.progressed ?? d.created;
  const replicaSetName = `${name}-${d.hash}`;
  const made = deployment(
    {
      name,
      namespace,
      uid: objectUid('Deployment', namespace, name),
      generation: 1,
      creationTimestamp: d.created,
      labels: d.labels,
      annotations: { 'deployment.kubernetes.io/revision': '1' },
    },
    {
      replicas,
      selector: { matchLabels: { ...d.selector } },
      template: d.template(d.selector),
      strategy: d.strategy ?? defaultDeploymentStrategy(),
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    deploymentStatus({ replicas, current, ready, created: d.created, progressed, replicaSetName }),
  );
  const podLabels = { ...d.selector, 'pod-template-hash': d.hash };
  const maxSurge = Math.ceil(replicas * 0.25);
  const set = replicaSet(
    {
      name: replicaSetName,
      namespace,
      uid: objectUid('ReplicaSet', namespace, replicaSetName),
      generation: 1,
      creationTimestamp: d.replicaSetCreated ?? d.created,
      labels: podLabels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/max-replicas': String(replicas + maxSurge),
        'deployment.kubernetes.io/revision': '1',
      },
      ownerReferences: [controllerRef('apps/v1', 'Deployment', namespace, name)],
    },
    { replicas, selector: { matchLabels: { ...podLabels } }, template: d.template(podLabels) },
    replicaSetStatus(current, ready),
  );
  return { deployment: made, replicaSet: set };
}
