import { describe, expect, it } from 'vitest';
import { parseCorefile } from '../../../src/checks/cluster/coredns.js';
import { startTestDrill } from '../../helpers/drill.js';
import { runWithin, systemPod } from './helpers.js';

/** kubeadm's default Corefile. */
const kubeadmCorefile = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

/** The same with the hosts block of the Rancher incident (rancher-downstream-and-control-plane-cpu.md). */
const withHosts = kubeadmCorefile.replace(
  '    prometheus :9153\n',
  '    hosts {\n        10.10.20.5 harbor.example.cn\n        10.10.20.6 rancher.example.cn rancher\n        fallthrough\n    }\n    prometheus :9153\n',
);

const corednsConfigMap = (corefile: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'coredns', namespace: 'kube-system', creationTimestamp: 'now-90d' },
  data: { Corefile: corefile },
});

const generated = { generate: { controlPlanes: 1, workers: 2, podsPerWorker: 0, addons: true }, nodes: [] };

async function run(
  id: string,
  objects: Record<string, unknown>[],
  params: Record<string, string> = {},
  api?: Record<string, unknown>,
  cluster: unknown = generated,
) {
  const t = await startTestDrill({
    cluster: cluster as never,
    objects: objects as never,
    ...(api ? { api: api as never } : {}),
  });
  try {
    return await runWithin(t, id, params);
  } finally {
    await t.close();
  }
}

describe('Corefile parsing', () => {
  it('finds forwarders and hosts entries in a real Corefile', () => {
    const c = parseCorefile(withHosts);
    expect(c.servers).toEqual(['.:53']);
    expect(c.forwarders).toEqual([{ server: '.:53', from: '.', to: ['/etc/resolv.conf'] }]);
    expect(c.hosts).toEqual([
      {
        server: '.:53',
        fallthrough: true,
        entries: [
          { ip: '10.10.20.5', names: ['harbor.example.cn'] },
          { ip: '10.10.20.6', names: ['rancher.example.cn', 'rancher'] },
        ],
      },
    ]);
  });

  it('reads one-line hosts and forward lines in other server blocks', () => {
    const c = parseCorefile(
      `${kubeadmCorefile}example.org:53 {\n    hosts /etc/coredns/example.hosts\n    forward . 10.0.0.53 10.0.0.54\n}\n`,
    );
    expect(c.hosts).toEqual([
      { server: 'example.org:53', file: '/etc/coredns/example.hosts', fallthrough: false, entries: [] },
    ]);
    expect(c.forwarders[1]).toEqual({ server: 'example.org:53', from: '.', to: ['10.0.0.53', '10.0.0.54'] });
  });
});

