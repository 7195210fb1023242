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
  /** An answer whose object does not have the API's field types (a check cannot read it). */
  | 'malformed'
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
  return (
    typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number' && 'body' in err
  );
}

/**
 * Text that came from the other end (a proxy's HTML, a body that is not the API,
 * an error that quotes it), made safe for a terminal: control characters and
 * bidirectional overrides escaped, cut to `max` characters with the rest counted.
 */
export function printable(text: string, max = 300): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  // eslint-disable-next-line no-control-regex
  const safe = cut.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return text.length > max ? `${safe}... (${text.length - max} more characters)` : safe;
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
]);
const timeoutCodes = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

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
      // Not a Status: a proxy's or load balancer's page, shown as text, never raw.
      return body.trim() ? printable(body.trim(), 200) : undefined;
    }
  }
  const message = (parsed as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? printable(message, 1000) : undefined;
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

/** What a failed TLS handshake means, by Node's (OpenSSL's) error code. */
const certificateProblems: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'a self-signed certificate this kubeconfig does not trust (unknown authority)',
  SELF_SIGNED_CERT_IN_CHAIN: 'a certificate signed by an authority this kubeconfig does not trust (unknown authority)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    'a certificate signed by an authority this kubeconfig does not trust (unknown authority)',
  UNABLE_TO_GET_ISSUER_CERT: 'a certificate signed by an authority this kubeconfig does not trust (unknown authority)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    'a certificate signed by an authority this kubeconfig does not trust (unknown authority)',
  CERT_UNTRUSTED: 'a certificate this kubeconfig does not trust (unknown authority)',
  CERT_SIGNATURE_FAILURE: 'a certificate whose signature does not verify',
  CERT_HAS_EXPIRED: "an expired certificate (or this machine's clock is wrong)",
  CERT_NOT_YET_VALID: "a certificate that is not valid yet (or this machine's clock is wrong)",
  ERR_TLS_CERT_ALTNAME_INVALID: 'a certificate for other names than the one dialled (hostname mismatch)',
};

function hostPort(server: string): string {
  try {
    const url = new URL(server);
    return `${url.hostname}:${url.port || (url.protocol === 'http:' ? '80' : '443')}`;
  } catch {
    return server;
  }
}

function certificateError(code: string, detail: string, server: string): KubeError {
  const where = hostPort(server);
  const how =
    code === 'ERR_TLS_CERT_ALTNAME_INVALID'
      ? `compare the kubeconfig's server (or tls-server-name) with the names the certificate holds: openssl s_client -connect ${where} </dev/null | openssl x509 -noout -ext subjectAltName`
      : code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID'
        ? // The certificate's dates, not its issuer: a kubeadm serving certificate runs out after a year (kubernetes/kubeadm#2852).
          `read its dates against this machine's clock: openssl s_client -connect ${where} </dev/null | openssl x509 -noout -dates; on a kubeadm control plane, kubeadm certs check-expiration, then kubeadm certs renew all and restart the control-plane pods`
        : `check the cluster's certificate-authority-data in the kubeconfig against the issuer the server shows: openssl s_client -connect ${where} -showcerts </dev/null`;
  // Node adds advice about its own flags (--use-system-ca) that is no help to a kubeconfig's user.
  const said = detail.split(';')[0]?.trim() ?? '';
  return new KubeError(
    'unreachable',
    `certificate problem: the API server at ${server} presented ${certificateProblems[code] ?? 'a certificate that does not verify'} (${code}${said ? `: ${printable(said, 200)}` : ''}); ${how}`,
  );
}

/** Why a connection failed, said for a person: each network code's usual meaning. */
const networkMeanings: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing listens at that address and port',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved now (DNS)',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  EPROTO: 'the TLS handshake failed (is the server speaking plain HTTP?)',
};

/** An API answer that is not a success, by status, as client-go classifies it. */
export function statusError(code: number, body: unknown): KubeError {
  // client-node drops some bodies (a 401's among them): fall back to the status's name.
  const msg = statusMessage(body) ?? reasonPhrases[code] ?? `HTTP ${code}`;
  switch (code) {
    case 400:
    case 422:
      return new KubeError('bad-request', msg, code);
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
      return new KubeError('server-error', msg, code);
  }
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
  if (isApiException(err)) return statusError(err.code, err.body);
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') return new KubeError('timeout', `the API server at ${server} did not answer in time`);
  if (name === 'AbortError') return new KubeError('aborted', 'the request was cancelled');
  // client-node parsed a 2xx body that is not JSON: something else answers at that address.
  if (err instanceof SyntaxError)
    return new KubeError(
      'server-error',
      `the server at ${server} answered with something that is not the Kubernetes API (${printable(err.message, 200)})`,
    );
  const code = causeCode(err);
  if (code && code in certificateProblems) return certificateError(code, causeMessage(err), server);
  if (code && timeoutCodes.has(code))
    return new KubeError('timeout', `the API server at ${server} did not answer in time (${code})`);
  if (code && (networkCodes.has(code) || code in networkMeanings)) {
    return new KubeError(
      'unreachable',
      `cannot reach the API server at ${server}: ${networkMeanings[code] ?? 'the connection failed'} (${code})`,
    );
  }
  const text = printable(err instanceof Error ? err.message : String(err));
  if (/fetch failed|socket|connect/i.test(text))
    return new KubeError('unreachable', `cannot reach the API server at ${server} (${text})`);
  return new KubeError('server-error', text);
}

/** The innermost message of an error's cause chain (fetch's own is only "fetch failed"). */
function causeMessage(err: unknown): string {
  let cur: unknown = err;
  let text = '';
  for (let depth = 0; depth < 5 && cur; depth++) {
    const message = (cur as { message?: unknown }).message;
    if (typeof message === 'string') text = message;
    cur = (cur as { cause?: unknown }).cause;
  }
  return text;
}
