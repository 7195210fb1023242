import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { DrillClusterSpec } from '../types.js';
import { anonymousAllowed, authenticate } from './auth.js';
import { ClusterSimulation } from './clusterSim.js';
import { authorize, forbid } from './authz.js';
import { FaultInjector, faultReply } from './faults.js';
import { LogStore } from './logs.js';
import { parseAccept } from './negotiate.js';
import { errorReply, isStream } from './reply.js';
import type { BodyReply, Reply, StreamReply } from './reply.js';
import { requestInfo } from './requestInfo.js';
import { ResourceRegistry, resources } from './resources.js';
import { crdResource, crdResources } from './crds.js';
import { route } from './router.js';
import type { RouterContext } from './router.js';
import { seedStore } from './seed.js';
import { ApiError, internalError, pathNotFound, unauthorized } from './status.js';
import { ObjectStore } from './store.js';
import { Heartbeats } from './heartbeats.js';
import { selfSignedCertificate } from './tls.js';
import { WatchCache } from './watchCache.js';

export { kubeconfigYaml } from './kubeconfig.js';

export interface DrillApiServer {
  /** `https://127.0.0.1:<port>` */
  url: string;
  token: string;
  /** The username the token authenticates as. */
  user: string;
  /** PEM of the server's self-signed certificate: the CA a client must trust. */
  certificateAuthority: string;
  close(): Promise<void>;
  store: ObjectStore;
}

export interface RequestLogEntry {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
}

export interface DrillApiServerOptions {
  /** The cluster's clock, for ages, `sinceSeconds` and new timestamps (default: the wall clock). */
  now?: () => Date;
  /**
   * The moment the served objects describe (a scenario's "now"); what was fresh
   * then is alive. Building 5,000 nodes takes seconds, so this is earlier than
   * the clock's reading when the server comes up (default: that reading).
   */
  startedAt?: Date;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** How often a watch that allows bookmarks gets one (default 60 s, as the apiserver). */
  bookmarkIntervalMs?: number;
  /** How long a healthy kubelet takes to confirm a graceful pod deletion (default 300 ms). */
  podTerminationMs?: number;
  /** One step of the simulated scheduler, kubelets and controllers (default 500 ms: a created pod runs in about two seconds). */
  simulationStepMs?: number;
  /** false: a static cluster, where nothing schedules, starts or replaces the pods the API creates or deletes. */
  simulate?: boolean;
  /** What the scenario's hosts print for a command, for the simulation to follow (kube-proxy's rules on a node). */
  hostText?: (node: string, command: string) => string | undefined;
  /** Sees every request as it arrives (a verbose log, or a test asserting what a client sent). */
  onRequest?: (entry: RequestLogEntry) => void;
  /** How long a client has to finish its TLS handshake and its request's headers (default 10 s). */
  headersTimeoutMs?: number;
  /** Connections open at once; more are dropped as they come (default 2048). */
  maxConnections?: number;
}

export const defaultUser = 'drill-admin';
/** kube-apiserver's --max-request-bytes default for a request body. */
const maxBodyBytes = 3 * 1024 * 1024;

interface Env {
  ctx: RouterContext;
  spec: DrillClusterSpec;
  user: string;
  faults: FaultInjector;
  onRequest?: (entry: RequestLogEntry) => void;
}

function headersOf(reply: { contentType: string; headers?: Record<string, string> }): Record<string, string> {
  return {
    'Content-Type': reply.contentType,
    'Cache-Control': 'no-cache, private',
    'Audit-Id': randomUUID(),
    ...reply.headers,
  };
}

function write(res: ServerResponse, reply: BodyReply): void {
  if (res.headersSent || res.destroyed) return;
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  res.writeHead(reply.status, { ...headersOf(reply), 'Content-Length': body.length });
  // 'finish' follows the socket's write of the last byte: no one reads the body after it.
  if (reply.written) res.once('finish', reply.written);
  res.end(body);
}

