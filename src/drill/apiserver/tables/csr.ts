import type { KubeObject } from '../../types.js';
import { asNumber, asObject, asString } from '../json.js';
import { ageColumn, column, nameColumn } from './columns.js';
import type { TablePrinter } from './columns.js';
import { since } from '../../../kube/semantics/duration.js';

/** The CONDITION column of printCertificateSigningRequest: Approved/Denied/Failed as set, then Issued; Pending when none. */
export function csrCondition(csr: KubeObject): string {
  const status = asObject(csr.status);
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  const types = conditions.map((c) => asString(asObject(c).type)).filter((t) => t !== '');
  const approved = types.includes('Approved');
  const denied = types.includes('Denied');
  const failed = types.includes('Failed');
  const out = [approved ? 'Approved' : '', denied ? 'Denied' : '', failed ? 'Failed' : ''].filter(Boolean);
  if (asString(status.certificate) !== '') out.push('Issued');
  return out.length === 0 ? 'Pending' : out.join(',');
}

/** kubectl's human duration of spec.expirationSeconds, <none> when unset. */
function requestedDuration(csr: KubeObject): string {
  const seconds = asNumber(asObject(csr.spec).expirationSeconds);
  if (seconds <= 0) return '<none>';
  return seconds % 3600 === 0 ? `${seconds / 3600}h` : seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

/** The CSR printer of pkg/printers/internalversion/printers.go (printCertificateSigningRequest). */
export const csrTable: TablePrinter = {
  columns: [
    nameColumn,
    ageColumn,
    column('SignerName', 'The signer the request is for.'),
    column('Requestor', 'Name of user that requested the certificate.'),
    column('RequestedDuration', 'The requested lifetime of the certificate.'),
    column('Condition', 'The condition of the certificate.'),
  ],
  row: (csr: KubeObject, now: Date) => {
    const spec = asObject(csr.spec);
    return {
      cells: [
        csr.metadata.name,
        since(csr.metadata.creationTimestamp, now),
        asString(spec.signerName),
        asString(spec.username),
        requestedDuration(csr),
        csrCondition(csr),
      ],
    };
  },
};
