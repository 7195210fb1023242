/** Small formatting helpers shared by checks, so evidence reads the same everywhere. */
import { humanDuration } from '../kube/semantics/duration.js';

/** An age as kubectl prints it (`45s`, `5m30s`, `30h`, `3d4h`): the same rule the drill's tables use. */
export function formatAge(seconds: number): string {
  return humanDuration(Math.max(0, seconds) * 1000);
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
