import { hostOf } from '../../kube/dnsNames.js';

/**
 * The lines an ingress controller writes about one host and its backend,
 * read from the forms the controllers really print (test/fixtures/
 * ingress-controller-logs/, each cited): ingress-nginx's klog warnings and
 * its nginx error and access lines, Traefik's logfmt (v2) and console (v3)
 * lines, the HAProxy Kubernetes Ingress controller's and haproxy's own lines,
 * and Envoy's access log (Contour, Envoy Gateway, Istio's gateway).
 */

/** What a line says about the backend, worst first. */
export const lineKinds = [
  'backend-missing',
  'no-route',
  'no-endpoints',
  'upstream-failing',
  'certificate-rejected',
  'served',
] as const;
export type LineKind = (typeof lineKinds)[number];

export type ControllerKind = 'ingress-nginx' | 'nginx' | 'traefik' | 'haproxy' | 'envoy';

/** The Service, host and Secret a walk asks about. */
export interface LogTarget {
  namespace: string;
  service: string;
  /** The host clients use ('' when not known). */
  host: string;
  /** The TLS Secret's name ('' when none). */
  tlsSecret: string;
  /** The Service's endpoint addresses (pod IPs), to recognise an upstream by address. */
  endpointIPs: readonly string[];
  /** The Service's port numbers and names, when known: `<ns>-<svc>-<port>` is ambiguous without them (`default-my-service-80`). */
  ports?: readonly string[];
}

export interface ControllerLine {
  kind: LineKind;
  controller: ControllerKind;
  /** A few words: `connect() failed (111: Connection refused) to http://10.42.5.5:3000/`, `503 UH`. */
  detail: string;
  status?: number;
  line: string;
}

const bareHost = (h: string) => hostOf(h.trim().toLowerCase()).replace(/:\d+$/, '');

/** `key=value` and `key="quoted value"` pairs (logfmt, Traefik v3's console form). */
function pairs(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of line.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
    const v = m[2] ?? '';
    out[m[1] ?? ''] = v.startsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
  }
  return out;
}

/** Traefik's message: msg="..." (v2) or the words after `LEVEL file:line > ` up to the first key=value (v3). */
function traefikMessage(line: string): string | undefined {
  const msg = /\bmsg="((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
  if (msg !== undefined) return msg;
  const v3 = /^\S+Z (?:DBG|INF|WRN|ERR|FTL) (?:\S+:\d+ > )?(.*)$/.exec(line);
  return v3?.[1]?.replace(/\s+\w+=.*$/, '');
}

/** ingress-nginx names an upstream `<namespace>-<service>-<port>`; HAProxy's controller `<namespace>_<service>_<port>` (older: dashes). */
function namesBackend(name: string, t: LogTarget): boolean {
  // Underscores cannot be in a name or a port name, so HAProxy's form is unambiguous; ingress-nginx's dashes are not.
  for (const [prefix, portName] of [
    [`${t.namespace}-${t.service}-`, /^[a-z0-9]+$/i],
    [`${t.namespace}_${t.service}_`, /^[a-z0-9-]+$/i],
  ] as const) {
    if (!name.startsWith(prefix)) continue;
    const port = name.slice(prefix.length);
    if (t.ports && t.ports.length > 0 ? t.ports.includes(port) : portName.test(port)) return true;
  }
  return false;
}

function ipOf(addr: string): string {
  return addr
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '')
    .replace(/:\d+$/, '');
}

/**
 * One controller line, if it is about the target's Service, host or TLS
 * Secret: what it says (backend missing, no endpoints, upstream failing,
 * certificate rejected, a request served). Lines about other backends, and
 * lines that say nothing about a backend, are undefined.
 */
