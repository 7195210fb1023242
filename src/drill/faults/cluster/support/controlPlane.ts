import type { KubeObject } from '../../../types.js';
import type { FaultContext } from '../../types.js';
import { zapTs, ago, uuidOf } from './logs.js';
import { str } from './json.js';
import type { Json } from './json.js';
import { lease as leaseObject } from '../../../objects/coordination.js';

export type Component = 'kube-apiserver' | 'etcd' | 'kube-scheduler' | 'kube-controller-manager';

/** A control-plane static pod (`kube-scheduler-cp-1`), on `node` or on the first control-plane node. */
export function controlPlanePod(ctx: FaultContext, component: Component, node?: string): KubeObject {
  if (node) return ctx.need('Pod', 'kube-system', `${component}-${node}`);
  return (
    ctx
      .list('Pod', 'kube-system')
      .find((p) => p.metadata.labels?.component === component && p.metadata.labels.tier === 'control-plane') ??
    ctx.fail(`the cluster has no ${component} pod (generate a control plane)`)
  );
}

/** The node a static pod runs on and its address (control-plane pods use the host network). */
export function nodeOf(pod: KubeObject): { node: string; ip: string } {
  const spec = (pod.spec ?? {}) as Json;
  const status = (pod.status ?? {}) as Json;
  return { node: str(spec.nodeName), ip: str(status.hostIP) || str(status.podIP) };
}

/** A node's InternalIP, as metrics-server and the apiserver dial it. */
export function nodeIP(ctx: FaultContext, node: string): string {
  const n = ctx.need('Node', undefined, node);
  const addresses = (((n.status ?? {}) as Json).addresses ?? []) as { type: string; address: string }[];
  return addresses.find((a) => a.type === 'InternalIP')?.address ?? ctx.fail(`node ${node} has no InternalIP`);
}

/** The leader identity client-go's leader election writes: `<hostname>_<uuid>`, a new uuid per process. */
export function leaderIdentity(node: string, component: Component, run: number): string {
  return `${node}_${uuidOf('leader', component, node, run)}`;
}

/**
 * The component's leader Lease as the last holder left it: renewed
 * `renewedAgo` seconds ago and never since, so it is long past its 15 s.
 */
export function staleLeaderLease(
  ctx: FaultContext,
  component: 'kube-scheduler' | 'kube-controller-manager',
  o: { renewedAgo: number; holder: string; acquiredAgo?: number; transitions?: number },
): KubeObject {
  const existing = ctx.find('Lease', 'kube-system', component);
  const base: KubeObject =
    existing ?? leaseObject({ name: component, namespace: 'kube-system', creationTimestamp: ctx.at('now-90d') }, {});
  const renew = zapTs(ago(ctx, o.renewedAgo, `${component}-renew`));
  const lease: KubeObject = {
    ...base,
    spec: {
      ...((base.spec ?? {}) as Json),
      holderIdentity: o.holder,
      leaseDurationSeconds: 15,
      acquireTime: o.acquiredAgo !== undefined ? zapTs(ago(ctx, o.acquiredAgo, `${component}-acquire`)) : renew,
      renewTime: renew,
      leaseTransitions: o.transitions ?? 0,
    },
  };
  ctx.put(lease);
  return lease;
}
