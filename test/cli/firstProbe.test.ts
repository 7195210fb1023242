import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { walkJsonSchema } from '../../src/engine/walkSchema.js';

/**
 * `plumbline run --output json` when the cluster's first answer is not an
 * answer: every case prints the walk's object (incomplete, with what could not
 * be seen) and exits 3; a kubeconfig that cannot work is bad input (exit 2).
 * Real servers on loopback, the built CLI as a child process.
 */

const dir = mkdtempSync(join(tmpdir(), 'plumbline-probe-'));
const servers: Server[] = [];
const sockets = new Set<Socket>();

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

let n = 0;
function kubeconfig(server: string, cluster = 'insecure-skip-tls-verify: true', user = 'token: secret'): string {
  const file = join(dir, `kubeconfig-${++n}`);
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: ${JSON.stringify(server)}, ${cluster} } }]
users: [{ name: u, user: { ${user} } }]
contexts: [{ name: ctx, context: { cluster: c, user: u } }]
current-context: ctx
`,
  );
  return file;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** An HTTP server counting requests per path. */
async function httpServer(handler: Handler): Promise<{ url: string; hits: Map<string, number> }> {
  const hits = new Map<string, number>();
  const port = await listen(
    createHttpServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      handler(req, res);
    }),
  );
  return { url: `http://127.0.0.1:${port}`, hits };
}

function status(
  res: ServerResponse,
  code: number,
  reason: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(code, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
}

const apiVersions = (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
    }),
  );
};

interface Unseen {
  step: string;
  summary: string;
  errorKind: string;
  command: string;
}

async function run(file: string, ...extra: string[]) {
  const r = await runCli(
    [
      'run',
      'workload-down',
      '--set',
      'pod=web-0',
      '--kubeconfig',
      file,
      '--non-interactive',
      '--output',
      'json',
      '--transcript',
      join(dir, `t-${++n}.jsonl`),
      ...extra,
    ],
    { timeoutMs: 60_000 },
  );
  // Never a stack trace, never a raw control character on the terminal.
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  // eslint-disable-next-line no-control-regex
  expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  return r;
}

async function incomplete(file: string, ...extra: string[]) {
  const r = await run(file, ...extra);
  expect(r.exitCode).toBe(3);
  const out = JSON.parse(r.stdout) as {
    outcome: string;
    diagnosis: unknown;
    unseen: Unseen[];
    seen: unknown[];
    path: unknown[];
    api: { requests: number };
  };
  // The same object a walk prints, every field and no other (schemas/walk-output.schema.json).
  expect(walkJsonSchema.safeParse(out).error).toBeUndefined();
  expect(out.outcome).toBe('incomplete');
  expect(out.diagnosis).toBeNull();
  expect(out.unseen.length).toBeGreaterThan(0);
  // One line on stderr says the same.
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  return { ...r, out, first: out.unseen[0] as Unseen };
}

