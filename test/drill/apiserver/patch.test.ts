import { chmodSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonPatch, mergePatch, strategicMerge } from '../../../src/drill/apiserver/patch.js';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../../helpers/kubectl.js';
import type { KubectlResult } from '../../helpers/kubectl.js';
import { eventually, startControlPlaneHarness } from './controllersFixture.js';
import { raw, rawStream } from './harness.js';
import type { Harness } from './harness.js';

warnIfKubectlMissing('drill API server: patch, set image, edit, replace');

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function core(harness: Harness): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromString(harness.kubeconfig);
  return kc.makeApiClient(CoreV1Api);
}

describe('the patch formats', () => {
  it('strategic merge patch merges containers by name, honours $patch: delete and $setElementOrder', () => {
    const pod = {
      spec: {
        containers: [
          { name: 'app', image: 'a:1', env: [{ name: 'X', value: '1' }] },
          { name: 'side', image: 's:1' },
        ],
        tolerations: [{ key: 'a' }],
      },
    };
    expect(
      strategicMerge(pod, { spec: { containers: [{ name: 'app', image: 'a:2', env: [{ name: 'Y', value: '2' }] }] } }),
    ).toEqual({
      spec: {
        containers: [
          {
            name: 'app',
            image: 'a:2',
            env: [
              { name: 'X', value: '1' },
              { name: 'Y', value: '2' },
            ],
          },
          { name: 'side', image: 's:1' },
        ],
        tolerations: [{ key: 'a' }],
      },
    });
    expect(
      strategicMerge(pod, { spec: { containers: [{ name: 'side', $patch: 'delete' }], tolerations: [{ key: 'b' }] } }),
    ).toEqual({
      spec: {
        containers: [{ name: 'app', image: 'a:1', env: [{ name: 'X', value: '1' }] }],
        tolerations: [{ key: 'b' }],
      },
    });
    const reordered = strategicMerge(pod, {
      spec: {
        '$setElementOrder/containers': [{ name: 'side' }, { name: 'app' }],
        containers: [{ name: 'side', image: 's:2' }],
      },
    }) as typeof pod;
    expect(reordered.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual(['side=s:2', 'app=a:1']);
  });

  it('merge patch replaces lists and deletes with null; JSON patch applies operations in order and refuses a missing path', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null }, l: [3] })).toEqual({ a: { c: 2 }, l: [3] });
    expect(
      jsonPatch({ data: { a: '1' }, l: [1] }, [
        { op: 'add', path: '/data/b', value: '2' },
        { op: 'add', path: '/l/-', value: 2 },
        { op: 'remove', path: '/data/a' },
        { op: 'test', path: '/l/1', value: 2 },
      ]),
    ).toEqual({
      data: { b: '2' },
      l: [1, 2],
    });
    expect(() => jsonPatch({ data: {} }, [{ op: 'replace', path: '/data/x', value: '1' }])).toThrow(
      'replace operation does not apply: doc is missing key: /data/x: missing value',
    );
  });
});

