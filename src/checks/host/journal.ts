/**
 * Journals and logs as people have them: every `journalctl -o` form people
 * paste (short, short-precise, short-iso, short-iso-precise, short-full,
 * short-unix, short-monotonic, cat, json, json-pretty), plain syslog files
 * (/var/log/messages, /var/log/syslog), and inside each line the message as
 * the process wrote it: a klog header (`E0304 10:22:13.123456 1234 file.go:12] …`),
 * structured klog (`"msg" key="value"`), logrus (`time=… level=error msg=…`)
 * or component-base JSON (`{"ts":…,"msg":…}`).
 *
 * Shared by every check that reads a journal (the kubelet's, the runtime's),
 * so each new form is read everywhere at once.
 */

export type JournalForm =
  | 'short'
  | 'short-precise'
  | 'short-iso'
  | 'short-iso-precise'
  | 'short-full'
  | 'short-unix'
  | 'short-monotonic'
  | 'json'
  | 'cat';

export type Severity = 'I' | 'W' | 'E' | 'F';

export interface KlogHeader {
  severity: Severity;
  /** `0304`: klog prints no year. */
  monthDay: string;
  /** `10:22:13.123456` */
  time: string;
  threadId: number;
  /** `kubelet.go:2347` */
  source: string;
}

export interface JournalEntry {
  /** The line(s) as printed: a journal line with its continuation lines, or one JSON object. */
  line: string;
  form: JournalForm;
  /** The time as printed by the journal (or the klog header in `cat` form). */
  stamp?: string;
  /** The moment, when the line says it fully, or with the year taken from `now`; zone-less stamps read as UTC. */
  time?: Date;
  /** Whether `time` carries the host's own zone (short-iso, json) rather than a guess. */
  zoned: boolean;
  host?: string;
  /** The syslog identifier: `kubelet`, `systemd`, `containerd`, `kernel` … */
  ident?: string;
  pid?: number;
  /** What the process wrote, without the journal's prefix. */
  message: string;
  /** From the klog header, logrus's level, or a JSON log's err: undefined when the line does not say. */
  severity?: Severity;
  klog?: KlogHeader;
  /** The message proper of a structured line: klog's quoted first string, logrus's msg=, JSON's msg. */
  msg?: string;
  /** key=value pairs of a structured line (err, pod, node …), unquoted. */
  fields: Record<string, string>;
}

export interface Journal {
  entries: JournalEntry[];
  /** The form most entries are in; `none` when there are no entries. */
  form: JournalForm | 'none';
  /** journalctl's own lines: `-- No entries --`, `-- Logs begin at … --`, `-- Boot … --`, `-- Reboot --`. */
  markers: string[];
  /** journalctl said the host keeps no journal (`No journal files were found.`). */
  noJournal: boolean;
  /** `-- No entries --`: journalctl ran and found nothing that matched. */
  noEntries: boolean;
}

export interface JournalOptions {
  /** For the year of stamps that print none (short, syslog, klog): the latest year that is not after now. */
  now?: Date;
}

const monthNames: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
  // German and French short names, as journalctl prints them under those locales.
  mär: 2,
  mai: 4,
  okt: 9,
  dez: 11,
  janv: 0,
  févr: 1,
  mars: 2,
  avr: 3,
  juin: 5,
  juil: 6,
  août: 7,
  sept: 8,
  déc: 11,
};

/** `Mar`, `mar.`, `10月` (a zh/ja locale), `Mär`: the month index, or undefined. */
function monthIndex(token: string): number | undefined {
  const cjk = /^(\d{1,2})月$/.exec(token);
  if (cjk) return Number(cjk[1]) - 1;
  return monthNames[token.toLowerCase().replace(/\.$/, '')];
}