export function classifyControllerLine(raw: string, t: LogTarget): ControllerLine | undefined {
  const line = raw.trim();
  if (!line) return undefined;
  const svcKey = `${t.namespace}/${t.service}`;
  const secretKey = t.tlsSecret ? `${t.namespace}/${t.tlsSecret}` : '';
  const host = bareHost(t.host);
  const isHost = (h: string | undefined) => host !== '' && h !== undefined && bareHost(h) === host;
  const at = (kind: LineKind, controller: ControllerKind, detail: string, status?: number): ControllerLine => ({
    kind,
    controller,
    detail,
    line,
    ...(status !== undefined ? { status } : {}),
  });

  // ingress-nginx's controller (klog): controller.go's warnings about a Service or a certificate.
  let m = /Service "([^"]+)" does not have any active Endpoint|service (\S+) does not have any active endpoints/i.exec(
    line,
  );
  if (m)
    return (m[1] ?? m[2]) === svcKey
      ? at('no-endpoints', 'ingress-nginx', `Service "${svcKey}" does not have any active Endpoint`)
      : undefined;
  m = /Error obtaining Endpoints for Service "([^"]+)": (.*)$/.exec(line);
  if (m) return m[1] === svcKey ? at('backend-missing', 'ingress-nginx', clipDetail(m[2] ?? '')) : undefined;
  m = /Error getting SSL certificate "([^"]+)": (.*)$/.exec(line);
  if (m)
    return secretKey && m[1] === secretKey
      ? at('certificate-rejected', 'ingress-nginx', clipDetail(m[2] ?? ''))
      : undefined;
  m = /Unexpected error validating SSL certificate "([^"]+)" for server "([^"]+)": (.*)$/i.exec(line);
  if (m)
    return (secretKey && m[1] === secretKey) || isHost(m[2])
      ? at('certificate-rejected', 'ingress-nginx', clipDetail(m[3] ?? ''))
      : undefined;
  m =
    /SSL certificate "([^"]+)" does not contain a Common Name or Subject Alternative Name for server "([^"]+)"(?::\s*(.*))?$/i.exec(
      line,
    ) ??
    /ssl certificate (\S+) does not contain a (?:Common Name or Subject Alternative Name|common name) for host (.+?)(?:\.\s+Reason:\s*(.*))?$/i.exec(
      line,
    );
  if (m)
    return (secretKey && m[1] === secretKey) || isHost(m[2])
      ? at(
          'certificate-rejected',
          'ingress-nginx',
          clipDetail(m[3] || `no name for ${m[2] ?? 'the host'} in ${m[1] ?? 'the certificate'}`),
        )
      : undefined;

  // nginx's own error log (ingress-nginx, NGINX Inc's controller): a proxied request that failed.
  m =
    /\[error\] \d+#\d+: \*\d+ (connect\(\) failed \(\d+: [^)]+\)|upstream timed out \(\d+: [^)]+\)|no live upstreams|upstream prematurely closed connection|recv\(\) failed \(\d+: [^)]+\)) while [^,]+, client: [^,]+, server: ([^,]+),(.*)$/.exec(
      line,
    );
  if (m) {
    const rest = m[3] ?? '';
    const upstream = /upstream: "([^"]+)"/.exec(rest)?.[1] ?? '';
    const hostHeader = /host: "([^"]+)"/.exec(rest)?.[1];
    const relevant = isHost(m[2]) || isHost(hostHeader) || (upstream !== '' && t.endpointIPs.includes(ipOf(upstream)));
    return relevant ? at('upstream-failing', 'nginx', `${m[1] ?? ''}${upstream ? ` to ${upstream}` : ''}`) : undefined;
  }
  // ingress-nginx's access log (log-format-upstream): ... "GET / HTTP/1.1" 503 ... [ns-svc-port] [alt] upstream_addr ...
  // (Before 0.20 there was no [alternative upstream] field.)
  m = /"([A-Z]+) (\S+) (HTTP\/[\d.]+)" (\d{3}) \d+ "[^"]*" "[^"]*" \d+ [\d.]+ \[([^\]]*)\](?: \[[^\]]*\])? (.*)$/.exec(
    line,
  );
  if (m) {
    if (!namesBackend(m[5] ?? '', t)) return undefined;
    const status = Number(m[4]);
    const upstream = (m[6] ?? '').split(/\s+/)[0] ?? '-';
    const request = `${m[1] ?? ''} ${m[2] ?? ''}`;
    if (status === 503 && (upstream === '-' || upstream.startsWith('127.0.0.1:8181')))
      return at(
        'no-endpoints',
        'ingress-nginx',
        `${request} answered 503 with no upstream (upstream ${m[5] ?? ''} has no endpoints)`,
        status,
      );
    if (status >= 502 && status <= 504)
      return at(
        'upstream-failing',
        'ingress-nginx',
        `${request} answered ${status} from upstream ${upstream.replace(/,$/, '')}`,
        status,
      );
    return at('served', 'ingress-nginx', `${request} ${status}`, status);
  }

  // Envoy's access log: [time] "GET / HTTP/1.1" 503 UH ... "request-id" "authority" "upstream host".
  m = /"?(?:([A-Z]+) (\S+) )?(HTTP\/[\d.]+|HTTP\/2|-)" (\d{3}) (\S+) /.exec(line);
  if (m && /"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/.test(line)) {
    // Quotes are paired after the status: a paste that cut the line's start leaves the request's opening quote out.
    const quoted = [...line.slice(m.index + m[0].length).matchAll(/"([^"]*)"/g)].map((q) => q[1] ?? '');
    const idAt = quoted.findIndex((q) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(q));
    const authority = quoted[idAt + 1];
    const upstream = quoted[idAt + 2] ?? '-';
    if (!isHost(authority) && !(upstream !== '-' && t.endpointIPs.includes(ipOf(upstream)))) return undefined;
    const status = Number(m[4]);
    const flags = (m[5] ?? '-').split(',');
    const detail = `${m[1] ? `${m[1]} ${m[2] ?? ''} ` : ''}answered ${status} ${m[5] ?? '-'}${upstream !== '-' ? ` from ${upstream}` : ''}`;
    // Envoy's response flags: UH no healthy upstream, NR no route, UF/UC/URX/UT/UR connection failures and timeouts.
    if (flags.includes('NR')) return at('no-route', 'envoy', detail, status);
    if (flags.includes('UH')) return at('no-endpoints', 'envoy', detail, status);
    if (flags.some((f) => ['UF', 'UC', 'URX', 'UT', 'UR', 'UO'].includes(f)) || status === 502 || status === 504)
      return at('upstream-failing', 'envoy', detail, status);
    return status >= 500 ? at('upstream-failing', 'envoy', detail, status) : at('served', 'envoy', detail, status);
  }

  // Traefik: logfmt (v2) or console (v3) with serviceName=, namespace=.
  const tmsg = traefikMessage(line);
  if (tmsg !== undefined) {
    const kv = pairs(line);
    const forService = kv.serviceName === t.service && (kv.namespace === undefined || kv.namespace === t.namespace);
    const notFound = /kubernetes service not found: (\S+)/.exec(tmsg);
    if (notFound) return notFound[1]?.replace(/"$/, '') === svcKey ? at('backend-missing', 'traefik', tmsg) : undefined;
    const tls = /Error configuring TLS: secret (\S+) does not exist/.exec(tmsg);
    if (tls) return secretKey && tls[1] === secretKey ? at('certificate-rejected', 'traefik', tmsg) : undefined;
    if (!forService) {
      // Traefik v1: "Endpoints not available for ns/svc", "Service endpoints not found for ns/svc".
      const v1 = /(?:Endpoints not available|Endpoints not found|Service endpoints not found) for (\S+?)(?:,|$)/.exec(
        tmsg,
      );
      return v1 && v1[1] === svcKey ? at('no-endpoints', 'traefik', tmsg) : undefined;
    }
    if (/no endpoints found/i.test(tmsg)) return at('no-endpoints', 'traefik', tmsg);
    if (/service (?:port )?not found/i.test(`${tmsg} ${kv.error ?? ''}`))
      return at('backend-missing', 'traefik', `${tmsg}${kv.error ? `: ${kv.error}` : ''}`);
    return undefined;
  }

  // The HAProxy Kubernetes Ingress controller, and haproxy's own [WARNING]/[ALERT] lines about a backend.
  m = /(?:Ingress|Service) '([^']+)': no available endpoints/.exec(line);
  if (m) return m[1] === svcKey ? at('no-endpoints', 'haproxy', `${svcKey}: no available endpoints`) : undefined;
  m = /backend '([^']+)' has no server available!/.exec(line);
  if (m)
    return namesBackend(m[1] ?? '', t)
      ? at('no-endpoints', 'haproxy', `backend ${m[1] ?? ''} has no server available`)
      : undefined;
  m = /Server ([^/\s]+)\/(\S+) is (going DOWN for maintenance|DOWN)(.*)$/.exec(line);
  if (m) {
    if (!namesBackend(m[1] ?? '', t)) return undefined;
    const reason = /reason: ([^,.]+)/.exec(m[4] ?? '')?.[1];
    return m[3] === 'DOWN'
      ? at('upstream-failing', 'haproxy', `server ${m[1] ?? ''}/${m[2] ?? ''} is DOWN${reason ? ` (${reason})` : ''}`)
      : at(
          'no-endpoints',
          'haproxy',
          `server ${m[1] ?? ''}/${m[2] ?? ''} went to maintenance: the Service has no endpoint for it`,
        );
  }
  return undefined;
}

function clipDetail(s: string): string {
  return s.length > 200 ? `${s.slice(0, 199)}…` : s;
}

export interface LogReading {
  /** Lines about the target, in log order. */
  lines: ControllerLine[];
  /** The kind that decides, worst first (served only when nothing failed). */
  worst?: LineKind;
}

/** Every line of a controller log about the target, and the worst thing they say. */
export function readControllerLog(text: string, t: LogTarget): LogReading {
  const lines: ControllerLine[] = [];
  for (const l of text.split('\n')) {
    const c = classifyControllerLine(l, t);
    if (c) lines.push(c);
  }
  const worst = lineKinds.find((k) => lines.some((l) => l.kind === k));
  return { lines, ...(worst ? { worst } : {}) };
}
