import { z } from 'zod';
import { commands } from '../../hosts/commands.js';
import { iostatCpu, procStatSamples } from '../../hosts/cpu.js';
import { cpuLoad, healthyCpu, kernelRelease } from '../../hosts/healthy.js';
import { healthyProfiles } from '../../profiles.js';
import { defineFault } from '../types.js';
import { targetNode } from '../host/support.js';

const fn = z.strictObject({
  name: z.string().min(1),
  share: z.number().positive(),
  callers: z.array(z.string().min(1)).optional(),
});

/**
 * What CPU profiles of kube-apiserver or a kubelet show (seed incident 002b:
 * profiles captured through the API proxy). With `nodeCpuPercent` the node
 * is that busy with work of its own (user time, not steal), in its
 * /proc/stat, iostat and metrics.k8s.io alike.
 */
export const processCpuProfile = defineFault({
  id: 'process-cpu-profile',
  title: 'What a CPU profile of kube-apiserver or a kubelet shows',
  layer: 'cluster',
  description:
    '`target: apiserver` sets what GET /debug/pprof/profile returns; `target: kubelet` what /api/v1/nodes/<node>/proxy/debug/pprof/profile returns: a gzipped Go CPU profile in which the process kept `cores` CPUs busy over the seconds asked for, spread over `functions` (default: the healthy mix of GC, the scheduler and cadvisor housekeeping). `disabled: true` answers 404 page not found, as with --profiling=false. `nodeCpuPercent` makes `node` that busy: metrics.k8s.io reports it (kubectl top node) and /proc/stat and iostat show it as user time, with no steal.',
  params: z.strictObject({
    target: z.enum(['apiserver', 'kubelet']),
    node: z.string().min(1).optional(),
    cores: z.number().min(0).max(256).optional(),
    functions: z.array(fn).min(1).optional(),
    disabled: z.boolean().default(false),
    nodeCpuPercent: z.number().min(0).max(100).optional(),
  }),
  apply(ctx, p) {
    if (p.target === 'kubelet' && !p.node) ctx.fail('a kubelet profile needs the node it runs on (node: ...)');
    if (p.nodeCpuPercent !== undefined && !p.node) ctx.fail('nodeCpuPercent needs the node (node: ...)');
    const base = p.target === 'apiserver' ? healthyProfiles.apiserver : healthyProfiles.kubelet;
    ctx.profile(p.target === 'apiserver' ? 'apiserver' : `kubelet/${p.node ?? ''}`, {
      cores: p.cores ?? base.cores,
      functions: p.functions ?? base.functions,
      ...(p.disabled ? { disabled: true } : {}),
    });
    if (p.node && p.nodeCpuPercent !== undefined) {
      const { id, node } = targetNode(ctx, p.node);
      const status = node.status as { capacity?: { cpu?: string } } | undefined;
      const cpus = Number(status?.capacity?.cpu ?? 4) || 4;
      const busy = p.nodeCpuPercent / 100;
      ctx.nodeMetrics(p.node, { cpu: `${Math.round(busy * cpus * 1e9)}n`, memory: '3021452Ki' });
      const load = cpuLoad(id, {
        sinceBoot: healthyCpu.sinceBoot,
        current: { user: busy * 0.85, system: busy * 0.15, iowait: 0, softirq: 0.001, steal: 0 },
      });
      ctx.host(p.node, commands.procStat, procStatSamples(load));
      ctx.host(p.node, commands.iostat, iostatCpu(load, p.node, kernelRelease, ctx.now));
    }
  },
});
