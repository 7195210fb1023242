import type { KubeObject } from '../../types.js';
import { asArray, asNumber, asString, asStrings } from '../json.js';
import { ageColumn, column, nameColumn } from './columns.js';
import type { PrintedRow, TablePrinter } from './columns.js';
import { since } from '../../../kube/semantics/duration.js';
import { listWithMore } from './format.js';

/** The endpoints printer of pkg/printers/internalversion/printers.go (printEndpoints, formatEndpoints). */
export const endpointsTable: TablePrinter = {
  columns: [
    nameColumn,
    column(
      'Endpoints',
      'The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share.',
    ),
    ageColumn,
  ],
  row: (ep: KubeObject, now: Date): PrintedRow => ({
    cells: [ep.metadata.name, formatEndpoints(ep), since(ep.metadata.creationTimestamp, now)],
  }),
};

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** `10.244.1.5:8080,10.244.2.3:8080 + 4 more...`; ready addresses only, `<none>` without subsets. */
export function formatEndpoints(ep: KubeObject): string {
  const subsets = asArray(ep.subsets);
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  let more = false;
  for (const ss of subsets) {
    const addresses = asArray(ss.addresses).map((a) => asString(a.ip));
    const ports = asArray(ss.ports);
    // A headless service may have no ports: addresses alone.
    const perPort = ports.length === 0 ? [undefined] : ports.map((p) => asNumber(p.port));
    for (const port of perPort) {
      count += addresses.length;
      for (const ip of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(port === undefined ? ip : hostPort(ip, port));
      }
    }
  }
  const text = list.join(',');
  return more ? `${text} + ${count - max} more...` : text;
}

/** The endpointslice printer (printEndpointSlice, formatDiscoveryPorts, formatDiscoveryEndpoints). */
export const endpointSliceTable: TablePrinter = {
  columns: [
    nameColumn,
    column('AddressType', 'addressType specifies the type of address carried by this EndpointSlice.'),
    column('Ports', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    column('Endpoints', 'endpoints is a list of unique endpoints in this slice.'),
    ageColumn,
  ],
  row: (slice: KubeObject, now: Date): PrintedRow => {
    const ports = asArray(slice.ports).map((p) =>
      typeof p.port === 'number' ? String(p.port) : asString(p.name) || '*',
    );
    const addresses = asArray(slice.endpoints).flatMap((e) => asStrings(e.addresses));
    return {
      cells: [
        slice.metadata.name,
        asString(slice.addressType),
        listWithMore(ports),
        listWithMore(addresses),
        since(slice.metadata.creationTimestamp, now),
      ],
    };
  },
};
