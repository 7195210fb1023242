import { describe, expect, it } from 'vitest';
import { startTestDrill } from '../../helpers/drill.js';

const bootstrapper = 'system:serviceaccount:openshift-machine-config-operator:node-bootstrapper';
const csr = (name: string, age: string, username: string, signerName: string, approved = false) => ({
  apiVersion: 'certificates.k8s.io/v1',
  kind: 'CertificateSigningRequest',
  metadata: { name, creationTimestamp: `now-${age}` },
  spec: { signerName, username, usages: ['digital signature', 'client auth'], request: '' },
  ...(approved ? { status: { conditions: [{ type: 'Approved', status: 'True', reason: 'AutoApproved' }] } } : {}),
});
const client = 'kubernetes.io/kube-apiserver-client-kubelet';

describe('node.kubelet-csrs on the drill cluster', () => {
  it("okd#285's oc get csr (four kubelet client CSRs from node-bootstrapper, Pending): pending, oldest first, the requestor named", async () => {
    const t = await startTestDrill({
      cluster: {
        nodes: [{ name: 'worker0.ocp4.example.com', ready: 'Unknown', heartbeatAgeSeconds: 604800 }] as never,
      },
      objects: [
        csr('csr-fd8gx', '23m', bootstrapper, client),
        csr('csr-fqq6s', '14m', bootstrapper, client),
        csr('csr-k55sq', '7m49s', bootstrapper, client),
        csr('csr-tqbch', '14m', bootstrapper, client),
      ] as never,
    });
    try {
      const r = await t.check('node.kubelet-csrs', { name: 'worker0.ocp4.example.com' });
      expect(r.outcome).toBe('pending');
      expect(r.facts).toMatchObject({
        pendingCsrs: 4,
        pendingCsrNames: 'csr-fd8gx, csr-fqq6s, csr-tqbch, csr-k55sq',
        pendingCsrRequestors: bootstrapper,
        oldestPendingCsrAge: '23m',
      });
      // A bootstrap request does not name its node: none is said to be this node's.
      expect(r.facts.pendingCsrForNode).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it("a renewal made with the node's own identity is named as that node's; approved and serving CSRs are not waiting", async () => {
    const t = await startTestDrill({
      cluster: { nodes: [{ name: 'worker-2', ready: 'Unknown', heartbeatAgeSeconds: 600 }] as never },
      objects: [
        csr('csr-own', '5m', 'system:node:worker-2', client),
        csr('csr-done', '50m', 'system:node:worker-1', client, true),
        csr('csr-serving', '5m', 'system:node:worker-2', 'kubernetes.io/kubelet-serving'),
      ] as never,
    });
    try {
      const r = await t.check('node.kubelet-csrs', { name: 'worker-2' });
      expect(r.outcome).toBe('pending');
      expect(r.facts).toMatchObject({ pendingCsrs: 1, pendingCsrNames: 'csr-own', pendingCsrForNode: 'csr-own' });
      expect(r.summary).toContain("csr-own is worker-2's own");
    } finally {
      await t.close();
    }
  });

  it('none Pending: healthy', async () => {
    const t = await startTestDrill({
      cluster: { nodes: [{ name: 'worker-1' }] as never },
      objects: [csr('csr-done', '50m', 'system:node:worker-1', client, true)] as never,
    });
    try {
      const r = await t.check('node.kubelet-csrs', { name: 'worker-1' });
      expect(r.outcome).toBe('none-pending');
      expect(r.summary).toBe('no kubelet client certificate request is waiting for approval (1 read)');
    } finally {
      await t.close();
    }
  });
});
