import { afterAll, describe, expect, it } from 'vitest';
import { bundledNames, resolveAsset } from '../../src/assets.js';
import { startDrill } from '../../src/drill/cluster.js';
import type { RunningDrill } from '../../src/drill/cluster.js';
import { loadScenarioFile } from '../../src/drill/scenario.js';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../helpers/kubectl.js';

warnIfKubectlMissing('kubectl describe on the bundled drill scenarios');

async function serve(name: string): Promise<RunningDrill> {
  return startDrill((await loadScenarioFile(resolveAsset('scenarios', name))).scenario);
}

/** The Events table at the end of `kubectl describe`, one line per event. */
function eventsOf(described: string): string[] {
  const at = described.lastIndexOf('\nEvents:');
  return described
    .slice(at)
    .split('\n')
    .slice(2)
    .filter((l) => l.trim() !== '' && !l.includes('----'));
}

describe.skipIf(!kubectlAvailable())('kubectl describe on the drill, as a trainee uses it alongside', () => {
  const drills: RunningDrill[] = [];
  afterAll(async () => {
    await Promise.all(drills.map((d) => d.close()));
  });

  it('describe pod shows the scheduler events of the default drill (the scenario gives the pod no uid, its event does)', async () => {
    const d = await serve('pod-pending-node-selector');
    drills.push(d);
    const r = await runKubectl(d.kubeconfigPath, ['describe', 'pod', 'web-0', '-n', 'shop']);
    expect(r.exitCode).toBe(0);
    const events = eventsOf(r.stdout);
    expect(events[0]).toMatch(/^\s+Type\s+Reason\s+Age\s+From\s+Message$/);
    expect(
      events.some((l) => /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/4 nodes are available/.test(l)),
    ).toBe(true);
    // The pod took the uid its event and the kubectl output the scenario was pasted from carry.
    const uid = await runKubectl(d.kubeconfigPath, [
      'get',
      'pod',
      'web-0',
      '-n',
      'shop',
      '-o',
      'jsonpath={.metadata.uid}',
    ]);
    expect(uid.stdout).toBe('8d3e5f2a-1b4c-4d6e-9f70-a1b2c3d4e5f6');
  });

  it("describe node shows kubelet's events (named by the node's name) and the controllers' (by its uid)", async () => {
    const d = await serve('node-disk-pressure');
    drills.push(d);
    const r = await runKubectl(d.kubeconfigPath, ['describe', 'node', 'worker-3']);
    expect(r.exitCode).toBe(0);
    const events = eventsOf(r.stdout);
    expect(events.some((l) => /\s+kubelet\s+/.test(l) && /DiskPressure|EvictionThresholdMet/.test(l))).toBe(true);
  });
});

describe('events in every bundled scenario point at their object the way kubectl describe looks for it', () => {
  // scale-5000-nodes is the same generator as the others, at 5,000 nodes: too slow for this sweep.
  const names = bundledNames('scenarios').filter((n) => !n.startsWith('scale-5000'));

  it.each(names)('%s', async (name) => {
    const { scenario } = await loadScenarioFile(resolveAsset('scenarios', name));
    // A scenario whose API server drops every request (the cluster is unreachable) has nothing to look at.
    if (scenario.api?.faults.some((f) => f.kind === 'reset' && f.path === '^/')) return;
    const d = await startDrill(scenario);
    try {
      const { KubeConfig, CoreV1Api } = await import('@kubernetes/client-node');
      const kc = new KubeConfig();
      kc.loadFromFile(d.kubeconfigPath);
      const core = kc.makeApiClient(CoreV1Api);
      const [events, pods, nodes] = await Promise.all([
        core.listEventForAllNamespaces(),
        core.listPodForAllNamespaces(),
        core.listNode(),
      ]);
      const podUid = new Map(pods.items.map((p) => [`${p.metadata?.namespace}/${p.metadata?.name}`, p.metadata?.uid]));
      const podCreated = new Map(
        pods.items.map((p) => [`${p.metadata?.namespace}/${p.metadata?.name}`, p.metadata?.creationTimestamp]),
      );
      const nodeUid = new Map(nodes.items.map((n) => [n.metadata?.name, n.metadata?.uid]));
      const wrong: string[] = [];
      for (const e of events.items) {
        const o = e.involvedObject;
        if (o.kind === 'Pod') {
          const uid = podUid.get(`${o.namespace}/${o.name}`);
          // An event last seen no later than this pod was created belongs to an earlier pod of the same name (a recreated pod): its uid is that pod's.
          const created = podCreated.get(`${o.namespace}/${o.name}`);
          const last = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;
          const earlier =
            created !== undefined && last !== undefined && new Date(last).getTime() <= new Date(created).getTime();
          if (uid !== undefined && o.uid !== uid && !earlier)
            wrong.push(`Pod ${o.namespace}/${o.name}: event ${e.reason} says ${o.uid}, pod is ${uid}`);
        } else if (o.kind === 'Node') {
          const uid = nodeUid.get(o.name);
          const byKubelet = e.source?.component === 'kubelet';
          if (uid !== undefined && o.uid !== (byKubelet ? o.name : uid))
            wrong.push(`Node ${o.name}: ${e.source?.component} event ${e.reason} says ${o.uid}`);
        }
      }
      expect(wrong).toEqual([]);
    } finally {
      await d.close();
    }
  });
});
