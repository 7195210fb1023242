import { z } from 'zod';
import { commands, serviceProps } from '../../hosts/commands.js';
import { systemctlShow, systemdTime } from '../../hosts/format.js';
import { defineFault } from '../types.js';
import { nodeParam, sinceParam, targetNode, when } from './support.js';

/**
 * The rancher notebook's first incident, the proxy hop: nginx in front of
 * Rancher failed to start, so nothing listens on 80 or 443 and the downstream
 * cluster's agents cannot connect.
 */
export const frontProxyDown = defineFault({
  id: 'front-proxy-down',
  title: 'The nginx front proxy on a node has failed',
  layer: 'network',
  description:
    '`systemctl show nginx` says loaded but failed (Result=exit-code, exit status 1, started at `since`); no nginx process runs and nothing listens on ports 80 or 443 (`ss -ltnp`).',
  params: z.strictObject({
    node: nodeParam,
    since: sinceParam('now-30m'),
  }),
  apply(ctx, p) {
    targetNode(ctx, p.node);
    const since = when(ctx, p.since);
    ctx.host(p.node, commands.nginx, {
      stdout: systemctlShow(
        {
          Result: 'exit-code',
          NRestarts: '0',
          ExecMainStartTimestamp: systemdTime(since),
          ExecMainStatus: '1',
          LoadState: 'loaded',
          ActiveState: 'failed',
          SubState: 'failed',
        },
        serviceProps,
      ),
    });
  },
});
