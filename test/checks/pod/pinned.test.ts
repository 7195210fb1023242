import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pod, startTestDrill } from '../../helpers/drill.js';
import { kubectlAvailable, runKubectl } from '../../helpers/kubectl.js';

const pending = {
  phase: 'Pending',
  conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastTransitionTime: 'now-10m' }],
};
const mysql = (spec: Record<string, unknown>) => pod('mysql-0', 'db', spec, pending);

async function run(
  nodes: Record<string, unknown>[],
  objects: Record<string, unknown>[],
  params = { namespace: 'db', name: 'mysql-0' },
  api?: Record<string, unknown>,
) {
  const t = await startTestDrill({
    cluster: { nodes } as never,
    objects: objects as never,
    ...(api ? { api: api as never } : {}),
  });
  try {
    return await t.check('pod.pinned', params);
  } finally {
    await t.close();
  }
}

const workers = [
  { name: 'worker-1' },
  { name: 'worker-2', labels: { disktype: 'ssd' } },
  { name: 'worker-3', labels: { disktype: 'ssd' }, ready: 'Unknown', heartbeatAgeSeconds: 900 },
];

describe('pod.pinned on the drill cluster', () => {
  it("not-pinned: no nodeSelector, no required affinity (the incident's first hypothesis, eliminated)", async () => {
    const r = await run(workers, [mysql({ nodeName: 'worker-1' })]);
    expect(r.outcome).toBe('not-pinned');
    expect(r.summary).toBe(
      'pod mysql-0 has no nodeSelector and no required node affinity: it is not pinned (it was placed on worker-1), so the cause is not its placement rules',
    );
    expect(r.facts).toEqual({ pinned: false, nodeName: 'worker-1', tolerations: '' });
  });

  it("static-pod: a control-plane static pod is its node's own, never judged by the control-plane taint", async () => {
    // The mirror pod as kubectl describe showed it in
    // https://github.com/kodekloudhub/certified-kubernetes-administrator-course/issues/150 (1.28.6):
    // annotation kubernetes.io/config.mirror, Controlled By: Node/kubemaster.
    const staticPod = {
      ...pod(
        'kube-controller-manager-kubemaster',
        'kube-system',
        {
          nodeName: 'kubemaster',
          nodeSelector: { 'kubernetes.io/hostname': 'kubemaster' },
          tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
        },
        { phase: 'Running' },
      ),
      metadata: {
        name: 'kube-controller-manager-kubemaster',
        namespace: 'kube-system',
        labels: { component: 'kube-controller-manager', tier: 'control-plane' },
        annotations: {
          'kubernetes.io/config.mirror': '2db9bd12f78f5220150a5d8d383647fc',
          'kubernetes.io/config.source': 'file',
        },
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'Node',
            name: 'kubemaster',
            uid: '00000000-0000-0000-0000-000000000150',
            controller: true,
          },
        ],
      },
    };
    const r = await run([{ name: 'kubemaster', role: 'control-plane' }, { name: 'kubenode01' }], [staticPod], {
      namespace: 'kube-system',
      name: 'kube-controller-manager-kubemaster',
    });
    expect(r.outcome).toBe('static-pod');
    expect(r.summary).toBe(
      'pod kube-controller-manager-kubemaster is a static pod of node kubemaster: its kubelet runs it from a manifest, so only that node can run it and taints do not apply',
    );
    expect(r.evidence).toContainEqual({
      label: 'static pod',
      value: 'annotation kubernetes.io/config.mirror: 2db9bd12f78f5220150a5d8d383647fc',
    });
  });

  it('satisfiable: one Ready node carries the selected label, one is down', async () => {
    const r = await run(workers, [mysql({ nodeSelector: { disktype: 'ssd' } })]);
    expect(r.outcome).toBe('satisfiable');
    expect(r.summary).toBe(
      'pod mysql-0 is pinned (nodeSelector disktype=ssd), and 1 Ready, schedulable node satisfies it (worker-2)',
    );
    expect(r.facts).toMatchObject({
      pinned: true,
      nodeSelector: 'disktype=ssd',
      matchingNodes: 2,
      readyMatchingNodes: 'worker-2',
    });
  });

  it('matching-nodes-not-ready: pinned to the node that went down', async () => {
    const r = await run(workers, [mysql({ nodeSelector: { 'kubernetes.io/hostname': 'worker-3' } })]);
    expect(r.outcome).toBe('matching-nodes-not-ready');
    expect(r.evidence).toContainEqual({ label: 'node worker-3', value: 'Ready=Unknown' });
  });

  it('matching-nodes-unschedulable: cordoned or tainted without a toleration; a toleration makes it satisfiable', async () => {
    const nodes = [
      {
        name: 'gpu-1',
        labels: { accelerator: 'nvidia' },
        taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
      },
      { name: 'gpu-2', labels: { accelerator: 'nvidia' }, unschedulable: true },
    ];
    const r = await run(nodes, [mysql({ nodeSelector: { accelerator: 'nvidia' } })]);
    expect(r.outcome).toBe('matching-nodes-unschedulable');
    expect(r.evidence).toContainEqual({
      label: 'node gpu-1',
      value: 'untolerated taints nvidia.com/gpu=present:NoSchedule',
    });
    expect(r.evidence).toContainEqual({ label: 'node gpu-2', value: 'cordoned (unschedulable)' });
    const tolerated = await run(nodes, [
      mysql({
        nodeSelector: { accelerator: 'nvidia' },
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      }),
    ]);
    expect(tolerated.outcome).toBe('satisfiable');
    expect(tolerated.facts).toMatchObject({ readyMatchingNodes: 'gpu-1', tolerations: 'nvidia.com/gpu:NoSchedule' });
  });

  it('no-matching-node: a real Pending pod pasted from a public issue, on a cluster without its zone', async () => {
    const pasted = parse(
      readFileSync(new URL('../cluster/fixtures/pod-pending-required-affinity.yaml', import.meta.url), 'utf8'),
    ) as Record<string, unknown>;
    const params = { namespace: 'openshift-adp-2', name: 'test-backup4-rltpk' };
    const r = await run(workers, [pasted], params);
    expect(r.outcome).toBe('no-matching-node');
    expect(r.facts.requiredAffinity).toBe(
      'topology.gke.io/zone In (us-central1-c), foo In (bar), kubernetes.io/os NotIn (windows)',
    );
    expect(r.summary).toBe(
      'no node has the labels pod test-backup4-rltpk requires (its required node affinity): it cannot be scheduled anywhere until a node is labelled or the rule is changed',
    );
    // The same pod on a cluster that has such a node.
    const zoned = await run(
      [...workers, { name: 'worker-4', labels: { 'topology.gke.io/zone': 'us-central1-c', foo: 'bar' } }],
      [pasted],
      params,
    );
    expect(zoned.outcome).toBe('satisfiable');
    expect(zoned.facts.readyMatchingNodes).toBe('worker-4');
  });

  it('not-found, and forbidden when nodes may not be listed', async () => {
    expect((await run(workers, [])).outcome).toBe('not-found');
    const r = await run(workers, [mysql({ nodeSelector: { disktype: 'ssd' } })], undefined, {
      denials: [{ verb: 'list', resource: 'nodes' }],
    });
    expect(r.facts.errorKind).toBe('forbidden');
    expect(r.summary).toContain('cannot list resource "nodes" in API group "" at the cluster scope');
  });
});

