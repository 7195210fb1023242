import type { EndpointAddress, EndpointPort, PodSpec, Service, ServiceSpec } from 'kubernetes-types/core/v1.js';
import type { Endpoint } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../types.js';
import { endpoints as endpointsObject, service } from '../objects/core.js';
import { endpointSlice } from '../objects/discovery.js';
import type { Typed } from '../objects/meta.js';
import { controllerRef, objectUid, safeSuffix } from './ids.js';
import { frozen, podIP, podNode, podRef } from './pods.js';

export interface ServicePort {
  name?: string;
  port: number;
  protocol: 'TCP' | 'UDP';
  /** Where traffic goes on the pod (a number, or a container port's name). */
  targetPort: number | string;
  /** The pod's port number behind targetPort, as Endpoints list it. */
  podPort: number;
}

export interface ServiceInput {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** `None` for a headless service. */
  clusterIP: string;
  selector?: Record<string, string>;
  ports: ServicePort[];
  created: string;
  /** Port order of Endpoints subsets (the endpoints controller's, which is not the Service's). */
  endpointPortOrder?: string[];
}

/** Cluster IPs from the default service CIDR 10.96.0.0/12, stable per service and never reused. */
export class ServiceIPs {
  private readonly used = new Set<string>(['10.96.0.1', '10.96.0.10']);

