/**
 * CPU time shares as people have them: `/proc/stat` samples, `top -b`
 * (procps-ng 3.3/4.x `%Cpu(s):`, the old `Cpu(s): 0.3%us` form, a de locale's
 * `%CPU(s): 0,3 us`), `mpstat`, `sar -u`, `iostat -c` (sysstat, any locale:
 * decimal commas, `Average:`/`Durchschn.:`, AM/PM times) and `vmstat`'s `us sy
 * id wa st` columns. Each reader says which tool it read, so a pasted `top`
 * is named as `top`, never refused as "not /proc/stat".
 */

export type CpuSource = '/proc/stat' | 'top' | 'mpstat' | 'sar' | 'iostat' | 'vmstat';

/** Percent of CPU time, each share 0–100. */
export interface CpuShares {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

export interface CpuReading {
  source: CpuSource;
  shares: CpuShares;
  /** `over ~1s`, `since boot (one sample only)`, `one top snapshot`, `average of 3 vmstat samples` … */
  window: string;
  /** The numbers are the average since boot, which can hide what happens now. */
  sinceBoot: boolean;
  /** Seconds the reading covers, when the output says (0 when unknown or since boot). */
  seconds: number;
  cpuCount?: number;
  /** Per-CPU steal, when the output has per-CPU lines: the worst one is named. */
  perCpu?: { name: string; steal: number }[];
}

const empty: CpuShares = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 };
const round1 = (n: number) => Math.round(n * 10) / 10;

/** `12,5` (de, fr …) or `12.5`. */
export function localeNumber(s: string): number {
  return Number(s.replace(',', '.'));
}

// ── /proc/stat ─────────────────────────────────────────────────────

/** One `cpu`/`cpuN` line: jiffies in user nice system idle iowait irq softirq steal (guest time is already inside user). */
export interface CpuTimes {
  name: string;
  values: number[];
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
    const times: CpuTimes = {
      name: m[1] ?? 'cpu',
      values: v.slice(0, 8),
      iowait: at(4),
      steal: at(7),
      total: at(0) + at(1) + at(2) + at(3) + at(4) + at(5) + at(6) + at(7),
    };
    if (times.name === 'cpu') samples.push([times]);
    else samples.at(-1)?.push(times);
  }
  return samples;
}

function fromProcStat(text: string): CpuReading | undefined {
  const samples = parseProcStat(text);
  const first = samples[0];
  const last = samples.at(-1);
  if (!first?.[0] || !last?.[0]) return undefined;
  const sinceBoot = samples.length < 2;
  const diff = (a: CpuTimes | undefined, b: CpuTimes | undefined) =>
    (b?.values ?? []).map((v, i) => v - (sinceBoot ? 0 : (a?.values[i] ?? 0)));
  const d = diff(first[0], last[0]);
  const total = d.reduce((n, v) => n + v, 0);
  if (total <= 0)
    return {
      source: '/proc/stat',
      shares: empty,
      window: 'no time passed between the two samples',
      sinceBoot,
      seconds: 0,
      cpuCount: last.length - 1,
    };
  const pct = (i: number) => round1(((d[i] ?? 0) / total) * 100);
  const perCpu = last.slice(1).map((c) => {
    const dc = diff(
      first.find((x) => x.name === c.name),
      c,
    );
    const t = dc.reduce((n, v) => n + v, 0);
    return { name: c.name, steal: t > 0 ? round1(((dc[7] ?? 0) / t) * 100) : 0 };
  });
  const cpus = Math.max(1, perCpu.length);
  // USER_HZ is 100 on every Linux build that matters.
  const seconds = sinceBoot ? 0 : round1(total / cpus / 100);
  return {
    source: '/proc/stat',
    shares: {
      user: pct(0),
      nice: pct(1),
      system: pct(2),
      idle: pct(3),
      iowait: pct(4),
      irq: pct(5),
      softirq: pct(6),
      steal: pct(7),
    },
    window: sinceBoot ? 'since boot (one sample only)' : `over ~${seconds}s`,
    sinceBoot,
    seconds,
    cpuCount: perCpu.length,
    perCpu,
  };
}

// ── top ────────────────────────────────────────────────────────────

/**
 * `%Cpu(s):  9.2 us,  8.0 sy,  0.0 ni, 16.8 id,  0.0 wa,  0.0 hi,  0.1 si, 65.9 st` (procps-ng 3.3+),
 * `%CPU(s): 40,0 us, …` (de locale), `Cpu(s):  0.0%us,  0.0%sy, … 54.3%st` (procps 3.2),
 * and per-CPU `%Cpu0  :` lines when top was asked for them.
 */
const topCpuLine = /^\s*%?(?:Cpu|CPU)(\(s\)|\d+)\s*:\s*(.*)$/;

