/**
 * k8s.io/apimachinery/pkg/util/duration.HumanDuration: the AGE and LAST SEEN
 * text kubectl prints (`45s`, `5m30s`, `3h12m`, `3d4h`, `2y10d`).
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  // Up to two seconds in the future counts as now, to tolerate clock skew.
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const years = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** printers.translateTimestampSince: `<unknown>` for a missing timestamp. */
export function since(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== 'string' || timestamp === '') return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

/**
 * Go's time.Duration String(), which every Kubernetes component uses in its messages
 * (`800ms`, `1.234s`, `5m0s`, `1h0m0s`, `734.123456ms`), from nanoseconds.
 */
export function goDurationNs(nanos: bigint | number): string {
  let ns = typeof nanos === 'bigint' ? nanos : BigInt(Math.round(nanos));
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  if (ns < 0n) ns = -ns;
  if (ns < 1_000_000_000n) {
    if (ns < 1_000n) return `${sign}${ns}ns`;
    if (ns < 1_000_000n) return `${sign}${fraction(ns, 3)}µs`;
    return `${sign}${fraction(ns, 6)}ms`;
  }
  const minutes = ns / 60_000_000_000n;
  const seconds = `${fraction(ns % 60_000_000_000n, 9)}s`;
  if (minutes === 0n) return `${sign}${seconds}`;
  const hours = minutes / 60n;
  return `${sign}${hours > 0n ? `${hours}h` : ''}${minutes % 60n}m${seconds}`;
}

/** Go's Duration String() of a number of milliseconds. */
export function goDuration(ms: number): string {
  return goDurationNs(BigInt(Math.round(ms * 1e6)));
}

/** `v` in units of 10^-digits, as Go's fmtFrac prints it: trailing zeros and a bare point dropped. */
function fraction(v: bigint, digits: number): string {
  const unit = 10n ** BigInt(digits);
  const frac = (v % unit).toString().padStart(digits, '0').replace(/0+$/, '');
  return `${v / unit}${frac ? `.${frac}` : ''}`;
}

/** `3m10.30056416s` → seconds: Go's Duration text read back (time.ParseDuration's units); undefined if it is not one. */
export function parseGoDuration(s: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s|µs|us|ns)/g;
  let total = 0;
  let matched = '';
  for (const m of s.matchAll(re)) {
    const n = Number(m[1]);
    const unit = m[2];
    total +=
      unit === 'h'
        ? n * 3600
        : unit === 'm'
          ? n * 60
          : unit === 's'
            ? n
            : unit === 'ms'
              ? n / 1000
              : unit === 'ns'
                ? n / 1e9
                : n / 1e6;
    matched += m[0];
  }
  return matched === s && matched !== '' ? total : undefined;
}
