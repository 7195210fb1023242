/**
 * How the tools on a Debian 12 node print times, tables and property lists.
 * All times are UTC: the drill's nodes run with Timezone=Etc/UTC.
 */

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

const ymd = (d: Date) => `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;
const hms = (d: Date) => `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;

/** systemd's timestamps (`systemctl show`, `timedatectl show`): `Wed 2026-11-25 12:00:00 UTC`. */
export function systemdTime(d: Date): string {
  return `${days[d.getUTCDay()]} ${ymd(d)} ${hms(d)} UTC`;
}

/** `journalctl -o short-iso` as systemd 252 prints it: `2026-11-25T12:00:00+0000`. */
export function shortIso(d: Date): string {
  return `${ymd(d)}T${hms(d)}+0000`;
}

/** C's ctime without the newline (iptables-save, chronyc's Ref time): `Wed Nov 25 12:00:00 2026`. */
export function ctime(d: Date): string {
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${hms(d)} ${d.getUTCFullYear()}`;
}

/** OpenSSL's ASN1_TIME_print: `Nov 23 10:00:00 2027 GMT`, the day padded with a space. */
export function opensslTime(d: Date): string {
  return `${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${hms(d)} ${d.getUTCFullYear()} GMT`;
}

/** A klog header line: `E1125 11:59:01.204118    1187 run.go:74] "msg"` (microseconds from the seed, thread id padded to 7). */
export function klog(
  level: 'I' | 'W' | 'E' | 'F',
  d: Date,
  pid: number,
  source: string,
  message: string,
  micros = 0,
): string {
  const us = String(micros % 1_000_000).padStart(6, '0');
  return `${level}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())} ${hms(d)}.${us} ${String(pid).padStart(7, ' ')} ${source}] ${message}`;
}

/** One line of `journalctl -o short-iso`: `2026-11-25T12:00:00+0000 worker-1 kubelet[1187]: …`. */
export function journalLine(d: Date, host: string, ident: string, pid: number, message: string): string {
  return `${shortIso(d)} ${host} ${ident}[${pid}]: ${message}`;
}

/** `systemctl show -p …` prints the asked properties in systemd's own order (Service before Unit interface), not in the order asked. */
const showOrder = [
  'Type',
  'Restart',
  'Result',
  'NRestarts',
  'ExecMainStartTimestamp',
  'ExecMainStatus',
  'ExecStart',
  'Id',
  'LoadState',
  'ActiveState',
  'SubState',
  'FragmentPath',
  'UnitFileState',
];

export function systemctlShow(props: Record<string, string>, wanted: readonly string[]): string {
  const asked = new Set(wanted);
  return `${showOrder
    .filter((k) => asked.has(k))
    .map((k) => `${k}=${props[k] ?? ''}`)
    .join('\n')}\n`;
}

/** `systemctl show` of a unit systemd has no file for: defaults, LoadState=not-found, exit 0. */
export function notFoundUnit(id: string): Record<string, string> {
  return {
    Id: id,
    Result: 'success',
    NRestarts: '0',
    ExecMainStartTimestamp: '',
    ExecMainStatus: '0',
    LoadState: 'not-found',
    ActiveState: 'inactive',
    SubState: 'dead',
    FragmentPath: '',
    UnitFileState: '',
  };
}

export interface Listener {
  /** `127.0.0.1`, `0.0.0.0`, `*` (a dual-stack socket), `[::]`. */
  addr: string;
  port: number;
  backlog: number;
  process: string;
  pid: number;
  fd: number;
}

/**
 * `ss -ltnp` of iproute2 6.1: every column as wide as its widest cell plus a
 * one-space left delimiter; addresses right-aligned, ports left-aligned; the
 * Process header sits right after "Port" because its cells start with a space.
 */
export function ssListen(rows: readonly Listener[]): string {
  const peer = (r: Listener) =>
    r.addr.startsWith('[') || r.addr === '*' ? (r.addr === '*' ? '*:' : '[::]:') : '0.0.0.0:';
  const cells = [
    ['State', 'Recv-Q', 'Send-Q', 'Local Address:', 'Port', 'Peer Address:', 'Port', 'Process'],
    ...rows.map((r) => [
      'LISTEN',
      '0',
      String(r.backlog),
      `${r.addr}:`,
      String(r.port),
      peer(r),
      '*',
      ` users:(("${r.process}",pid=${r.pid},fd=${r.fd}))`,
    ]),
  ];
  const width = (i: number) => Math.max(...cells.map((c) => (c[i] ?? '').length));
  const w = [0, 1, 2, 3, 4, 5, 6, 7].map(width);
  const right = new Set([3, 5]);
  const delim = ['', ' ', ' ', ' ', '', ' ', '', ''];
  return `${cells
    .map((c) =>
      c.map((cell, i) => `${delim[i]}${right.has(i) ? cell.padStart(w[i] ?? 0) : cell.padEnd(w[i] ?? 0)}`).join(''),
    )
    .join('\n')}\n`;
}

export interface Process {
  pid: number;
  /** Seconds since the process started (ps's etimes). */
  age: number;
  args: string;
}

/** `ps -eo pid,etimes,args` of procps-ng 4: PID as wide as pid_max (4194304 under systemd: 7), numbers right-aligned. */
export function psTable(procs: readonly Process[]): string {
  const pidW = Math.max(7, ...procs.map((p) => String(p.pid).length));
  const ageW = Math.max(7, ...procs.map((p) => String(p.age).length));
  const head = `${'PID'.padStart(pidW)} ${'ELAPSED'.padStart(ageW)} COMMAND`;
  return `${[head, ...procs.map((p) => `${String(p.pid).padStart(pidW)} ${String(p.age).padStart(ageW)} ${p.args}`)].join('\n')}\n`;
}

/** The lines of a `ps -eo pid,etimes,args` answer as processes again, so a fault can edit them. */
export function parsePsTable(text: string): Process[] {
  const out: Process[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s(.*)$/.exec(line);
    if (m) out.push({ pid: Number(m[1]), age: Number(m[2]), args: m[3] ?? '' });
  }
  return out;
}

export interface DfRow {
  device: string;
  /** 1K blocks. */
  size: number;
  used: number;
  avail: number;
  mount: string;
}

/** df's percentage: used / (used + available), rounded up, as coreutils does. */
export function dfPercent(used: number, avail: number): number {
  const total = used + avail;
  return total === 0 ? 0 : Math.ceil((used * 100) / total);
}

/**
 * `df -P` (1K blocks, Capacity) or `df -Pi` (inodes, IUse%), coreutils 9.1:
 * Filesystem left-aligned and at least 14 wide, numbers right-aligned, one line per argument.
 */
export function dfTable(rows: readonly DfRow[], inodes: boolean): string {
  const head = inodes
    ? ['Filesystem', 'Inodes', 'IUsed', 'IFree', 'IUse%', 'Mounted on']
    : ['Filesystem', '1024-blocks', 'Used', 'Available', 'Capacity', 'Mounted on'];
  const body = rows.map((r) => [
    r.device,
    String(r.size),
    String(r.used),
    String(r.avail),
    `${dfPercent(r.used, r.avail)}%`,
    r.mount,
  ]);
  const all = [head, ...body];
  const w = head.map((_, i) => Math.max(i === 0 ? 14 : 5, ...all.map((c) => (c[i] ?? '').length)));
  return `${all
    .map((c) =>
      c
        .map((cell, i) => (i === 0 ? cell.padEnd(w[0] ?? 0) : i === c.length - 1 ? cell : cell.padStart(w[i] ?? 0)))
        .join(' '),
    )
    .join('\n')}\n`;
}

/** A table as systemd's format-table prints it (busctl list): columns one space apart, the last one not padded. */
export function systemdTable(rows: readonly string[][], rightAligned: ReadonlySet<number> = new Set()): string {
  const cols = Math.max(...rows.map((r) => r.length));
  const w = Array.from({ length: cols }, (_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return `${rows.map((r) => r.map((cell, i) => (i === cols - 1 ? cell : rightAligned.has(i) ? cell.padStart(w[i] ?? 0) : cell.padEnd(w[i] ?? 0))).join(' ')).join('\n')}\n`;
}

/** One kernel line of `journalctl -k -o short-iso`: the kernel's lines have no pid. */
export function kernelLine(d: Date, host: string, message: string): string {
  return `${shortIso(d)} ${host} kernel: ${message}`;
}

/** `systemctl list-units --all --no-legend` rows: unit, load, active, sub padded to their widest, then the description. */
export function listUnitsTable(
  rows: readonly { unit: string; load?: string; active: string; sub: string; description: string }[],
): string {
  const cols = rows.map((r) => [r.unit, r.load ?? 'loaded', r.active, r.sub]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...cols.map((c) => (c[i] ?? '').length)));
  return rows
    .map((r, n) => `  ${(cols[n] ?? []).map((c, i) => c.padEnd(widths[i] ?? 0)).join(' ')} ${r.description}\n`)
    .join('');
}
