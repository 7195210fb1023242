import { z } from 'zod';
import { commands } from '../../hosts/commands.js';
import { topBatch } from '../../hosts/cpu.js';
import { cpuLoad, healthyCpu, healthyTopProcesses } from '../../hosts/healthy.js';
import { defineFault } from '../types.js';
import { nodeParam, targetNode } from './support.js';

/**
 * One of the node's own processes eats the CPU (kubernetes#27884: a kubelet
 * stuck at 101 %): no steal, the hypervisor is innocent; top names the process.
 */
export const cpuHog = defineFault({
  id: 'cpu-hog',
  title: 'A process on the node eats the CPU',
  layer: 'host',
  description:
    "`top -b -c -w 512 -n 2 -d 1` shows the process (the kubelet unless `args` says another command line) at `percent` % CPU in its second iteration, with user time to match and no steal; /proc/stat stays the healthy node's. Nothing in the cluster's objects changes.",
  params: z.strictObject({
    node: nodeParam,
    /** %CPU of the process, of one CPU (150 = one and a half). */
    percent: z.number().min(1).max(800).default(101.2),
    /** The command line of another process than the kubelet. */
    args: z.string().min(1).optional(),
  }),
  apply(ctx, p) {
    const { id } = targetNode(ctx, p.node);
    const load = cpuLoad(id, healthyCpu);
    const share = Math.min(0.95, p.percent / 100 / load.cpus);
    const busy = cpuLoad(id, {
      sinceBoot: healthyCpu.sinceBoot,
      current: { ...healthyCpu.current, user: healthyCpu.current.user + share },
    });
    const procs = healthyTopProcesses(id);
    const target = p.args ? undefined : id.pids.kubelet;
    const list = p.args
      ? [...procs, { pid: id.pids.kubeProxy + 733, args: p.args, cpu: p.percent }]
      : procs.map((x) => (x.pid === target ? { ...x, cpu: p.percent } : x));
    ctx.host(p.node, commands.top, topBatch(busy, list, ctx.now));
  },
});
