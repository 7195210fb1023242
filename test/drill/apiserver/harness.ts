import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconfigYaml, startDrillApiServer } from '../../../src/drill/apiserver/server.js';
import type { DrillApiServer, DrillApiServerOptions } from '../../../src/drill/apiserver/server.js';
import { buildFixture } from './fixture.js';
import type { Fixture } from './fixture.js';

export interface Harness {
  server: DrillApiServer;
  fixture: Fixture;
  kubeconfig: string;
  kubeconfigPath: string;
  close(): Promise<void>;
}

/** The fixture cluster on a real server, its clock frozen at the fixture's `now`, with a kubeconfig on disk. */
export async function startHarness(
  fixture: Fixture = buildFixture(),
  options: DrillApiServerOptions = {},
): Promise<Harness> {
  const server = await startDrillApiServer(fixture.spec, { now: () => fixture.now, ...options });
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-apiserver-test-'));
  const kubeconfig = kubeconfigYaml(server, fixture.spec.name);
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
  return {
    server,
    fixture,
    kubeconfig,
    kubeconfigPath,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): unknown;
}

/** One HTTPS request as a client would send it (token by default), trusting the server's own certificate. */
export function raw(
  server: DrillApiServer,
  path: string,
  opts: { method?: string; token?: string | null; accept?: string; body?: unknown; contentType?: string } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? server.token : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (opts.accept) headers.Accept = opts.accept;
  const body =
    opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  if (body !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/json';
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, server.url),
      { method: opts.method ?? 'GET', headers, ca: server.certificateAuthority },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface WatchEvent {
  type: string;
  object: {
    kind?: string;
    apiVersion?: string;
    metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
    [key: string]: unknown;
  };
}

export interface RawStream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  events: WatchEvent[];
  /** Resolves once `count` events have arrived. */
  waitForEvents(count: number, timeoutMs?: number): Promise<WatchEvent[]>;
  /** Resolves when the server ends the response. */
  ended: Promise<void>;
  close(): void;
}

/** A watch request read line by line, as client-go's stream decoder reads it. */
export function rawStream(server: DrillApiServer, path: string, opts: { accept?: string } = {}): Promise<RawStream> {
  const headers: Record<string, string> = { Authorization: `Bearer ${server.token}` };
  if (opts.accept) headers.Accept = opts.accept;
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server.url), { headers, ca: server.certificateAuthority }, (res) => {
      const events: WatchEvent[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      const ended = new Promise<void>((done) => {
        res.on('end', () => done());
        res.on('close', () => done());
      });
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line.trim()) events.push(JSON.parse(line) as WatchEvent);
        }
        for (const w of waiters) w();
      });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        ended,
        waitForEvents(count, timeoutMs = 5000) {
          return new Promise((ok, fail) => {
            const check = (): void => {
              if (events.length < count) return;
              waiters.delete(check);
              clearTimeout(timer);
              ok(events);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(
                new Error(
                  `expected ${count} events within ${timeoutMs} ms, got ${events.length}: ${JSON.stringify(events.map((e) => e.type))}`,
                ),
              );
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
    req.end();
  });
}
