import { z } from 'zod';
import { commands } from '../../hosts/commands.js';
import { iostatCpu, procStatSamples, topBatch } from '../../hosts/cpu.js';
import { cpuLoad, healthyCpu, healthyTopProcesses, kernelRelease } from '../../hosts/healthy.js';
import { defineFault } from '../types.js';
import { nodeParam, targetNode } from './support.js';

/**
 * The rancher notebook's second incident: the VM's hypervisor is oversold, so
 * a large share of this node's CPU time is stolen; everything on it is slow.
 */
export const cpuSteal = defineFault({
  id: 'cpu-steal',
  title: "The hypervisor steals a large share of the node's CPU time",
  layer: 'host',
  description:
    "Two /proc/stat samples a second apart show the steal counter growing by `percent` of the CPU time (the average since boot stays lower), `iostat -c 1 2` reports the same %steal in its second report, and so does the `st` of `top -b -n 2`'s second iteration. Nothing in the cluster's objects changes: the node is merely slow.",
  params: z.strictObject({
    node: nodeParam,
    /** %steal now. */
    percent: z.number().min(1).max(90).default(35),
  }),
  apply(ctx, p) {
    const { id } = targetNode(ctx, p.node);
    const steal = p.percent / 100;
    const load = cpuLoad(id, {
      sinceBoot: { ...healthyCpu.sinceBoot, steal: steal / 4 },
      // The guest still runs its own work; steal takes from what would have been idle and user time.
      current: { user: 0.09 * (1 - steal), system: 0.04 * (1 - steal), iowait: 0.002, softirq: 0.004, steal },
    });
    ctx.host(p.node, commands.procStat, procStatSamples(load));
    ctx.host(p.node, commands.iostat, iostatCpu(load, p.node, kernelRelease, ctx.now));
    ctx.host(p.node, commands.top, topBatch(load, healthyTopProcesses(id), ctx.now));
  },
});
