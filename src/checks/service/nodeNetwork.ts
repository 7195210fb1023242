import { z } from 'zod';
import type { V1Pod } from '@kubernetes/client-node';
import { quoteArg } from '../../nodeaccess/quote.js';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence } from '../types.js';
import { podReady } from './objects.js';
import { proxyModeOf } from '../../kube/kubeProxyRules.js';

const outcomes = ['healthy', 'kube-proxy-down', 'cni-down', 'no-kube-proxy'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  /** The nodes on the path: the client's and the endpoints' (comma-separated). */
  nodes: z.string().min(1),
});
type Params = z.infer<typeof params>;

/** The CNI DaemonSets' pod labels as their manifests set them. */
const cniPods: { label: string; value: string; name: string }[] = [
  { label: 'app', value: 'flannel', name: 'flannel' },
  { label: 'k8s-app', value: 'calico-node', name: 'calico-node' },
  { label: 'k8s-app', value: 'cilium', name: 'cilium' },
  { label: 'name', value: 'weave-net', name: 'weave-net' },
  { label: 'app', value: 'kindnet', name: 'kindnet' },
  { label: 'k8s-app', value: 'aws-node', name: 'aws-node' },
  { label: 'k8s-app', value: 'canal', name: 'canal' },
  { label: 'app.kubernetes.io/name', value: 'antrea', name: 'antrea-agent' },
];

export function cniName(pod: V1Pod): string | undefined {
  return cniPods.find((c) => pod.metadata?.labels?.[c.label] === c.value)?.name;
}

/** Running and Ready, with no container waiting to restart. */
function podWorks(pod: V1Pod): { ok: boolean; state: string } {
  const waiting = pod.status?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting?.reason;
  const phase = pod.status?.phase ?? 'Unknown';
  const ready = podReady(pod);
  const restarts = (pod.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
  return {
    ok: phase === 'Running' && ready && !waiting,
    state: `${waiting ?? phase}${ready ? ', Ready' : ', not Ready'}${restarts > 0 ? `, ${restarts} restarts` : ''}`,
  };
}

const command = (p: Params) =>
  p.nodes
    .split(',')
    .filter(Boolean)
    .map((n) => `kubectl get pods -A -o wide --field-selector spec.nodeName=${quoteArg(n.trim())}`)
    .join('; ') + '; kubectl -n kube-system get configmap kube-proxy -o jsonpath={.data.config\\.conf} | grep mode';

/**
 * kube-proxy turns a ClusterIP into the pods' addresses on each node, and
 * the CNI agent carries pod traffic between nodes: either one down on a node
 * on the path breaks the Service from there while the pods look healthy.
 * Only the nodes on the path are read, so the cost does not grow with the cluster.
 */
export const serviceNodeNetwork = defineCheck({
  id: 'service.node-network',
  layer: 'node',
  title: 'Are kube-proxy and the CNI agent running on the nodes on the path?',
  why: "A Service is an address that only kube-proxy's rules make real on each node, and pod traffic between nodes runs through the CNI agent; either one broken on a node breaks the Service from there while the pods look fine.",
  params,
  outcomes,
  healthy: ['healthy'],
  facts: ['proxyNode', 'proxyMode', 'brokenPod', 'brokenPodName', 'brokenPodNamespace', 'cni'],
  sets: {
    '*': ['proxyNode', 'proxyMode'],
    'kube-proxy-down': ['brokenPod', 'brokenPodName', 'brokenPodNamespace'],
    'cni-down': ['brokenPod', 'brokenPodName', 'brokenPodNamespace', 'cni'],
  },
  command,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const nodes = [
      ...new Set(
        p.nodes
          .split(',')
          .map((n) => n.trim())
          .filter((n) => n && n !== '(unknown)'),
      ),
    ].slice(0, 6);
    const cm = await ifExists(ctx.kube.readConfigMap('kube-system', 'kube-proxy'));
    const mode = proxyModeOf(cm?.data?.['config.conf']);
    const evidence: Evidence[] = [
      {
        label: 'kube-proxy mode',
        value: cm
          ? `${mode} (kube-system/kube-proxy config.conf)`
          : 'no kube-proxy ConfigMap (not kubeadm, or no kube-proxy)',
      },
    ];
    let anyProxy = false;
    let firstBroken:
      | { outcome: Outcome; node: string; pod: string; name: string; namespace: string; cni?: string; state: string }
      | undefined;
    for (const node of nodes) {
      const pods = await ctx.kube.listPods({ fieldSelector: `spec.nodeName=${node}`, maxItems: 500 });
      const proxy = pods.find((x) => x.metadata?.labels?.['k8s-app'] === 'kube-proxy');
      const cni = pods.find((x) => cniName(x) !== undefined);
      if (proxy) anyProxy = true;
      const proxyState = proxy ? podWorks(proxy) : undefined;
      const cniState = cni ? podWorks(cni) : undefined;
      evidence.push({
        label: node,
        value: `kube-proxy: ${proxy ? `${proxy.metadata?.name ?? ''} ${proxyState?.state ?? ''}` : 'none'}; CNI: ${cni ? `${cni.metadata?.name ?? ''} ${cniState?.state ?? ''}` : 'no known CNI agent pod'}`,
      });
      if (!firstBroken && proxy && proxyState && !proxyState.ok)
        firstBroken = {
          outcome: 'kube-proxy-down',
          node,
          pod: `${proxy.metadata?.namespace ?? ''}/${proxy.metadata?.name ?? ''}`,
          name: proxy.metadata?.name ?? '',
          namespace: proxy.metadata?.namespace ?? '',
          state: proxyState.state,
        };
      if (!firstBroken && cni && cniState && !cniState.ok)
        firstBroken = {
          outcome: 'cni-down',
          node,
          pod: `${cni.metadata?.namespace ?? ''}/${cni.metadata?.name ?? ''}`,
          name: cni.metadata?.name ?? '',
          namespace: cni.metadata?.namespace ?? '',
          cni: cniName(cni) ?? '',
          state: cniState.state,
        };
    }
    const proxyNode = firstBroken?.node ?? nodes[0] ?? '(none)';
    if (firstBroken) {
      const what =
        firstBroken.outcome === 'kube-proxy-down' ? 'kube-proxy' : `the CNI agent (${firstBroken.cni ?? ''})`;
      return {
        outcome: firstBroken.outcome,
        summary: `${what} on ${firstBroken.node} is not working (${firstBroken.pod}: ${firstBroken.state}): ${firstBroken.outcome === 'kube-proxy-down' ? 'its rules for Services stop being updated there' : 'pod traffic to and from that node is not carried'}`,
        evidence,
        facts: {
          proxyNode,
          proxyMode: mode,
          brokenPod: firstBroken.pod,
          brokenPodName: firstBroken.name,
          brokenPodNamespace: firstBroken.namespace,
          ...(firstBroken.cni ? { cni: firstBroken.cni } : {}),
        },
      };
    }
    if (!anyProxy) {
      return {
        outcome: 'no-kube-proxy',
        summary: `no kube-proxy pod on ${nodes.join(', ')}: Services are done by something else (Cilium's kube-proxy replacement, a kube-proxy run by systemd) or by nothing`,
        evidence,
        facts: { proxyNode, proxyMode: mode },
      };
    }
    return {
      outcome: 'healthy',
      summary: `kube-proxy and the CNI agent are running on ${nodes.join(', ')}`,
      evidence,
      facts: { proxyNode, proxyMode: mode },
    };
  },
});
