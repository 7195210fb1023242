import type { DrillResponse } from '../../nodeaccess/drill.js';

/** Shares of CPU time (0..1); what is left over is idle. */
export interface CpuShare {
  user: number;
  system: number;
  iowait: number;
  softirq: number;
  steal: number;
}

export interface CpuLoad {
  cpus: number;
  uptimeSeconds: number;
  bootTime: Date;
  /** The average since boot (the first /proc/stat counters and iostat's first report). */
  sinceBoot: CpuShare;
  /** What each later second looks like. */
  current: CpuShare;
  /** Varies the per-CPU split so no two nodes print the same numbers. */
  seed: number;
}

/** USER_HZ: /proc/stat counts in 1/100 s on every Linux that matters. */
const hz = 100;

type Row = [
  user: number,
  nice: number,
  system: number,
  idle: number,
  iowait: number,
  irq: number,
  softirq: number,
  steal: number,
  guest: number,
  guestNice: number,
];

function split(jiffies: number, s: CpuShare, wobble: number): Row {
  const part = (f: number) => Math.round(jiffies * f * wobble);
  const user = part(s.user);
  const nice = Math.round(jiffies * 0.0002);
  const system = part(s.system);
  const iowait = part(s.iowait);
  const softirq = part(s.softirq);
  const steal = Math.round(jiffies * s.steal);
  const idle = Math.max(0, jiffies - user - nice - system - iowait - softirq - steal);
  return [user, nice, system, idle, iowait, 0, softirq, steal, 0, 0];
}

const add = (a: Row, b: Row) => a.map((v, i) => v + (b[i] ?? 0)) as Row;

/** Per-CPU counters for `seconds` of time at a share; the aggregate line is their sum. */
function counters(load: CpuLoad, seconds: number, share: CpuShare, salt: number): Row[] {
  return Array.from({ length: load.cpus }, (_, i) =>
    split(seconds * hz, share, 0.85 + (((load.seed >>> (i * 3 + salt)) & 7) / 7) * 0.3),
  );
}