// A cluster with more nodes than one page (500): what a check may conclude from one page, and what it must not.
describe('pod.pinned on 600 nodes', () => {
  const big = {
    generate: { controlPlanes: 1, workers: 600, podsPerWorker: 0, addons: false },
    nodes: [{ name: 'worker-599', ready: 'Unknown', heartbeatAgeSeconds: 900 }],
  };

  async function runBig(spec: Record<string, unknown>) {
    const t = await startTestDrill({ cluster: big as never, objects: [mysql(spec)] as never });
    try {
      const before = t.kube.apiStats.requests;
      const r = await t.check('pod.pinned', { namespace: 'db', name: 'mysql-0' });
      return { r, requests: t.kube.apiStats.requests - before, t };
    } finally {
      await t.close();
    }
  }

  it('a selector every node matches: one page shows usable nodes, and the count says more than a page match (it said 500)', async () => {
    const { r, requests } = await runBig({ nodeSelector: { 'kubernetes.io/os': 'linux' } });
    expect(r.outcome).toBe('satisfiable');
    expect(r.facts.matchingNodes).toBe('more than 500');
    expect(r.summary).toMatch(
      /^pod mysql-0 is pinned \(nodeSelector kubernetes\.io\/os=linux\), and Ready, schedulable nodes satisfy it \(worker-1, worker-10, .*, …\): \d+ of the first 500 matching nodes read, and more match$/,
    );
    expect(r.evidence.find((e) => e.label === 'nodes matching')?.value).toMatch(/^more than 500 \(/);
    // The pod, then one page of nodes: the same on 6 nodes or 5,000.
    expect(requests).toBe(2);
  });

  it('matchFields metadata.name (as the DaemonSet controller pins its pods) is asked of the server, past the first page', async () => {
    // The term the DaemonSet controller writes into each daemon pod, as shown in
    // https://docs.okd.io/4.15/nodes/jobs/nodes-pods-daemonsets.html ("adding the NodeAffinity term to the
    // daemon set pods, instead of the spec.nodeName term"):
    //   nodeSelectorTerms:
    //   - matchFields:
    //     - key: metadata.name
    //       operator: In
    //       values:
    //       - target-host-name
    // worker-599 sorts after the first 500 node names: a list capped at one page never saw it.
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['worker-599'] }] }],
        },
      },
    };
    const { r, requests } = await runBig({ affinity });
    expect(r.outcome).toBe('matching-nodes-not-ready');
    expect(r.facts).toMatchObject({ requiredAffinity: 'metadata.name In (worker-599)', matchingNodes: 1 });
    expect(r.evidence).toContainEqual({ label: 'node worker-599', value: 'Ready=Unknown' });
    expect(requests).toBe(2);
  });

  it('matchFields NotIn narrows a term of labels on the server too', async () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['worker-1', 'worker-2'] }],
              matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['worker-1'] }],
            },
          ],
        },
      },
    };
    const { r } = await runBig({ affinity });
    expect(r.outcome).toBe('satisfiable');
    expect(r.summary).toBe(
      'pod mysql-0 is pinned (its required node affinity), and 1 Ready, schedulable node satisfies it (worker-2)',
    );
    expect(r.facts.matchingNodes).toBe(1);
  });

  it.runIf(kubectlAvailable())(
    'the drill answers as the API documents: remainingItemCount only without selectors, the field selector the check sends',
    async () => {
      // https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/list-meta: "If the list request
      // contained label or field selectors, then the number of remaining items is unknown and the field will be
      // left unset and omitted during serialization."
      const t = await startTestDrill({ cluster: big as never });
      try {
        const raw = async (path: string) =>
          JSON.parse((await runKubectl(t.drill.kubeconfigPath, ['get', '--raw', path])).stdout) as {
            items: unknown[];
            metadata: { remainingItemCount?: number; continue?: string };
          };
        expect((await raw('/api/v1/nodes?limit=1')).metadata.remainingItemCount).toBe(600);
        const labelled = await raw('/api/v1/nodes?limit=1&labelSelector=kubernetes.io%2Fos%3Dlinux');
        expect(labelled.metadata.continue).toBeTruthy();
        expect(labelled.metadata.remainingItemCount).toBeUndefined();
        const r = await runKubectl(t.drill.kubeconfigPath, [
          'get',
          'nodes',
          '--field-selector',
          'metadata.name=worker-599',
          '--no-headers',
        ]);
        expect(r.stdout).toMatch(/^worker-599\s+NotReady\s+<none>\s+\S+\s+v1\.31\.4\n$/);
      } finally {
        await t.close();
      }
    },
  );
});
