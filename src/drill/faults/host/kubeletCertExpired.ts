import { z } from 'zod';
import { commands } from '../../hosts/commands.js';
import { journalLine, klog } from '../../hosts/format.js';
import { opensslEnddate } from '../../hosts/healthy.js';
import { defineFault } from '../types.js';
import { controlPlaneIPs, kubeletSilent, nodeParam, rfc3339, sinceParam, targetNode, when } from './support.js';

/**
 * The kubelet's client certificate expired (rotation was off, or the node was
 * powered off past its expiry): the API server rejects it and the node goes
 * silent from the cluster's point of view.
 */
export const kubeletCertExpired = defineFault({
  id: 'kubelet-cert-expired',
  title: "The kubelet's client certificate has expired",
  layer: 'host',
  description:
    'openssl shows /var/lib/kubelet/pki/kubelet-client-current.pem with notAfter at `since`; the kubelet journal says "The currently active client certificate has expired" and its calls to the API server fail with "x509: certificate has expired or is not yet valid". The kubelet still runs, but the Node goes Unknown ("Kubelet stopped posting node status.") with the unreachable taints, a heartbeat and Lease stale since `since`, and a NodeNotReady event.',
  params: z.strictObject({
    node: nodeParam,
    /** The certificate's notAfter. */
    since: sinceParam('now-2h'),
  }),
  apply(ctx, p) {
    const { node, id } = targetNode(ctx, p.node);
    const since = when(ctx, p.since);
    ctx.host(p.node, commands.kubeletClientCert, opensslEnddate(since));
    const api = controlPlaneIPs(ctx)[0] ?? '10.0.0.11';
    const pid = id.pids.kubelet;
    const expired = rfc3339(since);
    const lines: string[] = [];
    for (let i = 0, t = ctx.now.getTime() - 14 * 60_000 + (id.seed % 9000); t < ctx.now.getTime(); i++, t += 10_000) {
      const d = new Date(t);
      const x509 = `tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time ${rfc3339(d)} is after ${expired}`;
      const us = (n: number) => (id.seed + Math.floor(t / 1000) * 13 + n) % 1e6;
      if (i % 6 === 0) {
        lines.push(
          journalLine(
            d,
            p.node,
            'kubelet',
            pid,
            klog(
              'E',
              d,
              pid,
              'transport.go:113',
              '"The currently active client certificate has expired, but the server is not responsive. A restart may be necessary to retrieve new initial credentials."',
              us(1),
            ),
          ),
        );
      }
      lines.push(
        journalLine(
          d,
          p.node,
          'kubelet',
          pid,
          klog(
            'E',
            d,
            pid,
            'kubelet_node_status.go:535',
            `"Error updating node status, will retry" err="error getting node \\"${p.node}\\": Get \\"https://${api}:6443/api/v1/nodes/${p.node}?timeout=10s\\": ${x509}"`,
            us(2),
          ),
        ),
        journalLine(
          d,
          p.node,
          'kubelet',
          pid,
          klog(
            'E',
            d,
            pid,
            'controller.go:145',
            `"Failed to ensure lease exists, will retry" err="Get \\"https://${api}:6443/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${p.node}?timeout=10s\\": ${x509}" interval="7s"`,
            us(3),
          ),
        ),
      );
    }
    ctx.host(p.node, commands.kubeletJournal, { stdout: `${lines.join('\n')}\n` });
    kubeletSilent(ctx, node, since);
  },
});
