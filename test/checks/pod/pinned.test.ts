import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pod, startTestDrill } from '../../helpers/drill.js';

const pending = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastTransitionTime: 'now-10m' }] };
const mysql = (spec: Record<string, unknown>) => pod('mysql-0', 'db', spec, pending);

async function run(nodes: Record<string, unknown>[], objects: Record<string, unknown>[], params = { namespace: 'db', name: 'mysql-0' }, api?: Record<string, unknown>) {
  const t = await startTestDrill({ cluster: { nodes } as never, objects: objects as never, ...(api ? { api: api as never } : {}) });
  try {
    return await t.check('pod.pinned', params);
  } finally {
    await t.close();
  }
}

const workers = [{ name: 'worker-1' }, { name: 'worker-2', labels: { disktype: 'ssd' } }, { name: 'worker-3', labels: { disktype: 'ssd' }, ready: 'Unknown', heartbeatAgeSeconds: 900 }];

describe('pod.pinned on the drill cluster', () => {
  it('not-pinned: no nodeSelector, no required affinity (the incident\'s first hypothesis, eliminated)', async () => {
    const r = await run(workers, [mysql({ nodeName: 'worker-1' })]);
    expect(r.outcome).toBe('not-pinned');
    expect(r.summary).toBe('pod mysql-0 has no nodeSelector and no required node affinity: it is not pinned (it was placed on worker-1), so the cause is not its placement rules');
    expect(r.facts).toEqual({ pinned: false, nodeName: 'worker-1', tolerations: '' });
  });

  it('static-pod: a control-plane static pod is its node\'s own, never judged by the control-plane taint', async () => {
    // The mirror pod as kubectl describe showed it in
    // https://github.com/kodekloudhub/certified-kubernetes-administrator-course/issues/150 (1.28.6):
    // annotation kubernetes.io/config.mirror, Controlled By: Node/kubemaster.
    const staticPod = {
      ...pod('kube-controller-manager-kubemaster', 'kube-system', { nodeName: 'kubemaster', nodeSelector: { 'kubernetes.io/hostname': 'kubemaster' }, tolerations: [{ operator: 'Exists', effect: 'NoExecute' }] }, { phase: 'Running' }),
      metadata: {
        name: 'kube-controller-manager-kubemaster',
        namespace: 'kube-system',
        labels: { component: 'kube-controller-manager', tier: 'control-plane' },
        annotations: { 'kubernetes.io/config.mirror': '2db9bd12f78f5220150a5d8d383647fc', 'kubernetes.io/config.source': 'file' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'kubemaster', uid: '00000000-0000-0000-0000-000000000150', controller: true }],
      },
    };
    const r = await run([{ name: 'kubemaster', role: 'control-plane' }, { name: 'kubenode01' }], [staticPod], { namespace: 'kube-system', name: 'kube-controller-manager-kubemaster' });
    expect(r.outcome).toBe('static-pod');
    expect(r.summary).toBe('pod kube-controller-manager-kubemaster is a static pod of node kubemaster: its kubelet runs it from a manifest, so only that node can run it and taints do not apply');
    expect(r.evidence).toContainEqual({ label: 'static pod', value: 'annotation kubernetes.io/config.mirror: 2db9bd12f78f5220150a5d8d383647fc' });
  });

  it('satisfiable: one Ready node carries the selected label, one is down', async () => {
    const r = await run(workers, [mysql({ nodeSelector: { disktype: 'ssd' } })]);
    expect(r.outcome).toBe('satisfiable');
    expect(r.summary).toBe('pod mysql-0 is pinned (nodeSelector disktype=ssd), and 1 Ready, schedulable node satisfies it (worker-2)');
    expect(r.facts).toMatchObject({ pinned: true, nodeSelector: 'disktype=ssd', matchingNodes: 2, readyMatchingNodes: 'worker-2' });
  });

  it('matching-nodes-not-ready: pinned to the node that went down', async () => {
    const r = await run(workers, [mysql({ nodeSelector: { 'kubernetes.io/hostname': 'worker-3' } })]);
    expect(r.outcome).toBe('matching-nodes-not-ready');
    expect(r.evidence).toContainEqual({ label: 'node worker-3', value: 'Ready=Unknown' });
  });

  it('matching-nodes-unschedulable: cordoned or tainted without a toleration; a toleration makes it satisfiable', async () => {
    const nodes = [{ name: 'gpu-1', labels: { accelerator: 'nvidia' }, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] }, { name: 'gpu-2', labels: { accelerator: 'nvidia' }, unschedulable: true }];
    const r = await run(nodes, [mysql({ nodeSelector: { accelerator: 'nvidia' } })]);
    expect(r.outcome).toBe('matching-nodes-unschedulable');
    expect(r.evidence).toContainEqual({ label: 'node gpu-1', value: 'untolerated taints nvidia.com/gpu=present:NoSchedule' });
    expect(r.evidence).toContainEqual({ label: 'node gpu-2', value: 'cordoned (unschedulable)' });
    const tolerated = await run(nodes, [mysql({ nodeSelector: { accelerator: 'nvidia' }, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] })]);
    expect(tolerated.outcome).toBe('satisfiable');
    expect(tolerated.facts).toMatchObject({ readyMatchingNodes: 'gpu-1', tolerations: 'nvidia.com/gpu:NoSchedule' });
  });

  it('no-matching-node: a real Pending pod pasted from a public issue, on a cluster without its zone', async () => {
    const pasted = parse(readFileSync(new URL('../cluster/fixtures/pod-pending-required-affinity.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;
    const params = { namespace: 'openshift-adp-2', name: 'test-backup4-rltpk' };
    const r = await run(workers, [pasted], params);
    expect(r.outcome).toBe('no-matching-node');
    expect(r.facts.requiredAffinity).toBe('topology.gke.io/zone In (us-central1-c), foo In (bar), kubernetes.io/os NotIn (windows)');
    expect(r.summary).toBe('no node has the labels pod test-backup4-rltpk requires (its required node affinity): it cannot be scheduled anywhere until a node is labelled or the rule is changed');
    // The same pod on a cluster that has such a node.
    const zoned = await run([...workers, { name: 'worker-4', labels: { 'topology.gke.io/zone': 'us-central1-c', foo: 'bar' } }], [pasted], params);
    expect(zoned.outcome).toBe('satisfiable');
    expect(zoned.facts.readyMatchingNodes).toBe('worker-4');
  });

  it('not-found, and forbidden when nodes may not be listed', async () => {
    expect((await run(workers, [])).outcome).toBe('not-found');
    const r = await run(workers, [mysql({ nodeSelector: { disktype: 'ssd' } })], undefined, { denials: [{ verb: 'list', resource: 'nodes' }] });
    expect(r.facts.errorKind).toBe('forbidden');
    expect(r.summary).toContain('cannot list resource "nodes" in API group "" at the cluster scope');
  });
});
