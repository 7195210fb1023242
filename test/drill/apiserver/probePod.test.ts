import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeAnswer, probeLabel } from '../../../src/drill/apiserver/probePod.js';
import { crdResource } from '../../../src/drill/apiserver/crds.js';
import { ResourceRegistry, resources } from '../../../src/drill/apiserver/resources.js';
import { seedStore } from '../../../src/drill/apiserver/seed.js';
import { freshLeasesAtStart, Timers } from '../../../src/drill/apiserver/simulation.js';
import type { SimContext } from '../../../src/drill/apiserver/simulation.js';
import { ObjectStore } from '../../../src/drill/apiserver/store.js';
import { buildCluster } from '../../../src/drill/scenario.js';
import { scenarioSchema } from '../../../src/drill/scenarioSchema.js';
import type { KubeObject } from '../../../src/drill/types.js';

/**
 * The probe pod's ClusterIP leg, decided without a server or a clock: the
 * service-app cluster (Service web in shop, two Ready pods), one probe pod,
 * and what the probe's node printed for iptables-save.
 */
const now = new Date('2026-12-07T06:00:00Z');
const { objects, virtual } = buildCluster(
  scenarioSchema.parse({
    id: 'probe',
    title: 'probe',
    page: 'probe',
    runbook: 'service-unreachable',
    expect: { diagnosis: null },
    cluster: { generate: { controlPlanes: 1, workers: 2, addons: true } },
    faults: [{ fault: 'service-app' }],
  }),
  now,
);

function context(hostText: SimContext['hostText']): SimContext {
  const store = new ObjectStore([], () => now);
  seedStore(store, new ResourceRegistry([...resources, crdResource]), [...objects], virtual);
  const timers = new Timers();
  return {
    store,
    now: () => now,
    timers,
    stepMs: 500,
    podTerminationMs: 300,
    freshAtStart: freshLeasesAtStart(store, now),
    ...(hostText ? { hostText } : {}),
  };
}

const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'web' && o.metadata.namespace === 'shop');
const clusterIP = String((svc?.spec as { clusterIP?: string } | undefined)?.clusterIP);

function probe(node: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'plumbline-probe', namespace: 'shop', labels: { [probeLabel]: 'true' } },
    spec: {
      nodeName: node,
      containers: [
        {
          name: 'probe',
          env: [
            { name: 'PROBE_CLUSTER_IP', value: clusterIP },
            { name: 'PROBE_PORT', value: '80' },
          ],
        },
      ],
    },
    status: { phase: 'Running', podIP: '10.244.2.250' },
  };
}

const clusterIPLine = (ctx: SimContext, node: string) =>
  probeAnswer(ctx, probe(node)).find((l) => l.startsWith('clusterip '));

/** Real iptables-save output with none of kube-proxy's rules (dev-sec/ansible-collection-hardening#274), its citation line dropped. */
const nftView = readFileSync(
  join(import.meta.dirname, '../../fixtures/kube-proxy/iptables-save-nft-legacy-warning-devsec-274.txt'),
  'utf8',
)
  .split('\n')
  .slice(1)
  .join('\n');

describe("the drill's service probe: the ClusterIP leg", () => {
  it('the frame is what the test assumes: a ClusterIP and Ready endpoints', () => {
    expect(clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it("iptables-save not collected on the probe's node: a running kube-proxy sends it to a Ready endpoint (801f868; it said refused)", () => {
    expect(
      clusterIPLine(
        context(() => undefined),
        'worker-2',
      ),
    ).toBe(`clusterip ${clusterIP}:80 ok`);
  });

  it('iptables-save with no rule for the ClusterIP: the connection times out', () => {
    const noWarning = nftView
      .split('\n')
      .filter((l) => !l.startsWith('# Warning:'))
      .join('\n');
    expect(
      clusterIPLine(
        context(() => noWarning),
        'worker-2',
      ),
    ).toBe(`clusterip ${clusterIP}:80 fail timeout`);
  });

  it('no rule, but iptables-nft warns of iptables-legacy tables: the text says nothing, as if not collected', () => {
    expect(
      clusterIPLine(
        context(() => nftView),
        'worker-2',
      ),
    ).toBe(`clusterip ${clusterIP}:80 ok`);
  });
});
