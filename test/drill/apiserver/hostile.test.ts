import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillApiServer } from '../../../src/drill/apiserver/server.js';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../../helpers/kubectl.js';
import { startHarness } from './harness.js';
import type { Harness } from './harness.js';

warnIfKubectlMissing('drill API server against hostile clients');

/**
 * The drill API server against clients that misbehave: slowloris sockets, more
 * connections than it holds, paths that try to climb out of their resource,
 * and bodies whose fields have the wrong types. Real sockets, client-node and
 * the real kubectl.
 */

const portOf = (server: DrillApiServer): number => Number(new URL(server.url).port);

/** A request whose path goes out exactly as written (URL would resolve `..` and `%2e%2e` before sending). */
function send(
  server: DrillApiServer,
  path: string,
  opts: { method?: string; body?: unknown; contentType?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: portOf(server),
        path,
        method: opts.method ?? 'GET',
        ca: server.certificateAuthority,
        headers: {
          Authorization: `Bearer ${server.token}`,
          ...(body !== undefined ? { 'Content-Type': opts.contentType ?? 'application/json' } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Resolves when the socket is closed, by either side. */
const closed = (socket: Socket): Promise<void> =>
  new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

/** A TLS connection that has finished its handshake. */
function tlsSocket(server: DrillApiServer): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect(
      {
        host: '127.0.0.1',
        port: portOf(server),
        ca: server.certificateAuthority,
        servername: 'plumbline-drill',
        rejectUnauthorized: false,
      },
      () => resolve(s),
    );
    s.on('error', reject);
  });
}

describe('slowloris: a client that never finishes is closed, watches are not', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(undefined, { headersTimeoutMs: 1000 });
  });
  afterAll(() => h.close());

  it('closes a socket that sends part of its headers and stops, and one that never finishes TLS; a watch opened before them still streams after', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(h.kubeconfigPath);
    const core = kc.makeApiClient(CoreV1Api);
    // A watch, opened first: a response that lasts, which no request timeout may cut.
    const events: string[] = [];
    const controller = new AbortController();
    const watching = new Promise<void>((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: portOf(h.server),
          path: '/api/v1/namespaces/shop/pods?watch=1',
          ca: h.server.certificateAuthority,
          headers: { Authorization: `Bearer ${h.server.token}` },
          signal: controller.signal,
        },
        (res) => {
          resolve();
          res.on('data', (c: Buffer) => events.push(c.toString('utf8')));
          res.on('error', () => undefined);
        },
      );
      req.on('error', () => undefined);
      req.end();
    });
    await watching;

    const partial = await tlsSocket(h.server);
    partial.write('GET /api/v1/namespaces/shop/pods HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const handshakeOnly = netConnect(portOf(h.server), '127.0.0.1');
    handshakeOnly.on('error', () => undefined);
    partial.on('error', () => undefined);
    let answer = '';
    partial.on('data', (c: Buffer) => (answer += c.toString('utf8')));
    await Promise.all([closed(partial), closed(handshakeOnly)]);
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout/);

    // Both timeouts have passed; the watch is still there and sees a new object.
    await core.createNamespacedPod({
      namespace: 'shop',
      body: { metadata: { name: 'after-slowloris' }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
    });
    await expect.poll(() => events.join(''), { timeout: 5000 }).toContain('"name":"after-slowloris"');
    controller.abort();
  });
});

describe.skipIf(!kubectlAvailable())('a connection cap', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(undefined, { maxConnections: 4 });
  });
  afterAll(() => h.close());

  it('drops connections over the cap as they come, and serves kubectl again once they go', async () => {
    const held = await Promise.all([1, 2, 3, 4].map(() => tlsSocket(h.server)));
    // The fifth never gets its handshake: the server drops it on arrival.
    const over = tlsConnect({ host: '127.0.0.1', port: portOf(h.server), rejectUnauthorized: false });
    let handshook = false;
    over.on('secureConnect', () => (handshook = true));
    over.on('error', () => undefined);
    await closed(over);
    expect(handshook).toBe(false);

    for (const s of held) s.destroy();
    // The server counts a socket as gone once it sees it close; kubectl then gets in.
    let r = await runKubectl(h.kubeconfigPath, ['get', 'pod', 'web-0', '-n', 'shop', '-o', 'name']);
    for (let tries = 0; r.exitCode !== 0 && tries < 20; tries++)
      r = await runKubectl(h.kubeconfigPath, ['get', 'pod', 'web-0', '-n', 'shop', '-o', 'name']);
    expect(r.stdout).toBe('pod/web-0\n');
  });
});

