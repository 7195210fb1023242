import type {
  ConfigMap,
  EndpointSubset,
  Endpoints,
  Event,
  Namespace,
  Node,
  NodeSpec,
  NodeStatus,
  PersistentVolume,
  PersistentVolumeClaim,
  PersistentVolumeClaimSpec,
  PersistentVolumeClaimStatus,
  PersistentVolumeSpec,
  PersistentVolumeStatus,
  Pod,
  PodCondition,
  PodSpec,
  PodStatus,
  Secret,
  Service,
  ServiceSpec,
  ServiceStatus,
} from 'kubernetes-types/core/v1.js';
import type { Meta, Typed } from './meta.js';

/** A pod condition as served: an unset lastProbeTime (metav1.Time) marshals as null. */
export type ServedPodCondition = Omit<PodCondition, 'lastProbeTime'> & { lastProbeTime?: string | null };
export type ServedPodStatus = Omit<PodStatus, 'conditions'> & { conditions?: ServedPodCondition[] };

export function pod(metadata: Meta, spec: PodSpec, status?: ServedPodStatus): Typed<Pod> {
  return status === undefined
    ? { apiVersion: 'v1', kind: 'Pod', metadata, spec }
    : { apiVersion: 'v1', kind: 'Pod', metadata, spec, status: status as PodStatus };
}

export function node(metadata: Meta, spec: NodeSpec, status: NodeStatus): Typed<Node> {
  return { apiVersion: 'v1', kind: 'Node', metadata, spec, status };
}

/** An Active namespace (the finalizer every namespace gets). */
export function namespace(metadata: Meta): Typed<Namespace> {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata,
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

/** An Active namespace with the name label the API server adds to every namespace. */
export function namedNamespace(name: string, uid: string, created: string): Typed<Namespace> {
  return namespace({ name, uid, creationTimestamp: created, labels: { 'kubernetes.io/metadata.name': name } });
}

export function service(
  metadata: Meta,
  spec: ServiceSpec,
  status: ServiceStatus = { loadBalancer: {} },
): Typed<Service> {
  return { apiVersion: 'v1', kind: 'Service', metadata, spec, status };
}

/** Endpoints; a Service that selects no pods has no subsets at all (not an empty list). */
export function endpoints(metadata: Meta, subsets: readonly EndpointSubset[] | undefined): Typed<Endpoints> {
  return subsets && subsets.length > 0
    ? { apiVersion: 'v1', kind: 'Endpoints', metadata, subsets: subsets as EndpointSubset[] }
    : { apiVersion: 'v1', kind: 'Endpoints', metadata };
}

/** An Event's fields after metadata; an unset eventTime (metav1.MicroTime) marshals as null. */
export type EventBody = Omit<Event, 'apiVersion' | 'kind' | 'metadata' | 'eventTime'> & { eventTime?: string | null };

/** A core/v1 Event; `body` holds the fields after metadata, in the order the recorder that wrote it prints them. */
export function event(metadata: Meta, body: EventBody): Typed<Event> {
  return { apiVersion: 'v1', kind: 'Event', metadata, ...(body as Omit<Event, 'apiVersion' | 'kind' | 'metadata'>) };
}

export function configMap(metadata: Meta, data: Record<string, string>): Typed<ConfigMap> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
}

export function secret(metadata: Meta, type: string, data: Record<string, string>): Typed<Secret> {
  return { apiVersion: 'v1', kind: 'Secret', metadata, type, data };
}

export function persistentVolumeClaim(
  metadata: Meta,
  spec: PersistentVolumeClaimSpec,
  status: PersistentVolumeClaimStatus,
): Typed<PersistentVolumeClaim> {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata, spec, status };
}

export function persistentVolume(
  metadata: Meta,
  spec: PersistentVolumeSpec,
  status: PersistentVolumeStatus,
): Typed<PersistentVolume> {
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata, spec, status };
}