  allocate(namespace: string, name: string): string {
    for (let attempt = 0; ; attempt++) {
      const h = parseInt(objectUid('ClusterIP', namespace, `${name}/${attempt}`).slice(0, 8), 16) % ((1 << 20) - 2);
      const n = 11 + h;
      const ip = `10.${96 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
      if ((n & 255) !== 0 && (n & 255) !== 255 && !this.used.has(ip)) {
        this.used.add(ip);
        return ip;
      }
    }
  }
}

export function serviceObject(s: ServiceInput): Typed<Service> {
  const headless = s.clusterIP === 'None';
  // Built key by key in the order the API server prints a Service.
  const spec: ServiceSpec = {
    clusterIP: s.clusterIP,
    clusterIPs: [s.clusterIP],
    internalTrafficPolicy: 'Cluster',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    ports: s.ports.map((p) =>
      p.name
        ? { name: p.name, port: p.port, protocol: p.protocol, targetPort: p.targetPort }
        : { port: p.port, protocol: p.protocol, targetPort: p.targetPort },
    ),
  };
  if (s.selector) spec.selector = s.selector;
  spec.sessionAffinity = 'None';
  spec.type = 'ClusterIP';
  if (headless) spec.publishNotReadyAddresses = false;
  const metadata: KubeObject['metadata'] = {
    name: s.name,
    namespace: s.namespace,
    uid: objectUid('Service', s.namespace, s.name),
    creationTimestamp: s.created,
  };
  if (s.labels) metadata.labels = s.labels;
  if (s.annotations) metadata.annotations = s.annotations;
  return service(metadata, spec);
}

function isReady(pod: KubeObject): boolean {
  const conditions = (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

function endpointPorts(s: ServiceInput): EndpointPort[] {
  const ports = s.ports.map((p) =>
    p.name ? { name: p.name, port: p.podPort, protocol: p.protocol } : { port: p.podPort, protocol: p.protocol },
  );
  const order = s.endpointPortOrder;
  if (!order) return ports;
  return [...ports].sort((a, b) => order.indexOf(String(a.name)) - order.indexOf(String(b.name)));
}

const readyConditions = frozen({ ready: true, serving: true, terminating: false });
const notReadyConditions = frozen({ ready: false, serving: false, terminating: false });

/** The endpoints controller keeps at most this many addresses and marks the rest as truncated. */
const maxEndpointsAddresses = 1000;
/** The EndpointSlice controller's default --max-endpoints-per-slice. */
const maxEndpointsPerSlice = 100;

/**
 * Endpoints and EndpointSlices for a Service over the pods its selector
 * matches, as the two controllers write them: addresses sorted by IP,
 * ready ones apart from the others, slices of at most 100 endpoints owned by
 * the Service.
 */
export function endpointObjects(s: ServiceInput, pods: readonly KubeObject[], changed: string): KubeObject[] {
  const keyed = pods.map((pod) => ({ pod, ip: podIP(pod) }));
  keyed.sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
  const sorted = keyed.map((k) => k.pod);
  const headless = s.clusterIP === 'None';
  const refs = new Map(sorted.map((pod) => [pod, podRef(pod)]));
  const readiness = new Map(sorted.map((pod) => [pod, isReady(pod)]));
  const hostname = (pod: KubeObject) => (pod.spec as PodSpec | undefined)?.hostname;
  const address = (pod: KubeObject): EndpointAddress => {
    const a: EndpointAddress = { ip: podIP(pod) };
    const host = hostname(pod);
    if (headless && typeof host === 'string') a.hostname = host;
    a.nodeName = podNode(pod);
    a.targetRef = refs.get(pod);
    return a;
  };
  const kept = sorted.slice(0, maxEndpointsAddresses);
  const ready = kept.filter((p) => readiness.get(p)).map(address);
  const notReady = kept.filter((p) => !readiness.get(p)).map(address);
  const ports = endpointPorts(s);
  const annotations: Record<string, string> = { 'endpoints.kubernetes.io/last-change-trigger-time': changed };
  if (sorted.length > maxEndpointsAddresses) annotations['endpoints.kubernetes.io/over-capacity'] = 'truncated';
  const endpoints = endpointsObject(
    {
      name: s.name,
      namespace: s.namespace,
      uid: objectUid('Endpoints', s.namespace, s.name),
      creationTimestamp: s.created,
      ...(s.labels
        ? { labels: { ...s.labels, ...(headless ? { 'service.kubernetes.io/headless': '' } : {}) } }
        : headless
          ? { labels: { 'service.kubernetes.io/headless': '' } }
          : {}),
      annotations,
    },
    pods.length > 0
      ? [
          {
            ...(ready.length > 0 ? { addresses: ready } : {}),
            ...(notReady.length > 0 ? { notReadyAddresses: notReady } : {}),
            ports,
          },
        ]
      : undefined,
  );

  const slices: KubeObject[] = [];
  endpointSliceNames(s, sorted.length).forEach((name, i) => {
    const members = sorted.slice(i * maxEndpointsPerSlice, (i + 1) * maxEndpointsPerSlice);
    slices.push(
      endpointSlice(
        {
          name,
          generateName: `${s.name}-`,
          namespace: s.namespace,
          uid: objectUid('EndpointSlice', s.namespace, name),
          generation: 1,
          creationTimestamp: s.created,
          labels: {
            ...s.labels,
            'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
            'kubernetes.io/service-name': s.name,
            ...(headless ? { 'service.kubernetes.io/headless': '' } : {}),
          },
          annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': changed },
          ownerReferences: [controllerRef('v1', 'Service', s.namespace, s.name)],
        },
        members.map((pod) => {
          const e: Endpoint = {
            addresses: [podIP(pod)],
            conditions: readiness.get(pod) ? readyConditions : notReadyConditions,
          };
          const host = hostname(pod);
          if (headless && typeof host === 'string') e.hostname = host;
          e.nodeName = podNode(pod);
          e.targetRef = refs.get(pod);
          return e;
        }),
        ports.map((p) => ({ ...p })),
      ),
    );
  });
  return [endpoints, ...slices];
}

/** The names of a Service's EndpointSlices over `pods` pods: one per 100, at least one. */
export function endpointSliceNames(s: Pick<ServiceInput, 'namespace' | 'name'>, pods: number): string[] {
  const count = Math.max(1, Math.ceil(pods / maxEndpointsPerSlice));
  return Array.from({ length: count }, (_, i) => `${s.name}-${safeSuffix(`${s.namespace}/${s.name}/${i}`, 5)}`);
}
