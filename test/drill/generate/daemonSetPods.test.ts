import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCluster } from '../../../src/drill/scenario.js';
import { scenarioSchema } from '../../../src/drill/scenarioSchema.js';
import { startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../../helpers/kubectl.js';
import { raw } from '../apiserver/harness.js';

// kube-proxy's pods are made on read, one per node (src/drill/generate/daemonSetPods.ts), and served
// from the same bucket as the filler pods (VirtualUnion): what a client sees must be what a store
// holding every pod whole would serve.
warnIfKubectlMissing('DaemonSet pods made on read');

const workers = 6;
const perWorker = 3;
const nodes = workers + 1;
const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

interface TableRow {
  cells: unknown[];
  conditions?: unknown[];
  object: { metadata: unknown };
}

function clients(d: TestDrill): { core: CoreV1Api; apps: AppsV1Api } {
  const kc = new KubeConfig();
  kc.loadFromFile(d.drill.kubeconfigPath);
  return { core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api) };
}

async function rows(d: TestDrill, path: string, include: string): Promise<unknown[]> {
  const sep = path.includes('?') ? '&' : '?';
  const r = await raw(d.drill.server, `${path}${sep}includeObject=${include}`, { accept: tableAccept });
  expect(r.status).toBe(200);
  return (r.json() as { rows: TableRow[] }).rows.map((x) => ({
    cells: x.cells,
    conditions: x.conditions,
    metadata: x.object.metadata,
  }));
}

const proxies = (pods: V1Pod[]) => pods.filter((p) => p.metadata?.labels?.['k8s-app'] === 'kube-proxy');

describe('kube-proxy pods made on read, beside the filler pods', () => {
  let d: TestDrill;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  beforeAll(async () => {
    d = await startTestDrill({
      cluster: {
        name: 'ds',
        nodes: [],
        generate: { controlPlanes: 1, workers, podsPerWorker: perWorker, addons: true },
      },
    });
    ({ core, apps } = clients(d));
  });
  afterAll(() => d.close());

  it('one Running pod per node, on the host network, named as earlier drills named them, counted by the DaemonSet', async () => {
    const list = await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-proxy' });
    const pods = list.items;
    expect(pods).toHaveLength(nodes);
    const nodeList = await core.listNode();
    const ipOf = new Map(
      nodeList.items.map((n) => [n.metadata?.name, n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address]),
    );
    expect(new Set(pods.map((p) => p.spec?.nodeName)).size).toBe(nodes);
    for (const p of pods) {
      expect(p.metadata?.name).toMatch(/^kube-proxy-[0-9a-f]{5}$/);
      expect(p.status?.phase).toBe('Running');
      expect(p.spec?.hostNetwork).toBe(true);
      expect(p.status?.podIP).toBe(ipOf.get(p.spec?.nodeName));
      expect(p.metadata?.ownerReferences?.[0]?.kind).toBe('DaemonSet');
    }
    // Read one by name: the same object as in the list, on every read.
    const one = pods[2] as V1Pod;
    const again = await core.readNamespacedPod({ namespace: 'kube-system', name: one.metadata?.name ?? '' });
    // A list's items carry no kind or apiVersion; the rest is the same object.
    const body = (p: V1Pod) => ({ metadata: p.metadata, spec: p.spec, status: p.status });
    expect(body(again)).toEqual(body(one));
    const ds = await apps.readNamespacedDaemonSet({ namespace: 'kube-system', name: 'kube-proxy' });
    expect(ds.status?.numberReady).toBe(nodes);
    expect(ds.status?.desiredNumberScheduled).toBe(nodes);
  });

  it('field selectors on the node and the host network find what the full list holds', async () => {
    const all = (await core.listPodForAllNamespaces()).items;
    const onNode = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=worker-4' });
    expect(onNode.items.map((p) => p.metadata?.name).sort()).toEqual(
      all
        .filter((p) => p.spec?.nodeName === 'worker-4')
        .map((p) => p.metadata?.name)
        .sort(),
    );
    expect(proxies(onNode.items)).toHaveLength(1);
    const hostNetwork = await core.listPodForAllNamespaces({ fieldSelector: 'spec.hostNetwork=true' });
    expect(proxies(hostNetwork.items)).toHaveLength(nodes);
    expect(hostNetwork.items.every((p) => p.spec?.hostNetwork === true)).toBe(true);
  });

  it('pages across both sets hold every pod once, in key order, each with its own uid and resourceVersion', async () => {
    const pods: V1Pod[] = [];
    let cont: string | undefined;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 7, ...(cont ? { _continue: cont } : {}) });
      pods.push(...page.items);
      cont = page.metadata?._continue || undefined;
    } while (cont);
    const keys = pods.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
    expect(proxies(pods)).toHaveLength(nodes);
    expect(pods.filter((p) => p.metadata?.namespace === 'load')).toHaveLength(workers * perWorker);
    expect(new Set(pods.map((p) => p.metadata?.uid)).size).toBe(keys.length);
    expect(new Set(pods.map((p) => p.metadata?.resourceVersion)).size).toBe(keys.length);
  });

  it('a Table prints each pod its own row, though it prints one pod per set and serializes only the rest', async () => {
    for (const path of ['/api/v1/pods', '/api/v1/namespaces/kube-system/pods', '/api/v1/pods?limit=5']) {
      const metadataRows = await rows(d, path, 'Metadata');
      expect(metadataRows).toEqual(await rows(d, path, 'Object'));
      expect(metadataRows.length).toBeGreaterThan(0);
    }
  });

  it.runIf(kubectlAvailable())('kubectl -o wide shows each node its own kube-proxy at the node address', async () => {
    const r = await runKubectl(d.drill.kubeconfigPath, [
      'get',
      'pods',
      '-n',
      'kube-system',
      '-l',
      'k8s-app=kube-proxy',
      '-o',
      'wide',
      '--no-headers',
    ]);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(nodes);
    expect(lines.find((l) => /\sworker-3\s/.test(l))).toMatch(
      /^kube-proxy-[0-9a-f]{5}\s+1\/1\s+Running\s+0\s+\S+\s+10\.\d+\.\d+\.\d+\s+worker-3\s/,
    );
  });
});