function stream(res: ServerResponse, reply: StreamReply): void {
  // No Content-Length: Node frames the body with Transfer-Encoding: chunked, as the apiserver's watch does.
  res.writeHead(reply.status, headersOf(reply));
  res.flushHeaders();
  const stop = reply.start({
    write: (chunk) => {
      if (!res.destroyed) res.write(chunk);
    },
    end: () => res.end(),
  });
  res.on('close', stop);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > maxBodyBytes)
        reject(new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${maxBodyBytes}`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/**
 * The request's path as kube-apiserver reads it: Go's URL.Path, the path
 * percent-decoded once and never normalized. WHATWG's URL would resolve `.`,
 * `..`, `%2e%2e` away (pods/%2e%2e became the namespace itself); here they stay
 * segments, and a name that is one is refused by the handler (400).
 */
function decodedPath(rawUrl: string): string | undefined {
  const raw = rawUrl.split('?')[0] ?? '/';
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** A fault's delay: unref'd, so a walk that was interrupted mid-request exits at once instead of waiting it out. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * One request through the apiserver's filter chain, in its order:
 * authentication, then the scenario's injected faults (where priority and
 * fairness would throttle), then authorization, then the handler.
 */
async function handle(env: Env, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://drill.invalid');
  const method = req.method ?? 'GET';
  env.onRequest?.({ method, url: req.url ?? '/', headers: req.headers });
  const path = decodedPath(req.url ?? '/');
  // A path that does not decode names nothing this server serves.
  if (path === undefined) return write(res, errorReply(pathNotFound()));

  const auth = authenticate(req.headers.authorization, env.spec.token);
  if (auth === 'rejected') return write(res, errorReply(unauthorized()));
  const user = auth === 'anonymous' ? 'system:anonymous' : env.user;
  const info = requestInfo(method, path, url.searchParams);

  const fault = env.faults.match(path, info);
  if (fault) {
    switch (fault.kind) {
      case 'latency':
        await sleep(fault.ms ?? 1000);
        if (req.socket.destroyed) return;
        break;
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        // Never answered: the client's own timeout is the only way out.
        req.resume();
        return;
      default:
        return write(res, faultReply(fault));
    }
  }

  // Anonymous requests get only what system:public-info-viewer grants; the token's user all but the denials.
  const denial =
    auth === 'anonymous'
      ? anonymousAllowed(path)
        ? undefined
        : forbid(user, info)
      : authorize(user, info, env.spec.denials ?? []);
  if (denial) return write(res, errorReply(denial));

  let body = '';
  if (method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE') body = await readBody(req);
  else req.resume();

  const reply: Reply = route(env.ctx, {
    method,
    segments: segmentsOf(path),
    query: url.searchParams,
    accept: parseAccept(req.headers.accept),
    body,
    contentType: req.headers['content-type'] ?? '',
    user,
  });
  if (isStream(reply)) stream(res, reply);
  else write(res, reply);
}

/**
 * Starts the drill cluster's API server on 127.0.0.1: the spec's objects
 * (plus derived namespaces) and logs behind the real API's paths, bodies and
 * errors, for @kubernetes/client-node and kubectl alike. It speaks HTTPS with
 * a certificate made at start-up, because kubectl sends no token over HTTP.
 */
export async function startDrillApiServer(
  spec: DrillClusterSpec,
  options: DrillApiServerOptions = {},
): Promise<DrillApiServer> {
  const now = options.now ?? (() => new Date());
  const registry = new ResourceRegistry([...resources, crdResource, ...crdResources(spec.objects)]);
  const store = new ObjectStore([], now);
  seedStore(store, registry, spec.objects, spec.virtual);
  const startedAt = options.startedAt ?? now();
  const heartbeats = new Heartbeats(now, startedAt.getTime());
  store.present = (resource, obj) => heartbeats.present(resource, obj);
  const logs = new LogStore(spec.logs, spec.logsNotCollected === true);
  const watchCache = new WatchCache(store);
  const user = spec.user ?? defaultUser;

  const ctx: RouterContext = {
    store,
    watchCache,
    logs,
    now,
    registry,
    serverAddress: '',
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    ...(spec.profiles ? { profiles: spec.profiles } : {}),
    ...(spec.nodeMetrics ? { nodeMetrics: spec.nodeMetrics } : {}),
    ...(spec.serviceProxy ? { serviceProxy: spec.serviceProxy } : {}),
    podTerminationMs: options.podTerminationMs ?? 300,
  };
  if (options.simulate !== false) {
    ctx.simulation = new ClusterSimulation(store, now, {
      startedAt,
      stepMs: options.simulationStepMs ?? 500,
      podTerminationMs: ctx.podTerminationMs,
      ...(options.hostText ? { hostText: options.hostText } : {}),
    });
  }
  const env: Env = {
    ctx,
    spec,
    user,
    faults: new FaultInjector(spec.apiFaults),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  };
  const tls = selfSignedCertificate('plumbline-drill', now(), spec.servingCertificate);
  // A client that never finishes its handshake or headers (slowloris) is closed,
  // as kube-apiserver's ReadHeaderTimeout does (32 s there; 10 s is plenty on
  // loopback); a whole request body must arrive within a minute (its
  // --request-timeout). Neither limits a response: watches stream for as long as
  // they are wanted. The cap bounds the sockets held at once, above the 1,000
  // watches a busy trainee's tools may open.
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const server = createServer(
    {
      cert: tls.cert,
      key: tls.key,
      handshakeTimeout: headersTimeout,
      headersTimeout,
      requestTimeout: Math.max(60_000, headersTimeout),
      keepAliveTimeout: 5_000,
      // How often Node looks for requests past their timeouts (default 30 s, which would let a short timeout run long).
      connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    },
    (req, res) => {
      res.on('error', () => undefined);
      handle(env, req, res).catch((err: unknown) =>
        write(res, errorReply(err instanceof ApiError ? err : internalError(err))),
      );
    },
  );
  server.maxConnections = options.maxConnections ?? 2048;
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    else socket.destroy();
  });
  // A TLS handshake that never finishes (or fails) is closed, not kept.
  server.on('tlsClientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  ctx.serverAddress = `127.0.0.1:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: `https://127.0.0.1:${port}`,
    token: spec.token,
    user,
    certificateAuthority: tls.cert,
    store,
    close() {
      closing ??= new Promise<void>((resolve) => {
        ctx.simulation?.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