describe('paths: a name is one segment, decoded once, never resolved', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it.each([
    ['/api/v1/namespaces/shop/pods/%2e%2e', '..', "may not be '..'"],
    ['/api/v1/namespaces/shop/pods/%2E%2E', '..', "may not be '..'"],
    ['/api/v1/namespaces/shop/pods/..', '..', "may not be '..'"],
    ['/api/v1/namespaces/shop/pods/.', '.', "may not be '.'"],
    ['/api/v1/namespaces/shop/pods/%2e', '.', "may not be '.'"],
    ['/api/v1/namespaces/%2e%2e', '..', "may not be '..'"],
    ['/api/v1/nodes/..', '..', "may not be '..'"],
    ['/api/v1/namespaces/shop/pods/web%250', 'web%0', "may not contain '%'"],
  ])("GET %s: 400 BadRequest, as the apiserver's key function answers", async (path, name, why) => {
    const r = await send(h.server, path);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'BadRequest',
      code: 400,
      message: `Name parameter invalid: ${JSON.stringify(name)}: ${why}`,
    });
  });

  it('DELETE and PATCH of pods/%2e%2e never reach the namespace', async () => {
    expect((await send(h.server, '/api/v1/namespaces/shop/pods/%2e%2e', { method: 'DELETE' })).status).toBe(400);
    expect(
      (
        await send(h.server, '/api/v1/namespaces/shop/pods/%2E%2E', {
          method: 'PATCH',
          body: { metadata: { labels: { x: 'y' } } },
          contentType: 'application/merge-patch+json',
        })
      ).status,
    ).toBe(400);
    const ns = await send(h.server, '/api/v1/namespaces/shop');
    expect(ns.body).toMatchObject({ kind: 'Namespace', status: { phase: 'Active' } });
    expect((ns.body.metadata as { labels?: Record<string, string> }).labels?.x).toBeUndefined();
  });

  it('an encoded slash separates segments, as Go decodes the path first: pods/web-0%2Fstatus is not the pod, pods/x%2Fy is a 404', async () => {
    const r = await send(h.server, '/api/v1/namespaces/shop/pods/web-0%2Fnope');
    expect(r).toMatchObject({ status: 404, body: { kind: 'Status', reason: 'NotFound', code: 404 } });
    const up = await send(h.server, '/api/v1/namespaces/shop/pods/%2E%2E%2F%2E%2E');
    expect(up.status).toBe(400);
  });

  it('a path that is not valid percent-encoding names nothing: 404', async () => {
    expect((await send(h.server, '/api/v1/namespaces/shop/pods/%zz')).status).toBe(404);
  });
});

