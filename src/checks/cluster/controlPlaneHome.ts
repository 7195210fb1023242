import type { V1Node } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/client.js';
import { KubeError } from '../../kube/errors.js';

/**
 * Where a cluster's control plane runs, from what the API shows: a managed
 * service (EKS, GKE, AKS: no control-plane node, no control-plane pod), inside
 * the distribution's own process (k3s, microk8s: control-plane nodes, no pods),
 * or as pods (kubeadm, RKE2). Read from one node, the control-plane role label
 * (limit 1) and /version: a handful of requests, whatever the cluster's size.
 */
export interface ControlPlaneHome {
  /** `EKS`, `GKE`, `AKS`, `k3s`, `microk8s`, `RKE2`, or '' when nothing names one. */
  provider: string;
  /** The provider runs the control plane itself: nothing of it is visible here. */
  managed: boolean;
  /** The distribution runs the components inside its own server process (no pods). */
  embedded: boolean;
  /** Nodes that carry a control-plane role label (at most the first one is read). */
  controlPlaneNode: string;
  /** What named it: a label, a providerID, a version string. */
  signs: string[];
}

const roleLabels = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master'];

interface Sign {
  provider: string;
  managed: boolean;
  embedded: boolean;
  test: (n: V1Node) => string | undefined;
}

const label = (prefix: string) => (n: V1Node) =>
  Object.keys(n.metadata?.labels ?? {}).find((k) => k.startsWith(prefix));
const version = (re: RegExp) => (n: V1Node) => {
  const v = n.status?.nodeInfo?.kubeletVersion ?? '';
  return re.test(v) ? `kubelet ${v}` : undefined;
};
const providerId = (prefix: string) => (n: V1Node) =>
  n.spec?.providerID?.startsWith(prefix) ? `providerID ${n.spec.providerID}` : undefined;
const annotation = (prefix: string) => (n: V1Node) =>
  Object.keys(n.metadata?.annotations ?? {}).find((k) => k.startsWith(prefix));

/** Signs, most specific first; the first provider with a sign wins. */
const signs: Sign[] = [
  {
    provider: 'EKS',
    managed: true,
    embedded: false,
    test: (n) => label('eks.amazonaws.com/')(n) ?? version(/-eks\b/)(n),
  },
  {
    provider: 'GKE',
    managed: true,
    embedded: false,
    test: (n) => label('cloud.google.com/gke-')(n) ?? version(/-gke\./)(n),
  },
  {
    provider: 'AKS',
    managed: true,
    embedded: false,
    test: (n) => label('kubernetes.azure.com/')(n) ?? providerId('azure://')(n),
  },
  { provider: 'k3s', managed: false, embedded: true, test: (n) => version(/\+k3s/)(n) ?? annotation('k3s.io/')(n) },
  { provider: 'RKE2', managed: false, embedded: false, test: (n) => version(/\+rke2/)(n) ?? annotation('rke2.io/')(n) },
  { provider: 'microk8s', managed: false, embedded: true, test: label('microk8s.io/') },
];

/** Server version strings of managed and embedded control planes: v1.27.4-eks-2d98532, v1.27.3-gke.100, v1.26.4+k3s1. */
const versionSigns: [RegExp, string][] = [
  [/-eks\b/, 'EKS'],
  [/-gke\./, 'GKE'],
  [/\+k3s/, 'k3s'],
  [/\+rke2/, 'RKE2'],
];

export async function controlPlaneHome(kube: KubeClient): Promise<ControlPlaneHome> {
  const [anyNode, cpNodes, serverVersion] = await Promise.all([
    kube.listNodes({ pageSize: 1, maxItems: 1 }),
    Promise.all(roleLabels.map((l) => kube.listNodes({ labelSelector: l, pageSize: 1, maxItems: 1 }))),
    readVersion(kube),
  ]);
  const node = anyNode[0];
  const cp = cpNodes.flat()[0];
  const found: string[] = [];
  let match: Sign | undefined;
  for (const n of [cp, node]) {
    if (!n || match) continue;
    for (const s of signs) {
      const sign = s.test(n);
      if (sign) {
        match = s;
        found.push(`node ${n.metadata?.name ?? ''}: ${sign}`);
        break;
      }
    }
  }
  const byVersion = versionSigns.find(([re]) => re.test(serverVersion));
  if (byVersion) {
    found.push(`server version ${serverVersion}`);
    if (!match) match = signs.find((s) => s.provider === byVersion[1]);
  }
  return {
    provider: match?.provider ?? '',
    managed: match?.managed ?? false,
    embedded: match?.embedded ?? false,
    controlPlaneNode: cp?.metadata?.name ?? '',
    signs: found,
  };
}

async function readVersion(kube: KubeClient): Promise<string> {
  try {
    const r = await kube.getRaw('/version');
    if (r.status !== 200) return '';
    const v = JSON.parse(r.body) as { gitVersion?: unknown };
    return typeof v.gitVersion === 'string' ? v.gitVersion : '';
  } catch (err) {
    // The version only adds a sign; a server that hides it leaves the labels to speak.
    if (err instanceof KubeError || err instanceof SyntaxError) return '';
    throw err;
  }
}

/** Where to read a managed control plane's component logs. */
export function providerLogsHint(provider: string, component: string): string {
  switch (provider) {
    case 'EKS':
      return `EKS: enable control plane logging for ${component === 'kube-scheduler' ? 'scheduler' : 'controllerManager'} (aws eks update-cluster-config --logging) and read CloudWatch log group /aws/eks/ followed by the cluster's name and /cluster`;
    case 'GKE':
      return `GKE: Cloud Logging, resource.type="k8s_control_plane_component" resource.labels.component_name="${component}"`;
    case 'AKS':
      return `AKS: diagnostic settings, log category ${component}, in Log Analytics (AzureDiagnostics | where Category == "${component}")`;
    default:
      return `the provider's control-plane logs or support`;
  }
}
