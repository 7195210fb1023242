import { createHash } from 'node:crypto';
import { z } from 'zod';
import { commands } from '../../hosts/commands.js';
import { journalLine, klog, systemdTable } from '../../hosts/format.js';
import { defineFault } from '../types.js';
import {
  currentText,
  editProcesses,
  kubeletReportsNotReady,
  nodeParam,
  sinceParam,
  targetNode,
  when,
} from './support.js';
import { goDuration } from '../../../kube/semantics/duration.js';

/** The kubelet's PLEG threshold. */
const plegThresholdSeconds = 180;

/**
 * The node-notready-runc-dbus-systemd incident: systemd stops answering on
 * D-Bus, runC (systemd cgroup driver) blocks asking it for a container's
 * cgroup, container creation stalls, PLEG goes unhealthy and the node NotReady.
 */
export const systemdDbusHang = defineFault({
  id: 'systemd-dbus-hang',
  title: 'systemd stops answering on D-Bus; runC hangs and the node goes NotReady (PLEG)',
  layer: 'host',
  description:
    'A busctl Ping to org.freedesktop.systemd1 times out ("Call failed: Connection timed out") while `busctl list` still answers, listing the stuck runC connections; `ps` shows runc create processes minutes old; the kubelet journal says "PLEG is not healthy" and RunPodSandbox deadlines pass. The kubelet still posts status: the Node is Ready=False (KubeletNotReady, the PLEG message) with the not-ready taints, fresh heartbeat and Lease, and a NodeNotReady event.',
  params: z.strictObject({
    node: nodeParam,
    /** When systemd stopped answering (the first runC to hang). */
    since: sinceParam('now-12m'),
    runc: z.number().int().min(1).max(50).default(3),
  }),
  apply(ctx, p) {
    const { node, id } = targetNode(ctx, p.node);
    const since = when(ctx, p.since);
    const stuckFor = Math.max(plegThresholdSeconds + 10, Math.round((ctx.now.getTime() - since.getTime()) / 1000));
    const host = p.node;

    ctx.host(p.node, commands.systemdPing, {
      stdout: '',
      stderr: 'Call failed: Connection timed out\n',
      exitCode: 1,
      delayMs: 5000,
    });

    // runC invocations as containerd-shim-runc-v2 makes them, started one after another since systemd stopped answering.
    const runc = Array.from({ length: p.runc }, (_, i) => {
      const cid = createHash('sha256').update(`${host}/runc/${i}`).digest('hex');
      const task = `/run/containerd/io.containerd.runtime.v2.task/k8s.io/${cid}`;
      return {
        pid: 48_000 + i * 173 + (id.seed % 100),
        age: Math.max(61, stuckFor - Math.round((i * stuckFor) / (p.runc + 1))),
        args: `runc --root /run/containerd/runc/k8s.io --log ${task}/log.json --log-format json --systemd-cgroup create --bundle ${task} --pid-file ${task}/init.pid ${cid}`,
      };
    });
    editProcesses(ctx, p.node, (procs) => [...procs, ...runc]);

    // The bus itself answers: each stuck runC holds a connection with a large serial.
    const listed = currentText(ctx, p.node, commands.busList)
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => l.trim().split(/\s+/));
    const [head, ...rows] = listed;
    const serial = 48_200 + (id.seed % 50);
    const extra = runc.map((r, i) => [
      `:1.${serial + i * 7}`,
      String(r.pid),
      'runc',
      'root',
      `:1.${serial + i * 7}`,
      'containerd.service',
      '-',
      '-',
    ]);
    const unique = rows.filter((r) => r[0]?.startsWith(':'));
    const named = rows.filter((r) => !r[0]?.startsWith(':'));
    ctx.host(p.node, commands.busList, {
      stdout: systemdTable([head ?? [], ...unique, ...extra, ...named], new Set([1])),
    });

    // What the kubelet logs while PLEG cannot relist: every 5 s after the threshold, the last 15 minutes of it.
    const pid = id.pids.kubelet;
    const lines: string[] = [];
    const plegSince = since.getTime() + plegThresholdSeconds * 1000;
    const windowStart = ctx.now.getTime() - 15 * 60_000;
    const message = (t: number) =>
      `PLEG is not healthy: pleg was last seen active ${goDuration(Math.round(t - since.getTime()))} ago; threshold is 3m0s`;
    const sandbox = (t: Date, i: number) =>
      journalLine(
        t,
        host,
        'kubelet',
        pid,
        klog(
          'E',
          t,
          pid,
          'remote_runtime.go:193',
          '"RunPodSandbox from runtime service failed" err="rpc error: code = DeadlineExceeded desc = context deadline exceeded"',
          (id.seed + i * 31) % 1e6,
        ),
      );
    for (let t = Math.max(since.getTime() + 240_000, windowStart); t < plegSince; t += 240_000)
      lines.push(sandbox(new Date(t), t));
    let first = true;
    for (let t = Math.max(plegSince + 512, windowStart); t <= ctx.now.getTime() - 1000; t += 5000) {
      const d = new Date(t);
      lines.push(
        journalLine(
          d,
          host,
          'kubelet',
          pid,
          klog(
            'E',
            d,
            pid,
            'kubelet.go:2359',
            `"Skipping pod synchronization" err="${message(t)}"`,
            (t % 1000) * 1000 + 301,
          ),
        ),
      );
      if (first) {
        const cond = JSON.stringify({ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: message(t) });
        lines.push(
          journalLine(
            d,
            host,
            'kubelet',
            pid,
            klog(
              'I',
              d,
              pid,
              'setters.go:600',
              `"Node became not ready" node="${host}" condition=${cond}`,
              (t % 1000) * 1000 + 388,
            ),
          ),
        );
        first = false;
      }
      if ((t - plegSince) % 120_000 < 5000) lines.push(sandbox(d, t));
    }
    ctx.host(p.node, commands.kubeletJournal, { stdout: `${lines.join('\n')}\n` });

    kubeletReportsNotReady(ctx, node, new Date(plegSince), message(ctx.now.getTime() - 8000));
  },
});
