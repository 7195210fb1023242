import { createHash } from 'node:crypto';
import type { FaultContext } from '../../types.js';

/** An instant on the drill's clock, to the microsecond as klog and etcd print it. */
export interface Moment {
  /** Epoch milliseconds. */
  ms: number;
  /** Microseconds within that millisecond (0-999). */
  us: number;
}

/** A stable fraction of a second from the line's identity, so logs look like a real process's and never change between runs. */
function jitterMicros(...parts: (string | number)[]): number {
  return createHash('sha1').update(parts.join('/')).digest().readUInt32BE(0) % 1_000_000;
}

/**
 * `seconds` (at least 1, fractions allowed) before now, plus a stable
 * sub-second part of up to `spreadMs`; never in the future. Lines of one
 * sequence pass increasing fractional offsets and a small spread so they keep their order.
 */
export function ago(ctx: FaultContext, seconds: number, salt: string | number = '', spreadMs = 1000): Moment {
  const whole = Math.max(1, seconds);
  const micros = jitterMicros(whole, salt) % Math.max(1, spreadMs * 1000);
  return { ms: ctx.now.getTime() - Math.round(whole * 1000) + Math.floor(micros / 1000), us: micros % 1000 };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function fraction6(m: Moment): string {
  return `${pad(new Date(m.ms).getUTCMilliseconds(), 3)}${pad(m.us, 3)}`;
}

/** klog's header: `E1125 11:59:45.123456       1 file.go:42] message`. */
export function klog(level: 'I' | 'W' | 'E' | 'F', m: Moment, source: string, message: string): string {
  const d = new Date(m.ms);
  return `${level}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${fraction6(m)}       1 ${source}] ${message}`;
}

/** etcd's zap `ts`: RFC 3339 with microseconds, UTC in a container. */
export function zapTs(m: Moment): string {
  return `${new Date(m.ms).toISOString().slice(0, 19)}.${fraction6(m)}Z`;
}

/** Go's time.Time in an error message (`current time 2026-11-25T11:59:58Z is after ...`): RFC 3339 to the second. */
export function goTime(m: Moment | Date): string {
  const ms = m instanceof Date ? m.getTime() : m.ms;
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** A container log line as the kubelet stores it: an RFC3339Nano time (trailing zeros trimmed, as Go prints it), a space, the text. */
export function logLine(m: Moment, text: string): string {
  const nanos = `${fraction6(m)}${pad(jitterMicros(m.ms, m.us) % 1000, 3)}`.replace(/0+$/, '');
  return `${new Date(m.ms).toISOString().slice(0, 19)}${nanos ? `.${nanos}` : ''}Z ${text}`;
}

/** A short lowercase hex id (audit ids, trace ids, container ids) stable for its inputs. */
export function hexId(length: number, ...parts: (string | number)[]): string {
  let out = '';
  for (let i = 0; out.length < length; i++)
    out += createHash('sha256')
      .update(`${parts.join('/')}#${i}`)
      .digest('hex');
  return out.slice(0, length);
}

/** A UUID-shaped id stable for its inputs (audit ids, leader identities). */
export function uuidOf(...parts: (string | number)[]): string {
  const h = hexId(32, ...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A decimal trace number as the apiserver's utiltrace prints it. */
export function traceNumber(...parts: (string | number)[]): number {
  return jitterMicros('trace', ...parts) * 2011 + 1_000_000;
}
