/** Small formatting helpers shared by checks, so evidence reads the same everywhere. */

/** `45s`, `12m`, `3h5m`, `4d2h`: kubectl's compact ages. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60 && m < 10 ? `${s % 60}s` : ''}`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  const d = Math.floor(h / 24);
  return `${d}d${h % 24 ? `${h % 24}h` : ''}`;
}

export function ageSeconds(since: Date | string | undefined, now: Date): number | undefined {
  if (since === undefined) return undefined;
  const t = since instanceof Date ? since.getTime() : Date.parse(since);
  return Number.isNaN(t) ? undefined : Math.max(0, (now.getTime() - t) / 1000);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `a=b,c=d` from a label map: the form `kubectl get -l` and `kubectl label` take. */
export function labelString(labels: Record<string, string> | undefined): string {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