describe('bodies with the wrong field types are refused, as kube-apiserver decodes them', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await startHarness();
    dir = mkdtempSync(join(tmpdir(), 'plumbline-hostile-'));
  });
  afterAll(() => h.close());

  const pod = (spec: unknown, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'typed', namespace: 'shop', ...extra },
    spec,
  });

  it.each([
    [
      'spec.containers an object',
      pod({ containers: { name: 'app', image: 'nginx' } }),
      'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container',
    ],
    [
      'a container a string',
      pod({ containers: ['nginx'] }),
      'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type v1.Container',
    ],
    [
      'args a number',
      pod({ containers: [{ name: 'app', image: 'nginx', args: [1] }] }),
      'json: cannot unmarshal number into Go struct field Container.spec.containers.args of type string',
    ],
    [
      'a label a bool',
      pod({ containers: [{ name: 'app', image: 'nginx' }] }, { labels: { ok: true } }),
      'json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string',
    ],
    [
      'annotations an array',
      pod({ containers: [{ name: 'app', image: 'nginx' }] }, { annotations: ['a'] }),
      'json: cannot unmarshal array into Go struct field ObjectMeta.metadata.annotations of type map[string]string',
    ],
    [
      'metadata.name a number',
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 7 }, spec: { containers: [{ name: 'app', image: 'nginx' }] } },
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string',
    ],
    [
      'status.conditions an object',
      { ...pod({ containers: [{ name: 'app', image: 'nginx' }] }), status: { conditions: { type: 'Ready' } } },
      'json: cannot unmarshal object into Go struct field PodStatus.status.conditions of type []v1.PodCondition',
    ],
    [
      'containerStatuses a string',
      { ...pod({ containers: [{ name: 'app', image: 'nginx' }] }), status: { containerStatuses: 'running' } },
      'json: cannot unmarshal string into Go struct field PodStatus.status.containerStatuses of type []v1.ContainerStatus',
    ],
    [
      'restartCount 1.5',
      {
        ...pod({ containers: [{ name: 'app', image: 'nginx' }] }),
        status: { containerStatuses: [{ name: 'app', restartCount: 1.5 }] },
      },
      'json: cannot unmarshal number 1.5 into Go struct field ContainerStatus.status.containerStatuses.restartCount of type int32',
    ],
  ])('create with %s: 400 BadRequest', async (_what, body, message) => {
    const r = await send(h.server, '/api/v1/namespaces/shop/pods', { method: 'POST', body });
    expect(r).toMatchObject({
      status: 400,
      body: {
        kind: 'Status',
        reason: 'BadRequest',
        code: 400,
        message: `Pod in version "v1" cannot be handled as a Pod: ${message}`,
      },
    });
  });

  it('update (PUT) of a ConfigMap whose data holds a number: 400', async () => {
    const put = await send(h.server, '/api/v1/namespaces/shop/configmaps/app-config', {
      method: 'PUT',
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config' }, data: { 'log.level': 1 } },
    });
    expect(put).toMatchObject({
      status: 400,
      body: {
        reason: 'BadRequest',
        message:
          'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string',
      },
    });
    const cm = await send(h.server, '/api/v1/namespaces/shop/configmaps/app-config');
    expect(cm.body.data).toMatchObject({ 'log.level': 'info' });
  });

  it('a merge patch that leaves a field mistyped: 422 on "patch", and the object is unchanged', async () => {
    const path = '/apis/apps/v1/namespaces/kube-system/deployments/coredns';
    const r = await send(h.server, path, {
      method: 'PATCH',
      body: { spec: { template: { spec: { containers: 'coredns' } } } },
      contentType: 'application/merge-patch+json',
    });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({
      reason: 'Invalid',
      code: 422,
      details: { causes: [{ reason: 'FieldValueInvalid', field: 'patch' }] },
    });
    expect(r.body.message).toMatch(
      /^ "" is invalid: patch: Invalid value: "\{.*\}": json: cannot unmarshal string into Go struct field PodSpec\.spec\.template\.spec\.containers of type \[\]v1\.Container$/,
    );
    const after = await send(h.server, path);
    expect(
      Array.isArray(
        (after.body as { spec: { template: { spec: { containers: unknown } } } }).spec.template.spec.containers,
      ),
    ).toBe(true);
  });

  it.skipIf(!kubectlAvailable())('kubectl create and patch say what a real cluster says', async () => {
    const file = join(dir, 'pod.yaml');
    writeFileSync(
      file,
      'apiVersion: v1\nkind: Pod\nmetadata: { name: flat, namespace: shop }\nspec:\n  containers:\n    name: app\n    image: nginx\n',
    );
    // --validate=false: a real cluster's server-side validation; kubectl's client-side schema would stop it first here.
    const create = await runKubectl(h.kubeconfigPath, ['create', '--validate=false', '-f', file]);
    expect(create.exitCode).toBe(1);
    // As pasted from real clusters (kubectl create with the list's dash forgotten).
    expect(create.stderr).toContain(
      `Error from server (BadRequest): error when creating "${file}": Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container`,
    );
    const patch = await runKubectl(h.kubeconfigPath, [
      'patch',
      'deployment',
      'coredns',
      '-n',
      'kube-system',
      '--type',
      'merge',
      '-p',
      '{"spec":{"template":{"metadata":{"annotations":{"run":12345}}}}}',
    ]);
    expect(patch.exitCode).toBe(1);
    expect(patch.stderr).toMatch(
      /The request is invalid: patch: Invalid value: .*json: cannot unmarshal number into Go struct field ObjectMeta\.spec\.template\.metadata\.annotations of type string/,
    );
  });
});
