import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

describe('node.heartbeat-lease on the drill cluster', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: {
        nodes: [
          { name: 'worker-1' },
          {
            name: 'worker-2',
            ready: 'False',
            readyReason: 'KubeletNotReady',
            readyMessage:
              'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
          },
          { name: 'worker-3', ready: 'Unknown', heartbeatAgeSeconds: 1260 },
          { name: 'worker-4', heartbeatAgeSeconds: 900 },
        ] as never,
      },
      objects: [
        // worker-4's kubelet renews its Lease but its status updates fail.
        {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: {
            name: 'worker-4',
            namespace: 'kube-node-lease',
            creationTimestamp: 'now-30d',
            ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'worker-4', uid: 'a1' }],
          },
          spec: { holderIdentity: 'worker-4', leaseDurationSeconds: 40, renewTime: 'now-4s' },
        },
        // A node registered without a Lease (written out, as `kubectl get node -o yaml` prints it).
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: {
            name: 'legacy-1',
            creationTimestamp: 'now-400d',
            labels: { 'kubernetes.io/hostname': 'legacy-1' },
          },
          spec: {},
          status: {
            conditions: [
              {
                type: 'Ready',
                status: 'True',
                reason: 'KubeletReady',
                message: 'kubelet is posting ready status',
                lastHeartbeatTime: 'now-20s',
                lastTransitionTime: 'now-400d',
              },
            ],
          },
        },
      ] as never,
    });
  });
  afterAll(() => t.close());

  it.each([
    [
      'worker-1',
      'fresh',
      'the kubelet on worker-1 renewed its Lease 10s ago (allowed 40s)',
      {
        leaseAgeSeconds: 10,
        leaseDurationSeconds: 40,
        leaseHolder: 'worker-1',
        heartbeatAgeSeconds: 10,
        nodeReady: 'True',
      },
    ],
    [
      'worker-2',
      'fresh',
      'the kubelet on worker-2 renewed its Lease 10s ago (allowed 40s); Ready is False, so the kubelet is alive and reporting a problem',
      { nodeReady: 'False' },
    ],
    [
      'worker-3',
      'stale',
      'the kubelet on worker-3 last renewed its Lease 21m ago (allowed 40s): it is down, hung, or cannot reach the API server',
      { leaseAgeSeconds: 1260, heartbeatAgeSeconds: 1260, nodeReady: 'Unknown' },
    ],
    [
      'worker-4',
      'fresh',
      'the kubelet on worker-4 renewed its Lease 4s ago (allowed 40s); but node status was last posted 15m ago: the kubelet renews its Lease yet fails to update status',
      { leaseAgeSeconds: 4, heartbeatAgeSeconds: 900 },
    ],
    [
      'legacy-1',
      'missing',
      'node legacy-1 has no Lease in kube-node-lease: its kubelet never registered a heartbeat (or the Lease was deleted), so only node status shows it is alive',
      { heartbeatAgeSeconds: 20 },
    ],
    ['worker-9', 'not-found', 'node worker-9 does not exist, and neither does its Lease', {}],
  ])('%s → %s', async (name, outcome, summary, facts) => {
    const r = await t.check('node.heartbeat-lease', { name });
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toBe(summary);
    expect(r.facts).toMatchObject(facts);
  });

  it('shows the Lease and the Ready heartbeat side by side, with the command', async () => {
    const r = await t.check('node.heartbeat-lease', { name: 'worker-3' });
    expect(r.evidence).toEqual([
      { label: 'Lease kube-node-lease/worker-3', value: 'holder worker-3, renewed 21m ago, duration 40s' },
      { label: 'Ready', value: 'Unknown (NodeStatusUnknown), status posted 21m ago' },
    ]);
    expect(r.facts.leaseRenewTime).toBe(new Date(t.now.getTime() - 1_260_000).toISOString());
    expect(r.command).toBe(
      `kubectl get lease worker-3 -n kube-node-lease -o jsonpath='{.spec.holderIdentity} {.spec.renewTime}{"\\n"}' && kubectl get node worker-3`,
    );
  });
});