const ident = String.raw`([^\s:[\]]+)(?:\[(\d+)\])?:(?: |$)(.*)`;
const host = String.raw`(\S+)`;
const prefixed: { form: JournalForm; re: RegExp }[] = [
  // 2024-03-05T16:02:38+0000 / 2024-03-05T16:02:38.123456+00:00 (also rsyslog's RFC 3339 file format)
  {
    form: 'short-iso',
    re: new RegExp(String.raw`^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?) ${host} ${ident}$`),
  },
  // Tue 2024-03-05 16:02:38 UTC
  {
    form: 'short-full',
    re: new RegExp(
      String.raw`^(?:[A-Z][a-z]{2} )?(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? [A-Z][\w/+-]*) ${host} ${ident}$`,
    ),
  },
  // Mar  5 16:02:38 / Mar 05 16:02:38.123456 / 10月 25 16:08:09 (journalctl's default, and syslog files)
  { form: 'short', re: new RegExp(String.raw`^(\S{2,5}\.? {1,2}\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)?) ${host} ${ident}$`) },
  // 1709654558.934473
  { form: 'short-unix', re: new RegExp(String.raw`^(\d{9,11}\.\d+) ${host} ${ident}$`) },
  // [  1234.567890]
  { form: 'short-monotonic', re: new RegExp(String.raw`^(\[\s*\d+\.\d+\]) ${host} ${ident}$`) },
];

const klogHeader = /^([IWEF])(\d{4}) (\d\d:\d\d:\d\d\.\d+)\s+(\d+) ([^\s\]]+:\d+)\] ?(.*)$/s;

/** A klog header at the start of a message, and the rest. */
export function parseKlogHeader(message: string): { header: KlogHeader; rest: string } | undefined {
  const m = klogHeader.exec(message);
  if (!m) return undefined;
  return {
    header: {
      severity: m[1] as Severity,
      monthDay: m[2] ?? '',
      time: m[3] ?? '',
      threadId: Number(m[4]),
      source: m[5] ?? '',
    },
    rest: m[6] ?? '',
  };
}