function topShares(rest: string): CpuShares | undefined {
  const shares = { ...empty };
  let seen = 0;
  // `9.2 us,` or `0.0%us,` (a `-nan` on a starved VM reads as unknown).
  for (const m of rest.matchAll(/(-?[\d.,]+|-?nan)\s*%?\s*(us|sy|ni|id|wa|hi|si|st)\b/g)) {
    const v = localeNumber(m[1] ?? '');
    if (Number.isNaN(v)) continue;
    const key = (
      { us: 'user', sy: 'system', ni: 'nice', id: 'idle', wa: 'iowait', hi: 'irq', si: 'softirq', st: 'steal' } as const
    )[m[2] as 'us'];
    shares[key] = v;
    seen++;
  }
  return seen >= 4 ? shares : undefined;
}

function fromTop(text: string): CpuReading | undefined {
  const iterations: { all?: CpuShares; perCpu: { name: string; steal: number }[] }[] = [];
  for (const line of text.split('\n')) {
    // Each iteration starts with its `top - 10:00:00 up …` line (a paste may start at the Cpu line).
    if (/^top - /.test(line) || (iterations.length === 0 && topCpuLine.test(line))) iterations.push({ perCpu: [] });
    const m = topCpuLine.exec(line);
    if (!m) continue;
    const s = topShares(m[2] ?? '');
    const it = iterations.at(-1);
    if (!s || !it) continue;
    if (m[1] === '(s)') it.all = s;
    else it.perCpu.push({ name: `cpu${m[1]}`, steal: s.steal });
  }
  const withAll = iterations.filter((i) => i.all || i.perCpu.length > 0);
  if (withAll.length === 0) return undefined;
  // top's first iteration averages since boot; a later one (top -bn2) is the last interval.
  const last = withAll.at(-1);
  const all =
    last?.all ??
    (last && last.perCpu.length > 0
      ? { ...empty, steal: round1(last.perCpu.reduce((n, c) => n + c.steal, 0) / last.perCpu.length) }
      : undefined);
  if (!last || !all) return undefined;
  const reading: CpuReading = {
    source: 'top',
    shares: all,
    window: withAll.length > 1 ? `top's last of ${withAll.length} iterations` : 'one top snapshot',
    sinceBoot: false,
    seconds: 0,
  };
  if (last.perCpu.length > 0) {
    reading.perCpu = last.perCpu;
    reading.cpuCount = last.perCpu.length;
  }
  return reading;
}

// ── sysstat: mpstat, sar -u, iostat -c ────────────────────────────

const leadingTime = /^(?:\d\d:\d\d:\d\d(?:\s+[AP]M)?|[^\s\d%][^\s]*:)\s+/;

/** mpstat and sar print `time [AM] CPU %usr … %steal … %idle`, then rows, then `Average:` rows (`Durchschn.:` in de). */
function fromSysstatTable(text: string): CpuReading | undefined {
  const lines = text.split('\n');
  let header: string[] | undefined;
  let source: CpuSource = 'sar';
  const rows: { avg: boolean; cpu: string; values: Map<string, number> }[] = [];
  const cpuCount = Number(/\((\d+) CPU\)/.exec(text)?.[1] ?? NaN);
  for (const line of lines) {
    const t = line.trim();
    const body = t.replace(leadingTime, '');
    const isAvg = /^[^\s\d%][^\s]*:\s/.test(t) && !/^\d/.test(t);
    const cols = body.split(/\s+/);
    if (cols[0] === 'CPU' && cols.some((c) => c === '%idle')) {
      header = cols.slice(1);
      source = cols.includes('%usr') ? 'mpstat' : 'sar';
      continue;
    }
    if (!header || t === '' || body === t) continue;
    const values = cols.slice(1);
    if (values.length !== header.length || !/^(?:all|\d+)$/.test(cols[0] ?? '')) continue;
    const map = new Map<string, number>();
    header.forEach((h, i) => map.set(h, localeNumber(values[i] ?? '')));
    rows.push({ avg: isAvg, cpu: cols[0] ?? '', values: map });
  }
  if (!header || rows.length === 0) return undefined;
  const avgRows = rows.filter((r) => r.avg);
  const pick =
    avgRows.length > 0
      ? avgRows
      : rows.filter((r) => r === rows.filter((x) => x.cpu === 'all').at(-1) || (!r.avg && r.cpu !== 'all'));
  const all = pick.find((r) => r.cpu === 'all') ?? rows.filter((r) => r.cpu === 'all').at(-1);
  if (!all) return undefined;
  const g = (k: string, ...alt: string[]) =>
    [k, ...alt].map((x) => all.values.get(x)).find((v) => v !== undefined && !Number.isNaN(v)) ?? 0;
  const intervals = rows.filter((r) => !r.avg && r.cpu === 'all').length;
  const perCpu = pick
    .filter((r) => r.cpu !== 'all')
    .map((r) => ({ name: `cpu${r.cpu}`, steal: r.values.get('%steal') ?? 0 }));
  const reading: CpuReading = {
    source,
    shares: {
      user: g('%usr', '%user'),
      nice: g('%nice'),
      system: g('%sys', '%system'),
      idle: g('%idle'),
      iowait: g('%iowait'),
      irq: g('%irq'),
      softirq: g('%soft'),
      steal: g('%steal'),
    },
    window:
      avgRows.length > 0
        ? `${source}'s average of ${intervals} interval${intervals === 1 ? '' : 's'}`
        : `${source}'s last interval`,
    sinceBoot: false,
    seconds: 0,
  };
  if (!Number.isNaN(cpuCount)) reading.cpuCount = cpuCount;
  if (perCpu.length > 0) reading.perCpu = perCpu;
  return reading;
}

