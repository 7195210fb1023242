import { uidFor } from '../../../generate.js';
import type { EndpointAddress } from 'kubernetes-types/core/v1.js';
import { endpoints, service as serviceObject } from '../../../objects/core.js';
import { endpointSlice } from '../../../objects/discovery.js';
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { rolledOutDeployment } from '../../../objects/apps.js';
import type { KubeObject } from '../../../types.js';
import type { FaultContext } from '../../types.js';
import { hexId } from './logs.js';
import { asList, asRecord, str } from './json.js';

/** `ns/name`, as fault parameters name an object. */
export function splitRef(ctx: FaultContext, ref: string, what: string): { namespace: string; name: string } {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(ref);
  if (!m) ctx.fail(`${what} "${ref}" is not <namespace>/<name>`);
  return { namespace: m[1] as string, name: m[3] as string };
}

/** The pod-template-hash a ReplicaSet controller would give this Deployment's template (10 safe characters). */
export function templateHash(namespace: string, name: string): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const hex = hexId(20, 'pod-template-hash', namespace, name);
  let out = '';
  for (let i = 0; i < 10; i++) out += alphabet[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % alphabet.length];
  return out;
}

export interface WorkloadSpec {
  namespace: string;
  name: string;
  /** Pod labels; the selector is all of them. */
  labels: Record<string, string>;
  image: string;
  container: string;
  replicas: number;
  created: string;
  /** Pods that exist and are Ready now (the generated add-ons' pods), for the status counts. */
  readyReplicas: number;
  /** Pods that exist (ready or not). */
  currentReplicas: number;
  hash?: string;
  priorityClassName?: string;
  extraTemplate?: Partial<PodSpec>;
}

