import { z } from 'zod';
import { ageSeconds, formatAge } from '../format.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence } from '../types.js';
import type { V1CertificateSigningRequest } from '@kubernetes/client-node';

const outcomes = ['pending', 'none-pending'] as const;
type Outcome = (typeof outcomes)[number];

/** The signer of a kubelet's client certificate, the one it needs to post status. */
const clientSigner = 'kubernetes.io/kube-apiserver-client-kubelet';

/** Approved, Denied or Failed: a CSR with none of these is still waiting for someone to decide. */
function decided(csr: V1CertificateSigningRequest): boolean {
  return (csr.status?.conditions ?? []).some((c) => ['Approved', 'Denied', 'Failed'].includes(c.type));
}

export const nodeKubeletCsrs = defineCheck({
  id: 'node.kubelet-csrs',
  layer: 'node',
  title: 'Kubelet client certificate requests waiting for approval',
  why: 'A kubelet whose client certificate expired (a cluster powered off past its rotation, OpenShift after a long shutdown) asks for a new one with a CertificateSigningRequest and cannot post status until it is approved. Where nothing approves it automatically (OpenShift, a kubeadm cluster without the approver for that requestor), the CSR stays Pending and the node NotReady.',
  params: z.object({ name: z.string().min(1) }),
  outcomes,
  healthy: ['none-pending'],
  facts: [
    'pendingCsrs',
    'pendingCsrNames',
    'pendingCsrArgs',
    'pendingCsrRequestors',
    'oldestPendingCsrAge',
    'pendingCsrForNode',
  ],
  sets: {
    pending: ['pendingCsrs', 'pendingCsrNames', 'pendingCsrArgs', 'pendingCsrRequestors', 'oldestPendingCsrAge'],
  },
  command: () => `kubectl get csr --field-selector spec.signerName=${clientSigner}`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const all = await ctx.kube.listCertificateSigningRequests({
      fieldSelector: `spec.signerName=${clientSigner}`,
      maxItems: 500,
    });
    const now = ctx.now();
    const pending = all.filter((c) => c.spec.signerName === clientSigner && !decided(c));
    if (pending.length === 0) {
      return {
        outcome: 'none-pending',
        summary: `no kubelet client certificate request is waiting for approval (${all.length} read)`,
        evidence: [{ label: `CSRs for ${clientSigner}`, value: `${all.length}, none Pending` }],
        facts: { pendingCsrs: 0 },
      };
    }
    const age = (c: V1CertificateSigningRequest) => ageSeconds(c.metadata?.creationTimestamp, now) ?? 0;
    pending.sort((a, b) => age(b) - age(a));
    const requestors = [...new Set(pending.map((c) => c.spec.username ?? 'unknown'))];
    // A renewal the kubelet asks for with its own (still valid) identity names its node; a bootstrap request does not.
    const own = pending.filter((c) => c.spec.username === `system:node:${p.name}`).map((c) => c.metadata?.name ?? '');
    const evidence: Evidence[] = pending.slice(0, 5).map((c) => ({
      label: c.metadata?.name ?? '?',
      value: `Pending for ${formatAge(age(c))}, requested by ${c.spec.username ?? 'unknown'}`,
    }));
    if (pending.length > 5) evidence.push({ label: 'more', value: `${pending.length - 5} more Pending` });
    const oldest = formatAge(age(pending[0] as V1CertificateSigningRequest));
    return {
      outcome: 'pending',
      summary: `${pending.length} kubelet client certificate request${pending.length === 1 ? ' is' : 's are'} Pending, the oldest for ${oldest} (requested by ${requestors.join(', ')})${own.length > 0 ? `; ${own.join(', ')} ${own.length === 1 ? 'is' : 'are'} ${p.name}'s own` : ''}`,
      evidence,
      facts: {
        pendingCsrs: pending.length,
        pendingCsrNames: pending.map((c) => c.metadata?.name ?? '').join(', '),
        // For kubectl certificate approve, which takes the names as separate arguments.
        pendingCsrArgs: pending.map((c) => c.metadata?.name ?? '').join(' '),
        pendingCsrRequestors: requestors.join(', '),
        oldestPendingCsrAge: oldest,
        ...(own.length > 0 ? { pendingCsrForNode: own.join(', ') } : {}),
      },
    };
  },
});