/** `avg-cpu:  %user   %nice %system %iowait  %steal   %idle` then one values line; the first report is since boot. */
function fromIostat(text: string): CpuReading | undefined {
  const lines = text.split('\n');
  const reports: CpuShares[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^avg-cpu:\s+(.*)$/.exec(lines[i] ?? '');
    if (!m) continue;
    const names = (m[1] ?? '').trim().split(/\s+/);
    const values = (lines[i + 1] ?? '').trim().split(/\s+/).map(localeNumber);
    if (values.length !== names.length) continue;
    const get = (k: string) => values[names.indexOf(k)] ?? 0;
    reports.push({
      ...empty,
      user: get('%user'),
      nice: get('%nice'),
      system: get('%system'),
      iowait: get('%iowait'),
      steal: get('%steal'),
      idle: get('%idle'),
    });
  }
  const last = reports.at(-1);
  if (!last) return undefined;
  const cpuCount = Number(/\((\d+) CPU\)/.exec(text)?.[1] ?? NaN);
  const r: CpuReading = {
    source: 'iostat',
    shares: last,
    window: reports.length > 1 ? `iostat's last of ${reports.length} reports` : "since boot (iostat's first report)",
    sinceBoot: reports.length === 1,
    seconds: 0,
  };
  if (!Number.isNaN(cpuCount)) r.cpuCount = cpuCount;
  return r;
}

// ── vmstat ─────────────────────────────────────────────────────────

/** `r b swpd free buff cache si so bi bo in cs us sy id wa st [gu]`: the first row is since boot, the rest are intervals. */
function fromVmstat(text: string): CpuReading | undefined {
  let header: string[] | undefined;
  const rows: number[][] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.includes('us') && cols.includes('sy') && cols.includes('id') && cols.includes('r')) {
      header = cols;
      continue;
    }
    if (!header) continue;
    // vmstat -t adds a date and time after the numbers; -t with --time (sysstat ExaWatcher style) puts a time first.
    const nums = cols.filter((c) => /^\d+$/.test(c)).map(Number);
    if (nums.length >= header.length) rows.push(nums.slice(0, header.length));
  }
  if (!header || rows.length === 0) return undefined;
  const h = header;
  const intervals = rows.length > 1 ? rows.slice(1) : rows;
  const avg = (k: string) => {
    const i = h.indexOf(k);
    return i < 0 ? 0 : round1(intervals.reduce((n, r) => n + (r[i] ?? 0), 0) / intervals.length);
  };
  return {
    source: 'vmstat',
    shares: { ...empty, user: avg('us'), system: avg('sy'), idle: avg('id'), iowait: avg('wa'), steal: avg('st') },
    window:
      rows.length > 1
        ? `average of ${intervals.length} vmstat interval${intervals.length === 1 ? '' : 's'} after its since-boot first row`
        : "since boot (vmstat's first row only)",
    sinceBoot: rows.length === 1,
    seconds: 0,
  };
}

/**
 * Reads CPU shares from whichever of these tools printed the text, or says
 * what the text is when it holds none (a process list without a summary).
 */
export function readCpu(text: string): CpuReading | undefined {
  if (/^cpu\s+\d+/m.test(text)) return fromProcStat(text);
  if (/^\s*%?(?:Cpu|CPU)\(s\)\s*:/m.test(text) || /^top - /m.test(text)) return fromTop(text);
  if (/^avg-cpu:/m.test(text)) return fromIostat(text);
  if (/\sCPU\s+%(?:usr|user)\s/.test(text)) return fromSysstatTable(text);
  if (/^\s*r\s+b\s+swpd\s/m.test(text) || /procs\s+-+memory/.test(text)) return fromVmstat(text);
  return undefined;
}

/** What a text that is not a CPU summary looks like, to say so: `ps` output, `pidstat`, a journal … */
export function nameOutput(text: string): string | undefined {
  if (/^\s*UID\s+PID\s+PPID\s+C\s+STIME/m.test(text)) return '`ps -ef` output';
  if (/^\s*USER\s+PID\s+%CPU\s+%MEM/m.test(text)) return '`ps aux` output';
  if (/\sUID\s+PID\s+%usr\s+%system/.test(text)) return '`pidstat` output';
  if (/^\s*PID\s/m.test(text)) return '`ps` output';
  if (/^\S+ \d+ \d\d:\d\d:\d\d \S+ \S+(?:\[\d+\])?: /m.test(text)) return 'journal lines';
  return undefined;
}
