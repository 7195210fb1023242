import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCluster } from '../../../src/drill/scenario.js';
import { scenarioSchema } from '../../../src/drill/scenarioSchema.js';
import { startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../../helpers/kubectl.js';
import { raw } from '../apiserver/harness.js';

// Filler pods are made when read (src/drill/generate/filler.ts): what a client sees must be what
// a store holding every pod would serve: stable objects, every name once in key order across
// pages, selectors and indexes agreeing, and a fault's edit served instead of the generated pod.
warnIfKubectlMissing('filler pods');

const workers = 40;
const perWorker = 30;

const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

interface TableRow {
  cells: unknown[];
  conditions?: unknown[];
  object: { metadata: unknown };
}

/** A Table of pods as kubectl asks for it, and the same list with whole objects in its rows. */
async function tables(d: TestDrill, path: string): Promise<{ metadataRows: TableRow[]; objectRows: TableRow[] }> {
  const get = async (include: string) => {
    const sep = path.includes('?') ? '&' : '?';
    const r = await raw(d.drill.server, `${path}${sep}includeObject=${include}`, { accept: tableAccept });
    expect(r.status).toBe(200);
    return (r.json() as { rows: TableRow[] }).rows;
  };
  return { metadataRows: await get('Metadata'), objectRows: await get('Object') };
}

/** The row's cells and metadata: a row of PartialObjectMetadata and a row of the whole pod must agree on both. */
function cellsAndMetadata(rows: TableRow[]): unknown[] {
  return rows.map((r) => ({ cells: r.cells, conditions: r.conditions, metadata: r.object.metadata }));
}

function client(d: TestDrill): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromFile(d.drill.kubeconfigPath);
  return kc.makeApiClient(CoreV1Api);
}

async function allPages(core: CoreV1Api, limit: number): Promise<{ pods: V1Pod[]; remaining: (number | undefined)[] }> {
  const pods: V1Pod[] = [];
  const remaining: (number | undefined)[] = [];
  let cont: string | undefined;
  do {
    const page = await core.listNamespacedPod({ namespace: 'load', limit, ...(cont ? { _continue: cont } : {}) });
    pods.push(...page.items);
    remaining.push(page.metadata?.remainingItemCount);
    cont = page.metadata?._continue || undefined;
  } while (cont);
  return { pods, remaining };
}

describe('filler pods made on read', () => {
  let d: TestDrill;
  let core: CoreV1Api;

  beforeAll(async () => {
    d = await startTestDrill({
      cluster: {
        name: 'filler',
        nodes: [],
        generate: { controlPlanes: 1, workers, podsPerWorker: perWorker, addons: false },
      },
    });
    core = client(d);
  });
  afterAll(() => d.close());

  it('pages of 500 hold every pod once, in key order, with the count of what is left', async () => {
    const { pods, remaining } = await allPages(core, 500);
    const names = pods.map((p) => p.metadata?.name ?? '');
    expect(names).toHaveLength(workers * perWorker);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([...names].sort());
    // Unfiltered lists count exactly what is left after each full page (upstream does the same).
    expect(remaining).toEqual([workers * perWorker - 500, workers * perWorker - 1000, undefined]);
    const uids = new Set(pods.map((p) => p.metadata?.uid));
    expect(uids.size).toBe(names.length);
    const rvs = new Set(pods.map((p) => p.metadata?.resourceVersion));
    expect(rvs.size).toBe(names.length);
  });

  it('serves the same object on every read, as a stored one would be', async () => {
    const a = await core.readNamespacedPod({ namespace: 'load', name: 'app-32-1-2' });
    const b = await core.readNamespacedPod({ namespace: 'load', name: 'app-32-1-2' });
    expect(b).toEqual(a);
    expect(a.spec?.nodeName).toBe('worker-2');
    expect(a.status?.phase).toBe('Running');
    expect(a.status?.podIP).toMatch(/^10\.64\.\d+\.\d+$/);
    await expect(
      core.readNamespacedPod({ namespace: 'load', name: `app-6-1-${perWorker.toString(36)}` }),
    ).rejects.toMatchObject({ code: 404 });
    await expect(core.readNamespacedPod({ namespace: 'default', name: 'app-32-1-2' })).rejects.toMatchObject({
      code: 404,
    });
  });

  it('a fieldSelector on the node and a labelSelector on the app find what the full list holds', async () => {
    const { pods } = await allPages(core, 1000);
    const onNode = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=worker-7' });
    expect(onNode.items.map((p) => p.metadata?.name).sort()).toEqual(
      pods
        .filter((p) => p.spec?.nodeName === 'worker-7')
        .map((p) => p.metadata?.name)
        .sort(),
    );
    expect(onNode.items).toHaveLength(perWorker);
    const app = await core.listNamespacedPod({ namespace: 'load', labelSelector: 'app=app-42' });
    expect(app.items.map((p) => p.metadata?.name)).toEqual(
      pods.filter((p) => p.metadata?.labels?.app === 'app-42').map((p) => p.metadata?.name),
    );
    // The Endpoints are made from the same pods: their addresses are those pods' IPs.
    const ep = await core.readNamespacedEndpoints({ namespace: 'load', name: 'app-42' });
    const ips = (ep.subsets?.[0]?.addresses ?? []).map((a) => a.ip).sort();
    expect(ips).toEqual(app.items.map((p) => p.status?.podIP).sort());
    expect(ips.length).toBeGreaterThan(0);
  });

  it("prints each pod's own row in a Table, though it prints one pod per app and serializes only the rest's metadata", async () => {
    // includeObject=Object makes every pod; the default (Metadata) prints from each app's first pod.
    const { metadataRows, objectRows } = await tables(d, '/api/v1/namespaces/load/pods');
    expect(metadataRows).toHaveLength(workers * perWorker);
    expect(cellsAndMetadata(metadataRows)).toEqual(cellsAndMetadata(objectRows));
    const row = metadataRows.find((r) => r.cells[0] === 'app-5-0-5');
    expect(row?.cells).toEqual([
      'app-5-0-5',
      '1/1',
      'Running',
      '0',
      '6h',
      row?.cells[5],
      'worker-1',
      '<none>',
      '<none>',
    ]);
    expect(row?.cells[5]).toMatch(/^10\.64\.\d+\.\d+$/);
    const paged = await tables(d, '/api/v1/pods?limit=100&labelSelector=app%3Dapp-42');
    expect(cellsAndMetadata(paged.metadataRows)).toEqual(cellsAndMetadata(paged.objectRows));
    expect(paged.metadataRows.length).toBeGreaterThan(0);
  });

  it('answers Table pages asked for at once each whole, though their bodies are written into reused buffers', async () => {
    const page = (start: number) =>
      `/api/v1/namespaces/load/pods?limit=${100 + start}&fieldSelector=${encodeURIComponent(`spec.nodeName=worker-${start}`)}`;
    const alone = await Promise.all(
      [0, 1, 2, 3].map(async (n) => (await raw(d.drill.server, page(n), { accept: tableAccept })).text),
    );
    // Written one after another, then all at once, then again: a buffer reused too early would mix them.
    for (let round = 0; round < 3; round++) {
      const together = await Promise.all(
        [0, 1, 2, 3, 0, 1, 2, 3].map((n) => raw(d.drill.server, page(n), { accept: tableAccept })),
      );
      expect(together.map((r) => r.text)).toEqual([...alone, ...alone]);
    }
    const whole = await raw(d.drill.server, '/api/v1/namespaces/load/pods', { accept: tableAccept });
    expect((whole.json() as { rows: unknown[] }).rows).toHaveLength(workers * perWorker);
  });

  it.runIf(kubectlAvailable())('kubectl get pods pages through all of them', async () => {
    const r = await runKubectl(d.drill.kubeconfigPath, [
      'get',
      'pods',
      '-n',
      'load',
      '--chunk-size=250',
      '--no-headers',
    ]);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(workers * perWorker);
    expect(lines.find((l) => l.startsWith('app-5-0-5 '))).toMatch(/^app-5-0-5\s+1\/1\s+Running\s+0\s+6h$/);
  });
});

