import { z } from 'zod';

/** `5s`, `500ms`, `2m` or a number of seconds. */
export const duration = z.union([
  z.number().positive(),
  z.string().regex(/^\d+(\.\d+)?(ms|s|m)$/, 'a duration like 10s, 500ms or 2m'),
]);

export function durationMs(value: z.infer<typeof duration>): number {
  if (typeof value === 'number') return value * 1000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value);
  if (!m) throw new Error(`bad duration ${value}`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}
