import { createHash } from 'node:crypto';
import type { KubeObject } from '../types.js';
import { base32, ipvsDestination } from './healthy.js';
import type { Json } from '../apiserver/json.js';

const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** The endpoints kube-proxy would program for one Service port: ready addresses and their port. */
export interface ProgrammedPort {
  namespace: string;
  service: string;
  portName: string;
  protocol: string;
  clusterIP: string;
  port: number;
  endpoints: { ip: string; port: number }[];
}

/** What kube-proxy programs from the Services and EndpointSlices: every ClusterIP port with its ready endpoints (headless and ExternalName Services get none). */
export function programmedPorts(objects: readonly KubeObject[]): ProgrammedPort[] {
  const slices = new Map<string, KubeObject[]>();
  for (const o of objects) {
    if (o.kind !== 'EndpointSlice') continue;
    const key = `${o.metadata.namespace ?? ''}/${o.metadata.labels?.['kubernetes.io/service-name'] ?? ''}`;
    slices.set(key, [...(slices.get(key) ?? []), o]);
  }
  const out: ProgrammedPort[] = [];
  for (const svc of objects) {
    if (svc.kind !== 'Service') continue;
    const spec = obj(svc.spec);
    const clusterIP = str(spec.clusterIP);
    if (!clusterIP || clusterIP === 'None' || str(spec.type) === 'ExternalName') continue;
    const ns = svc.metadata.namespace ?? '';
    // The kubernetes Service's rules are written by healthyIptables itself.
    if (ns === 'default' && svc.metadata.name === 'kubernetes') continue;
    for (const sp of arr(spec.ports)) {
      const portName = str(sp.name);
      const protocol = str(sp.protocol) || 'TCP';
      const endpoints: { ip: string; port: number }[] = [];
      for (const slice of slices.get(`${ns}/${svc.metadata.name}`) ?? []) {
        const port = arr(slice.ports).find((p) => str(p.name) === portName && (str(p.protocol) || 'TCP') === protocol);
        if (!port || typeof port.port !== 'number') continue;
        for (const e of arr(slice.endpoints))
          if (obj(e.conditions).ready !== false)
            for (const a of Array.isArray(e.addresses) ? e.addresses : [])
              endpoints.push({ ip: str(a), port: port.port });
      }
      out.push({
        namespace: ns,
        service: svc.metadata.name,
        portName,
        protocol,
        clusterIP,
        port: typeof sp.port === 'number' ? sp.port : 0,
        endpoints,
      });
    }
  }
  return out;
}

const chainHash = (s: string): string => base32(createHash('sha256').update(s).digest()).slice(0, 16);

/**
 * kube-proxy 1.31's iptables rules for those ports (and its IPVS mode's virtual servers), as iptables-save prints
 * them: the nat table's KUBE-SERVICES jump, KUBE-SVC chain and one KUBE-SEP
 * per endpoint; the filter table's REJECT for a port without endpoints.
 */
export function kubeProxyRules(
  ports: readonly ProgrammedPort[],
  clusterCidr = '10.244.0.0/16',
): { natChains: string[]; nat: string[]; filter: string[]; ipvs: string[] } {
  const natChains: string[] = [];
  const nat: string[] = [];
  const filter: string[] = [];
  const ipvs: string[] = [];
  for (const p of ports) {
    // The same ports as kube-proxy's IPVS mode would program them (ipvsadm -Ln): a virtual server, its real servers.
    ipvs.push(
      `${p.protocol.toUpperCase()}  ${p.clusterIP}:${p.port} rr`,
      ...p.endpoints.map((e) => ipvsDestination(e.ip, e.port)),
    );
    const name = `${p.namespace}/${p.service}${p.portName ? `:${p.portName}` : ''}`;
    const proto = p.protocol.toLowerCase();
    if (p.endpoints.length === 0) {
      filter.push(
        `-A KUBE-SERVICES -d ${p.clusterIP}/32 -p ${proto} -m comment --comment "${name} has no endpoints" -m ${proto} --dport ${p.port} -j REJECT --reject-with icmp-port-unreachable`,
      );
      continue;
    }
    const svc = `KUBE-SVC-${chainHash(`${p.namespace}/${p.service}:${p.portName}${proto}`)}`;
    natChains.push(svc);
    nat.push(
      `-A KUBE-SERVICES -d ${p.clusterIP}/32 -p ${proto} -m comment --comment "${name} cluster IP" -m ${proto} --dport ${p.port} -j ${svc}`,
    );
    nat.push(
      `-A ${svc} ! -s ${clusterCidr} -d ${p.clusterIP}/32 -p ${proto} -m comment --comment "${name} cluster IP" -m ${proto} --dport ${p.port} -j KUBE-MARK-MASQ`,
    );
    p.endpoints.forEach((e, i) => {
      const sep = `KUBE-SEP-${chainHash(`${p.namespace}/${p.service}:${p.portName}${proto}${e.ip}:${e.port}`)}`;
      natChains.push(sep);
      const left = p.endpoints.length - i;
      const prob = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(11)}` : '';
      nat.push(`-A ${svc} -m comment --comment "${name} -> ${e.ip}:${e.port}"${prob} -j ${sep}`);
      nat.push(`-A ${sep} -s ${e.ip}/32 -m comment --comment "${name}" -j KUBE-MARK-MASQ`);
      nat.push(
        `-A ${sep} -p ${proto} -m comment --comment "${name}" -m ${proto} -j DNAT --to-destination ${e.ip}:${e.port}`,
      );
    });
  }
  return { natChains, nat, filter, ipvs };
}