describe('PATCH and PUT over HTTP (client-node and raw)', () => {
  it('a merge patch on a ConfigMap bumps its resourceVersion and a watcher sees MODIFIED; the same patch again writes nothing', async () => {
    h = await startControlPlaneHarness();
    const before = h.server.store.get('configmaps', 'shop', 'app-config');
    const watch = await rawStream(
      h.server,
      `/api/v1/namespaces/shop/configmaps?watch=true&resourceVersion=${h.server.store.revision}`,
    );
    try {
      const r = await raw(h.server, '/api/v1/namespaces/shop/configmaps/app-config', {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { data: { 'log.level': 'debug', 'redis.host': null } },
      });
      expect(r.status).toBe(200);
      const patched = r.json() as {
        kind: string;
        metadata: { resourceVersion: string; uid: string };
        data: Record<string, string>;
      };
      expect(patched.kind).toBe('ConfigMap');
      expect(patched.data).toEqual({ 'log.level': 'debug' });
      expect(patched.metadata.uid).toBe(before?.metadata.uid);
      expect(Number(patched.metadata.resourceVersion)).toBeGreaterThan(Number(before?.metadata.resourceVersion));
      const [event] = await watch.waitForEvents(1);
      expect(event).toMatchObject({
        type: 'MODIFIED',
        object: { metadata: { name: 'app-config', resourceVersion: patched.metadata.resourceVersion } },
      });

      const again = await raw(h.server, '/api/v1/namespaces/shop/configmaps/app-config', {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { data: { 'log.level': 'debug' } },
      });
      expect((again.json() as { metadata: { resourceVersion: string } }).metadata.resourceVersion).toBe(
        patched.metadata.resourceVersion,
      );
    } finally {
      watch.close();
    }
  });

  it('no patch reaches Object.prototype: __proto__, constructor and prototype are refused with 422, and nothing else changes', async () => {
    h = await startControlPlaneHarness();
    const path = '/api/v1/namespaces/shop/configmaps/app-config';
    const hostile: [string, unknown][] = [
      [
        'application/json-patch+json',
        [{ op: 'add', path: '/__proto__/metadata', value: { deletionTimestamp: '2020-01-01T00:00:00Z' } }],
      ],
      ['application/json-patch+json', [{ op: 'add', path: '/metadata/constructor/prototype/polluted', value: 'yes' }]],
      ['application/json-patch+json', [{ op: 'replace', path: '/data/constructor', value: 'x' }]],
      ['application/merge-patch+json', '{"__proto__": {"polluted": "yes"}}'],
      ['application/strategic-merge-patch+json', '{"metadata": {"__proto__": {"polluted": "yes"}}}'],
      ['application/strategic-merge-patch+json', '{"$setElementOrder/__proto__": [], "data": {"a": "b"}}'],
    ];
    for (const [contentType, body] of hostile) {
      const r = await raw(h.server, path, { method: 'PATCH', contentType, body });
      expect([r.status, (r.json() as { reason: string }).reason]).toEqual([422, 'Invalid']);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).metadata).toBeUndefined();
    // The server runs in this process: a write onto Object.prototype would show on any object here.
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  });

  it('a path through an inherited property (toString, hasOwnProperty) is a missing path, as in Go', () => {
    expect(() => jsonPatch({ data: {} }, [{ op: 'add', path: '/data/toString/x', value: 1 }])).toThrow(
      'doc is missing path',
    );
    expect(() => jsonPatch({ data: {} }, [{ op: 'remove', path: '/data/hasOwnProperty' }])).toThrow(
      'doc is missing key',
    );
    expect(mergePatch({ data: {} }, { data: { toString: 'x' } })).toEqual({ data: { toString: 'x' } });
  });

  it('refuses an unknown patch type with 415 and a missing object with 404', async () => {
    h = await startControlPlaneHarness();
    const r = await raw(h.server, '/api/v1/namespaces/shop/configmaps/app-config', {
      method: 'PATCH',
      contentType: 'text/plain',
      body: '{}',
    });
    expect([r.status, (r.json() as { reason: string }).reason]).toEqual([415, 'UnsupportedMediaType']);
    const missing = await raw(h.server, '/api/v1/namespaces/shop/configmaps/nope', {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: {},
    });
    expect([missing.status, (missing.json() as { message: string }).message]).toEqual([
      404,
      'configmaps "nope" not found',
    ]);
  });

  it('PUT with a stale resourceVersion is a 409 Conflict; with the current one it is stored', async () => {
    h = await startControlPlaneHarness();
    const api = core(h);
    const cm = await api.readNamespacedConfigMap({ name: 'app-config', namespace: 'shop' });
    const updated = await api.replaceNamespacedConfigMap({
      name: 'app-config',
      namespace: 'shop',
      body: { ...cm, data: { ...cm.data, 'log.level': 'warn' } },
    });
    expect(updated.data?.['log.level']).toBe('warn');
    let failure: ApiException<unknown> | undefined;
    try {
      await api.replaceNamespacedConfigMap({
        name: 'app-config',
        namespace: 'shop',
        body: { ...cm, data: { 'log.level': 'error' } },
      });
    } catch (err) {
      if (err instanceof ApiException) failure = err;
      else throw err;
    }
    expect(failure?.code).toBe(409);
    expect(JSON.parse(String(failure?.body))).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Operation cannot be fulfilled on configmaps "app-config": the object has been modified; please apply your changes to the latest version and try again',
      reason: 'Conflict',
      details: { name: 'app-config', kind: 'configmaps' },
      code: 409,
    });
    expect((await api.readNamespacedConfigMap({ name: 'app-config', namespace: 'shop' })).data?.['log.level']).toBe(
      'warn',
    );
  });
});

