import { clusterName, hostOf } from '../../kube/dnsNames.js';
import {
  kubeProxyRulesCommand,
  legacyTablesWarning,
  parseServiceRules,
  proxyModeOf,
} from '../../kube/kubeProxyRules.js';
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
  const nsLabels = (n: string) => ({
    'kubernetes.io/metadata.name': n,
    ...(store.get('namespaces', undefined, n)?.metadata.labels ?? {}),
  });
  const self: Party = { namespace: ns, labels: pod.metadata.labels ?? {}, ip: asString(asObject(pod.status).podIP) };
  const toPod = (target: KubeObject): Party => ({
    namespace: target.metadata.namespace ?? '',
    labels: target.metadata.labels ?? {},
    ip: asString(asObject(target.status).podIP),
    namedPorts: namedPortsOf(target as never),
  });

  const podAt = (ip: string) =>
    store.list('pods', { filter: (p) => asString(asObject(p.status).podIP) === ip && !p.metadata.deletionTimestamp })
      .items[0];
  /** A TCP connect to a pod address from a pod (the probe, or the ingress controller): refused, timed out or open. */
  const connectFrom = (
    from: Party,
    fromNode: string,
    ip: string,
    port: number,
    protocol = 'TCP',
  ): 'ok' | 'fail refused' | 'fail timeout' => {
    const target = podAt(ip);
    // An address no pod has any more: the packets go nowhere.
    if (!target) return 'fail timeout';
    const targetNode = asString(asObject(target.spec).nodeName);
    if (cniBroken(fromNode) || cniBroken(targetNode)) return 'fail timeout';
    if (!decide(policies(), { from, to: toPod(target), port, protocol }, nsLabels).allowed) return 'fail timeout';
    if (asString(asObject(target.status).phase) !== 'Running') return 'fail refused';
    return declaresPort(target as never, port, protocol) === false ? 'fail refused' : 'ok';
  };
  const connectPod = (ip: string, port: number, protocol = 'TCP') => connectFrom(self, node, ip, port, protocol);

  /** The Ready endpoints of a Service for one of its ports (by number or name), as `ip:port`. */
  const readyEndpoints = (svc: KubeObject, port: string): { ip: string; port: number }[] => {
    const sp = asArray(asObject(svc.spec).ports).find((x) => String(x.port) === port || asString(x.name) === port);
    if (!sp) return [];
    const slices = store.list('endpointslices.discovery.k8s.io', {
      namespace: svc.metadata.namespace ?? '',
      filter: (x) => x.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name,
    }).items;
    return slices.flatMap((slice) => {
      const sliceport = asArray(slice.ports).find((x) => asString(x.name) === asString(sp.name));
      const n = Number(sliceport?.port ?? 0);
      return n
        ? asArray(slice.endpoints)
            .filter((x) => asObject(x.conditions).ready !== false)
            .map((x) => ({ ip: asString((x.addresses as unknown[])[0]), port: n }))
        : [];
    });
  };

  /**
   * An HTTP request for `host` to the ingress controller's Service, as
   * ingress-nginx answers it: its own pod must be reachable from the probe;
   * no rule for the host is a 404, a backend with no Ready endpoint a 503,
   * and the controller connects to the pods' own addresses (its namespace and
   * labels meet their NetworkPolicies): refused is a 502, dropped a 504.
   */
  const askIngress = (ip: string, port: number, host: string): string => {
    const ctrlSvc = store.list('services', { filter: (x) => asString(asObject(x.spec).clusterIP) === ip }).items[0];
    const ctrlEp = ctrlSvc ? readyEndpoints(ctrlSvc, String(port))[0] : undefined;
    if (!ctrlEp) return 'fail refused';
    const reach = connectPod(ctrlEp.ip, ctrlEp.port);
    if (reach !== 'ok') return reach;
    const ctrl = podAt(ctrlEp.ip) as KubeObject;
    const rule = store.list('ingresses.networking.k8s.io').items.flatMap((ing) =>
      asArray(asObject(ing.spec).rules)
        .filter((r) => asString(r.host) === host)
        .map((r) => ({ ing, backend: asObject(asObject(asArray(asObject(r.http).paths)[0]?.backend).service) })),
    )[0];
    if (!rule) return 'fail 404';
    const backend = store.get('services', rule.ing.metadata.namespace ?? '', asString(rule.backend.name));
    const bport = asObject(rule.backend.port);
    const eps = backend
      ? readyEndpoints(
          backend,
          bport.name !== undefined
            ? asString(bport.name)
            : typeof bport.number === 'number'
              ? String(bport.number)
              : '',
        )
      : [];
    if (eps.length === 0) return 'fail 503';
    const from: Party = { namespace: ctrl.metadata.namespace ?? '', labels: ctrl.metadata.labels ?? {}, ip: ctrlEp.ip };
    const tries = eps.map((e) => connectFrom(from, asString(asObject(ctrl.spec).nodeName), e.ip, e.port));
    if (tries.includes('ok')) return 'ok 200';
    return tries.includes('fail refused') ? 'fail 502' : 'fail 504';
  };

  const lines: string[] = [];
  const name = e.PROBE_NAME ?? '';
  if (name) {
    const host = hostOf(name);
    const parsed = clusterName(host);
    const dns = store
      .list('pods', { namespace: 'kube-system', filter: (p) => p.metadata.labels?.['k8s-app'] === 'kube-dns' })
      .items.filter(works);
    const dnsReachable = dns.some(
      (d) =>
        decide(policies(), { from: self, to: toPod(d), port: 53, protocol: 'UDP' }, nsLabels).allowed &&
        !cniBroken(asString(asObject(d.spec).nodeName)),
    );
    if (!dnsReachable || cniBroken(node)) lines.push(`dns ${name} fail timeout`);
    else if (!parsed) lines.push(`dns ${name} fail NXDOMAIN`);
    else {
      const svc = store.get('services', parsed.namespace ?? ns, parsed.service);
      const ip = asString(asObject(svc?.spec).clusterIP);
      if (!svc) lines.push(`dns ${name} fail NXDOMAIN`);
      else if (ip === 'None') {
        const slice = store.list('endpointslices.discovery.k8s.io', {
          namespace: svc.metadata.namespace ?? '',
          filter: (s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name,
        }).items[0];
        const first = asArray(slice?.endpoints).find((x) => asObject(x.conditions).ready !== false);
        lines.push(
          first ? `dns ${name} ok ${asString((first.addresses as unknown[])[0])}` : `dns ${name} fail NXDOMAIN`,
        );
      } else lines.push(`dns ${name} ok ${ip}`);
    }
  }
  const clusterIP = e.PROBE_CLUSTER_IP ?? '';
  const port = Number(e.PROBE_PORT ?? '0');
  if (clusterIP && port) {
    const proxy = podsOn(node).find((p) => p.metadata.labels?.['k8s-app'] === 'kube-proxy');
    // The node's rules in the mode kube-proxy's ConfigMap names: iptables-save, ipvsadm -Ln or nft's table.
    const config = store.get('configmaps', 'kube-system', 'kube-proxy');
    const mode = proxyModeOf(asString(asObject(config?.data)['config.conf']));
    const text = ctx.hostText?.(node, kubeProxyRulesCommand(mode, clusterIP).join(' '));
    let result: string;
    if (text === undefined && proxy && !works(proxy)) result = 'fail timeout';
    else {
      const read = text === undefined ? undefined : parseServiceRules(mode, text, clusterIP, port);
      // No rule in iptables-nft's view while it warns of iptables-legacy tables: the rules may be there, unseen,
      // so this text says nothing about the connection (as if not collected).
      const rules = read?.found === 'none' && legacyTablesWarning.test(text ?? '') ? undefined : read;
      if (rules && rules.found === 'none') result = 'fail timeout';
      else if (rules && rules.found === 'no-endpoints') result = 'fail refused';
      else {
        const dest = rules?.destinations[0];
        // No rules text for the node (not collected in a real scenario): a running kube-proxy sends the
        // ClusterIP to the Service's Ready endpoints, as it would on a real node.
        const svc = store.list('services', { filter: (x) => asString(asObject(x.spec).clusterIP) === clusterIP })
          .items[0];
        const viaEndpoints = !rules && svc ? readyEndpoints(svc, String(port))[0] : undefined;
        if (dest) {
          const i = dest.lastIndexOf(':');
          result = connectPod(dest.slice(0, i), Number(dest.slice(i + 1)));
        } else if (viaEndpoints) result = connectPod(viaEndpoints.ip, viaEndpoints.port);
        else result = 'fail refused';
      }
    }
    lines.push(`clusterip ${clusterIP}:${port} ${result}`);
  }
  const podIP = e.PROBE_POD_IP ?? '';
  const podPort = Number(e.PROBE_POD_PORT ?? '0');
  if (podIP && podPort) lines.push(`pod ${podIP}:${podPort} ${connectPod(podIP, podPort)}`);
  const ingressIP = e.PROBE_INGRESS_IP ?? '';
  const ingressPort = Number(e.PROBE_INGRESS_PORT ?? '0');
  const host = e.PROBE_HOST ?? '';
  if (ingressIP && ingressPort && host)
    lines.push(`ingress ${ingressIP}:${ingressPort}/${host} ${askIngress(ingressIP, ingressPort, host)}`);
  return lines;
}
