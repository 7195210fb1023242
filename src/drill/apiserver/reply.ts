import type { ApiError } from './status.js';

/** A complete HTTP answer; handlers build these and only the server writes sockets. */
export interface BodyReply {
  status: number;
  contentType: string;
  /** Text, or bytes for a binary answer (a pprof profile). */
  body: string | Buffer;
  headers?: Record<string, string>;
  /** Called once the body has been written (not if the client went away first): its bytes may be reused. */
  written?: () => void;
}

/** Where a streaming answer writes: one chunk per call, then `end`. */
export interface StreamSink {
  write(chunk: string): void;
  end(): void;
}

/**
 * An answer that streams (a watch): the server sends the head, then calls
 * `start`, which writes chunks until it ends the sink; the returned function
 * stops it early when the client goes away.
 */
export interface StreamReply {
  status: number;
  contentType: string;
  headers?: Record<string, string>;
  start(sink: StreamSink): () => void;
}

export type Reply = BodyReply | StreamReply;

export function isStream(reply: Reply): reply is StreamReply {
  return 'start' in reply;
}

export function jsonReply(
  body: unknown,
  opts: { status?: number; contentType?: string; headers?: Record<string, string> } = {},
): BodyReply {
  return {
    status: opts.status ?? 200,
    contentType: opts.contentType ?? 'application/json',
    body: JSON.stringify(body),
    ...(opts.headers ? { headers: opts.headers } : {}),
  };
}

function byteLength(pieces: readonly string[]): number {
  let n = 0;
  for (const p of pieces) n += Buffer.byteLength(p, 'utf8');
  return n;
}

function write(pieces: readonly string[], out: Buffer): void {
  let at = 0;
  for (const p of pieces) at += out.write(p, at, 'utf8');
}

/** Buffers kept for reuse, and the largest kept. */
const kept: Buffer[] = [];
const keptMost = 4;
const keptLargest = 4 * 1024 * 1024;

/**
 * Pieces of text as one UTF-8 buffer (without first joining them into one large string), in a buffer reused once the reply that holds it has been written
 * (the reply's `written`). A page of `kubectl get pods -A` is ~300 KB, and
 * 310 fresh ones grow V8's external memory by 100 MB, which it answers with
 * full mark-compactions of the whole heap every few pages.
 */
export function utf8Reused(pieces: readonly string[]): { body: Buffer; written: () => void } {
  const size = byteLength(pieces);
  const at = kept.findIndex((b) => b.length >= size);
  const whole = at >= 0 ? (kept.splice(at, 1)[0] as Buffer) : Buffer.allocUnsafeSlow(Math.max(size, 64 * 1024));
  const body = whole.subarray(0, size);
  write(pieces, body);
  let done = false;
  return {
    body,
    written: () => {
      if (done || whole.length > keptLargest) return;
      done = true;
      if (kept.length >= keptMost) kept.shift();
      kept.push(whole);
    },
  };
}

export function textReply(body: string, status = 200, headers?: Record<string, string>): BodyReply {
  return { status, contentType: 'text/plain; charset=utf-8', body, ...(headers ? { headers } : {}) };
}

/** A Status body; 429 and 5xx carry Retry-After when the Status names a delay (responsewriters.ErrorNegotiated). */
export function errorReply(err: ApiError): BodyReply {
  const status = err.toStatus();
  const retry = status.details?.retryAfterSeconds;
  const headers =
    retry !== undefined && retry > 0 && (err.code === 429 || err.code >= 500)
      ? { 'Retry-After': String(retry) }
      : undefined;
  return jsonReply(status, { status: err.code, ...(headers ? { headers } : {}) });
}
