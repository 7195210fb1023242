import type { KubeObject } from '../../types.js';
import { asArray, asObject, asString } from '../json.js';
import { ageColumn, column, nameColumn } from './columns.js';
import type { PrintedRow, TablePrinter } from './columns.js';
import { since } from '../../../kube/semantics/duration.js';
import { formatLabelSelector } from './format.js';

/** formatHosts: rule hosts, `*` for a rule without one, three then `+ N more...`. */
function formatHosts(rules: unknown): string {
  const hosts = asArray(rules).map((r) => asString(r.host) || '*');
  if (hosts.length === 0) return '*';
  const shown = hosts.slice(0, 3).join(',');
  return hosts.length > 3 ? `${shown} + ${hosts.length - 3} more...` : shown;
}

/** ingressLoadBalancerStatusStringer in its wide form (the server always prints wide). */
function ingressAddress(status: unknown): string {
  return asArray(asObject(asObject(status).loadBalancer).ingress)
    .map((i) => asString(i.ip) || asString(i.hostname))
    .filter((v) => v !== '')
    .join(',');
}

/** The ingress printer of pkg/printers/internalversion/printers.go (printIngress). */
export const ingressTable: TablePrinter = {
  columns: [
    nameColumn,
    column('Class', 'The name of the IngressClass resource that should be used for additional configuration'),
    column('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'Ports of TLS configurations that open'),
    ageColumn,
  ],
  row: (ing: KubeObject, now: Date): PrintedRow => {
    const spec = asObject(ing.spec);
    const className = typeof spec.ingressClassName === 'string' ? spec.ingressClassName : '<none>';
    const ports = asArray(spec.tls).length > 0 ? '80, 443' : '80';
    return {
      cells: [
        ing.metadata.name,
        className,
        formatHosts(spec.rules),
        ingressAddress(ing.status),
        ports,
        since(ing.metadata.creationTimestamp, now),
      ],
    };
  },
};

/** printIngressClass: the parameters as `Kind.group/name`, `<none>` without. */
export const ingressClassTable: TablePrinter = {
  columns: [
    nameColumn,
    column('Controller', 'Controller that is responsible for handling this class'),
    column('Parameters', 'A reference to a resource with additional parameters'),
    ageColumn,
  ],
  row: (ic: KubeObject, now: Date): PrintedRow => {
    const spec = asObject(ic.spec);
    const p = spec.parameters === undefined || spec.parameters === null ? undefined : asObject(spec.parameters);
    const parameters = p
      ? `${asString(p.kind)}${typeof p.apiGroup === 'string' ? `.${p.apiGroup}` : ''}/${asString(p.name)}`
      : '<none>';
    return {
      cells: [ic.metadata.name, asString(spec.controller), parameters, since(ic.metadata.creationTimestamp, now)],
    };
  },
};

/** printNetworkPolicy: the pod selector as metav1.FormatLabelSelector writes it. */
export const networkPolicyTable: TablePrinter = {
  columns: [nameColumn, column('Pod-Selector', 'Pod selector of the network policy'), ageColumn],
  row: (np: KubeObject, now: Date): PrintedRow => ({
    cells: [
      np.metadata.name,
      formatLabelSelector(asObject(np.spec).podSelector),
      since(np.metadata.creationTimestamp, now),
    ],
  }),
};
