import type { KubeObject } from '../../types.js';
import { asArray, asNumber, asObject, asString, asStrings } from '../json.js';
import { ageColumn, column, nameColumn } from './columns.js';
import type { PrintedRow, TablePrinter } from './columns.js';
import { since } from '../../../kube/semantics/duration.js';
import { formatLabels } from './format.js';

/** The service printer of pkg/printers/internalversion/printers.go (printService). */
export const serviceTable: TablePrinter = {
  columns: [
    nameColumn,
    column('Type', 'type determines how the Service is exposed. Defaults to ClusterIP.'),
    column('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    column(
      'External-IP',
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
    ),
    column('Port(s)', 'The list of ports that are exposed by this service.'),
    ageColumn,
    column('Selector', 'Route service traffic to pods with label keys and values matching this selector.', {
      priority: 1,
    }),
  ],
  row: printService,
};

const loadBalancerWidth = 16;

function loadBalancerIngress(status: unknown, wide: boolean): string {
  const seen = new Set<string>();
  for (const i of asArray(asObject(asObject(status).loadBalancer).ingress)) {
    const v = asString(i.ip) || asString(i.hostname);
    if (v) seen.add(v);
  }
  const r = [...seen].sort().join(',');
  return !wide && r.length > loadBalancerWidth ? `${r.slice(0, loadBalancerWidth - 3)}...` : r;
}

/** getServiceExternalIP; the server always prints the wide form, so no clipping. */
function externalIP(svc: KubeObject): string {
  const spec = asObject(svc.spec);
  const externalIPs = asStrings(spec.externalIPs);
  switch (asString(spec.type) || 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(svc.status, true);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return asString(spec.externalName);
    default:
      return '<unknown>';
  }
}

function ports(svc: KubeObject): string {
  const text = asArray(asObject(svc.spec).ports)
    .map((p) => {
      const protocol = asString(p.protocol) || 'TCP';
      const nodePort = asNumber(p.nodePort);
      return nodePort > 0 ? `${asNumber(p.port)}:${nodePort}/${protocol}` : `${asNumber(p.port)}/${protocol}`;
    })
    .join(',');
  return text || '<none>';
}

function printService(svc: KubeObject, now: Date): PrintedRow {
  const spec = asObject(svc.spec);
  const clusterIP = asStrings(spec.clusterIPs)[0] || asString(spec.clusterIP) || '<none>';
  return {
    cells: [
      svc.metadata.name,
      asString(spec.type) || 'ClusterIP',
      clusterIP,
      externalIP(svc),
      ports(svc),
      since(svc.metadata.creationTimestamp, now),
      formatLabels(spec.selector),
    ],
  };
}