describe.skipIf(!kubectlAvailable())('kubectl patch, set image, edit and replace', () => {
  const kubectl = (...args: string[]): Promise<KubectlResult> =>
    runKubectl((h as Harness).kubeconfigPath, args, { timeoutMs: 60_000 });

  it('patches a ConfigMap by merge and by JSON patch, says (no change) when nothing changes, prints a failed JSON patch', async () => {
    h = await startControlPlaneHarness();
    const merge = await kubectl(
      'patch',
      'configmap',
      'app-config',
      '-n',
      'shop',
      '--type=merge',
      '-p',
      '{"data":{"log.level":"debug"}}',
    );
    expect([merge.stdout, merge.stderr, merge.exitCode]).toEqual(['configmap/app-config patched\n', '', 0]);
    const same = await kubectl(
      'patch',
      'configmap',
      'app-config',
      '-n',
      'shop',
      '--type=merge',
      '-p',
      '{"data":{"log.level":"debug"}}',
    );
    expect(same.stdout).toBe('configmap/app-config patched (no change)\n');
    const json = await kubectl(
      'patch',
      'cm',
      'app-config',
      '-n',
      'shop',
      '--type=json',
      '-p',
      '[{"op":"add","path":"/data/feature","value":"on"},{"op":"remove","path":"/data/redis.host"}]',
    );
    expect(json.stdout).toBe('configmap/app-config patched\n');
    const data = await kubectl('get', 'cm', 'app-config', '-n', 'shop', '-o', 'jsonpath={.data}');
    expect(JSON.parse(data.stdout)).toEqual({ 'log.level': 'debug', feature: 'on' });
    const bad = await kubectl(
      'patch',
      'cm',
      'app-config',
      '-n',
      'shop',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/data/missing","value":"x"}]',
    );
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('replace operation does not apply: doc is missing key: /data/missing');
  });

  it('refuses to change an immutable pod field with the apiserver’s 422, and lets the image change', async () => {
    h = await startControlPlaneHarness();
    const refused = await kubectl(
      'patch',
      'pod',
      'api-7d9c5b-x2x4k',
      '-n',
      'shop',
      '-p',
      '{"spec":{"restartPolicy":"Never"}}',
    );
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(
      /^The Pod "api-7d9c5b-x2x4k" is invalid: spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`,`spec\.initContainers\[\*\]\.image`,`spec\.activeDeadlineSeconds`,`spec\.tolerations` \(only additions to existing tolerations\),`spec\.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)\n/,
    );
    expect(refused.stderr).toContain('- \tRestartPolicy: "Always",\n+ \tRestartPolicy: "Never",');
    const tolerated = await kubectl(
      'patch',
      'pod',
      'api-7d9c5b-x2x4k',
      '-n',
      'shop',
      '--type=json',
      '-p',
      '[{"op":"add","path":"/spec/tolerations","value":[{"key":"maintenance","operator":"Exists","effect":"NoSchedule"}]}]',
    );
    expect(tolerated.stdout).toBe('pod/api-7d9c5b-x2x4k patched\n');
  });

  it('kubectl set image on a pod stuck in ImagePullBackOff: the kubelet pulls the new image and the pod runs', async () => {
    h = await startControlPlaneHarness();
    const set = await kubectl('set', 'image', 'pod/cart-0', '-n', 'shop', 'app=registry.example.com/app:1.1');
    expect([set.stdout, set.stderr, set.exitCode]).toEqual(['pod/cart-0 image updated\n', '', 0]);
    const ready = await kubectl('wait', '--for=condition=Ready', 'pod/cart-0', '-n', 'shop', '--timeout=60s');
    expect(ready.stdout).toBe('pod/cart-0 condition met\n');
    const row = await kubectl('get', 'pod', 'cart-0', '-n', 'shop', '--no-headers');
    expect(row.stdout).toMatch(/^cart-0\s+1\/1\s+Running\s+0\s/);
  });

  it('kubectl edit of a StatefulSet template rolls its pod: cart-0 comes back from the fixed image, running', async () => {
    h = await startControlPlaneHarness();
    const old = h.server.store.get('pods', 'shop', 'cart-0');
    const editor = join(dirname(h.kubeconfigPath), 'editor.sh');
    writeFileSync(
      editor,
      '#!/bin/sh\nsed -i "s#image: registry.example.com/app:1.0#image: registry.example.com/app:1.1#" "$1"\n',
    );
    chmodSync(editor, 0o755);
    const previous = process.env.KUBE_EDITOR;
    process.env.KUBE_EDITOR = editor;
    let edit: KubectlResult;
    try {
      // The drill serves no OpenAPI document, which kubectl's client-side schema validation would need.
      edit = await kubectl('edit', 'statefulset', 'cart', '-n', 'shop', '--validate=false');
    } finally {
      if (previous === undefined) delete process.env.KUBE_EDITOR;
      else process.env.KUBE_EDITOR = previous;
    }
    expect([edit.stdout, edit.stderr, edit.exitCode]).toEqual(['statefulset.apps/cart edited\n', '', 0]);
    const sts = JSON.parse((await kubectl('get', 'sts', 'cart', '-n', 'shop', '-o', 'json')).stdout) as {
      metadata: { generation: number };
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    expect(sts.spec.template.spec.containers[0]?.image).toBe('registry.example.com/app:1.1');
    expect(sts.metadata.generation).toBe(2);
    const fresh = await eventually(() => {
      const pod = h?.server.store.get('pods', 'shop', 'cart-0');
      return pod &&
        pod.metadata.uid !== old?.metadata.uid &&
        (pod.status as { phase?: string } | undefined)?.phase === 'Running'
        ? pod
        : undefined;
    }, 'cart-0 recreated and running');
    expect((fresh.spec as { containers: { image: string }[] }).containers[0]?.image).toBe(
      'registry.example.com/app:1.1',
    );
    expect((await kubectl('get', 'pod', 'cart-0', '-n', 'shop', '--no-headers')).stdout).toMatch(
      /^cart-0\s+1\/1\s+Running\s+0\s/,
    );
  });

  it('kubectl set image on a Deployment prints "image updated" and bumps its generation', async () => {
    h = await startControlPlaneHarness();
    const set = await kubectl('set', 'image', 'deployment/worker', '-n', 'shop', 'app=registry.example.com/app:2.0');
    expect([set.stdout, set.exitCode]).toEqual(['deployment.apps/worker image updated\n', 0]);
    const gen = await kubectl(
      'get',
      'deploy',
      'worker',
      '-n',
      'shop',
      '-o',
      'jsonpath={.metadata.generation} {.spec.template.spec.containers[0].image}',
    );
    expect(gen.stdout).toBe('2 registry.example.com/app:2.0');
  });
});
