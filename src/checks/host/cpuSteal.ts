import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Evidence } from '../types.js';
import { nameOutput, readCpu } from './cpuForms.js';
import { defineHostCheck, hostError, nodeParam } from './define.js';

const outcomes = ['normal', 'high-steal', 'high-iowait'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  node: nodeParam,
  /** Sustained steal above ~10% means the hypervisor is starving this VM: timeouts and missed heartbeats follow. */
  stealPercent: z.coerce.number().nonnegative().default(10),
  iowaitPercent: z.coerce.number().nonnegative().default(25),
  intervalSeconds: z.coerce.number().positive().max(30).default(1),
});
type Params = z.infer<typeof params>;

export function cpuStealArgv(_p: Params): string[] {
  return ['cat', '/proc/stat'];
}

export { parseProcStat } from './cpuForms.js';
export type { CpuTimes } from './cpuForms.js';

const sources = '/proc/stat, top, mpstat, sar -u, iostat -c or vmstat';

export function parseCpuSteal(r: RunResult, p: Params): CheckResult<Outcome> {
  const text = r.stdout;
  const reading = readCpu(text);
  if (!reading) {
    const named = nameOutput(text);
    return hostError(
      named
        ? `this is ${named}: it has no CPU time shares, so it cannot show steal or iowait; paste /proc/stat (twice, a second apart), top -bn2 -d1, mpstat 1 3 or vmstat 1 3`
        : `no CPU time shares in the output: it is none of ${sources}`,
      'bad-output',
    );
  }
  if (reading.source === '/proc/stat' && reading.window.startsWith('no time passed')) {
    return hostError('the two /proc/stat samples are identical: no CPU time passed between them', 'bad-output');
  }
  const { steal, iowait, user, system, idle } = reading.shares;
  const worst = reading.perCpu?.reduce<{ name: string; steal: number } | undefined>(
    (w, c) => (w === undefined || c.steal > w.steal ? c : w),
    undefined,
  );
  const tool = reading.source === '/proc/stat' ? '/proc/stat' : `\`${reading.source}\``;
  const cpus = reading.cpuCount !== undefined ? `, ${reading.cpuCount} CPUs` : '';
  const worstText = worst && (reading.perCpu?.length ?? 0) > 1 ? `; worst ${worst.name} ${worst.steal}%` : '';
  const cpuReading = `${tool}: ${steal}% steal, ${iowait}% iowait, ${user}% user, ${system}% system, ${idle}% idle, ${reading.window}${cpus}${worstText}`;
  const facts = {
    stealPercent: steal,
    iowaitPercent: iowait,
    userPercent: user,
    systemPercent: system,
    idlePercent: idle,
    maxCpuStealPercent: worst ? worst.steal : steal,
    maxStealCpu: worst?.name ?? 'cpu',
    cpuCount: reading.cpuCount ?? 0,
    sampleSeconds: reading.seconds,
    cpuSource: reading.source,
    cpuReading,
  };
  const evidence: Evidence[] = [
    { label: 'steal', value: `${steal}% ${reading.window}${cpus}${worstText} (threshold ${p.stealPercent}%)` },
    { label: 'iowait', value: `${iowait}% (threshold ${p.iowaitPercent}%)` },
  ];
  if (reading.source !== '/proc/stat')
    evidence.unshift({ label: 'read from', value: `${tool} output (${reading.window})` });
  // A neighbouring tool's output is named, so nobody mistakes it for the command that was asked for.
  const named = reading.source === '/proc/stat' ? '' : `this is ${tool} output; it shows ${steal}% steal: `;
  const window = reading.source === '/proc/stat' ? reading.window : `(${reading.window})`;
  if (steal > p.stealPercent) {
    return {
      outcome: 'high-steal',
      summary: `${named}CPU steal is ${steal}% ${window}: the hypervisor gives this VM's CPU time to others, so the kubelet and runtime miss their deadlines`,
      evidence,
      facts,
    };
  }
  if (iowait > p.iowaitPercent) {
    return {
      outcome: 'high-iowait',
      summary: `${named}CPUs wait on I/O ${iowait}% of the time ${window}: the disk is the bottleneck`,
      evidence,
      facts,
    };
  }
  return {
    outcome: 'normal',
    summary: `${named}CPU steal ${steal}% and iowait ${iowait}% ${window}: the CPUs are this node's own`,
    evidence,
    facts,
  };
}

export const cpuSteal = defineHostCheck({
  id: 'host.cpu-steal',
  title: 'CPU steal and iowait (/proc/stat, two samples; or pasted top, mpstat, sar, iostat, vmstat)',
  why: 'On a VM, "steal" is time the hypervisor ran someone else on our vCPUs; high steal or iowait makes every component slow at once, which looks like many unrelated timeouts.',
  params,
  outcomes,
  healthy: ['normal'],
  facts: [
    'stealPercent',
    'iowaitPercent',
    'userPercent',
    'systemPercent',
    'idlePercent',
    'maxCpuStealPercent',
    'maxStealCpu',
    'cpuCount',
    'sampleSeconds',
    'cpuSource',
    'cpuReading',
  ],
  sets: { '*': ['cpuReading', 'iowaitPercent', 'stealPercent'] },
  samples: { count: 2, intervalMs: (p) => p.intervalSeconds * 1000 },
  argv: cpuStealArgv,
  parse: parseCpuSteal,
});
