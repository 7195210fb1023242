const relativeTime = /^now((?:[-+](?:\d+[smhd])+)*)$/;

/** `now`, `now-5m`, `now-2d-3h`, `now-4m10s`: drill times are relative so a scenario never goes stale. */
export function resolveTime(value: string, now: Date): string | undefined {
  const m = relativeTime.exec(value);
  if (!m) return undefined;
  let ms = now.getTime();
  // Each signed group may chain units, as Go durations do (`-4m10s`).
  for (const group of (m[1] ?? '').matchAll(/([-+])((?:\d+[smhd])+)/g)) {
    const sign = group[1] === '-' ? -1 : 1;
    for (const part of (group[2] ?? '').matchAll(/(\d+)([smhd])/g)) {
      const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[part[2] as 's' | 'm' | 'h' | 'd'];
      ms += sign * Number(part[1]) * unit;
    }
  }
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function resolveTimes<T>(value: T, now: Date): T {
  if (typeof value === 'string') return (resolveTime(value, now) ?? value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => resolveTimes(v, now)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveTimes(v, now)])) as T;
  }
  return value;
}

/** Log lines may start with a `now-…` timestamp too. */
export function resolveLogLine(line: string, now: Date): string {
  const sp = line.indexOf(' ');
  const head = sp === -1 ? line : line.slice(0, sp);
  const t = resolveTime(head, now);
  return t ? `${t}${sp === -1 ? '' : line.slice(sp)}` : line;
}