function statText(perCpu: Row[], load: CpuLoad, sample: number): string {
  const total = perCpu.reduce<Row>((acc, r) => add(acc, r), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const busy = total[0] + total[2];
  const intr = Math.round(busy * 9.1) + sample * 410;
  const ctxt = Math.round(busy * 31.7) + sample * 1630;
  const irqs = [
    0,
    9,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    Math.round(intr * 0.41),
    Math.round(intr * 0.33),
    Math.round(intr * 0.2),
    0,
    31,
    0,
    0,
    0,
  ];
  const softirqTotal = Math.round(busy * 4.4) + sample * 220;
  const soft = [
    0,
    Math.round(softirqTotal * 0.28),
    3,
    Math.round(softirqTotal * 0.09),
    Math.round(softirqTotal * 0.12),
    Math.round(softirqTotal * 0.01),
    0,
    41,
    Math.round(softirqTotal * 0.3),
    0,
  ];
  return [
    `cpu  ${total.join(' ')}`,
    ...perCpu.map((r, i) => `cpu${i} ${r.join(' ')}`),
    `intr ${intr} ${irqs.join(' ')}`,
    `ctxt ${ctxt}`,
    `btime ${Math.floor(load.bootTime.getTime() / 1000)}`,
    `processes ${Math.round(load.uptimeSeconds * 1.9) + sample * 2}`,
    `procs_running ${1 + ((load.seed >>> sample) & 1)}`,
    'procs_blocked 0',
    `softirq ${soft.reduce((a, b) => a + b, 0)} ${soft.join(' ')}`,
    '',
  ].join('\n');
}

/** `cat /proc/stat` answered `samples` times, one second of CPU time apart (the cpu-steal check reads two). */
export function procStatSamples(load: CpuLoad, samples = 6): DrillResponse[] {
  let rows = counters(load, load.uptimeSeconds, load.sinceBoot, 0);
  const out: DrillResponse[] = [];
  for (let i = 0; i < samples; i++) {
    if (i > 0) rows = rows.map((r, c) => add(r, counters(load, 1, load.current, i)[c] ?? r));
    out.push({ stdout: statText(rows, load, i) });
  }
  return out;
}

/** iostat's CPU percentages from a row of /proc/stat deltas: system includes irq and softirq, user excludes guest. */
function iostatRow(r: Row): string {
  const total = r[0] + r[1] + r[2] + r[3] + r[4] + r[5] + r[6] + r[7];
  const pc = (v: number) => ((v * 100) / total).toFixed(2).padStart(7);
  return `       ${[r[0] - r[8], r[1] - r[9], r[2] + r[5] + r[6], r[4], r[7], r[3]].map((v) => ` ${pc(v)}`).join('')}`;
}

/** `iostat -c 1 2` of sysstat 12.6: the average since boot, then one second; dates as %x in the C.UTF-8 locale. */
export function iostatCpu(load: CpuLoad, host: string, kernel: string, now: Date): DrillResponse {
  const sum = (rows: Row[]) => rows.reduce<Row>((acc, r) => add(acc, r), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const boot = sum(counters(load, load.uptimeSeconds, load.sinceBoot, 0));
  const second = sum(counters(load, 1, load.current, 1));
  const date = `${String(now.getUTCMonth() + 1).padStart(2, '0')}/${String(now.getUTCDate()).padStart(2, '0')}/${String(now.getUTCFullYear() % 100).padStart(2, '0')}`;
  const head = 'avg-cpu:  %user   %nice %system %iowait  %steal   %idle';
  return {
    stdout: `Linux ${kernel} (${host}) \t${date} \t_x86_64_\t(${load.cpus} CPU)\n\n${head}\n${iostatRow(boot)}\n\n${head}\n${iostatRow(second)}\n\n`,
  };
}

/** One process as top lists it; %CPU is of one CPU (100 = a whole one). */
export interface TopProcess {
  pid: number;
  args: string;
  cpu: number;
}

function topShares(s: CpuShare): string {
  const f = (v: number) => (v * 100).toFixed(1).padStart(5);
  const idle = Math.max(0, 1 - s.user - s.system - s.iowait - s.softirq - s.steal);
  return `%Cpu(s):${f(s.user)} us,${f(s.system)} sy,  0.0 ni,${f(idle)} id,${f(s.iowait)} wa,  0.0 hi,${f(s.softirq)} si,${f(s.steal)} st`;
}

function clock(d: Date): string {
  return [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/**
 * `top -b -c -w 512 -n 2 -d 1` of procps-ng 4.0 (Debian 12): the first iteration's
 * shares are the average since boot, the second the last second; each lists
 * the processes by %CPU. `processes` gives each one's share of the second.
 */
export function topBatch(load: CpuLoad, processes: readonly TopProcess[], now: Date): DrillResponse {
  const iteration = (at: Date, share: CpuShare, first: boolean) => {
    const up = load.uptimeSeconds + (first ? 0 : 1);
    const days = Math.floor(up / 86400);
    const hm = `${Math.floor((up % 86400) / 3600)}:${String(Math.floor((up % 3600) / 60)).padStart(2, '0')}`;
    const busy = (share.user + share.system) * load.cpus;
    const la = [busy * 1.1, busy, busy * 0.9].map((v) => v.toFixed(2)).join(', ');
    const sorted = [...processes]
      .map((p) => ({ ...p, cpu: first ? 0 : p.cpu }))
      .sort((a, b) => b.cpu - a.cpu || a.pid - b.pid);
    const running = sorted.filter((p) => p.cpu > 0).length || 1;
    const rows = sorted.map((p) => {
      const state = p.cpu > 0 ? 'R' : 'S';
      const kernel = p.args.startsWith('[');
      const mem = kernel ? ['0', '0', '0', '0.0'] : ['1287232', '98816', '61440', '1.2'];
      const time = `${Math.floor(p.pid / 60) % 60}:${String(p.pid % 60).padStart(2, '0')}.${String(p.pid % 100).padStart(2, '0')}`;
      return `${String(p.pid).padStart(7)} root      20   0 ${(mem[0] ?? '').padStart(7)} ${(mem[1] ?? '').padStart(6)} ${(mem[2] ?? '').padStart(6)} ${state} ${p.cpu.toFixed(1).padStart(5)} ${(mem[3] ?? '').padStart(5)} ${time.padStart(9)} ${p.args}`;
    });
    return [
      `top - ${clock(at)} up ${days > 0 ? `${days} days, ` : ''}${hm},  0 users,  load average: ${la}`,
      `Tasks: ${processes.length} total,   ${running} running, ${processes.length - running} sleeping,   0 stopped,   0 zombie`,
      topShares(share),
      'MiB Mem :   7937.0 total,   5231.4 free,   1288.3 used,   1655.9 buff/cache',
      'MiB Swap:      0.0 total,      0.0 free,      0.0 used.   6648.7 avail Mem',
      '',
      '    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND',
      ...rows,
      '',
    ].join('\n');
  };
  return {
    stdout: `${iteration(now, load.sinceBoot, true)}\n${iteration(new Date(now.getTime() + 1000), load.current, false)}`,
  };
}
