import type { V1Node } from '@kubernetes/client-node';
import type { KubeClient } from '../kube/client.js';
import type { NodeIdentity } from './local.js';

/** The address ssh should use for a node: its InternalIP, else its Hostname address, else the name (an ssh config alias). */
export function nodeAddress(node: V1Node): string | undefined {
  const addrs = node.status?.addresses ?? [];
  return (
    addrs.find((a) => a.type === 'InternalIP')?.address ??
    addrs.find((a) => a.type === 'Hostname')?.address ??
    node.metadata?.name
  );
}

/** True/False from the node's Ready condition; undefined when it has none. */
export function nodeIsReady(node: V1Node): boolean | undefined {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  return ready ? ready.status === 'True' : undefined;
}

/** For `createSshAccess({ resolveAddress })`: reads the node from the API; falls back to the name when it cannot. */
export function addressResolver(kube: KubeClient): (node: string, signal: AbortSignal) => Promise<string> {
  return async (name, signal) => {
    try {
      return nodeAddress(await kube.withSignal(signal).readNode(name)) ?? name;
    } catch {
      return name;
    }
  };
}

/** For `createKubectlDebugAccess({ isNodeReady })`: undefined (go ahead and try) when the API cannot say. */
export function readinessProbe(kube: KubeClient): (node: string, signal: AbortSignal) => Promise<boolean | undefined> {
  return async (name, signal) => {
    try {
      return nodeIsReady(await kube.withSignal(signal).readNode(name));
    } catch {
      return undefined;
    }
  };
}

/** For `createLocalAccess({ describeNode })`: the node's addresses and hostname label, so local access can tell whether it runs there. */
export function nodeDescriber(kube: KubeClient): (node: string, signal: AbortSignal) => Promise<NodeIdentity> {
  return async (name, signal) => {
    const node = await kube.withSignal(signal).readNode(name);
    const hostnameLabel = node.metadata?.labels?.['kubernetes.io/hostname'];
    return {
      name,
      addresses: (node.status?.addresses ?? []).map((a) => a.address),
      ...(hostnameLabel ? { hostnameLabel } : {}),
    };
  };
}