describe('a fault that edits a kube-proxy pod', () => {
  const scenario = {
    cluster: { name: 'ds', nodes: [], generate: { controlPlanes: 1, workers: 3, podsPerWorker: 2, addons: true } },
    faults: [{ fault: 'kube-proxy-down', node: 'worker-1' }],
  };

  it("is served instead of the generated pod; the other nodes' stay as generated", async () => {
    const d = await startTestDrill(scenario);
    try {
      const { core } = clients(d);
      const pods = proxies((await core.listNamespacedPod({ namespace: 'kube-system' })).items);
      expect(pods).toHaveLength(4);
      const down = pods.find((p) => p.spec?.nodeName === 'worker-1');
      expect(down?.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('CrashLoopBackOff');
      for (const p of pods.filter((x) => x !== down))
        expect(p.status?.containerStatuses?.[0]?.state?.running).toBeDefined();
      const metadataRows = await rows(d, '/api/v1/namespaces/kube-system/pods', 'Metadata');
      expect(metadataRows).toEqual(await rows(d, '/api/v1/namespaces/kube-system/pods', 'Object'));
      const row = metadataRows.find((r) => (r as TableRow).cells[0] === down?.metadata?.name) as TableRow;
      expect(row.cells[2]).toBe('CrashLoopBackOff');
    } finally {
      await d.close();
    }
  });

  it("makes only that node's pods: the other kube-proxy pods stay made on read", () => {
    const built = buildCluster(
      scenarioSchema.parse({
        id: 's',
        title: 't',
        page: 'p',
        runbook: 'workload-down',
        expect: { diagnosis: null },
        ...scenario,
      }),
      new Date('2026-11-25T12:00:00Z'),
    );
    const written = built.objects.filter((o) => o.kind === 'Pod' && o.metadata.labels?.['k8s-app'] === 'kube-proxy');
    expect(written.map((o) => (o.spec as { nodeName?: string }).nodeName)).toEqual(['worker-1']);
    const set = built.virtual.find((v) => v.kind === 'Pod' && v.namespace === 'kube-system');
    expect(set?.size).toBe(4);
    expect([0, 1, 2, 3].filter((i) => set?.exists(i) === false)).toHaveLength(1);
  });
});
