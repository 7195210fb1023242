import type { KubeObject } from '../../types.js';
import { asArray, asObject, asString } from '../json.js';
import { ageColumn, column, nameColumn } from './columns.js';
import type { PrintedRow, TablePrinter } from './columns.js';
import { since } from '../../../kube/semantics/duration.js';

const rolePrefix = 'node-role.kubernetes.io/';
const legacyRoleLabel = 'kubernetes.io/role';

/** The node printer of pkg/printers/internalversion/printers.go (printNode). */
export const nodeTable: TablePrinter = {
  columns: [
    nameColumn,
    column('Status', 'The status of the node'),
    column('Roles', 'The roles of the node'),
    ageColumn,
    column('Version', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'List of addresses reachable to the node.', { priority: 1 }),
    column('External-IP', 'List of addresses reachable to the node.', { priority: 1 }),
    column('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', {
      priority: 1,
    }),
    column('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", {
      priority: 1,
    }),
    column(
      'Container-Runtime',
      'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
      { priority: 1 },
    ),
  ],
  row: printNode,
};

/** STATUS: Ready / NotReady / Unknown (no Ready condition), then `,SchedulingDisabled` when cordoned. */
export function nodeStatus(node: KubeObject): string {
  const ready = asArray(asObject(node.status).conditions).find((c) => asString(c.type) === 'Ready');
  const parts = [ready === undefined ? 'Unknown' : asString(ready.status) === 'True' ? 'Ready' : 'NotReady'];
  if (asObject(node.spec).unschedulable === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** ROLES from `node-role.kubernetes.io/<role>` and `kubernetes.io/role=<role>`, sorted and de-duplicated. */
export function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
    if (key.startsWith(rolePrefix)) {
      const role = key.slice(rolePrefix.length);
      if (role) roles.add(role);
    } else if (key === legacyRoleLabel && value) {
      roles.add(value);
    }
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

function address(node: KubeObject, type: string): string {
  return asString(asArray(asObject(node.status).addresses).find((a) => asString(a.type) === type)?.address) || '<none>';
}

function printNode(node: KubeObject, now: Date): PrintedRow {
  const info = asObject(asObject(node.status).nodeInfo);
  return {
    cells: [
      node.metadata.name,
      nodeStatus(node),
      nodeRoles(node),
      since(node.metadata.creationTimestamp, now),
      asString(info.kubeletVersion),
      address(node, 'InternalIP'),
      address(node, 'ExternalIP'),
      asString(info.osImage) || '<unknown>',
      asString(info.kernelVersion) || '<unknown>',
      asString(info.containerRuntimeVersion) || '<unknown>',
    ],
  };
}
