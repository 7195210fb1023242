import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Evidence } from '../types.js';
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

/** One `cpu`/`cpuN` line: jiffies in user nice system idle iowait irq softirq steal (guest time is already inside user). */
export interface CpuTimes {
  name: string;
  iowait: number;
  steal: number;
  total: number;
}

/** The samples in the output, each a list of cpu lines starting with the aggregate `cpu` line. */
export function parseProcStat(text: string): CpuTimes[][] {
  const samples: CpuTimes[][] = [];
  for (const line of text.split('\n')) {
    const m = /^(cpu\d*)\s+(\d+(?:\s+\d+)*)\s*$/.exec(line);
    if (!m) continue;
    const v = (m[2] ?? '').split(/\s+/).map(Number);
    const at = (i: number) => v[i] ?? 0;
    const times: CpuTimes = { name: m[1] ?? 'cpu', iowait: at(4), steal: at(7), total: at(0) + at(1) + at(2) + at(3) + at(4) + at(5) + at(6) + at(7) };
    if (times.name === 'cpu') samples.push([times]);
    else samples.at(-1)?.push(times);
  }
  return samples;
}

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

export function parseCpuSteal(r: RunResult, p: Params): CheckResult<Outcome> {
  const samples = parseProcStat(r.stdout);
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last || !first[0] || !last[0]) return hostError('no `cpu` line in the output: not /proc/stat', 'bad-output');
  // With one sample all we have is the average since boot, which can hide a spike happening now.
  const sinceBoot = samples.length < 2;
  const delta = (a: CpuTimes | undefined, b: CpuTimes | undefined) => ({
    iowait: (b?.iowait ?? 0) - (sinceBoot ? 0 : (a?.iowait ?? 0)),
    steal: (b?.steal ?? 0) - (sinceBoot ? 0 : (a?.steal ?? 0)),
    total: (b?.total ?? 0) - (sinceBoot ? 0 : (a?.total ?? 0)),
  });
  const all = delta(first[0], last[0]);
  if (all.total <= 0) return hostError('the two /proc/stat samples are identical: no CPU time passed between them', 'bad-output');
  const perCpu = last.slice(1).map((c) => ({ name: c.name, ...delta(first.find((x) => x.name === c.name), c) }));
  const worst = perCpu.reduce<(typeof perCpu)[number] | undefined>((w, c) => (w === undefined || pct(c.steal, c.total) > pct(w.steal, w.total) ? c : w), undefined);
  const steal = pct(all.steal, all.total);
  const iowait = pct(all.iowait, all.total);
  const cpus = Math.max(1, perCpu.length);
  // USER_HZ is 100 on every Linux build that matters.
  const seconds = Math.round((all.total / cpus / 100) * 10) / 10;
  const window = sinceBoot ? 'since boot (one sample only)' : `over ~${seconds}s`;
  const facts = {
    stealPercent: steal,
    iowaitPercent: iowait,
    maxCpuStealPercent: worst ? pct(worst.steal, worst.total) : steal,
    maxStealCpu: worst?.name ?? 'cpu',
    cpuCount: perCpu.length,
    sampleSeconds: sinceBoot ? 0 : seconds,
  };
  const evidence: Evidence[] = [
    { label: 'steal', value: `${steal}% ${window}, ${perCpu.length} CPUs${worst ? `; worst ${worst.name} ${pct(worst.steal, worst.total)}%` : ''} (threshold ${p.stealPercent}%)` },
    { label: 'iowait', value: `${iowait}% (threshold ${p.iowaitPercent}%)` },
  ];
  if (steal > p.stealPercent) {
    return { outcome: 'high-steal', summary: `CPU steal is ${steal}% ${window}: the hypervisor gives this VM's CPU time to others, so the kubelet and runtime miss their deadlines`, evidence, facts };
  }
  if (iowait > p.iowaitPercent) {
    return { outcome: 'high-iowait', summary: `CPUs wait on I/O ${iowait}% of the time ${window}: the disk is the bottleneck`, evidence, facts };
  }
  return { outcome: 'normal', summary: `CPU steal ${steal}% and iowait ${iowait}% ${window}: the CPUs are this node's own`, evidence, facts };
}

export const cpuSteal = defineHostCheck({
  id: 'host.cpu-steal',
  title: 'CPU steal and iowait (/proc/stat, two samples)',
  why: 'On a VM, "steal" is time the hypervisor ran someone else on our vCPUs; high steal or iowait makes every component slow at once, which looks like many unrelated timeouts.',
  params,
  outcomes,
  healthy: ['normal'],
  facts: ['stealPercent', 'iowaitPercent', 'maxCpuStealPercent', 'maxStealCpu', 'cpuCount', 'sampleSeconds'],
  samples: { count: 2, intervalMs: (p) => p.intervalSeconds * 1000 },
  argv: cpuStealArgv,
  parse: parseCpuSteal,
});
