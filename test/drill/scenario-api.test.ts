import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDrill } from '../../src/drill/cluster.js';
import type { RunningDrill } from '../../src/drill/cluster.js';
import { loadScenarioFile } from '../../src/drill/scenario.js';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../helpers/kubectl.js';

// A scenario's `api:` section, from YAML to the wire: who the drill's token is,
// what RBAC refuses it, and what goes wrong between client and apiserver.
const scenarioYaml = `id: api-section
title: api section
page: "the API misbehaves"
runbook: workload-down
expect: { diagnosis: null }
cluster:
  generate: { controlPlanes: 1, workers: 2 }
api:
  user: oncall@example.com
  denials:
    - { verb: list, resource: secrets }
    - { verb: get, resource: pods/log, namespace: kube-system }
  faults:
    - { kind: latency, resource: configmaps, ms: 1500 }
    - { kind: error, status: 503, resource: endpoints, message: "etcd cluster is unavailable or misconfigured" }
    - { kind: throttle, resource: services, retryAfterSeconds: 1, times: 2 }
    - { kind: reset, resource: persistentvolumeclaims }
    - { kind: hang, path: "^/api/v1/namespaces/stuck/" }
objects:
  - { apiVersion: v1, kind: ConfigMap, metadata: { name: settings, namespace: default }, data: { mode: strict } }
  - apiVersion: v1
    kind: Service
    metadata: { name: kubernetes, namespace: default }
    spec: { type: ClusterIP, clusterIP: 10.96.0.1, ports: [{ name: https, port: 443, protocol: TCP, targetPort: 6443 }] }
`;

let drill: RunningDrill;
let core: CoreV1Api;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-api-'));
  writeFileSync(join(dir, 'api.yaml'), scenarioYaml);
  const { scenario } = await loadScenarioFile(join(dir, 'api.yaml'));
  drill = await startDrill(scenario);
  const kc = new KubeConfig();
  kc.loadFromFile(drill.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
});
afterAll(() => drill.close());
warnIfKubectlMissing('scenario api section through kubectl');

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (err: unknown) => err,
  );
}

describe('scenario api section through client-node', () => {
  it('denials: the 403 names the scenario user, the verb, the resource and the scope', async () => {
    const err = (await failure(
      core.readNamespacedPodLog({ namespace: 'kube-system', name: 'etcd-cp-1' }),
    )) as ApiException<string>;
    expect(err).toBeInstanceOf(ApiException);
    expect(err.code).toBe(403);
    expect(JSON.parse(err.body)).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Forbidden',
      code: 403,
      message:
        'pods "etcd-cp-1" is forbidden: User "oncall@example.com" cannot get resource "pods/log" in API group "" in the namespace "kube-system"',
    });
    // Only what the denial names is refused.
    expect((await core.readNamespacedPod({ namespace: 'kube-system', name: 'etcd-cp-1' })).metadata?.name).toBe(
      'etcd-cp-1',
    );
  });

  it('error: 503 ServiceUnavailable with the scenario message, on its resource only', async () => {
    const err = (await failure(core.listNamespacedEndpoints({ namespace: 'default' }))) as ApiException<string>;
    expect(err.code).toBe(503);
    expect(JSON.parse(err.body)).toMatchObject({
      reason: 'ServiceUnavailable',
      message: 'etcd cluster is unavailable or misconfigured',
    });
    expect((await core.listNode()).items.length).toBe(3);
  });

  it('reset: the connection drops without an answer', async () => {
    const err = (await failure(core.listNamespacedPersistentVolumeClaim({ namespace: 'default' }))) as Error;
    expect(err).not.toBeInstanceOf(ApiException);
    expect(`${err.message} ${String((err.cause as Error | undefined)?.message)}`).toMatch(
      /fetch failed|socket|ECONNRESET|other side closed/i,
    );
  });
});

describe.skipIf(!kubectlAvailable())('scenario api section through kubectl', () => {
  it('denials: kubectl prints the real Forbidden line for the scenario user', async () => {
    const r = await runKubectl(drill.kubeconfigPath, ['get', 'secrets', '-A']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(
      'Error from server (Forbidden): secrets is forbidden: User "oncall@example.com" cannot list resource "secrets" in API group "" at the cluster scope',
    );
    const logs = await runKubectl(drill.kubeconfigPath, ['logs', '-n', 'kube-system', 'etcd-cp-1']);
    expect(logs.stderr.trim()).toBe(
      'Error from server (Forbidden): pods "etcd-cp-1" is forbidden: User "oncall@example.com" cannot get resource "pods/log" in API group "" in the namespace "kube-system"',
    );
  });

  it('latency: the answer comes, too late for a short --request-timeout', async () => {
    const late = await runKubectl(drill.kubeconfigPath, [
      'get',
      'configmaps',
      '-n',
      'default',
      '--request-timeout=300ms',
    ]);
    expect(late.exitCode).toBe(1);
    expect(late.stderr).toMatch(/Client\.Timeout|context deadline exceeded|timeout/i);
    const patient = await runKubectl(drill.kubeconfigPath, ['get', 'configmaps', '-n', 'default']);
    expect(patient.stderr).toBe('');
    expect(patient.stdout).toMatch(/^settings\s+1\s+/m);
  });

  it('error: kubectl reports the 503 with its message', async () => {
    const r = await runKubectl(drill.kubeconfigPath, ['get', 'endpoints', '-n', 'default']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^Error from server \(ServiceUnavailable\): etcd cluster is unavailable or misconfigured/m,
    );
  });

  it('throttle: 429 with Retry-After; client-node sees it, kubectl waits and retries through it', async () => {
    const err = (await failure(core.listNamespacedService({ namespace: 'default' }))) as ApiException<string>;
    expect(err.code).toBe(429);
    expect(err.headers['retry-after']).toBe('1');
    // One throttled answer left: client-go honours Retry-After and tries again.
    const r = await runKubectl(drill.kubeconfigPath, ['get', 'services', '-n', 'default', '-v=6']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/429 Too Many Requests/);
    expect(r.stdout).toMatch(/^kubernetes\s+ClusterIP/m);
  });

  it('hang: no answer at all, so only the client deadline ends it', async () => {
    const r = await runKubectl(drill.kubeconfigPath, ['get', 'pods', '-n', 'stuck', '--request-timeout=1s']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Client\.Timeout|context deadline exceeded|timeout/i);
  });

  it('reset: kubectl sees the connection cut', async () => {
    const r = await runKubectl(drill.kubeconfigPath, ['get', 'pvc', '-n', 'default']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/EOF|connection reset|unexpected EOF/i);
  });
});