describe('the first request fails: still the walk JSON, exit 3', () => {
  it('connection refused', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createNetServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const { first, stderr } = await incomplete(kubeconfig(`http://127.0.0.1:${port}`));
    expect(first).toMatchObject({ step: 'connect', errorKind: 'unreachable' });
    expect(first.summary).toBe(
      `cannot reach the API server at http://127.0.0.1:${port}: connection refused: nothing listens at that address and port (ECONNREFUSED)`,
    );
    expect(first.command).toContain('get --raw /api');
    expect(stderr).toBe(`plumbline: unreachable: ${first.summary}\n`);
  });

  it('a blackhole: a socket that accepts and never answers times out, saying what it waited for', async () => {
    const port = await listen(createNetServer(() => undefined));
    const { first } = await incomplete(kubeconfig(`http://127.0.0.1:${port}`), '--request-timeout', '1s');
    expect(first.errorKind).toBe('timeout');
    expect(first.summary).toBe(
      `the API server at http://127.0.0.1:${port} did not answer in time: connected to 127.0.0.1:${port} and sent GET /api, but no answer came within 1 s (--request-timeout sets how long to wait)`,
    );
  });

  it('a TLS server that never finishes its handshake', async () => {
    const port = await listen(createNetServer(() => undefined));
    const { first } = await incomplete(kubeconfig(`https://127.0.0.1:${port}`), '--request-timeout', '1s');
    expect(first.summary).toContain(`connected to 127.0.0.1:${port}, but the TLS handshake never finished within 1 s`);
  });

  describe('certificates made at test time by openssl', () => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=api.example.invalid',
        '-addext',
        'subjectAltName=DNS:api.example.invalid',
      ],
      { stdio: 'ignore' },
    );
    const https = async () => {
      const port = await listen(
        createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => apiVersions(res)),
      );
      return `https://127.0.0.1:${port}`;
    };

    it('a certificate from an unknown authority', async () => {
      const url = await https();
      const { first } = await incomplete(kubeconfig(url, 'insecure-skip-tls-verify: false'));
      expect(first.errorKind).toBe('unreachable');
      expect(first.summary).toMatch(
        /^certificate problem: the API server at https:\/\/127\.0\.0\.1:\d+ presented a self-signed certificate this kubeconfig does not trust \(unknown authority\) \(DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate\); check the cluster's certificate-authority-data/,
      );
      expect(first.summary).toContain('openssl s_client -connect 127.0.0.1:');
    });

    it('a trusted certificate for another name', async () => {
      const url = await https();
      const { first } = await incomplete(
        kubeconfig(url, `certificate-authority-data: ${readFileSync(cert).toString('base64')}`),
      );
      expect(first.summary).toMatch(
        /^certificate problem: .* a certificate for other names than the one dialled \(hostname mismatch\) \(ERR_TLS_CERT_ALTNAME_INVALID: .*IP: 127\.0\.0\.1 is not in the cert's list/,
      );
      expect(first.summary).toContain('openssl x509 -noout -ext subjectAltName');
    });
  });

  it('401: the credentials were rejected', async () => {
    const { url } = await httpServer((_req, res) => status(res, 401, 'Unauthorized', 'Unauthorized'));
    const { first } = await incomplete(kubeconfig(url));
    expect(first).toMatchObject({
      errorKind: 'unauthorized',
      summary: 'Unauthorized: the credentials in your kubeconfig were rejected',
    });
  });

  it('403 on everything: the walk runs and cannot see (incomplete, each check unseen as forbidden)', async () => {
    const { url } = await httpServer((_req, res) =>
      status(
        res,
        403,
        'Forbidden',
        'pods "web-0" is forbidden: User "bot" cannot get resource "pods" in API group "" in the namespace "default"',
      ),
    );
    const { first } = await incomplete(kubeconfig(url));
    expect(first.errorKind).toBe('forbidden');
  });

  it('500 without Retry-After is not retried', async () => {
    const { url, hits } = await httpServer((_req, res) =>
      status(res, 500, 'InternalError', 'Internal error occurred: etcdserver: request timed out'),
    );
    const { first } = await incomplete(kubeconfig(url));
    expect(first).toMatchObject({
      errorKind: 'server-error',
      summary: 'Internal error occurred: etcdserver: request timed out',
    });
    expect(hits.get('/api')).toBe(1);
  });

  it('429 is asked again after Retry-After, 3 more times at most, then said as throttled', async () => {
    const { url, hits } = await httpServer((_req, res) =>
      status(res, 429, 'TooManyRequests', 'Too many requests, please try again later.', { 'retry-after': '1' }),
    );
    const { first } = await incomplete(kubeconfig(url));
    expect(hits.get('/api')).toBe(4);
    expect(first).toMatchObject({
      errorKind: 'throttled',
      summary: 'Too many requests, please try again later. (asked 4 times, waiting as its Retry-After said each time)',
    });
  });

  it('a 503 with Retry-After is asked again, and the walk goes on once it answers', async () => {
    let calls = 0;
    const { url, hits } = await httpServer((req, res) => {
      if (req.url === '/api' && ++calls === 1)
        return status(res, 503, 'ServiceUnavailable', 'the server is currently unable to handle the request', {
          'retry-after': '1',
        });
      if (req.url === '/api') return apiVersions(res);
      status(res, 403, 'Forbidden', 'forbidden here');
    });
    const { first } = await incomplete(kubeconfig(url));
    expect(hits.get('/api')).toBe(2);
    // It walked: what it could not see is the first check, not the connection.
    expect(first.step).toBe('pod-status');
  });

  it('a garbage body is shown escaped and cut short, never raw', async () => {
    const { url } = await httpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`\u001b[2J\u001b]0;owned\u0007\u0000<html>${'x'.repeat(5000)}\u202e`);
    });
    const { first, stderr } = await incomplete(kubeconfig(url));
    expect(first.errorKind).toBe('server-error');
    expect(first.summary).toContain(
      'answered GET /api with something that is not the Kubernetes API (HTTP 200): "\\x1b[2J\\x1b]0;owned\\x07\\x00<html>xxx',
    );
    expect(first.summary).toContain('more characters)');
    expect(stderr.length).toBeLessThan(1000);
  });

  it('a 500 whose body is not a Status is escaped too', async () => {
    const { url } = await httpServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>\u001b[31mBad gateway\r\n</html>');
    });
    const { first } = await incomplete(kubeconfig(url));
    expect(first.summary).toBe('<html>\\x1b[31mBad gateway\\r\\n</html>');
  });
});

describe('a kubeconfig that cannot work is bad input: one line, exit 2', () => {
  it('server: not a url', async () => {
    const r = await run(kubeconfig('not a url'));
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^plumbline: cluster "c" in .* has server "not a url", which is not a URL \(it looks like https:\/\/host:6443\)\n$/,
    );
  });

  it('an exec credential plugin that is not installed', async () => {
    const r = await run(
      kubeconfig(
        'https://127.0.0.1:1',
        '',
        'exec: { apiVersion: client.authentication.k8s.io/v1beta1, command: no-such-kubelogin-plugin, args: [get-token], installHint: "install it with brew install \\u001b[31mkubelogin" }',
      ),
    );
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^plumbline: user "u" in .* gets its credentials from the program "no-such-kubelogin-plugin", which is not installed \(not found on PATH\): install it with brew install \\x1b\[31mkubelogin\n$/,
    );
  });
});
