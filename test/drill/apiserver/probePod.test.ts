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
import { fixture } from '../../checks/host/fixtures.js';

/**
 * The probe pod's ClusterIP leg, decided without a server or a clock: the
 * service-app cluster (Service web in shop, two Ready pods), one probe pod,
 * and what the probe's node printed for iptables-save.
 */
const now = new Date('2026-12-07T06:00:00Z');
const cluster = (extra: Record<string, unknown>[] = []) =>
  buildCluster(
    scenarioSchema.parse({
      id: 'probe',
      title: 'probe',
      page: 'probe',
      runbook: 'service-unreachable',
      expect: { diagnosis: null },
      cluster: { generate: { controlPlanes: 1, workers: 2, addons: true } },
      faults: [{ fault: 'service-app' }],
      objects: extra,
    }),
    now,
  );
const { objects, virtual } = cluster();

function context(
  hostText: SimContext['hostText'],
  built: ReturnType<typeof cluster> = { objects, virtual } as never,
): SimContext {
  const store = new ObjectStore([], () => now);
  seedStore(store, new ResourceRegistry([...resources, crdResource]), [...built.objects], built.virtual);
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

  describe("kube-proxy in nftables mode: the node's nft table is read, not iptables-save", () => {
    const nftables = cluster([
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { app: 'kube-proxy' } },
        data: {
          'config.conf': 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n',
        },
      },
    ]);
    const nftCommand = 'nft list table ip kube-proxy';
    // kube-proxy's own rules as a real nft lists them (test/fixtures/host), one Service's address made this drill's ClusterIP.
    const nftFor = (service: string) => fixture('nft-kube-proxy-overall').stdout.replaceAll(service, clusterIP);
    const noRules = nftView
      .split('\n')
      .filter((l) => !l.startsWith('# Warning:'))
      .join('\n');

    it("iptables-save without kube-proxy's rules says nothing in nftables mode: nft not collected, a running kube-proxy forwards", () => {
      const text = (_node: string, command: string) => (command === 'iptables-save' ? noRules : undefined);
      expect(clusterIPLine(context(text, nftables), 'worker-2')).toBe(`clusterip ${clusterIP}:80 ok`);
      // In iptables mode the same answer means no rule: it times out.
      expect(clusterIPLine(context(text), 'worker-2')).toBe(`clusterip ${clusterIP}:80 fail timeout`);
    });

    it('the ClusterIP in no-endpoint-services (goto reject-chain): refused', () => {
      const text = (_node: string, command: string) => (command === nftCommand ? nftFor('172.30.0.46') : undefined);
      expect(clusterIPLine(context(text, nftables), 'worker-2')).toBe(`clusterip ${clusterIP}:80 fail refused`);
    });

    it("rules that DNAT to addresses no pod has (10.180.0.4, .5): the connection goes there, not to the API's endpoints", () => {
      const text = (_node: string, command: string) => (command === nftCommand ? nftFor('172.30.0.44') : undefined);
      expect(clusterIPLine(context(text, nftables), 'worker-2')).toBe(`clusterip ${clusterIP}:80 fail timeout`);
    });
  });
});
