import type { ApiError } from './status.js';

/** A complete HTTP answer; handlers build these and only the server writes sockets. */
export interface BodyReply {
  status: number;
  contentType: string;
  /** Text, or bytes for a binary answer (a pprof profile). */
  body: string | Buffer;
  headers?: Record<string, string>;
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

/** Pieces of text as one UTF-8 buffer, without first joining them into one (large) string. */
export function utf8(pieces: readonly string[]): Buffer {
  if (pieces.length === 1) return Buffer.from(pieces[0] ?? '', 'utf8');
  const out = Buffer.allocUnsafe(pieces.reduce((n, p) => n + Buffer.byteLength(p, 'utf8'), 0));
  let at = 0;
  for (const p of pieces) at += out.write(p, at, 'utf8');
  return out;
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
