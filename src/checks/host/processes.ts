/**
 * Process lists as people have them: `ps -ef`, `ps aux`, `ps -eo <any columns,
 * any order>`, the task list of `top -b` (any locale's headers) and `pidstat`.
 * Columns are found by their header; the command is the rest of the line.
 */

export type ProcessSource = 'ps -ef' | 'ps aux' | 'ps -eo' | 'top' | 'pidstat';

export interface ProcessRow {
  pid: number;
  user?: string;
  /** %CPU as the tool printed it (top, pidstat: over the interval; ps: over the process's life). */
  cpu?: number;
  /** Seconds since the process started, when the tool says (ELAPSED, or a start time and `now`). */
  seconds?: number;
  /** The whole command line when the tool printed it (ps args, top -c), else the command name. */
  command: string;
  /** The command name alone (comm), when the tool printed it apart. */
  comm?: string;
}

export interface ProcessTable {
  source: ProcessSource;
  rows: ProcessRow[];
  /** ps's %CPU is the average over each process's whole life, not what it uses now. */
  cpuIsLifetime: boolean;
  /** Whether the table gives each process's age (needed to say a process lingers). */
  hasAge: boolean;
}

/** Header names (procps in C and de locales, sysstat) → what the column holds. */
const columnKinds: Record<string, 'pid' | 'user' | 'cpu' | 'etimes' | 'etime' | 'start' | 'command' | 'comm' | 'skip'> =
  {
    PID: 'pid',
    UID: 'user',
    USER: 'user',
    BENUTZER: 'user',
    '%CPU': 'cpu',
    C: 'skip',
    ELAPSED: 'etime',
    STIME: 'start',
    START: 'start',
    COMMAND: 'command',
    CMD: 'command',
    BEFEHL: 'command',
    Command: 'command',
    COMM: 'comm',
  };

const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** `[[dd-]hh:]mm:ss` (etime) or plain seconds (etimes). */
export function elapsedSeconds(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/.exec(s);
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

/**
 * ps's STIME/START: `15:17` (today), `Apr29` / `Apr 29` (this year), `2019` (an older year).
 * Seconds since then, at minute precision; undefined without `now`.
 */
export function startAgeSeconds(s: string, now: Date | undefined): number | undefined {
  if (!now) return undefined;
  const hm = /^(\d{1,2}):(\d\d)$/.exec(s);
  if (hm) {
    const t = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), Number(hm[1]), Number(hm[2]));
    // Minute precision: the process is at least this old (a start "in the future" was yesterday).
    const age = (now.getTime() - t) / 1000 - 59;
    return Math.max(0, Math.floor(age >= -59 ? age : age + 86400));
  }
  const md = /^([A-Za-z]{3}) ?(\d{1,2})$/.exec(s);
  if (md) {
    const mo = monthNames.indexOf((md[1] ?? '').toLowerCase());
    if (mo < 0) return undefined;
    let t = Date.UTC(now.getUTCFullYear(), mo, Number(md[2]));
    if (t > now.getTime()) t = Date.UTC(now.getUTCFullYear() - 1, mo, Number(md[2]));
    return Math.floor((now.getTime() - t) / 1000);
  }
  if (/^\d{4}$/.test(s)) return Math.floor((now.getTime() - Date.UTC(Number(s), 11, 31)) / 1000);
  return undefined;
}

const leadingTime = /^(?:\d\d:\d\d:\d\d(?:\s+[AP]M)?|[^\s\d][^\s]*:)\s+/;

/**
 * The process table in the text, found by its header line; undefined when
 * there is none. `now` turns ps's start times into ages.
 */
export function parseProcessTable(text: string, now?: Date): ProcessTable | undefined {
  return parseProcessTables(text, now)[0] ?? parseHeaderless(text, now);
}

/** `ps -ef` rows: UID PID PPID C STIME TTY TIME CMD (STIME `15:17`, `Apr29`, `2018`). */
const psEfRow =
  /^\s*(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d{1,2}:\d\d|[A-Za-z]{3}\d{1,2}|\d{4})\s+(\S+)\s+((?:\d+-)?\d+:\d\d:\d\d)\s+(\S.*)$/;
/** `ps aux` rows: USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND. */
const psAuxRow =
  /^\s*(\S+)\s+(\d+)\s+(\d+[.,]\d)\s+(\d+[.,]\d)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\d{1,2}:\d\d|[A-Za-z]{3}\d{1,2}|\d{4})\s+(\d+:\d\d(?::\d\d)?)\s+(\S.*)$/;

/**
 * `ps -ef | grep runc` and `ps aux | grep …` drop the header line: rows that
 * have every column of one of the two forms are read as that form. A line of
 * another shape in between (a prompt, the command itself) is passed over.
 */