/** A Deployment and its ReplicaSet, with the status counts the controllers last wrote. */
export function deploymentObjects(w: WorkloadSpec): { deployment: KubeObject; replicaSet: KubeObject } {
  const hash = w.hash ?? templateHash(w.namespace, w.name);
  const podSpec: PodSpec = {
    containers: [
      {
        name: w.container,
        image: w.image,
        imagePullPolicy: 'IfNotPresent',
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
    restartPolicy: 'Always',
    dnsPolicy: 'ClusterFirst',
    schedulerName: 'default-scheduler',
    terminationGracePeriodSeconds: 30,
    ...(w.priorityClassName ? { priorityClassName: w.priorityClassName } : {}),
    ...w.extraTemplate,
  };
  return rolledOutDeployment({
    namespace: w.namespace,
    name: w.name,
    labels: w.labels,
    selector: w.labels,
    hash,
    template: (labels) => ({ metadata: { labels }, spec: podSpec }),
    created: w.created,
    replicas: w.replicas,
    current: w.currentReplicas,
    ready: w.readyReplicas,
  });
}

/** Adds the Deployment and ReplicaSet of a workload unless the cluster already has them (a scenario or earlier fault wrote them). */
export function ensureDeployment(
  ctx: FaultContext,
  w: WorkloadSpec,
): { deployment: KubeObject; replicaSet: KubeObject } {
  const made = deploymentObjects(w);
  const deployment = ctx.find('Deployment', w.namespace, w.name) ?? made.deployment;
  const replicaSet = ctx.find('ReplicaSet', w.namespace, made.replicaSet.metadata.name) ?? made.replicaSet;
  ctx.put(deployment);
  ctx.put(replicaSet);
  return { deployment, replicaSet };
}

/** Whether a pod's Ready condition is True. */
export function podReady(pod: KubeObject): boolean {
  return asList(asRecord(pod.status).conditions).some((c) => c.type === 'Ready' && c.status === 'True');
}

export interface ServicePort {
  name: string;
  port: number;
  targetPort: number | string;
  protocol?: 'TCP' | 'UDP';
  /** The container port a named targetPort resolves to. */
  containerPort?: number;
}

/** A ClusterIP Service, plus its Endpoints and EndpointSlice computed from the pods it selects (ready or not). */
export function ensureService(
  ctx: FaultContext,
  s: {
    namespace: string;
    name: string;
    clusterIP: string;
    selector: Record<string, string>;
    ports: ServicePort[];
    labels?: Record<string, string>;
    created: string;
  },
): KubeObject {
  const existing = ctx.find('Service', s.namespace, s.name);
  const made = (): KubeObject =>
    serviceObject(
      {
        name: s.name,
        namespace: s.namespace,
        uid: uidFor('Service', s.namespace, s.name),
        creationTimestamp: s.created,
        labels: s.labels ?? {},
      },
      {
        type: 'ClusterIP',
        clusterIP: s.clusterIP,
        clusterIPs: [s.clusterIP],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
        sessionAffinity: 'None',
        selector: s.selector,
        ports: s.ports.map((p) => ({
          name: p.name,
          port: p.port,
          protocol: p.protocol ?? 'TCP',
          targetPort: p.targetPort,
        })),
      },
    );
  const service = existing ?? made();
  ctx.put(service);
  syncEndpoints(ctx, service, s.ports);
  return service;
}

/**
 * The endpoints controller's view of a Service: ready pods under `addresses`,
 * unready ones under `notReadyAddresses`, no subset at all without pods.
 */
export function syncEndpoints(ctx: FaultContext, service: KubeObject, ports: ServicePort[]): void {
  const namespace = service.metadata.namespace ?? 'default';
  const name = service.metadata.name;
  const selector = asRecord(asRecord(service.spec).selector) as Record<string, string>;
  const selected =
    Object.keys(selector).length === 0
      ? []
      : ctx
          .list('Pod', namespace)
          .filter((p) => Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v));
  const address = (p: KubeObject): EndpointAddress => ({
    ip: str(asRecord(p.status).podIP),
    nodeName: str(asRecord(p.spec).nodeName),
    targetRef: { kind: 'Pod', namespace, name: p.metadata.name, uid: p.metadata.uid ?? '' },
  });
  const ready = selected.filter(podReady).map(address);
  const notReady = selected.filter((p) => !podReady(p)).map(address);
  const epPorts = ports.map((p) => ({
    name: p.name,
    port: p.containerPort ?? (typeof p.targetPort === 'number' ? p.targetPort : p.port),
    protocol: p.protocol ?? 'TCP',
  }));
  const created = service.metadata.creationTimestamp;
  ctx.put(
    endpoints(
      {
        name,
        namespace,
        uid: uidFor('Endpoints', namespace, name),
        ...(created ? { creationTimestamp: created } : {}),
        labels: service.metadata.labels ?? {},
      },
      selected.length > 0
        ? [
            {
              ...(ready.length ? { addresses: ready } : {}),
              ...(notReady.length ? { notReadyAddresses: notReady } : {}),
              ports: epPorts,
            },
          ]
        : undefined,
    ),
  );
  const sliceName = `${name}-${hexId(5, 'slice', namespace, name).replace(/[0-9]/g, (d) => 'bcdfghjklm'[Number(d)] ?? 'x')}`;
  for (const old of ctx
    .list('EndpointSlice', namespace)
    .filter((o) => o.metadata.labels?.['kubernetes.io/service-name'] === name))
    ctx.remove('EndpointSlice', namespace, old.metadata.name);
  ctx.put(
    endpointSlice(
      {
        name: sliceName,
        namespace,
        uid: uidFor('EndpointSlice', namespace, sliceName),
        ...(created ? { creationTimestamp: created } : {}),
        generateName: `${name}-`,
        labels: {
          ...(service.metadata.labels ?? {}),
          'kubernetes.io/service-name': name,
          'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        },
        ownerReferences: [
          { apiVersion: 'v1', kind: 'Service', name, uid: service.metadata.uid ?? '', controller: true },
        ],
      },
      selected.length
        ? selected.map((p) => {
            const ok = podReady(p);
            return {
              addresses: [str(asRecord(p.status).podIP)],
              conditions: { ready: ok, serving: ok, terminating: false },
              nodeName: str(asRecord(p.spec).nodeName),
              targetRef: { kind: 'Pod', namespace, name: p.metadata.name, uid: p.metadata.uid ?? '' },
            };
          })
        : null,
      epPorts,
    ),
  );
}
