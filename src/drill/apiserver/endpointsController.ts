import { isDeepStrictEqual } from 'node:util';
import { serviceSelects } from '../../kube/labelSelector.js';
import type { Labels } from '../../kube/labelSelector.js';
import { findPort } from '../../kube/servicePorts.js';
import type { PodPortsView, ServicePortView } from '../../kube/servicePorts.js';
import { safeSuffix } from '../generate/ids.js';
import type { EndpointAddress, EndpointPort, EndpointSubset, ObjectReference } from 'kubernetes-types/core/v1.js';
import type { Endpoint } from 'kubernetes-types/discovery/v1.js';
import { endpoints } from '../objects/core.js';
import { endpointSlice } from '../objects/discovery.js';
import type { KubeObject } from '../types.js';
import { asArray, asObject, asString } from './json.js';
import type { Json } from './json.js';
import { componentHealthy, isoSeconds } from './simulation.js';
import type { SimContext } from './simulation.js';
import type { StoreChange } from './store.js';

const sliceBucket = 'endpointslices.discovery.k8s.io';

function podReady(pod: KubeObject): boolean {
  return asArray(asObject(pod.status).conditions).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** One group of endpoints that share a port set, as both controllers pack them. */
export interface EndpointGroup {
  ports: EndpointPort[];
  endpoints: { pod: KubeObject; ip: string; ready: boolean }[];
}

/**
 * What the endpoints and EndpointSlice controllers make of a Service: the
 * pods its selector matches that have an IP and are not finished or being
 * deleted, each with the ports its targetPorts resolve to (FindPort: a named
 * targetPort the pod does not declare gives that pod no port), grouped by
 * port set. Sorted by IP, as the controllers keep them.
 */
export function endpointGroups(service: KubeObject, pods: readonly KubeObject[]): EndpointGroup[] {
  const spec = asObject(service.spec);
  const selector = asObject(spec.selector) as Labels;
  const servicePorts = asArray(spec.ports) as unknown as ServicePortView[];
  const groups = new Map<string, EndpointGroup>();
  const selected = pods
    .filter((p) => serviceSelects(selector, p.metadata.labels))
    .filter((p) => asString(asObject(p.status).podIP) !== '' && !p.metadata.deletionTimestamp)
    .filter((p) => !['Succeeded', 'Failed'].includes(asString(asObject(p.status).phase)))
    .sort((a, b) => (asString(asObject(a.status).podIP) < asString(asObject(b.status).podIP) ? -1 : 1));
  for (const pod of selected) {
    const ports: EndpointPort[] = [];
    for (const sp of servicePorts) {
      const port = findPort(pod as PodPortsView, sp);
      if (port === undefined) continue;
      ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP' });
    }
    const key = JSON.stringify(ports);
    const g = groups.get(key) ?? { ports, endpoints: [] };
    g.endpoints.push({ pod, ip: asString(asObject(pod.status).podIP), ready: podReady(pod) });
    groups.set(key, g);
  }
  return [...groups.values()];
}

function targetRef(pod: KubeObject): ObjectReference {
  return { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name, uid: pod.metadata.uid ?? '' };
}

/** Endpoints.subsets: a pod with no resolvable port is left out (the endpoints controller skips it). */
export function endpointSubsets(groups: readonly EndpointGroup[], headless: boolean): EndpointSubset[] {
  return groups
    .filter((g) => g.ports.length > 0 || headless)
    .map((g) => {
      const address = (e: EndpointGroup['endpoints'][number]): EndpointAddress => ({
        ip: e.ip,
        nodeName: asString(asObject(e.pod.spec).nodeName),
        targetRef: targetRef(e.pod),
      });
      const ready = g.endpoints.filter((e) => e.ready).map(address);
      const notReady = g.endpoints.filter((e) => !e.ready).map(address);
      return {
        ...(ready.length > 0 ? { addresses: ready } : {}),
        ...(notReady.length > 0 ? { notReadyAddresses: notReady } : {}),
        ...(g.ports.length > 0 ? { ports: g.ports } : {}),
      };
    });
}

/** EndpointSlice.endpoints for one group. */
export function sliceEndpoints(g: EndpointGroup): Endpoint[] {
  return g.endpoints.map((e) => ({
    addresses: [e.ip],
    conditions: { ready: e.ready, serving: e.ready, terminating: false },
    nodeName: asString(asObject(e.pod.spec).nodeName),
    targetRef: targetRef(e.pod),
  }));
}

/**
 * The drill's endpoints and EndpointSlice controllers: when a pod's labels,
 * IP or readiness change, or a Service's selector or ports do, its Endpoints
 * and EndpointSlices are written again, a step later, while the
 * controller-manager is healthy (as the rest of its controllers). Nothing is
 * written when nothing changed, so generated objects stay as they are.
 */
export class EndpointsController {
  private readonly pending = new Set<string>();
  private queued = false;

  constructor(private readonly ctx: SimContext) {}

  onChange(change: StoreChange): void {
    if (change.resource === 'services') {
      this.mark(change.object.metadata.namespace ?? '', change.object.metadata.name);
      return;
    }
    if (change.resource !== 'pods') return;
    const ns = change.object.metadata.namespace ?? '';
    const before = change.previous;
    const after = change.object;
    if (before && change.type === 'MODIFIED' && !this.relevantPodChange(before, after)) return;
    for (const svc of this.ctx.store.list('services', { namespace: ns }).items) {
      const selector = asObject(asObject(svc.spec).selector) as Labels;
      if (
        serviceSelects(selector, after.metadata.labels) ||
        (before && serviceSelects(selector, before.metadata.labels))
      )
        this.mark(ns, svc.metadata.name);
    }
  }

  retryPending(): void {
    if (this.pending.size === 0 || !componentHealthy(this.ctx, 'kube-controller-manager')) return;
    const work = [...this.pending];
    this.pending.clear();
    for (const key of work) {
      const [ns = '', name = ''] = key.split('/');
      this.sync(ns, name);
    }
  }

  private relevantPodChange(before: KubeObject, after: KubeObject): boolean {
    return (
      !isDeepStrictEqual(before.metadata.labels, after.metadata.labels) ||
      asString(asObject(before.status).podIP) !== asString(asObject(after.status).podIP) ||
      podReady(before) !== podReady(after) ||
      asString(asObject(before.status).phase) !== asString(asObject(after.status).phase) ||
      Boolean(before.metadata.deletionTimestamp) !== Boolean(after.metadata.deletionTimestamp)
    );
  }

  private mark(namespace: string, name: string): void {
    this.pending.add(`${namespace}/${name}`);
    if (this.queued) return;
    this.queued = true;
    this.ctx.timers.after(this.ctx.stepMs, () => {
      this.queued = false;
      this.retryPending();
    });
  }

  private sync(namespace: string, name: string): void {
    const { store } = this.ctx;
    const svc = store.get('services', namespace, name);
    if (!svc) return;
    const spec = asObject(svc.spec);
    // No selector: endpoints are someone else's (written by hand); ExternalName has none.
    if (Object.keys(asObject(spec.selector)).length === 0 || asString(spec.type) === 'ExternalName') return;
    const pods = store.list('pods', { namespace }).items;
    const groups = endpointGroups(svc, pods);
    const headless = asString(spec.clusterIP) === 'None';
    const changed = isoSeconds(this.ctx.now());

    const subsets = endpointSubsets(groups, headless);
    const ep = store.get('endpoints', namespace, name);
    if (!isDeepStrictEqual(comparableSubsets(asArray(ep?.subsets)), comparableSubsets(subsets))) {
      const base: KubeObject =
        ep ??
        endpoints(
          { name, namespace, labels: { ...(svc.metadata.labels ?? {}) }, creationTimestamp: changed },
          undefined,
        );
      const next: KubeObject = {
        ...base,
        metadata: {
          ...base.metadata,
          annotations: {
            ...(base.metadata.annotations ?? {}),
            'endpoints.kubernetes.io/last-change-trigger-time': changed,
          },
        },
      };
      if (subsets.length > 0) next.subsets = subsets;
      else delete next.subsets;
      store.put('endpoints', next);
    }

    const existing = store.list(sliceBucket, {
      namespace,
      filter: (s) => s.metadata.labels?.['kubernetes.io/service-name'] === name,
    }).items;
    // A Service always has at least one slice, empty when nothing is selected.
    const wanted = groups.length > 0 ? groups : [{ ports: [], endpoints: [] }];
    const same =
      existing.length === wanted.length &&
      wanted.every((g, i) => {
        const s = existing[i];
        return (
          s !== undefined &&
          isDeepStrictEqual(comparableSlice(s), {
            ports: g.ports,
            endpoints: sliceEndpoints(g).map(comparableEndpoint),
          })
        );
      });
    if (same) return;
    wanted.forEach((g, i) => {
      const old = existing[i];
      const sliceName = old?.metadata.name ?? `${name}-${safeSuffix(`${namespace}/${name}/${changed}/${i}`, 5)}`;
      const metadata: KubeObject['metadata'] = old
        ? { ...old.metadata }
        : {
            name: sliceName,
            generateName: `${name}-`,
            namespace,
            creationTimestamp: changed,
            labels: {
              ...(svc.metadata.labels ?? {}),
              'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
              'kubernetes.io/service-name': name,
              ...(headless ? { 'service.kubernetes.io/headless': '' } : {}),
            },
            ownerReferences: [
              {
                apiVersion: 'v1',
                kind: 'Service',
                name,
                uid: svc.metadata.uid ?? '',
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          };
      metadata.annotations = {
        ...(metadata.annotations ?? {}),
        'endpoints.kubernetes.io/last-change-trigger-time': changed,
      };
      store.put(sliceBucket, endpointSlice(metadata, sliceEndpoints(g), g.ports));
    });
    for (const extra of existing.slice(wanted.length)) store.delete(sliceBucket, namespace, extra.metadata.name);
  }
}

function comparableSubsets(subsets: readonly object[]): unknown {
  const ips = (v: unknown) => asArray(v).map((a) => asString(a.ip));
  return (subsets as Json[]).map((s) => ({
    addresses: ips(s.addresses),
    notReady: ips(s.notReadyAddresses),
    ports: asArray(s.ports).map((p) => ({
      name: asString(p.name),
      port: p.port,
      protocol: asString(p.protocol) || 'TCP',
    })),
  }));
}

function comparableEndpoint(endpoint: object): unknown {
  const e = endpoint as Json;
  const c = asObject(e.conditions);
  return {
    address: asArray(e.addresses).length > 0 ? asString((e.addresses as unknown[])[0]) : '',
    ready: c.ready === true,
  };
}

function comparableSlice(s: KubeObject): { ports: unknown; endpoints: unknown } {
  return {
    ports: asArray(s.ports).map((p) => ({
      ...(asString(p.name) ? { name: asString(p.name) } : {}),
      port: p.port,
      protocol: asString(p.protocol) || 'TCP',
    })),
    endpoints: asArray(s.endpoints).map(comparableEndpoint),
  };
}
