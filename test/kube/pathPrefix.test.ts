import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { apiUrl, KubeClient } from '../../src/kube/client.js';
import { loadKubeConfig } from '../../src/kube/config.js';
import { startTestDrill, pod } from '../helpers/drill.js';
import type { TestDrill } from '../helpers/drill.js';

const prefix = '/k8s/clusters/c-m-7xk2p';

/**
 * A plain-HTTP proxy that serves the drill's API below a path, as Rancher
 * serves a downstream cluster (/k8s/clusters/<id>) and kubectl proxy
 * (--api-prefix) do; anything outside the prefix is a 404.
 */
function prefixProxy(target: URL, seen: string[]): Server {
  return createServer((req, res) => {
    const path = req.url ?? '';
    seen.push(`${req.method} ${path}`);
    if (!path.startsWith(`${prefix}/`)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found\n');
      return;
    }
    const upstream = httpsRequest(
      new URL(path.slice(prefix.length), target),
      { method: req.method, headers: { ...req.headers, host: target.host }, rejectUnauthorized: false },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(upstream);
  });
}

describe('a cluster served below a path (Rancher, kubectl proxy)', () => {
  let t: TestDrill;
  let proxy: Server;
  let kube: KubeClient;
  const seen: string[] = [];

  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { nodes: [{ name: 'worker-1' }] as never },
      objects: [pod('web-0', 'shop', { nodeName: 'worker-1' }, { phase: 'Running' })] as never,
    });
    const drillConfig = parse(readFileSync(t.drill.kubeconfigPath, 'utf8')) as {
      clusters: { cluster: { server: string } }[];
      users: { user: { token: string } }[];
    };
    const target = new URL(drillConfig.clusters[0]?.cluster.server ?? '');
    proxy = prefixProxy(target, seen);
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as { port: number }).port;
    const file = join(t.drill.kubeconfigPath, '..', 'prefixed-kubeconfig');
    // @kubernetes/client-node takes a plain-HTTP server only with insecure-skip-tls-verify (kubectl proxy users set it).
    writeFileSync(
      file,
      `apiVersion: v1
kind: Config
clusters: [{ name: rancher, cluster: { server: "http://127.0.0.1:${port}${prefix}", insecure-skip-tls-verify: true } }]
users: [{ name: u, user: { token: "${drillConfig.users[0]?.user.token ?? ''}" } }]
contexts: [{ name: downstream, context: { cluster: rancher, user: u } }]
current-context: downstream
`,
    );
    kube = await KubeClient.create(await loadKubeConfig({ kubeconfig: file }));
  });

  afterAll(async () => {
    await new Promise((resolve) => proxy?.close(resolve));
    await t?.close();
  });

  it('joins API paths below the server path, as client-go does', () => {
    expect(apiUrl('https://rancher.example.com/k8s/clusters/c-m-7xk2p', '/readyz?verbose').href).toBe(
      'https://rancher.example.com/k8s/clusters/c-m-7xk2p/readyz?verbose',
    );
    expect(apiUrl('https://rancher.example.com/k8s/clusters/c-m-7xk2p/', '/api/v1/pods').pathname).toBe(
      '/k8s/clusters/c-m-7xk2p/api/v1/pods',
    );
    expect(apiUrl('https://10.0.0.1:6443', '/livez').href).toBe('https://10.0.0.1:6443/livez');
  });

  it('reads objects, raw endpoints and patches through the prefix, over plain HTTP', async () => {
    expect((await kube.readPod('shop', 'web-0')).metadata?.name).toBe('web-0');
    const ready = await kube.getRaw('/readyz');
    expect(ready).toMatchObject({ status: 200, body: 'ok' });
    const patched = await kube.patchObject(
      'pod',
      'shop',
      'web-0',
      'merge',
      '{"metadata":{"labels":{"checked":"yes"}}}',
    );
    expect(patched.status).toBe(200);
    expect((await kube.readPod('shop', 'web-0')).metadata?.labels?.checked).toBe('yes');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((s) => !s.includes(prefix))).toEqual([]);
  });
});
