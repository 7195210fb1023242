import { describe, expect, it } from 'vitest';
import { buildCluster } from '../../../../src/drill/scenario.js';
import { scenarioSchema } from '../../../../src/drill/scenarioSchema.js';
import { faultDrill, hasKubectl, podName, rows } from './faultDrill.js';

const cp = '1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';

describe('faults unschedulable-node-selector, unschedulable-affinity, unschedulable-insufficient-resources', () => {
  const d = faultDrill('unschedulable faults', [
    { fault: 'unschedulable-node-selector' },
    { fault: 'unschedulable-affinity' },
    { fault: 'unschedulable-insufficient-resources' },
    { fault: 'unschedulable-insufficient-resources', name: 'etl', resource: 'memory' },
  ]);

  it('pod.scheduling reads the counts the scheduler computed from the 4 nodes', async () => {
    const web = await d.t.check('pod.scheduling', { namespace: 'shop', name: await podName(d, 'shop', 'app=web') });
    expect(web.outcome).toBe('node-selector');
    expect(web.facts).toMatchObject({
      nodeSelector: 'disktype=ssd',
      nodesTotal: 4,
      nodesExcluded: 3,
      owner: 'ReplicaSet/' + String(web.facts.owner).split('/')[1],
    });
    expect(web.facts.schedulerMessage).toBe(
      `0/4 nodes are available: ${cp}, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.`,
    );
    const search = await d.t.check('pod.scheduling', {
      namespace: 'shop',
      name: await podName(d, 'shop', 'app=search'),
    });
    expect(search.outcome).toBe('node-selector');
    expect(search.evidence).toContainEqual({ label: 'nodeAffinity', value: 'required node affinity is set' });
    const cpu = await d.t.check('pod.scheduling', {
      namespace: 'analytics',
      name: await podName(d, 'analytics', 'app=report-builder'),
    });
    expect(cpu.outcome).toBe('insufficient-resources');
    expect(cpu.facts).toMatchObject({ resource: 'cpu', nodesExcluded: 3 });
    expect(cpu.facts.schedulerMessage).toBe(
      `0/4 nodes are available: ${cp}, 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.`,
    );
    const mem = await d.t.check('pod.scheduling', {
      namespace: 'analytics',
      name: await podName(d, 'analytics', 'app=etl'),
    });
    expect(mem.facts).toMatchObject({ resource: 'memory' });
    const status = await d.t.check('pod.status', { namespace: 'shop', name: await podName(d, 'shop', 'app=web') });
    expect(status.outcome).toBe('unscheduled');
  });

  it.runIf(hasKubectl)('kubectl shows Pending pods with no node and the FailedScheduling event', async () => {
    const r = rows((await d.kubectl('get', 'pods', '-n', 'shop', '-o', 'wide')).stdout);
    expect(r.map((x) => [x.STATUS, x.NODE])).toEqual([
      ['Pending', '<none>'],
      ['Pending', '<none>'],
    ]);
    const out = (await d.kubectl('describe', 'pod', '-n', 'shop', '-l', 'app=web')).stdout;
    expect(out).toMatch(/^Node-Selectors:\s+disktype=ssd$/m);
    expect(out).toMatch(/^ {2}PodScheduled\s+False\s*$/m);
    expect(out).toMatch(
      /Warning\s+FailedScheduling\s+\S+( \(x\d+ over \S+\))?\s+default-scheduler\s+0\/4 nodes are available: 1 node\(s\) had untolerated taint \{node-role\.kubernetes\.io\/control-plane: \}, 3 node\(s\) didn't match Pod's node affinity\/selector\./,
    );
  });
});

describe('fault unschedulable-taint', () => {
  const d = faultDrill('unschedulable-taint', [{ fault: 'unschedulable-taint' }]);

  it('taints the workers and pod.scheduling names the taint', async () => {
    const r = await d.t.check('pod.scheduling', { namespace: 'shop', name: await podName(d, 'shop', 'app=checkout') });
    expect(r.outcome).toBe('taint');
    expect(r.facts).toMatchObject({ taint: '{dedicated: gpu}', nodesExcluded: 3, nodesTotal: 4 });
    const worker = await d.t.kube.readNode('worker-2');
    expect(worker.spec?.taints).toContainEqual({ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' });
  });

  it.runIf(hasKubectl)('kubectl describe node shows the taint', async () => {
    expect((await d.kubectl('describe', 'node', 'worker-1')).stdout).toMatch(/^Taints:\s+dedicated=gpu:NoSchedule$/m);
  });
});

describe('scheduling faults count the cluster as it is', () => {
  const build = (
    generate: Record<string, unknown>,
    faults: Record<string, unknown>[],
    nodes: Record<string, unknown>[] = [],
  ) =>
    buildCluster(
      scenarioSchema.parse({
        id: 's',
        title: 't',
        page: 'p',
        runbook: 'r',
        expect: { diagnosis: null },
        cluster: { generate, nodes },
        faults,
      }),
      new Date('2026-11-25T12:00:00Z'),
    );
  const message = (b: ReturnType<typeof build>, ns: string) =>
    (
      b.objects.find(
        (o) => o.kind === 'Pod' && o.metadata.namespace === ns && (o.status as { phase?: string }).phase === 'Pending',
      )?.status as { conditions: { message: string }[] }
    ).conditions[0]?.message;

  it('with 3 control planes, 12 workers, a cordoned and a NotReady node', () => {
    const b = build(
      { controlPlanes: 3, workers: 12 },
      [{ fault: 'unschedulable-node-selector' }],
      [
        { name: 'worker-4', unschedulable: true },
        { name: 'worker-5', ready: 'False' },
      ],
    );
    expect(message(b, 'shop')).toBe(
      "0/15 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable, 10 node(s) didn't match Pod's node affinity/selector, 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/15 nodes are available: 15 Preemption is not helpful for scheduling.",
    );
  });

  it('refuses a selector a node matches: the pod would not stay Pending', () => {
    expect(() =>
      build({ controlPlanes: 1, workers: 2 }, [
        { fault: 'unschedulable-node-selector', nodeSelector: { 'kubernetes.io/hostname': 'worker-2' } },
      ]),
    ).toThrow(/fault unschedulable-node-selector: .*node\(s\) worker-2 would accept pod shop\/web-/);
  });

  it('counts what pods already on a node request against its allocatable', () => {
    // worker-1 allocates 4 CPUs; CoreDNS and metrics-server there request 300m, the OOM fault's pod 100m more, so 3650m no longer fits.
    const b = build({ controlPlanes: 1, workers: 1 }, [
      { fault: 'oom-killed' },
      { fault: 'unschedulable-insufficient-resources', request: '3650m' },
    ]);
    expect(message(b, 'analytics')).toBe(
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
    );
    expect(() =>
      build({ controlPlanes: 1, workers: 1 }, [{ fault: 'unschedulable-insufficient-resources', request: '3650m' }]),
    ).toThrow(/node\(s\) worker-1 would accept/);
  });
});
