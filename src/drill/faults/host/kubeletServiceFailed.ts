import { z } from 'zod';
import { commands } from '../../hosts/commands.js';
import { journalLine, klog, ssListen } from '../../hosts/format.js';
import { kubeletUnit } from '../../hosts/healthy.js';
import { defineFault } from '../types.js';
import {
  currentText,
  editProcesses,
  kubeletSilent,
  nodeParam,
  parseListeners,
  sinceParam,
  targetNode,
  when,
} from './support.js';

/**
 * The kubelet exited with an error and systemd gave up on it: after an
 * upgrade a flag the new kubelet no longer knows (in /etc/default/kubelet)
 * makes it exit at once, and this node's unit has no Restart= to bring it back.
 */
export const kubeletServiceFailed = defineFault({
  id: 'kubelet-service-failed',
  title: 'The kubelet service has failed and is not running',
  layer: 'host',
  description:
    'systemd shows kubelet.service failed (Result=exit-code, exit status 1); its journal ends with the kubelet\'s "command failed" error (an unknown flag left from an older version) and systemd\'s "Failed with result \'exit-code\'". No kubelet process or listener on the host. The Node goes Unknown ("Kubelet stopped posting node status.") with the unreachable taints, a heartbeat and Lease stale since `since`, and a NodeNotReady event.',
  params: z.strictObject({
    node: nodeParam,
    since: sinceParam('now-10m'),
    /** The flag the kubelet rejects. */
    flag: z
      .string()
      .regex(/^--[a-z-]+(?:=\S+)?$/)
      .default('--container-runtime=remote'),
  }),
  apply(ctx, p) {
    const { node, id } = targetNode(ctx, p.node);
    const since = when(ctx, p.since);
    const pid = 3000 + (id.seed % 5000);
    const start = new Date(since.getTime() - 200);
    ctx.host(p.node, commands.kubeletService, {
      stdout: kubeletUnit(id, {
        active: 'failed',
        sub: 'failed',
        result: 'exit-code',
        restarts: 0,
        status: 1,
        pid,
        start,
        stop: since,
        code: 'exited',
      }),
    });
    const name = p.flag.split('=')[0] ?? p.flag;
    const t = since;
    const host = p.node;
    const lines = [
      journalLine(
        new Date(t.getTime() - 1000),
        host,
        'systemd',
        1,
        'Started kubelet.service - kubelet: The Kubernetes Node Agent.',
      ),
      journalLine(
        t,
        host,
        'kubelet',
        pid,
        klog(
          'E',
          t,
          pid,
          'run.go:72',
          `"command failed" err="failed to parse kubelet flag: unknown flag: ${name}"`,
          id.seed % 1e6,
        ),
      ),
      journalLine(t, host, 'systemd', 1, 'kubelet.service: Main process exited, code=exited, status=1/FAILURE'),
      journalLine(t, host, 'systemd', 1, "kubelet.service: Failed with result 'exit-code'."),
    ];
    // journalctl --since=-15m shows nothing older than the window.
    const recent = ctx.now.getTime() - t.getTime() <= 15 * 60_000;
    ctx.host(p.node, commands.kubeletJournal, { stdout: recent ? `${lines.join('\n')}\n` : '-- No entries --\n' });
    editProcesses(ctx, p.node, (procs) => procs.filter((x) => !x.args.startsWith('/usr/bin/kubelet ')));
    ctx.host(p.node, commands.listening, {
      stdout: ssListen(
        parseListeners(currentText(ctx, p.node, commands.listening)).filter((l) => l.process !== 'kubelet'),
      ),
    });
    kubeletSilent(ctx, node, since);
  },
});
