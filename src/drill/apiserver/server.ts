import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { DrillClusterSpec } from '../types.js';
import { anonymousAllowed, authenticate } from './auth.js';
import { LogStore } from './logs.js';
import { parseAccept } from './negotiate.js';
import { errorReply } from './reply.js';
import type { Reply } from './reply.js';
import { ResourceRegistry } from './resources.js';
import { route } from './router.js';
import type { RouterContext } from './router.js';
import { seedStore } from './seed.js';
import { ApiError, internalError, pathNotFound, unauthorized } from './status.js';
import { ObjectStore } from './store.js';
import { selfSignedCertificate } from './tls.js';

export { kubeconfigYaml } from './kubeconfig.js';

export interface DrillApiServer {
  /** `https://127.0.0.1:<port>` */
  url: string;
  token: string;
  /** PEM of the server's self-signed certificate: the CA a client must trust. */
  certificateAuthority: string;
  close(): Promise<void>;
  store: ObjectStore;
}

export interface DrillApiServerOptions {
  /** The cluster's clock, for ages, `sinceSeconds` and new timestamps (default: the wall clock). */
  now?: () => Date;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
}

function segmentsOf(pathname: string): string[] {
  try {
    return pathname
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    throw pathNotFound();
  }
}

function answer(ctx: RouterContext, token: string, req: IncomingMessage): Reply {
  try {
    const url = new URL(req.url ?? '/', 'http://drill.invalid');
    const auth = authenticate(req.headers.authorization, token);
    if (auth === 'rejected' || (auth === 'anonymous' && !anonymousAllowed(url.pathname))) throw unauthorized();
    return route(ctx, {
      method: req.method ?? 'GET',
      segments: segmentsOf(url.pathname),
      query: url.searchParams,
      accept: parseAccept(req.headers.accept),
    });
  } catch (err) {
    return errorReply(err instanceof ApiError ? err : internalError(err));
  }
}

function write(res: ServerResponse, reply: Reply): void {
  const body = Buffer.from(reply.body, 'utf8');
  res.writeHead(reply.status, {
    'Content-Type': reply.contentType,
    'Content-Length': body.length,
    'Cache-Control': 'no-cache, private',
    'Audit-Id': randomUUID(),
    ...reply.headers,
  });
  res.end(body);
}

/**
 * Starts the drill cluster's API server on 127.0.0.1: the spec's objects
 * (plus derived namespaces) and logs behind the real API's paths, bodies and
 * errors, for @kubernetes/client-node and kubectl alike. It speaks HTTPS with
 * a certificate made at start-up, because kubectl sends no token over HTTP.
 */
export async function startDrillApiServer(spec: DrillClusterSpec, options: DrillApiServerOptions = {}): Promise<DrillApiServer> {
  const now = options.now ?? (() => new Date());
  const registry = new ResourceRegistry();
  const store = new ObjectStore([], now);
  seedStore(store, registry, spec.objects);
  const logs = new LogStore(spec.logs);

  const ctx: RouterContext = { store, logs, now, registry, serverAddress: '' };
  const tls = selfSignedCertificate('plumbline-drill', now());
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    res.on('error', () => undefined);
    // Bodies are never read (no writes yet); draining them keeps keep-alive connections usable.
    req.resume();
    write(res, answer(ctx, spec.token, req));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

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
    certificateAuthority: tls.cert,
    store,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