/** `"Skipping pod synchronization" err="PLEG is not healthy" pod="a/b"` → msg and fields. */
export function parseStructured(text: string): { msg?: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  let msg: string | undefined;
  let rest = text;
  const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
  if (quoted) {
    msg = unescape(quoted[1] ?? '');
    rest = rest.slice(quoted[0].length);
  }
  // A value is a quoted string, a {...} or [...] group, or a bare word. Pastes where the
  // quotes inside a value lost their backslashes still split at the next ` key=`.
  const kv =
    /(?:^|\s)([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"(?=\s+[A-Za-z_][\w.-]*=|\s*$)|"(?:[^"\\]|\\.)*"|\{[^}]*\}|\[[^\]]*\]|\S+)/g;
  for (const m of rest.matchAll(kv)) {
    const v = m[2] ?? '';
    fields[m[1] ?? ''] = v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? unescape(v.slice(1, -1)) : v;
  }
  return msg === undefined ? { fields } : { msg, fields };
}

function unescape(s: string): string {
  return s.replace(/\\(["\\nt])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

const logrusLevels: Record<string, Severity> = {
  trace: 'I',
  debug: 'I',
  info: 'I',
  warning: 'W',
  warn: 'W',
  error: 'E',
  fatal: 'F',
  panic: 'F',
};

/** What a process wrote, read for its severity and structure. */
function readMessage(message: string): Pick<JournalEntry, 'severity' | 'klog' | 'msg' | 'fields'> {
  const k = parseKlogHeader(message);
  if (k) {
    const s = parseStructured(k.rest);
    return { severity: k.header.severity, klog: k.header, msg: s.msg ?? k.rest, fields: s.fields };
  }
  // logrus (containerd, dockerd, k3s, rke2): time="…" level=error msg="…" error="…"
  if (/^time="[^"]*" level=\w+ /.test(message)) {
    const s = parseStructured(message);
    const level = logrusLevels[s.fields.level ?? ''];
    return {
      ...(level ? { severity: level } : {}),
      ...(s.fields.msg !== undefined ? { msg: s.fields.msg } : {}),
      fields: s.fields,
    };
  }
  // component-base JSON logging (kubelet --logging-format=json): {"ts":…,"caller":…,"msg":…,"v":0} or with "err"
  if (message.startsWith('{') && message.includes('"msg"')) {
    const o = tryJson(message);
    if (o && typeof o.msg === 'string') {
      const fields: Record<string, string> = {};
      for (const [key, v] of Object.entries(o)) fields[key] = typeof v === 'string' ? v : JSON.stringify(v);
      const severity: Severity = 'err' in o && !('v' in o) ? 'E' : 'I';
      return { severity, msg: o.msg, fields };
    }
  }
  return { fields: {} };
}

function tryJson(s: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(s);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** journalctl's MESSAGE: a string, null, or (for non-UTF-8 or very long data) an array of bytes. */
function journalField(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v) && v.every((b) => typeof b === 'number')) return Buffer.from(v).toString('utf8');
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

function fromJournalJson(o: Record<string, unknown>, line: string): JournalEntry | undefined {
  if (!('MESSAGE' in o) && !('__REALTIME_TIMESTAMP' in o)) return undefined;
  const message = journalField(o.MESSAGE) ?? '';
  const us = journalField(o.__REALTIME_TIMESTAMP);
  const pid = journalField(o._PID) ?? journalField(o.SYSLOG_PID);
  const id = journalField(o.SYSLOG_IDENTIFIER) ?? journalField(o._COMM);
  const h = journalField(o._HOSTNAME);
  const time = us && /^\d+$/.test(us) ? new Date(Number(BigInt(us) / 1000n)) : undefined;
  const priority = journalField(o.PRIORITY);
  const entry: JournalEntry = { line, form: 'json', zoned: time !== undefined, message, ...readMessage(message) };
  if (us) entry.stamp = us;
  if (time) entry.time = time;
  if (h) entry.host = h;
  if (id) entry.ident = id;
  if (pid && /^\d+$/.test(pid)) entry.pid = Number(pid);
  // The journal's own priority (3 = err, 2 = crit …) when the message itself says nothing.
  if (!entry.severity && priority && /^[0-7]$/.test(priority))
    entry.severity = Number(priority) <= 2 ? 'F' : Number(priority) === 3 ? 'E' : Number(priority) === 4 ? 'W' : 'I';
  return entry;
}

const utc = (y: number, mo: number, d: number, hms: string): Date | undefined => {
  const m = /^(\d\d):(\d\d):(\d\d)(?:[.,](\d+))?$/.exec(hms);
  if (!m) return undefined;
  const ms = m[4] ? Math.round(Number(`0.${m[4]}`) * 1000) : 0;
  return new Date(Date.UTC(y, mo, d, Number(m[1]), Number(m[2]), Number(m[3]), ms));
};

/** The latest date with this month and day that is not after now (a day of slack for zones). */
function withYear(mo: number, d: number, hms: string, now: Date | undefined): Date | undefined {
  const ref = now ?? new Date();
  for (let y = ref.getUTCFullYear() + 1; y >= ref.getUTCFullYear() - 1; y--) {
    const t = utc(y, mo, d, hms);
    if (t && t.getTime() <= ref.getTime() + 86_400_000) return t;
  }
  return undefined;
}

function stampTime(form: JournalForm, stamp: string, now: Date | undefined): { time?: Date; zoned: boolean } {
  if (form === 'short-iso') {
    const iso = stamp.replace(',', '.').replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
    const t = new Date(/[Z+-]\d\d:?\d\d$|Z$/.test(iso) ? iso : `${iso}Z`);
    return Number.isNaN(t.getTime()) ? { zoned: false } : { time: t, zoned: /(?:Z|[+-]\d\d:\d\d)$/.test(iso) };
  }
  if (form === 'short-unix') return { time: new Date(Math.round(Number(stamp) * 1000)), zoned: true };
  if (form === 'short-full') {
    const m = /^(\d{4})-(\d\d)-(\d\d) (\S+)(?: (\S+))?$/.exec(stamp);
    if (!m) return { zoned: false };
    const t = utc(Number(m[1]), Number(m[2]) - 1, Number(m[3]), m[4] ?? '');
    const zone = m[5];
    return t ? { time: t, zoned: zone === 'UTC' || zone === 'GMT' } : { zoned: false };
  }
  if (form === 'short' || form === 'short-precise') {
    const m = /^(\S+?)\s+(\d{1,2}) (\S+)$/.exec(stamp);
    const mo = monthIndex(m?.[1] ?? '');
    if (!m || mo === undefined) return { zoned: false };
    const t = withYear(mo, Number(m[2]), m[3] ?? '', now);
    return t ? { time: t, zoned: false } : { zoned: false };
  }
  return { zoned: false };
}

function klogTime(h: KlogHeader, now: Date | undefined): Date | undefined {
  return withYear(Number(h.monthDay.slice(0, 2)) - 1, Number(h.monthDay.slice(2)), h.time, now);
}

// journalctl's own lines: `-- Logs begin at … --`, `-- No entries --`, `-- Boot … --`, and -x's catalog text (`-- Subject: …`, `-- Defined-By: systemd`).
const marker = /^--(?: |$)/;
const noJournalWords = /No journal files were (?:found|opened due to insufficient permissions)/;

/** One prefixed journal/syslog line, or undefined. */
function prefixedLine(line: string, now: Date | undefined): JournalEntry | undefined {
  for (const { form, re } of prefixed) {
    const m = re.exec(line);
    if (!m) continue;
    const stamp = m[1] ?? '';
    // A short stamp needs a month name: `Error 12 …` is not a date.
    if (form === 'short' && monthIndex(/^(\S+)/.exec(stamp)?.[1] ?? '') === undefined) continue;
    const precise =
      form === 'short' && /:\d\d\.\d+$/.test(stamp)
        ? 'short-precise'
        : form === 'short-iso' && /:\d\d[.,]\d+/.test(stamp)
          ? 'short-iso-precise'
          : form;
    const message = m[5] ?? '';
    const t = stampTime(form, stamp, now);
    const entry: JournalEntry = {
      line,
      form: precise,
      stamp,
      zoned: t.zoned,
      host: m[2] ?? '',
      ident: m[3] ?? '',
      message,
      ...readMessage(message),
    };
    if (t.time) entry.time = t.time;
    if (m[4]) entry.pid = Number(m[4]);
    return entry;
  }
  return undefined;
}

/**
 * Reads a journal or log in any of the forms above. A line that is not in the
 * output's prefixed form continues the entry before it (journalctl indents a
 * multi-line message); an output with no prefixed line at all is `-o cat`
 * (or a plain klog file), one entry per line.
 */
export function parseJournal(text: string, opts: JournalOptions = {}): Journal {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const markers: string[] = [];
  const entries: JournalEntry[] = [];
  let noJournal = false;
  let pendingJson: string[] | undefined;
  for (const raw of lines) {
    const line = raw.replace(/\s+$/, '');
    if (pendingJson) {
      // -o json-pretty: one object over many lines, closed by a `}` at the start of a line.
      pendingJson.push(line);
      if (line === '}') {
        const o = tryJson(pendingJson.join('\n'));
        const e = o ? fromJournalJson(o, pendingJson.join('\n')) : undefined;
        if (e) entries.push(e);
        pendingJson = undefined;
      }
      continue;
    }
    if (line.trim() === '') continue;
    if (marker.test(line.trim())) {
      markers.push(line.trim());
      continue;
    }
    if (noJournalWords.test(line)) {
      noJournal = true;
      markers.push(line.trim());
      continue;
    }
    if (line === '{') {
      pendingJson = [line];
      continue;
    }
    if (line.startsWith('{') && line.includes('"__REALTIME_TIMESTAMP"')) {
      const o = tryJson(line);
      const e = o ? fromJournalJson(o, line) : undefined;
      if (e) {
        entries.push(e);
        continue;
      }
    }
    const e = prefixedLine(line, opts.now);
    if (e) {
      entries.push(e);
      continue;
    }
    const last = entries.at(-1);
    if (last && last.form !== 'json' && /^\s/.test(raw) && last.form !== 'cat') {
      last.line += `\n${line}`;
      last.message += `\n${line.trim()}`;
      continue;
    }
    // The shell prompt and command a paste often starts with are not entries.
    if (isPrompt(line)) continue;
    entries.push(catEntry(line, opts.now));
  }
  return {
    entries,
    form: dominantForm(entries),
    markers,
    noJournal,
    noEntries: markers.some((m) => /No entries/.test(m)),
  };
}

/** `[root@node ~]# journalctl …`, `root@node:~# …`, `$ journalctl …` */
function isPrompt(line: string): boolean {
  return /^\s*(?:\[[^\]]*\][#$]|[\w.-]+@[\w.-]+:\S*\s*[#$]|\$ \w)/.test(line);
}

function catEntry(line: string, now: Date | undefined): JournalEntry {
  let message = line.trim();
  let read = readMessage(message);
  let from: string | undefined;
  // `10.200.1.3: {…}`, `node-1: E0304 …`: a tool that gathers logs from many nodes (talosctl, pdsh) names each line's node.
  const named = /^([\w.:-]+?): (.*)$/.exec(message);
  if (!read.klog && !read.msg && named) {
    const inner = readMessage(named[2] ?? '');
    if (inner.klog || inner.msg !== undefined) {
      from = named[1];
      message = named[2] ?? '';
      read = inner;
    }
  }
  const entry: JournalEntry = { line, form: 'cat', zoned: false, message, ...read };
  if (from) entry.host = from;
  if (read.klog) {
    entry.stamp = `${read.klog.monthDay} ${read.klog.time}`;
    const t = klogTime(read.klog, now);
    if (t) entry.time = t;
  } else if (read.fields.ts && /^\d+(?:\.\d+)?$/.test(read.fields.ts)) {
    entry.stamp = read.fields.ts;
    entry.time = new Date(Math.round(Number(read.fields.ts)));
    entry.zoned = true;
  } else if (read.fields.time) {
    const t = new Date(read.fields.time);
    if (!Number.isNaN(t.getTime())) {
      entry.stamp = read.fields.time;
      entry.time = t;
      entry.zoned = true;
    }
  }
  return entry;
}

function dominantForm(entries: JournalEntry[]): Journal['form'] {
  const counts = new Map<JournalForm, number>();
  for (const e of entries) counts.set(e.form, (counts.get(e.form) ?? 0) + 1);
  let best: Journal['form'] = 'none';
  let n = 0;
  for (const [f, c] of counts) {
    if (c > n) [best, n] = [f, c];
  }
  return best;
}

/** The identifiers the kubelet logs under: kubelet itself, its wrappers, and the distributions that embed it. */
// OpenShift 3 runs the kubelet inside origin-node / atomic-openshift-node (kubernetes/kubernetes#84978).
export const kubeletIdents =
  /^(?:kubelet|kubelet-wrapper|hyperkube|k3s|k3s-agent|rke2|rke2-agent|kubelite|microk8s\.daemon-kubelite|snap\.kubelet\.daemon|kubelet\.daemon|origin-node|atomic-openshift-node)$/;

/** Entries the kubelet (or systemd about it) wrote: in `-o cat` and plain klog files every entry counts. */
export function isKubeletOrSystemd(e: JournalEntry): boolean {
  return e.ident === undefined || e.ident === '' || e.ident === 'systemd' || kubeletIdents.test(e.ident);
}

/** Error or fatal by its own header or level. */
export function isError(e: JournalEntry): boolean {
  return e.severity === 'E' || e.severity === 'F';
}

/** The message without its klog header, for evidence: `"Skipping pod synchronization" err="…"`. */
export function messageBody(e: JournalEntry): string {
  return e.klog ? (parseKlogHeader(e.message)?.rest ?? e.message) : e.message;
}

/** Describes the form for a summary: `journalctl -o short-iso`, `a syslog file`, `-o cat`. */
export function describeForm(form: Journal['form']): string {
  switch (form) {
    case 'short':
      return 'journalctl short (or syslog) lines';
    case 'cat':
      return 'bare messages (journalctl -o cat, or a log file)';
    case 'json':
      return 'journalctl -o json';
    case 'none':
      return 'no lines';
    default:
      return `journalctl -o ${form}`;
  }
}
