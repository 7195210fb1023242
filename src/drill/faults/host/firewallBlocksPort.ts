import { z } from 'zod';
import { commands } from '../../hosts/commands.js';
import { healthyIptables } from '../../hosts/healthy.js';
import { defineFault } from '../types.js';
import { controlPlaneIPs, nodeParam, targetNode } from './support.js';

/** Ports a Kubernetes node needs open; the admin opened them in the public zone when firewalld came back. */
const opened = ['22', '80', '443', '2379:2380', '6443', '10250', '10256', '30000:32767'];

/**
 * The rancher notebook's first incident, one hop: firewalld is running on a
 * node where nobody expected it, and a rule drops or rejects the one port the
 * traffic needs.
 */
export const firewallBlocksPort = defineFault({
  id: 'firewall-blocks-port',
  title: 'A host firewall blocks a port the cluster needs',
  layer: 'network',
  description:
    "`systemctl is-active firewalld` says active; `iptables-save` shows firewalld's chains (iptables backend) next to kube-proxy's, with a direct rule that REJECTs (or DROPs) new `proto` connections to `port` in INPUT_direct, ahead of the zone that would allow it. Connections to that port on the node fail; nothing else changes.",
  params: z.strictObject({
    node: nodeParam,
    port: z.number().int().min(1).max(65535),
    proto: z.enum(['tcp']).default('tcp'),
    action: z.enum(['REJECT', 'DROP']).default('REJECT'),
  }),
  apply(ctx, p) {
    const { id } = targetNode(ctx, p.node);
    ctx.host(p.node, commands.firewalld, { stdout: 'active\n' });
    const target = p.action === 'REJECT' ? 'REJECT --reject-with icmp-port-unreachable' : 'DROP';
    const allow = opened.map(
      (port) => `-A IN_public_allow -p tcp -m tcp --dport ${port} -m conntrack --ctstate NEW,UNTRACKED -j ACCEPT`,
    );
    ctx.host(p.node, commands.iptables, {
      stdout: healthyIptables(id, controlPlaneIPs(ctx), {
        chains: [
          'INPUT_ZONES',
          'INPUT_direct',
          'IN_public',
          'IN_public_allow',
          'IN_public_deny',
          'IN_public_log',
          'IN_public_post',
          'IN_public_pre',
        ],
        input: [
          '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -j ACCEPT',
          '-A INPUT -i lo -j ACCEPT',
          '-A INPUT -j INPUT_direct',
          '-A INPUT -j INPUT_ZONES',
          '-A INPUT -m conntrack --ctstate INVALID -j DROP',
          '-A INPUT -j REJECT --reject-with icmp-host-prohibited',
        ],
        rules: [
          '-A INPUT_ZONES -g IN_public',
          `-A INPUT_direct -p ${p.proto} -m ${p.proto} --dport ${p.port} -j ${target}`,
          '-A IN_public -j IN_public_pre',
          '-A IN_public -j IN_public_log',
          '-A IN_public -j IN_public_deny',
          '-A IN_public -j IN_public_allow',
          '-A IN_public -j IN_public_post',
          '-A IN_public -p icmp -j ACCEPT',
          ...allow,
        ],
      }),
    });
  },
});
