import type { ApiError } from './status.js';

/** A complete HTTP answer; handlers build these and only the server writes sockets. */
export interface Reply {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

export function jsonReply(body: unknown, opts: { status?: number; contentType?: string; headers?: Record<string, string> } = {}): Reply {
  return {
    status: opts.status ?? 200,
    contentType: opts.contentType ?? 'application/json',
    body: JSON.stringify(body),
    ...(opts.headers ? { headers: opts.headers } : {}),
  };
}

export function textReply(body: string, status = 200): Reply {
  return { status, contentType: 'text/plain; charset=utf-8', body };
}

export function errorReply(err: ApiError): Reply {
  return jsonReply(err.toStatus(), { status: err.code });
}
