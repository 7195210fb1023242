import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconfigYaml, startDrillApiServer } from '../../../src/drill/apiserver/server.js';
import type { DrillApiServer } from '../../../src/drill/apiserver/server.js';
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
export async function startHarness(fixture: Fixture = buildFixture()): Promise<Harness> {
  const server = await startDrillApiServer(fixture.spec, { now: () => fixture.now });
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
export function raw(server: DrillApiServer, path: string, opts: { method?: string; token?: string | null; accept?: string } = {}): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? server.token : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (opts.accept) headers.Accept = opts.accept;
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server.url), { method: opts.method ?? 'GET', headers, ca: server.certificateAuthority }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
