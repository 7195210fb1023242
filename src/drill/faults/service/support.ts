import { selfSignedCertificate } from '../../apiserver/tls.js';
import type { Secret } from 'kubernetes-types/core/v1.js';
import { endpoints, secret } from '../../objects/core.js';
import { endpointSlice } from '../../objects/discovery.js';
import type { Typed } from '../../objects/meta.js';
import { endpointGroups, endpointSubsets, sliceEndpoints } from '../../apiserver/endpointsController.js';
import { objectUid, safeSuffix } from '../../generate/ids.js';
import type { KubeObject } from '../../types.js';
import type { FaultContext } from '../types.js';
import type { Json } from '../../apiserver/json.js';

const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

/** The app every service fault works on: where `service-app` put it. */
export interface AppRef {
  namespace: string;
  name: string;
}

export function needService(ctx: FaultContext, ref: AppRef): KubeObject {
  return ctx.need('Service', ref.namespace, ref.name);
}

export function appPods(ctx: FaultContext, ref: AppRef): KubeObject[] {
  return ctx.list('Pod', ref.namespace).filter((p) => p.metadata.labels?.['app.kubernetes.io/part-of'] === ref.name);
}

/**
 * Endpoints and EndpointSlices for a Service as the controllers would write
 * them from the objects now (the same code as the drill's running
 * controller), so a fault that changes a selector, a port or readiness
 * leaves the cluster as it would be after the controllers caught up.
 */
export function syncService(ctx: FaultContext, ref: AppRef): void {
  const svc = needService(ctx, ref);
  const spec = obj(svc.spec);
  const headless = spec.clusterIP === 'None';
  const groups =
    Object.keys(obj(spec.selector)).length === 0 ? [] : endpointGroups(svc, ctx.list('Pod', ref.namespace));
  const subsets = endpointSubsets(groups, headless);
  const created = svc.metadata.creationTimestamp ?? ctx.at('now-30d');
  ctx.put(
    endpoints(
      {
        name: ref.name,
        namespace: ref.namespace,
        uid: objectUid('Endpoints', ref.namespace, ref.name),
        creationTimestamp: created,
        labels: { ...(svc.metadata.labels ?? {}) },
      },
      subsets,
    ),
  );
  for (const old of ctx
    .list('EndpointSlice', ref.namespace)
    .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === ref.name))
    ctx.remove('EndpointSlice', ref.namespace, old.metadata.name);
  const wanted = groups.length > 0 ? groups : [{ ports: [], endpoints: [] }];
  wanted.forEach((g, i) => {
    const name = `${ref.name}-${safeSuffix(`${ref.namespace}/${ref.name}/${i}`, 5)}`;
    ctx.put(
      endpointSlice(
        {
          name,
          generateName: `${ref.name}-`,
          namespace: ref.namespace,
          uid: objectUid('EndpointSlice', ref.namespace, name),
          creationTimestamp: created,
          labels: {
            ...(svc.metadata.labels ?? {}),
            'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
            'kubernetes.io/service-name': ref.name,
            ...(headless ? { 'service.kubernetes.io/headless': '' } : {}),
          },
          ownerReferences: [
            { apiVersion: 'v1', kind: 'Service', name: ref.name, uid: svc.metadata.uid ?? '', controller: true },
          ],
        },
        sliceEndpoints(g),
        g.ports,
      ),
    );
  });
}

/** A TLS Secret whose certificate names `hosts` and ends at `notAfter`. */
export function tlsSecret(
  ctx: FaultContext,
  namespace: string,
  name: string,
  hosts: string[],
  notAfter: Date,
): Typed<Secret> {
  const notBefore = new Date(notAfter.getTime() - 90 * 86_400_000);
  const cert = selfSignedCertificate(hosts[0] ?? 'localhost', ctx.now, { notBefore, notAfter, dnsNames: hosts });
  return secret(
    {
      name,
      namespace,
      uid: objectUid('Secret', namespace, name),
      creationTimestamp: notBefore.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    'kubernetes.io/tls',
    { 'tls.crt': Buffer.from(cert.cert).toString('base64'), 'tls.key': Buffer.from(cert.key).toString('base64') },
  );
}

function containerName(pod: KubeObject): string {
  const name = obj((obj(pod.spec).containers as Json[] | undefined)?.[0]).name;
  return typeof name === 'string' ? name : '';
}

/** Ready or not: the pod's Ready and ContainersReady conditions and its containers' ready flags. */
export function setReady(pod: KubeObject, ready: boolean, since: string): KubeObject {
  const status = obj(pod.status);
  const value = ready ? 'True' : 'False';
  return {
    ...pod,
    status: {
      ...status,
      conditions: (Array.isArray(status.conditions) ? status.conditions : []).map((c: Json) =>
        c.type === 'Ready' || c.type === 'ContainersReady'
          ? {
              ...c,
              status: value,
              lastTransitionTime: since,
              ...(ready
                ? {}
                : { reason: 'ContainersNotReady', message: `containers with unready status: [${containerName(pod)}]` }),
            }
          : c,
      ),
      containerStatuses: (Array.isArray(status.containerStatuses) ? status.containerStatuses : []).map((s: Json) => ({
        ...s,
        ready,
      })),
    },
  };
}