describe('cluster.coredns on the drill cluster', () => {
  it('healthy: Ready pods, forwarders named', async () => {
    const r = await run('cluster.coredns', [corednsConfigMap(kubeadmCorefile)]);
    expect(r.outcome).toBe('healthy');
    expect(r.summary).toBe('CoreDNS is Ready (2/2); it forwards . to /etc/resolv.conf');
    expect(r.facts).toMatchObject({ corednsReady: '2/2', forwarders: '. → /etc/resolv.conf', hasHostsBlock: false });
  });

  it('healthy with a name: the hosts block maps it', async () => {
    const r = await run('cluster.coredns', [corednsConfigMap(withHosts)], { name: 'harbor.example.cn' });
    expect(r.outcome).toBe('healthy');
    expect(r.facts.hostEntry).toBe('10.10.20.5');
  });

  it('missing-host-entry: the name the agents need is not there', async () => {
    const r = await run('cluster.coredns', [corednsConfigMap(kubeadmCorefile)], { name: 'harbor.example.cn' });
    expect(r.outcome).toBe('missing-host-entry');
    // No hosts block: every outside name is unlisted, so the summary says only where CoreDNS sends it and
    // proposes no hosts entry (k3s-io/k3s-ansible#378 asked for google.com, which the upstream knew).
    expect(r.summary).toBe(
      'harbor.example.cn is not a cluster name and the Corefile has no hosts block: CoreDNS forwards it to the upstream (/etc/resolv.conf), and nothing read here says whether that upstream knows it',
    );
    expect(r.command).toBe(
      "kubectl get pods -n kube-system -l k8s-app=kube-dns && kubectl get configmap coredns -n kube-system -o jsonpath='{.data.Corefile}' | grep -n 'harbor.example.cn' && kubectl logs -n kube-system -l k8s-app=kube-dns --tail=200 --prefix",
    );
  });

  it('pods-not-ready and no-pods', async () => {
    const notReady = [0, 1].map((i) =>
      systemPod(`coredns-7c65d6cfc9-${['x8k2p', 'q7lmn'][i]}`, {
        node: `worker-${i + 1}`,
        labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '7c65d6cfc9' },
        container: 'coredns',
        ready: false,
      }),
    );
    expect((await run('cluster.coredns', [corednsConfigMap(kubeadmCorefile), ...notReady])).outcome).toBe(
      'pods-not-ready',
    );
    expect((await run('cluster.coredns', [], {}, undefined, { nodes: [{ name: 'worker-1' }] })).outcome).toBe(
      'no-pods',
    );
  });

  it('corefile-missing: no coredns ConfigMap', async () => {
    const pods = [
      systemPod('coredns-7c65d6cfc9-x8k2p', {
        node: 'worker-1',
        labels: { 'k8s-app': 'kube-dns' },
        container: 'coredns',
      }),
    ];
    const r = await run('cluster.coredns', pods, {}, undefined, { nodes: [{ name: 'worker-1' }] });
    expect(r.outcome).toBe('corefile-missing');
    expect(r.evidence).toContainEqual({ label: 'configmap kube-system/coredns', value: 'not found' });
  });

  it('forbidden: reading the ConfigMap', async () => {
    const r = await run(
      'cluster.coredns',
      [corednsConfigMap(kubeadmCorefile)],
      {},
      { denials: [{ verb: 'get', resource: 'configmaps', namespace: 'kube-system' }] },
    );
    expect(r.facts.errorKind).toBe('forbidden');
    expect(r.summary).toContain('cannot get resource "configmaps" in API group "" in the namespace "kube-system"');
  });
});

describe('cluster.control-plane-placement on the drill cluster', () => {
  it('on-control-plane-nodes: kubeadm layout', async () => {
    const r = await run('cluster.control-plane-placement', []);
    expect(r.outcome).toBe('on-control-plane-nodes');
    expect(r.summary).toBe('all 4 control-plane pods run on control-plane nodes (cp-1)');
  });

  it('on-worker: the stale control-plane services of the incident, started again on a rebooted worker', async () => {
    const stray = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) =>
      systemPod(`${c}-worker-2`, {
        node: 'worker-2',
        labels: { component: c, tier: 'control-plane' },
        container: c,
        ready: false,
        crashLoop: true,
        restarts: 9,
        lastExit: { exitCode: 1, reason: 'Error', finishedAt: 'now-2m' },
      }),
    );
    const r = await run('cluster.control-plane-placement', stray);
    expect(r.outcome).toBe('on-worker');
    expect(r.facts).toEqual({
      controlPlaneNodes: 'cp-1',
      strayNodes: 'worker-2',
      strayComponents: 'kube-apiserver,kube-controller-manager,kube-scheduler',
    });
    expect(r.evidence).toContainEqual({
      label: 'node worker-2',
      value:
        'no control-plane role label: kube-apiserver-worker-2, kube-controller-manager-worker-2, kube-scheduler-worker-2',
    });
  });

  it('finds pods labelled only component=… (no tier label)', async () => {
    const r = await run('cluster.control-plane-placement', [
      systemPod('etcd-worker-1', { node: 'worker-1', labels: { component: 'etcd' }, container: 'etcd' }),
    ]);
    expect(r.outcome).toBe('on-worker');
    expect(r.facts.strayComponents).toBe('etcd');
  });

  it('no-control-plane-pods: a managed control plane', async () => {
    const r = await run('cluster.control-plane-placement', [], {}, undefined, { nodes: [{ name: 'worker-1' }] });
    expect(r.outcome).toBe('no-control-plane-pods');
  });

  it('forbidden: reading the nodes the pods are on', async () => {
    const r = await run('cluster.control-plane-placement', [], {}, { denials: [{ verb: 'get', resource: 'nodes' }] });
    expect(r.facts.errorKind).toBe('forbidden');
    expect(r.summary).toContain('cannot get resource "nodes" in API group "" at the cluster scope');
  });
});
