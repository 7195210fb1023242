import { z } from 'zod';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { listComponentPods, systemNamespace, unique } from './components.js';

const outcomes = ['on-control-plane-nodes', 'on-worker', 'no-control-plane-pods'] as const;
type Outcome = (typeof outcomes)[number];

const components = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'];
/** kubeadm labels since 1.20, and the label older installers still set. */
const roleLabels = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master'];

export const clusterControlPlanePlacement = defineCheck({
  id: 'cluster.control-plane-placement',
  layer: 'cluster',
  title: 'Control-plane pods running on nodes without the control-plane role',
  why: 'A control-plane static pod on a worker is a leftover of an old installation (its manifest or service still enabled there): after a reboot it starts a second apiserver, scheduler or controller-manager that fights the real ones or fails and drags the node down.',
  params: z.object({}),
  outcomes,
  healthy: ['on-control-plane-nodes', 'no-control-plane-pods'],
  facts: ['strayNodes', 'strayComponents', 'controlPlaneNodes'],
  sets: {
    'on-control-plane-nodes': ['controlPlaneNodes'],
    'on-worker': ['controlPlaneNodes', 'strayComponents', 'strayNodes'],
  },
  command: () =>
    `kubectl get pods -n ${systemNamespace} -l 'component in (${components.join(',')})' -o wide && kubectl get nodes -l node-role.kubernetes.io/control-plane`,
  async run(ctx): Promise<CheckResult<Outcome>> {
    // kubeadm sets both labels; other installers set one or the other, so read both and merge.
    const [byTier, byComponent] = await Promise.all([
      listComponentPods(ctx.kube, 'tier=control-plane'),
      listComponentPods(ctx.kube, `component in (${components.join(',')})`),
    ]);
    const pods = new Map<string, V1Pod>();
    for (const pod of [...byTier, ...byComponent]) pods.set(pod.metadata?.name ?? '', pod);
    if (pods.size === 0) {
      return {
        outcome: 'no-control-plane-pods',
        summary: `no control-plane pods in ${systemNamespace}: the control plane is managed (EKS, GKE, AKS) or runs as host services, so there is nothing to misplace here`,
        evidence: [{ label: `pods -l tier=control-plane / component in (…)`, value: 'none' }],
        facts: { strayNodes: '', strayComponents: '' },
      };
    }
    const nodeNames = unique([...pods.values()].map((p) => p.spec?.nodeName));
    // Only the nodes these pods are on: a handful, whatever the cluster's size.
    const nodes = new Map(
      await Promise.all(nodeNames.map(async (n) => [n, await ifExists(ctx.kube.readNode(n))] as const)),
    );
    const evidence: Evidence[] = [];
    const stray: { pod: string; component: string; node: string; why: string }[] = [];
    const cpNodes: string[] = [];
    for (const n of nodeNames) {
      const node = nodes.get(n);
      const role = node ? roleOf(node) : undefined;
      if (role) cpNodes.push(n);
      const here = [...pods.values()].filter((p) => p.spec?.nodeName === n);
      evidence.push({
        label: `node ${n}`,
        value: `${node ? (role ? `role ${role}` : 'no control-plane role label') : 'node object not found'}: ${here.map((p) => p.metadata?.name).join(', ')}`,
      });
      if (!role) {
        for (const p of here)
          stray.push({
            pod: p.metadata?.name ?? '',
            component: componentOf(p),
            node: n,
            why: node ? 'no control-plane role' : 'node not found',
          });
      }
    }
    const facts: Facts = {
      controlPlaneNodes: cpNodes.join(','),
      strayNodes: unique(stray.map((s) => s.node)).join(','),
      strayComponents: unique(stray.map((s) => s.component)).join(','),
    };
    if (stray.length > 0) {
      return {
        outcome: 'on-worker',
        summary: `${stray.map((s) => `${s.component} (${s.pod})`).join(', ')} run${stray.length === 1 ? 's' : ''} on ${facts.strayNodes}, which has no control-plane role: a leftover of an earlier installation, started again by that host`,
        evidence,
        facts,
      };
    }
    return {
      outcome: 'on-control-plane-nodes',
      summary: `all ${pods.size} control-plane pods run on control-plane nodes (${cpNodes.join(', ')})`,
      evidence,
      facts,
    };
  },
});

function roleOf(node: V1Node): string | undefined {
  const labels = node.metadata?.labels ?? {};
  const label = roleLabels.find((l) => l in labels);
  return label?.split('/')[1];
}

function componentOf(p: V1Pod): string {
  return p.metadata?.labels?.component ?? p.metadata?.name ?? '';
}