function parseHeaderless(text: string, now?: Date): ProcessTable | undefined {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (const [source, re, pidAt, startAt, cmdAt, cpuAt] of [
    ['ps -ef', psEfRow, 2, 5, 8, undefined],
    ['ps aux', psAuxRow, 2, 9, 11, 3],
  ] as const) {
    const rows: ProcessRow[] = [];
    for (const line of lines) {
      const m = re.exec(line);
      if (!m) continue;
      const seconds = startAgeSeconds(m[startAt] ?? '', now);
      rows.push({
        pid: Number(m[pidAt]),
        user: m[1] ?? '',
        command: m[cmdAt] ?? '',
        ...(cpuAt === undefined ? {} : { cpu: Number((m[cpuAt] ?? '').replace(',', '.')) }),
        ...(seconds === undefined ? {} : { seconds }),
      });
    }
    if (rows.length > 0)
      return { source, rows, cpuIsLifetime: true, hasAge: rows.some((r) => r.seconds !== undefined) };
  }
  return undefined;
}

/** Every process table in the text, in order (top -bn2 prints one per iteration). */
export function parseProcessTables(text: string, now?: Date): ProcessTable[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const tables: ProcessTable[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const isPidstat = /\sUID\s+PID\s+%usr\s/.test(raw) || /^\S+(?:\s+[AP]M)?\s+UID\s+PID\s/.test(raw);
    const header = (isPidstat ? raw.replace(leadingTime, '') : raw).trim().split(/\s+/);
    if (!header.includes('PID')) continue;
    const commandAt = header.findIndex((h) => columnKinds[h] === 'command');
    // The command is the last column, the rest of the line (`ps -eo comm,args` has two: the last is the whole line).
    if (commandAt < 0) continue;
    const source: ProcessSource = isPidstat
      ? 'pidstat'
      : header.includes('PPID') && header.includes('STIME')
        ? 'ps -ef'
        : header.includes('%MEM') && header.includes('VSZ')
          ? 'ps aux'
          : header.includes('PR') && header.includes('NI') && header.includes('RES')
            ? 'top'
            : 'ps -eo';
    const rows: ProcessRow[] = [];
    const last = header.length - 1;
    const firstText = header.findIndex((h) => columnKinds[h] === 'command' || columnKinds[h] === 'comm');
    const headerText = isPidstat ? raw.replace(leadingTime, '') : raw;
    const textOffsets: number[] = [];
    if (firstText < last && source === 'ps -eo') {
      let from = 0;
      header.forEach((h, k) => {
        const at = headerText.indexOf(h, from);
        from = at + h.length;
        if (k >= firstText) textOffsets.push(at);
      });
    }
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j] ?? '';
      if (line.trim() === '') {
        if (rows.length > 0 && source !== 'pidstat') break;
        continue;
      }
      if (/^top - /.test(line)) break;
      if (source === 'pidstat' && /^(?:Average|Durchschn)/.test(line)) break;
      const body = source === 'pidstat' ? line.replace(leadingTime, '') : line;
      // `ps -eo comm,args`: a text column (comm may hold spaces) before the last; ps left-aligns both under their headers.
      const cols =
        textOffsets.length > 0
          ? [
              ...body.slice(0, textOffsets[0]).trim().split(/\s+/),
              ...textOffsets.map((o, k) => body.slice(o, textOffsets[k + 1]).trim()),
            ]
          : body.trim().split(/\s+/);
      if (cols.length < header.length) continue;
      const row: Partial<ProcessRow> = {};
      let commandParts: string[] | undefined;
      for (let c = 0; c < header.length; c++) {
        const kind = columnKinds[header[c] ?? ''];
        const v = cols[c] ?? '';
        if (c === last) {
          commandParts = cols.slice(c);
          if (kind === 'comm') row.comm = v;
          break;
        }
        if (kind === 'pid') row.pid = Number(v);
        else if (kind === 'user') row.user = v;
        else if (kind === 'cpu') row.cpu = Number(v.replace(',', '.'));
        else if (kind === 'etime') {
          const s = elapsedSeconds(v);
          if (s !== undefined) row.seconds = s;
        } else if (kind === 'start') {
          // ps aux prints `Apr29`; some builds `Apr 29` (two words): take the next one with it.
          const age = startAgeSeconds(v, now);
          if (age !== undefined) row.seconds = age;
        } else if (kind === 'comm' || kind === 'command') row.comm = v;
      }
      if (row.pid === undefined || Number.isNaN(row.pid) || !commandParts) continue;
      const command = commandParts.join(' ');
      rows.push({
        ...row,
        pid: row.pid,
        command,
        ...(row.comm === undefined && source !== 'top' ? {} : { comm: row.comm ?? command }),
      });
    }
    if (rows.length === 0) continue;
    tables.push({
      source,
      rows,
      cpuIsLifetime: source.startsWith('ps'),
      hasAge: rows.some((r) => r.seconds !== undefined),
    });
    i = j - 1;
  }
  return tables;
}

/** The program a command line runs: `/usr/bin/kubelet --config=…` → `kubelet`. */
export function programName(r: ProcessRow): string {
  const first = (r.command.startsWith('[') ? r.command : (r.command.split(/\s+/)[0] ?? '')).replace(/\+$/, '');
  const base = first.slice(first.lastIndexOf('/') + 1);
  return base || (r.comm ?? '');
}
