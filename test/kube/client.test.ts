import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/kube/client.js';
import { KubeConfigError, loadKubeConfig } from '../../src/kube/config.js';
import { KubeError } from '../../src/kube/errors.js';
import { selfSignedCertificate } from '../../src/drill/apiserver/tls.js';

const dir = mkdtempSync(join(tmpdir(), 'plumbline-kube-'));

function kubeconfig(name: string, server: string, context = 'ctx', current: string | null = context): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters: [{ name: c-${context}, cluster: { server: "${server}", insecure-skip-tls-verify: true } }]
users: [{ name: u-${context}, user: { token: secret } }]
contexts: [{ name: ${context}, context: { cluster: c-${context}, user: u-${context} } }]
${current ? `current-context: ${current}` : ''}
`,
  );
  return file;
}

/** A real HTTP server answering each path with the status a real apiserver gives. */
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const status = (code: number, reason: string, message: string, headers: Record<string, string> = {}) => {
      res.writeHead(code, { 'content-type': 'application/json', ...headers });
      res.end(
        JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }),
      );
    };
    if (req.url?.includes('/pods/forbidden'))
      return status(
        403,
        'Forbidden',
        'pods "forbidden" is forbidden: User "system:serviceaccount:ci:bot" cannot get resource "pods" in API group "" in the namespace "db"',
      );
    if (req.url?.includes('/pods/busy'))
      return status(429, 'TooManyRequests', 'Too many requests, please try again later.', { 'retry-after': '1' });
    if (req.url?.includes('/pods/broken'))
      return status(500, 'InternalError', 'Internal error occurred: etcdserver: request timed out');
    if (req.url?.includes('/pods/slow')) return; // never answers
    status(404, 'NotFound', 'the server could not find the requested resource');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('KubeClient maps API failures to typed errors', () => {
  const client = async () => KubeClient.create(await loadKubeConfig({ kubeconfig: kubeconfig('main', url) }));

  it.each([
    ['forbidden', 'forbidden', /cannot get resource "pods"/],
    ['busy', 'throttled', /Too many requests/],
    ['broken', 'server-error', /etcdserver: request timed out/],
    ['missing', 'not-found', /could not find/],
  ])('%s → %s', async (name, kind, message) => {
    const kube = await client();
    const err = await kube.readPod('db', name).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeError);
    expect((err as KubeError).kind).toBe(kind);
    expect((err as KubeError).message).toMatch(message);
  });

  it('times out through the AbortSignal', async () => {
    const kube = (await client()).withSignal(AbortSignal.timeout(200));
    const err = await kube.readPod('db', 'slow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeError);
    expect((err as KubeError).kind).toBe('timeout');
  });
});

describe('KubeClient keeps its connection to the API server', () => {
  /** An HTTPS server trusted through the kubeconfig's certificate-authority-data: each TLS connection counted. */
  async function tlsServer(delayMs: (path: string) => number) {
    const tls = selfSignedCertificate('keepalive-test');
    const connections: number[] = [];
    const s = createHttpsServer({ cert: tls.cert, key: tls.key }, (req, res) => {
      setTimeout(
        () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'web-0', namespace: 'shop' } }));
        },
        delayMs(req.url ?? ''),
      );
    });
    s.on('secureConnection', () => connections.push(Date.now()));
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const file = join(dir, `tls-${(s.address() as AddressInfo).port}`);
    writeFileSync(
      file,
      `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:${(s.address() as AddressInfo).port}", certificate-authority-data: ${Buffer.from(tls.cert).toString('base64')} } }]
users: [{ name: u, user: { token: secret } }]
contexts: [{ name: ctx, context: { cluster: c, user: u } }]
current-context: ctx
`,
    );
    const close = () => {
      s.closeAllConnections();
      s.close();
    };
    return { kube: await KubeClient.create(await loadKubeConfig({ kubeconfig: file })), connections, close };
  }

  it('reads one after another over one TLS connection, verified against the kubeconfig CA', async () => {
    const { kube, connections, close } = await tlsServer(() => 0);
    try {
      for (let i = 0; i < 5; i++) expect((await kube.readPod('shop', 'web-0')).metadata?.name).toBe('web-0');
      expect(connections).toHaveLength(1);
    } finally {
      close();
    }
  });

  it('waits out an answer slower than the idle limit on its connection, and opens a new one after an idle spell', async () => {
    const { kube, connections, close } = await tlsServer((path) => (path.includes('/slow') ? 3_000 : 0));
    try {
      expect((await kube.readPod('shop', 'slow')).metadata?.name).toBe('web-0');
      expect(connections).toHaveLength(1);
      // Idle past the limit: this side closed it, so the next read does not go out on a connection the server may have dropped.
      await new Promise((r) => setTimeout(r, 2_500));
      expect((await kube.readPod('shop', 'web-0')).metadata?.name).toBe('web-0');
      expect(connections).toHaveLength(2);
    } finally {
      close();
    }
  }, 15_000);
});

describe('kubeconfig like kubectl', () => {
  it('merges $KUBECONFIG files, skipping missing ones, and honours --context', async () => {
    const a = kubeconfig('a', 'http://a.example:6443', 'alpha');
    const b = kubeconfig('b', 'http://b.example:6443', 'beta', null);
    const env = { KUBECONFIG: [join(dir, 'nope'), a, b].join(':'), HOME: dir };
    const first = await loadKubeConfig({ env });
    expect(first.contextName).toBe('alpha');
    const chosen = await loadKubeConfig({ env, context: 'beta' });
    expect(chosen.server).toBe('http://b.example:6443');
  });

  it.each([
    [{ kubeconfig: join(dir, 'absent') }, /^kubeconfig .*absent: no such file$/],
    [{ env: { KUBECONFIG: join(dir, 'absent'), HOME: dir } }, /none of these files exists/],
    [{ env: { HOME: dir } }, /^no kubeconfig: KUBECONFIG is unset and ~\/\.kube\/config does not exist/],
    [{ kubeconfig: kubeconfig('nocur', 'http://x:1', 'x', null) }, /has no current context; pass --context/],
    [
      { kubeconfig: kubeconfig('ctx', 'http://x:1', 'x'), context: 'prod' },
      /context "prod" is not in .* \(contexts: x\)/,
    ],
  ])('rejects %j clearly', async (opts, message) => {
    await expect(loadKubeConfig(opts)).rejects.toThrow(KubeConfigError);
    await expect(loadKubeConfig(opts)).rejects.toThrow(message);
  });
});