describe('a fault that edits filler pods', () => {
  it("is served instead of the generated pod (the node lifecycle controller marked worker-2's pods not ready)", async () => {
    const d = await startTestDrill({
      cluster: {
        name: 'filler',
        nodes: [],
        generate: { controlPlanes: 1, workers: 3, podsPerWorker: 4, addons: false },
      },
      faults: [{ fault: 'kubelet-service-failed', node: 'worker-2' }],
    });
    try {
      const core = client(d);
      const ready = (p: V1Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status;
      const pod = await core.readNamespacedPod({ namespace: 'load', name: 'app-6-1-2' });
      expect(pod.spec?.nodeName).toBe('worker-2');
      expect(ready(pod)).toBe('False');
      const elsewhere = await core.readNamespacedPod({ namespace: 'load', name: 'app-1-0-1' });
      expect(elsewhere.spec?.nodeName).toBe('worker-1');
      expect(ready(elsewhere)).toBe('True');
      const onNode = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=worker-2' });
      expect(onNode.items.filter((p) => p.metadata?.namespace === 'load').map(ready)).toEqual([
        'False',
        'False',
        'False',
        'False',
      ]);
      // A Table prints the edited pods from what the fault wrote, the others from their app's first pod.
      const { metadataRows, objectRows } = await tables(d, '/api/v1/namespaces/load/pods');
      expect(cellsAndMetadata(metadataRows)).toEqual(cellsAndMetadata(objectRows));
      const edited = metadataRows.find((r) => r.cells[0] === 'app-6-1-2')?.object.metadata as { uid?: string };
      expect(edited.uid).toBe(pod.metadata?.uid);
    } finally {
      await d.close();
    }
  });

  it('makes only the pods of the node it edits: the rest stay made on read', () => {
    const scenario = scenarioSchema.parse({
      id: 's',
      title: 't',
      page: 'p',
      runbook: 'workload-down',
      expect: { diagnosis: null },
      cluster: { name: 'filler', generate: { controlPlanes: 1, workers: 40, podsPerWorker: 30, addons: false } },
      faults: [{ fault: 'kubelet-service-failed', node: 'worker-2' }],
    });
    const built = buildCluster(scenario, new Date('2026-11-25T12:00:00Z'));
    const written = built.objects.filter((o) => o.kind === 'Pod' && o.metadata.namespace === 'load');
    expect(written.map((o) => (o.spec as { nodeName?: string }).nodeName)).toEqual(
      Array.from({ length: 30 }, () => 'worker-2'),
    );
    const pods = built.virtual.find((v) => v.kind === 'Pod');
    expect(pods?.exists(0)).toBe(true);
    expect(pods?.exists(30)).toBe(false);
  });
});
