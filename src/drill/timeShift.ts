/**
 * Moves the absolute times in pasted output so that the moment of the paste
 * (a scenario's `pastedAt`) is the drill's now, intervals kept and each time
 * left in the text format it was printed in.
 *
 * Times are moved as wall clocks: the digits change, the zone text stays. A
 * time that names its zone (`Z`, `+08:00`, `+0000`, `GMT`, `UTC`) moves by
 * now − pastedAt; one that does not (journal, klog, Go's log package) is read
 * in pastedAt's zone, as the same machine printed both, and moves so that it
 * reads as UTC wall clock at the drill's now. Yearless formats take their
 * year from pastedAt (the year before when that would put them after it).
 */

export interface TimeShift {
  /** For times that name their zone: now − pastedAt, whole seconds. */
  ms: number;
  /** For times that do not: now − pastedAt's wall clock read as UTC, whole seconds. */
  wallMs: number;
  /** pastedAt's wall clock, read as UTC (ms): the year of yearless times. */
  pastedWall: number;
}

const pastedPattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** The shift from `pastedAt` (ISO 8601; no zone means UTC) to `now`; undefined when pastedAt is not such a time. */
export function timeShift(pastedAt: string, now: Date): TimeShift | undefined {
  const m = pastedPattern.exec(pastedAt.trim());
  if (!m) return undefined;
  const wall = Date.UTC(num(m[1]), num(m[2]) - 1, num(m[3]), num(m[4]), num(m[5]), num(m[6]));
  const absolute = wall - offsetMinutes(m[7]) * 60_000;
  const seconds = (ms: number) => Math.round(ms / 1000) * 1000;
  return { ms: seconds(now.getTime() - absolute), wallMs: seconds(now.getTime() - wall), pastedWall: wall };
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const month = `(${months.join('|')})`;
const weekday = `(${days.join('|')})`;

interface Fields {
  year?: number;
  month: number;
  day: number;
  h: number;
  m: number;
  s: number;
  /** The time names its zone: it moves by the absolute shift. */
  zoned: boolean;
}

interface Format {
  name: string;
  pattern: string;
  read(g: string[]): Fields;
  write(g: string[], t: Date, style: TextStyle): string;
}

interface TextStyle {
  /** syslog pads a one-digit day with a space (`Mar  4`), journalctl with a zero (`Mar 04`). */
  spacePaddedDay: boolean;
}

const zoneNamed = (zone: string | undefined) => zone !== undefined && zone !== '';
const absoluteZones = new Set(['UTC', 'GMT', 'Z']);

const formats: Format[] = [
  {
    // date(1) and Go's time.UnixDate: `Mon Mar  4 10:22:13 UTC 2019`; asctime (watch's header) has no zone.
    name: 'date',
    pattern: `\\b${weekday} ${month} ( \\d|\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2}) (?:([A-Z]{2,5}) )?(\\d{4})\\b`,
    read: (g) => ({
      year: num(g[8]),
      month: monthOf(g[2]),
      day: num(g[3]),
      h: num(g[4]),
      m: num(g[5]),
      s: num(g[6]),
      zoned: absoluteZones.has(g[7] ?? ''),
    }),
    write: (g, t) =>
      `${days[t.getUTCDay()]} ${months[t.getUTCMonth()]} ${padDay(t.getUTCDate(), g[3] ?? '', true)} ${hms(t)} ${g[7] ? `${g[7]} ` : ''}${t.getUTCFullYear()}`,
  },
  {
    // RFC 1123 (HTTP dates, `kubectl describe` Start Time): `Thu, 04 Mar 2021 10:22:13 GMT` / `+0000`.
    name: 'rfc1123',
    pattern: `\\b${weekday}, (\\d{2}) ${month} (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) (GMT|UTC|[A-Z]{2,5}|[+-]\\d{4})`,
    read: (g) => ({
      year: num(g[4]),
      month: monthOf(g[3]),
      day: num(g[2]),
      h: num(g[5]),
      m: num(g[6]),
      s: num(g[7]),
      zoned: absoluteZones.has(g[8] ?? '') || /^[+-]/.test(g[8] ?? ''),
    }),
    write: (g, t) =>
      `${days[t.getUTCDay()]}, ${pad(t.getUTCDate())} ${months[t.getUTCMonth()]} ${t.getUTCFullYear()} ${hms(t)} ${g[8]}`,
  },
  {
    // systemd (systemctl status, journalctl -o short-full): `Thu 2021-03-04 10:22:13 UTC`; the weekday follows the date.
    name: 'systemd',
    pattern: `\\b${weekday} (\\d{4})-(\\d{2})-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2})( [A-Z]{2,5}\\b)?`,
    read: (g) => ({
      year: num(g[2]),
      month: num(g[3]),
      day: num(g[4]),
      h: num(g[5]),
      m: num(g[6]),
      s: num(g[7]),
      zoned: absoluteZones.has((g[8] ?? '').trim()),
    }),
    write: (g, t) =>
      `${days[t.getUTCDay()]} ${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${hms(t)}${g[8] ?? ''}`,
  },
  {
    // RFC 3339 / ISO 8601, `T` or space, any fraction, any zone (Go's time.String adds ` +0000 UTC`).
    name: 'iso',
    pattern:
      '\\b(\\d{4})-(\\d{2})-(\\d{2})([T ])(\\d{2}):(\\d{2}):(\\d{2})(\\.\\d+)?(Z|[+-]\\d{2}:?\\d{2}| [+-]\\d{4})?',
    read: (g) => ({
      year: num(g[1]),
      month: num(g[2]),
      day: num(g[3]),
      h: num(g[5]),
      m: num(g[6]),
      s: num(g[7]),
      zoned: zoneNamed(g[9]),
    }),
    write: (g, t) =>
      `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}${g[4]}${hms(t)}${g[8] ?? ''}${g[9] ?? ''}`,
  },
  {
    // Go's log package: `2021/03/04 10:22:13` (zone: the process's local time).
    name: 'golog',
    pattern: '\\b(\\d{4})/(\\d{2})/(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2})',
    read: (g) => ({
      year: num(g[1]),
      month: num(g[2]),
      day: num(g[3]),
      h: num(g[4]),
      m: num(g[5]),
      s: num(g[6]),
      zoned: false,
    }),
    write: (_g, t) => `${t.getUTCFullYear()}/${pad(t.getUTCMonth() + 1)}/${pad(t.getUTCDate())} ${hms(t)}`,
  },
  {
    // klog's header: `I0304 10:22:13.123456` (severity, month, day; no year, no zone).
    name: 'klog',
    pattern: '(?<![A-Za-z0-9])([IWEF])(\\d{2})(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2})',
    read: (g) => ({ month: num(g[2]), day: num(g[3]), h: num(g[4]), m: num(g[5]), s: num(g[6]), zoned: false }),
    write: (g, t) => `${g[1]}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())} ${hms(t)}`,
  },
  {
    // openssl x509 -text validity: `Not After : Oct  1 20:18:00 2019 GMT`.
    name: 'openssl',
    pattern: `\\b${month} ( \\d|\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2}) (\\d{4}) (GMT|UTC)\\b`,
    read: (g) => ({
      year: num(g[6]),
      month: monthOf(g[1]),
      day: num(g[2]),
      h: num(g[3]),
      m: num(g[4]),
      s: num(g[5]),
      zoned: true,
    }),
    write: (g, t) =>
      `${months[t.getUTCMonth()]} ${padDay(t.getUTCDate(), g[2] ?? '', true)} ${hms(t)} ${t.getUTCFullYear()} ${g[7]}`,
  },
  {
    // journalctl short and syslog: `Mar 04 10:22:13`, `Mar  4 10:22:13` (no year, no zone).
    name: 'journal',
    pattern: `\\b${month} ( \\d|\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2})\\b`,
    read: (g) => ({ month: monthOf(g[1]), day: num(g[2]), h: num(g[3]), m: num(g[4]), s: num(g[5]), zoned: false }),
    write: (g, t, style) =>
      `${months[t.getUTCMonth()]} ${padDay(t.getUTCDate(), g[2] ?? '', style.spacePaddedDay)} ${hms(t)}`,
  },
];

/** Leftmost match wins; at one position, the earlier (more specific) format. */
const combined = new RegExp(formats.map((f) => `(${f.pattern})`).join('|'), 'g');
const groupCounts = formats.map((f) => new RegExp(`${f.pattern}|`).exec('')?.length ?? 1);

/** Every absolute time in `text` moved by the shift, each in its own format. */
export function shiftText(text: string, shift: TimeShift): string {
  const style: TextStyle = { spacePaddedDay: new RegExp(`\\b${month}  \\d \\d{2}:`).test(text) };
  return text.replace(combined, (...args: unknown[]) => {
    const groups = args.slice(1, -2) as (string | undefined)[];
    let at = 0;
    for (const [i, f] of formats.entries()) {
      const count = groupCounts[i] ?? 1;
      if (groups[at] !== undefined) {
        const g = groups.slice(at, at + count).map((x) => x ?? '');
        return moved(f, g, shift, style) ?? (groups[at] as string);
      }
      at += count;
    }
    return args[0] as string;
  });
}

function moved(f: Format, g: string[], shift: TimeShift, style: TextStyle): string | undefined {
  const fields = f.read(g);
  if (
    fields.month < 1 ||
    fields.month > 12 ||
    fields.day < 1 ||
    fields.day > 31 ||
    fields.h > 23 ||
    fields.m > 59 ||
    fields.s > 60
  )
    return undefined;
  let year = fields.year;
  if (year === undefined) {
    const pastedYear = new Date(shift.pastedWall).getUTCFullYear();
    const candidate = Date.UTC(pastedYear, fields.month - 1, fields.day, fields.h, fields.m, fields.s);
    // A December line pasted in January belongs to the year before.
    year = candidate > shift.pastedWall + 2 * 86_400_000 ? pastedYear - 1 : pastedYear;
  }
  const wall = Date.UTC(year, fields.month - 1, fields.day, fields.h, fields.m, fields.s);
  return f.write(g, new Date(wall + (fields.zoned ? shift.ms : shift.wallMs)), style);
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Every string in an object that is an RFC 3339 time (creationTimestamp, lastTransitionTime, event times), moved. */
export function shiftObjectTimes<T>(value: T, shift: TimeShift): T {
  if (typeof value === 'string') return (rfc3339.test(value) ? shiftText(value, shift) : value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => shiftObjectTimes(v, shift)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftObjectTimes(v, shift)])) as T;
  return value;
}

function num(s: string | undefined): number {
  return s === undefined || s === '' ? 0 : Number(s.trim());
}

function monthOf(name: string | undefined): number {
  return months.indexOf(name ?? '') + 1;
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (num(m[2]) * 60 + num(m[3]));
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function hms(t: Date): string {
  return `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
}

/** A day as the original wrote it: ` 4`, `04` or `4`; a two-digit original follows the text's style. */
function padDay(day: number, original: string, spacePadded: boolean): string {
  if (day >= 10) return String(day);
  if (original.startsWith(' ')) return ` ${day}`;
  if (original.length === 1) return String(day);
  if (original.startsWith('0')) return pad(day);
  return spacePadded ? ` ${day}` : pad(day);
}
