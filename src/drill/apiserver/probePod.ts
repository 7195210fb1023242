import { clusterName, hostOf } from '../../kube/dnsNames.js';
import { parseIptablesServiceRules } from '../../kube/kubeProxyRules.js';
import { decide, namedPortsOf } from '../../kube/networkPolicy.js';
import type { NetworkPolicyView, Party } from '../../kube/networkPolicy.js';
import { declaresPort } from '../../kube/servicePorts.js';
import type { KubeObject } from '../types.js';
import { asArray, asObject, asString } from './json.js';
import type { SimContext } from './simulation.js';

/** The label that makes a pod plumbline's service probe (src/checks/service/probe.ts). */
export const probeLabel = 'plumbline.dev/probe';

export function isProbePod(pod: KubeObject): boolean {
  return pod.metadata.labels?.[probeLabel] === 'true';
}

function env(pod: KubeObject): Record<string, string> {
  const c = asArray(asObject(pod.spec).containers)[0];
  return Object.fromEntries(asArray(c?.env).map((e) => [asString(e.name), asString(e.value)]));
}

function ready(pod: KubeObject | undefined): boolean {
  return asArray(asObject(pod?.status).conditions).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Running, Ready and not waiting to restart. */
function works(pod: KubeObject | undefined): boolean {
  if (!pod) return false;
  const waiting = asArray(asObject(pod.status).containerStatuses).some((s) => asObject(s.state).waiting !== undefined);
  return asString(asObject(pod.status).phase) === 'Running' && ready(pod) && !waiting;
}

const cniLabels: [string, string][] = [
  ['app', 'flannel'],
  ['k8s-app', 'calico-node'],
  ['k8s-app', 'cilium'],
  ['name', 'weave-net'],
  ['app', 'kindnet'],
  ['k8s-app', 'aws-node'],
];

/**
 * What plumbline's probe pod prints when the drill runs it: the lines its
 * script writes to /dev/termination-log, decided by the rules a real
 * connection meets, using the same code the checks read them with: cluster
 * DNS names (src/kube/dnsNames.ts), the node's kube-proxy rules as its
 * iptables-save prints them (src/kube/kubeProxyRules.ts), NetworkPolicies
 * (src/kube/networkPolicy.ts) and declared container ports.
 */
export function probeAnswer(ctx: SimContext, pod: KubeObject): string[] {
  const e = env(pod);
  const node = asString(asObject(pod.spec).nodeName);
  const ns = pod.metadata.namespace ?? 'default';
  const { store } = ctx;
  const podsOn = (n: string) => store.list('pods', { indexed: { 'spec.nodeName': n } }).items;
  const cniBroken = (n: string): boolean => {
    const cni = podsOn(n).find((p) => cniLabels.some(([k, v]) => p.metadata.labels?.[k] === v));
    return cni !== undefined && !works(cni);
  };
  const policies = (): NetworkPolicyView[] => store.list('networkpolicies.networking.k8s.io').items;
  const nsLabels = (n: string) => ({ 'kubernetes.io/metadata.name': n, ...(store.get('namespaces', undefined, n)?.metadata.labels ?? {}) });
  const self: Party = { namespace: ns, labels: pod.metadata.labels ?? {}, ip: asString(asObject(pod.status).podIP) };
  const toPod = (target: KubeObject): Party => ({ namespace: target.metadata.namespace ?? '', labels: target.metadata.labels ?? {}, ip: asString(asObject(target.status).podIP), namedPorts: namedPortsOf(target as never) });

  /** A TCP connect to a pod address from the probe: refused, timed out or open. */
  const connectPod = (ip: string, port: number, protocol = 'TCP'): 'ok' | 'fail refused' | 'fail timeout' => {
    const target = store.list('pods', { filter: (p) => asString(asObject(p.status).podIP) === ip && !p.metadata.deletionTimestamp }).items[0];
    // An address no pod has any more: the packets go nowhere.
    if (!target) return 'fail timeout';
    const targetNode = asString(asObject(target.spec).nodeName);
    if (cniBroken(node) || cniBroken(targetNode)) return 'fail timeout';
    if (!decide(policies(), { from: self, to: toPod(target), port, protocol }, nsLabels).allowed) return 'fail timeout';
    if (asString(asObject(target.status).phase) !== 'Running') return 'fail refused';
    return declaresPort(target as never, port, protocol) === false ? 'fail refused' : 'ok';
  };

  const lines: string[] = [];
  const name = e.PROBE_NAME ?? '';
  if (name) {
    const host = hostOf(name);
    const parsed = clusterName(host);
    const dns = store.list('pods', { namespace: 'kube-system', filter: (p) => p.metadata.labels?.['k8s-app'] === 'kube-dns' }).items.filter(works);
    const dnsReachable = dns.some((d) => decide(policies(), { from: self, to: toPod(d), port: 53, protocol: 'UDP' }, nsLabels).allowed && !cniBroken(asString(asObject(d.spec).nodeName)));
    if (!dnsReachable || cniBroken(node)) lines.push(`dns ${name} fail timeout`);
    else if (!parsed) lines.push(`dns ${name} fail NXDOMAIN`);
    else {
      const svc = store.get('services', parsed.namespace ?? ns, parsed.service);
      const ip = asString(asObject(svc?.spec).clusterIP);
      if (!svc) lines.push(`dns ${name} fail NXDOMAIN`);
      else if (ip === 'None') {
        const slice = store.list('endpointslices.discovery.k8s.io', { namespace: svc.metadata.namespace ?? '', filter: (s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name }).items[0];
        const first = asArray(slice?.endpoints).find((x) => asObject(x.conditions).ready !== false);
        lines.push(first ? `dns ${name} ok ${asString((first.addresses as unknown[])[0])}` : `dns ${name} fail NXDOMAIN`);
      } else lines.push(`dns ${name} ok ${ip}`);
    }
  }
  const clusterIP = e.PROBE_CLUSTER_IP ?? '';
  const port = Number(e.PROBE_PORT ?? '0');
  if (clusterIP && port) {
    const proxy = podsOn(node).find((p) => p.metadata.labels?.['k8s-app'] === 'kube-proxy');
    const text = ctx.hostText?.(node, 'iptables-save');
    let result: string;
    if (text === undefined && proxy && !works(proxy)) result = 'fail timeout';
    else {
      const rules = text === undefined ? undefined : parseIptablesServiceRules(text, clusterIP, port);
      if (rules && rules.found === 'none') result = 'fail timeout';
      else if (rules && rules.found === 'no-endpoints') result = 'fail refused';
      else {
        const dest = rules?.destinations[0];
        if (dest) {
          const i = dest.lastIndexOf(':');
          result = connectPod(dest.slice(0, i), Number(dest.slice(i + 1)));
        } else result = 'fail refused';
      }
    }
    lines.push(`clusterip ${clusterIP}:${port} ${result}`);
  }
  const podIP = e.PROBE_POD_IP ?? '';
  const podPort = Number(e.PROBE_POD_PORT ?? '0');
  if (podIP && podPort) lines.push(`pod ${podIP}:${podPort} ${connectPod(podIP, podPort)}`);
  return lines;
}
