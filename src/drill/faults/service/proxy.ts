import type { KubeObject } from '../../types.js';
import { commands } from '../../hosts/commands.js';
import { healthyIptables } from '../../hosts/healthy.js';
import { kubeProxyRules, programmedPorts } from '../../hosts/kubeProxy.js';
import type { FaultContext } from '../types.js';
import { controlPlaneIPs, targetNode } from '../host/support.js';
import type { AppRef } from './support.js';

/** The kube-proxy pod on a node (generated clusters run kubeadm's DaemonSet). */
export function kubeProxyPod(ctx: FaultContext, node: string): KubeObject {
  // The node's pods only: kube-proxy's pods are made on read, and listing them all would make every one.
  const pod = ctx
    .podsOn(node)
    .find((p) => p.metadata.namespace === 'kube-system' && p.metadata.labels?.['k8s-app'] === 'kube-proxy');
  return pod ?? ctx.fail(`no kube-proxy pod on ${node} (generate the cluster with addons: true)`);
}

/**
 * The node's iptables-save as a kube-proxy that stopped syncing left it:
 * every Service as the objects say, except the app's, whose endpoints are
 * the pod addresses it had before its pods were replaced (`stale`).
 */
export function staleRules(ctx: FaultContext, node: string, app: AppRef, stale: string[]): void {
  const ports = programmedPorts(ctx.list('Service').concat(ctx.list('EndpointSlice'))).map((p) =>
    p.namespace === app.namespace && p.service === app.name
      ? {
          ...p,
          endpoints: stale.map((ip, i) => ({
            ip,
            port: p.endpoints[i % Math.max(1, p.endpoints.length)]?.port ?? 8080,
          })),
        }
      : p,
  );
  const { id } = targetNode(ctx, node);
  ctx.host(node, commands.iptables, {
    stdout: healthyIptables(id, controlPlaneIPs(ctx), undefined, kubeProxyRules(ports)),
  });
}

/** Addresses the app's pods had before a rollout: the same nodes' CIDRs, lower in them. */
export function formerIPs(ctx: FaultContext, app: AppRef): string[] {
  const slices = ctx
    .list('EndpointSlice', app.namespace)
    .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === app.name);
  const now = slices.flatMap((s) =>
    ((s.endpoints as { addresses: string[] }[] | null | undefined) ?? []).map((e) => e.addresses[0] ?? ''),
  );
  return now.map((ip) => ip.replace(/\.(\d+)$/, (_, n: string) => `.${Number(n) - 60}`));
}
