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

/** kubeadm's kubelet.service: Restart=always, RestartSec=10. */
const restartSeconds = 10;

/**
 * The stale-control-plane incident: someone "backed up" the kubelet's config
 * with `mv`; after the reboot the kubelet exits at once, systemd restarts it
 * every 10 s forever, and the node stops posting status.
 */
export const kubeletConfigMissing = defineFault({
  id: 'kubelet-config-missing',
  title: "The kubelet's config file is gone: the kubelet crash-loops and the node goes Unknown",
  layer: 'host',
  description:
    '/var/lib/kubelet/config.yaml is missing (moved away instead of copied). The kubelet fails at start with "failed to load kubelet config file ... no such file or directory"; systemd keeps it in activating (auto-restart) with NRestarts climbing every 10 s. No kubelet process or port 10250/10248 on the host. The Node has every condition Unknown ("Kubelet stopped posting node status."), the unreachable taints, a heartbeat and a node Lease stale since `since`, a NodeNotReady event, and its pods marked not ready.',
  params: z.strictObject({
    node: nodeParam,
    /** When the kubelet last ran (the reboot). */
    since: sinceParam('now-25m'),
  }),
  apply(ctx, p) {
    const { node, id } = targetNode(ctx, p.node);
    const since = when(ctx, p.since);
    const down = Math.max(restartSeconds, Math.round((ctx.now.getTime() - since.getTime()) / 1000));
    const restarts = Math.floor(down / restartSeconds);
    const attempt = (n: number) => new Date(since.getTime() + n * restartSeconds * 1000 + 300);
    const lastStart = attempt(restarts);
    const pidOf = (n: number) => 2000 + n * 21;
    const path = '/var/lib/kubelet/config.yaml';

    ctx.host(p.node, commands.kubeletConfig, {
      stdout: '',
      stderr: `cat: ${path}: No such file or directory\n`,
      exitCode: 1,
    });
    ctx.host(p.node, commands.kubeletService, {
      stdout: kubeletUnit(id, {
        active: 'activating',
        sub: 'auto-restart',
        result: 'exit-code',
        restarts,
        status: 1,
        pid: pidOf(restarts),
        start: lastStart,
        stop: new Date(lastStart.getTime() + 90),
        code: 'exited',
      }),
    });

    // Each attempt, as systemd and the kubelet log it; the journal check reads the last 15 minutes.
    const lines: string[] = [];
    const windowStart = ctx.now.getTime() - 15 * 60_000;
    for (let n = 1; n <= restarts; n++) {
      const t = attempt(n);
      if (t.getTime() < windowStart) continue;
      const pid = pidOf(n);
      const host = p.node;
      lines.push(
        journalLine(t, host, 'systemd', 1, `kubelet.service: Scheduled restart job, restart counter is at ${n}.`),
        journalLine(t, host, 'systemd', 1, 'Stopped kubelet.service - kubelet: The Kubernetes Node Agent.'),
        journalLine(t, host, 'systemd', 1, 'Started kubelet.service - kubelet: The Kubernetes Node Agent.'),
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
            `"command failed" err="failed to load kubelet config file, path: ${path}, error: failed to load Kubelet config file ${path}, error failed to read kubelet config file \\"${path}\\", error: open ${path}: no such file or directory"`,
            (id.seed + n * 7907) % 1e6,
          ),
        ),
        journalLine(t, host, 'systemd', 1, 'kubelet.service: Main process exited, code=exited, status=1/FAILURE'),
        journalLine(t, host, 'systemd', 1, "kubelet.service: Failed with result 'exit-code'."),
      );
    }
    ctx.host(p.node, commands.kubeletJournal, {
      stdout: lines.length > 0 ? `${lines.join('\n')}\n` : '-- No entries --\n',
    });

    editProcesses(ctx, p.node, (procs) => procs.filter((x) => !x.args.startsWith('/usr/bin/kubelet ')));
    const listeners = parseListeners(currentText(ctx, p.node, commands.listening)).filter(
      (l) => l.process !== 'kubelet',
    );
    ctx.host(p.node, commands.listening, { stdout: ssListen(listeners) });

    kubeletSilent(ctx, node, since);
  },
});
