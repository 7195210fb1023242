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

/** Buffers kept for reuse, and the largest kept. */
const kept: Buffer[] = [];
const keptMost = 4;
const keptLargest = 4 * 1024 * 1024;

/**
 * Pieces of text as one UTF-8 buffer (without first joining them into one large string), in a buffer reused once the reply that holds it has been written
 * (the reply's `written`). A page of `kubectl get pods -A` is ~300 KB, and
 * 310 fresh ones grow V8's external memory by 100 MB, which it answers with
 * full mark-compactions of the whole heap every few pages. Each piece is
 * written where the last ended; its length in bytes is counted only when the
 * room left might not hold it (a UTF-16 unit is at most 3 bytes), not for
 * every piece before writing.
 */
export function utf8Reused(pieces: readonly string[]): { body: Buffer; written: () => void } {
  let whole = takeKept() ?? Buffer.allocUnsafeSlow(64 * 1024);
  let at = 0;
  for (const p of pieces) {
    if (whole.length - at < p.length * 3) {
      const need = at + Buffer.byteLength(p, 'utf8');
      if (need > whole.length) {
        const larger = Buffer.allocUnsafeSlow(Math.max(need, whole.length * 2));
        whole.copy(larger, 0, 0, at);
        whole = larger;
      }
    }
    at += whole.write(p, at, 'utf8');
  }
  const body = whole.subarray(0, at);
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

/** The largest kept buffer, if any. */
function takeKept(): Buffer | undefined {
  let best = -1;
  for (let i = 0; i < kept.length; i++)
    if (best < 0 || (kept[i] as Buffer).length > (kept[best] as Buffer).length) best = i;
  return best < 0 ? undefined : kept.splice(best, 1)[0];
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
