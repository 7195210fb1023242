/** Why a Kubernetes API call failed, in the terms a check branches on. */
export type KubeErrorKind =
  | 'unreachable'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'timeout'
  | 'throttled'
  | 'bad-request'
  | 'server-error'
  | 'aborted';

export class KubeError extends Error {
  constructor(
    readonly kind: KubeErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'KubeError';
  }
}

interface ApiExceptionLike {
  code: number;
  body: unknown;
}

function isApiException(err: unknown): err is ApiExceptionLike {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number' && 'body' in err;
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET']);
const timeoutCodes = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

const reasonPhrases: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The `message` of a Kubernetes Status body, which says exactly what the server refused. */
function statusMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body) as unknown;
    } catch {
      return body.trim() || undefined;
    }
  }
  const message = (parsed as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : undefined;
}

function causeCode(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Maps whatever @kubernetes/client-node or fetch threw into a KubeError. */
export function toKubeError(err: unknown, server: string, signal?: AbortSignal): KubeError {
  if (err instanceof KubeError) return err;
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
    return timedOut
      ? new KubeError('timeout', `the API server at ${server} did not answer in time`)
      : new KubeError('aborted', 'the request was cancelled');
  }
  if (isApiException(err)) {
    // client-node drops some bodies (a 401's among them): fall back to the status's name.
    const msg = statusMessage(err.body) ?? reasonPhrases[err.code] ?? `HTTP ${err.code}`;
    switch (err.code) {
      case 400:
      case 422:
        return new KubeError('bad-request', msg, err.code);
      case 401:
        return new KubeError('unauthorized', `${msg}: the credentials in your kubeconfig were rejected`, 401);
      case 403:
        return new KubeError('forbidden', msg, 403);
      case 404:
        return new KubeError('not-found', msg, 404);
      case 429:
        return new KubeError('throttled', msg, 429);
      case 504:
        return new KubeError('timeout', msg, 504);
      default:
        return new KubeError('server-error', msg, err.code);
    }
  }
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') return new KubeError('timeout', `the API server at ${server} did not answer in time`);
  if (name === 'AbortError') return new KubeError('aborted', 'the request was cancelled');
  const code = causeCode(err);
  if (code && timeoutCodes.has(code)) return new KubeError('timeout', `the API server at ${server} did not answer in time (${code})`);
  if (code && networkCodes.has(code)) return new KubeError('unreachable', `cannot reach the API server at ${server} (${code})`);
  const text = err instanceof Error ? err.message : String(err);
  if (/fetch failed|socket|connect/i.test(text)) return new KubeError('unreachable', `cannot reach the API server at ${server} (${text})`);
  return new KubeError('server-error', text);
}
