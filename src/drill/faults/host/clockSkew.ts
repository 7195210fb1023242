import { z } from 'zod';
import { commands } from '../../hosts/commands.js';
import { chronyTracking, timedatectlShow } from '../../hosts/healthy.js';
import { defineFault } from '../types.js';
import { nodeParam, rfc3339, setCondition, setLease, targetNode } from './support.js';

/**
 * The node lost its time source and its clock drifted: TLS validity checks,
 * token expiry and log timestamps go wrong, and the times the kubelet writes
 * into the API (heartbeats, Lease renewals) are off by the same amount.
 */
export const clockSkew = defineFault({
  id: 'clock-skew',
  title: "The node's clock is off and no longer synchronised",
  layer: 'host',
  description:
    "`timedatectl show` says NTPSynchronized=no and prints the node's own (skewed) time; `chronyc tracking` shows no reference (Leap status: Not synchronised) and a System time `offsetSeconds` off NTP time (positive: the node is ahead). The kubelet stamps its heartbeats and Lease renewals with its own clock, so the Node's lastHeartbeatTime and its Lease renewTime are off by the same amount.",
  params: z.strictObject({
    node: nodeParam,
    /** The node's clock minus the true time. */
    offsetSeconds: z
      .number()
      .refine((n) => Math.abs(n) >= 1, 'a skew of at least a second')
      .default(312),
  }),
  apply(ctx, p) {
    const { node, id } = targetNode(ctx, p.node);
    ctx.host(p.node, commands.timedatectl, timedatectlShow(id, false, p.offsetSeconds));
    // chronyc reports how far the system clock is from NTP time: "fast" when ahead.
    ctx.host(
      p.node,
      commands.chrony,
      chronyTracking(id, { systemOffset: p.offsetSeconds, lastOffset: p.offsetSeconds * 0.97, synchronised: false }),
    );
    const skewed = (agoMs: number) => new Date(ctx.now.getTime() - agoMs + p.offsetSeconds * 1000);
    for (const c of (node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ??
      []) {
      setCondition(node, { type: c.type, status: c.status, lastHeartbeatTime: rfc3339(skewed(10_000)) });
    }
    ctx.put(node);
    setLease(ctx, p.node, skewed(4000));
  },
});
