import type { V1Pod, V1Service } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/client.js';
import type { NetworkPolicyView } from '../../kube/networkPolicy.js';
import { selectorText } from '../../kube/labelSelector.js';
import { findPort } from '../../kube/servicePorts.js';
import type { ServicePortView } from '../../kube/servicePorts.js';

/** Reads the service checks share: the kinds without a typed client go by path, lists bounded as every list here. */

export interface EndpointSliceView {
  metadata: { name: string };
  endpoints?:
    | {
        addresses: string[];
        conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
        nodeName?: string;
        targetRef?: { name?: string };
      }[]
    | null;
  ports?: { name?: string; port?: number; protocol?: string }[] | null;
}

export interface IngressView {
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: {
    ingressClassName?: string;
    defaultBackend?: { service?: IngressBackendService };
    tls?: { hosts?: string[]; secretName?: string }[];
    rules?: { host?: string; http?: { paths: { path?: string; backend: { service?: IngressBackendService } }[] } }[];
  };
}

export interface IngressBackendService {
  name: string;
  port?: { number?: number; name?: string };
}

export interface HttpRouteView {
  metadata: { name: string; namespace?: string };
  spec?: {
    parentRefs?: { name: string; namespace?: string }[];
    hostnames?: string[];
    rules?: { backendRefs?: { name: string; namespace?: string; port?: number; kind?: string }[] }[];
  };
}

const enc = encodeURIComponent;

export function listEndpointSlices(kube: KubeClient, namespace: string, service: string): Promise<EndpointSliceView[]> {
  return kube.listJson<EndpointSliceView>(`/apis/discovery.k8s.io/v1/namespaces/${enc(namespace)}/endpointslices`, {
    labelSelector: `kubernetes.io/service-name=${service}`,
    maxItems: 50,
  });
}

export function listNetworkPolicies(kube: KubeClient, namespace: string): Promise<NetworkPolicyView[]> {
  return kube.listJson<NetworkPolicyView>(`/apis/networking.k8s.io/v1/namespaces/${enc(namespace)}/networkpolicies`, {
    maxItems: 500,
  });
}

export function listIngresses(kube: KubeClient, namespace: string): Promise<IngressView[]> {
  return kube.listJson<IngressView>(`/apis/networking.k8s.io/v1/namespaces/${enc(namespace)}/ingresses`, {
    maxItems: 500,
  });
}

export async function namespaceLabels(kube: KubeClient, namespace: string): Promise<Record<string, string>> {
  const ns = await kube.getJson<{ metadata?: { labels?: Record<string, string> } }>(
    `/api/v1/namespaces/${enc(namespace)}`,
  );
  // Since 1.21 the API sets this label on every namespace; older clusters lack it.
  return { 'kubernetes.io/metadata.name': namespace, ...(ns.metadata?.labels ?? {}) };
}

/** The pods a Service's selector matches, selected by the server. */
export function selectedPods(kube: KubeClient, namespace: string, selector: Record<string, string>): Promise<V1Pod[]> {
  return kube.listPods({ namespace, labelSelector: selectorText(selector), maxItems: 500 });
}

export function podReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function servicePorts(svc: V1Service): ServicePortView[] {
  return (svc.spec?.ports ?? []).map((p) => ({
    ...(p.name ? { name: p.name } : {}),
    port: p.port,
    protocol: p.protocol ?? 'TCP',
    targetPort: p.targetPort ?? p.port,
  }));
}

/** `80→http/TCP` for evidence. */
export function portText(p: ServicePortView): string {
  return `${p.name ? `${p.name} ` : ''}${p.port}→${String(p.targetPort ?? p.port)}/${p.protocol ?? 'TCP'}`;
}

export function podPort(pod: V1Pod, sp: ServicePortView): number | undefined {
  return findPort(pod, sp);
}

export function declaredPortsText(pod: V1Pod): string {
  const ports = (pod.spec?.containers ?? []).flatMap((c) =>
    (c.ports ?? []).map((p) => `${p.name ? `${p.name} ` : ''}${p.containerPort}/${p.protocol ?? 'TCP'}`),
  );
  return ports.length > 0 ? ports.join(', ') : 'none declared';
}

/** The Service port a request names: by number, by name, or the only one. */
export function pickPort(svc: V1Service, wanted?: string | number): ServicePortView | undefined {
  const ports = servicePorts(svc);
  if (wanted === undefined || wanted === '') return ports[0];
  return ports.find((p) => String(p.port) === String(wanted) || p.name === wanted);
}

/** Levenshtein distance, for "did you mean" on names a person typed. */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

/** The closest of `names` to `name`, when it is close enough to be a typo (at most 2 edits, or a third of the name). */
export function closest(name: string, names: readonly string[]): string | undefined {
  let best: { n: string; d: number } | undefined;
  for (const n of names) {
    const d = distance(name, n);
    if (d > 0 && (!best || d < best.d)) best = { n, d };
  }
  return best && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.n : undefined;
}
