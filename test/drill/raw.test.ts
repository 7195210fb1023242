import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { startDrill } from '../../src/drill/cluster.js';
import type { RunningDrill } from '../../src/drill/cluster.js';
import { buildCluster, loadScenarioFile } from '../../src/drill/scenario.js';
import { scenarioSchema } from '../../src/drill/scenarioSchema.js';
import { createDrillAccess } from '../../src/nodeaccess/drill.js';
import { kubectlAvailable, runKubectl } from '../helpers/kubectl.js';

const header = `id: raw
title: raw
page: raw
runbook: workload-down
expect: { diagnosis: null }
`;

/** A scenario file with its raw files in a fresh directory; returns the scenario's path. */
function scenarioDir(body: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-raw-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const file = join(dir, 's.yaml');
  writeFileSync(file, header + body);
  return file;
}

function core(drill: RunningDrill): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromFile(drill.kubeconfigPath);
  return kc.makeApiClient(CoreV1Api);
}

async function errorOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'no error',
    (err: unknown) => String(err instanceof Error ? err.message : err),
  );
}

/** Two pods as `kubectl get pods -n shop -o yaml` prints them: a List whose items keep what the cluster set. */
const podList = `apiVersion: v1
items:
- apiVersion: v1
  kind: Pod
  metadata:
    creationTimestamp: "2024-03-02T10:15:00Z"
    managedFields:
    - apiVersion: v1
      fieldsType: FieldsV1
      fieldsV1:
        f:status:
          f:phase: {}
      manager: kubelet
      operation: Update
      subresource: status
      time: "2024-03-02T10:15:09Z"
    name: web-0
    namespace: shop
    resourceVersion: "4711"
    uid: 0b7c3f1e-1a2b-4c3d-8e9f-001122334455
  spec:
    containers:
    - image: nginx:1.25
      name: web
    nodeName: worker-1
  status:
    containerStatuses:
    - image: nginx:1.25
      name: web
      ready: true
      restartCount: 2
      started: true
      state:
        running:
          startedAt: "2024-03-02T10:15:08Z"
    phase: Running
    startTime: "2024-03-02T10:15:00Z"
- apiVersion: v1
  kind: Pod
  metadata:
    name: web-1
    namespace: shop
  spec:
    containers:
    - image: nginx:1.25
      name: web
  status:
    phase: Pending
kind: List
metadata:
  resourceVersion: ""
`;

let drill: RunningDrill | undefined;
afterEach(async () => {
  await drill?.close();
  drill = undefined;
});

describe('raw objects', () => {
  it('flattens a kind: List written in objects and serves its items as pasted (uid, resourceVersion, managedFields, absolute times)', async () => {
    const indented = podList.replace(/^/gm, '    ').replace(/^ {4}apiVersion: v1\n/, '');
    const { scenario } = await loadScenarioFile(scenarioDir(`objects:\n  - apiVersion: v1\n${indented}`));
    drill = await startDrill(scenario);
    const pod = await core(drill).readNamespacedPod({ namespace: 'shop', name: 'web-0' });
    expect(pod.metadata?.uid).toBe('0b7c3f1e-1a2b-4c3d-8e9f-001122334455');
    expect(pod.metadata?.resourceVersion).toBe('4711');
    expect(pod.metadata?.managedFields?.[0]?.manager).toBe('kubelet');
    expect(pod.metadata?.creationTimestamp?.toISOString()).toBe('2024-03-02T10:15:00.000Z');
    expect(pod.status?.containerStatuses?.[0]?.restartCount).toBe(2);
    const other = await core(drill).readNamespacedPod({ namespace: 'shop', name: 'web-1' });
    expect(other.status?.phase).toBe('Pending');
  });

  it('refuses a List item without kind, naming the line and column of that item', async () => {
    const file = scenarioDir(`objects:
  - apiVersion: v1
    kind: List
    items:
      - apiVersion: v1
        kind: Pod
        metadata: { name: a, namespace: shop }
      - apiVersion: v1
        metadata: { name: b, namespace: shop }
`);
    expect(await errorOf(loadScenarioFile(file))).toBe(
      `${file}:13:9: objects.0.items.1.kind: a List item needs its own kind (kubectl prints it on every item)`,
    );
  });

  it('loads objectFiles: multi-document YAML and a kubectl -o json List, relative to the scenario', async () => {
    const json = JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: {
              name: 'settings',
              namespace: 'shop',
              uid: 'c0ffee00-0000-4000-8000-000000000001',
              resourceVersion: '99',
            },
            data: { mode: 'strict' },
          },
        ],
        metadata: { resourceVersion: '' },
      },
      null,
      4,
    );
    const file = scenarioDir('objectFiles: [raw/pods.yaml, raw/cm.json]\n', {
      'raw/pods.yaml': `${podList}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  uid: 5e5e5e5e-0000-4000-8000-000000000002\n---\n`,
      'raw/cm.json': json,
    });
    const { scenario } = await loadScenarioFile(file);
    drill = await startDrill(scenario);
    const api = core(drill);
    expect((await api.readNamespacedPod({ namespace: 'shop', name: 'web-0' })).metadata?.resourceVersion).toBe('4711');
    expect((await api.readNamespace({ name: 'shop' })).metadata?.uid).toBe('5e5e5e5e-0000-4000-8000-000000000002');
    const cm = await api.readNamespacedConfigMap({ namespace: 'shop', name: 'settings' });
    expect(cm.data).toEqual({ mode: 'strict' });
    expect(cm.metadata?.uid).toBe('c0ffee00-0000-4000-8000-000000000001');
  });

  it('reports a problem inside an object file at that file’s line and column', async () => {
    const file = scenarioDir('objectFiles: [raw/bad.yaml]\n', {
      'raw/bad.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata: { name: ok, namespace: a }\n---\napiVersion: v1\nkind: List\nitems:\n- kind: Pod\n  metadata: { name: x }\n',
    });
    const message = await errorOf(loadScenarioFile(file));
    expect(message).toBe(
      `${join(file, '..', 'raw/bad.yaml')}:8:3: items.0.apiVersion: a List item needs its own apiVersion (kubectl prints it on every item)`,
    );
  });

  it('reports a missing object file at the scenario line that names it', async () => {
    const file = scenarioDir('objectFiles:\n  - raw/none.yaml\n');
    expect(await errorOf(loadScenarioFile(file))).toBe(
      `${file}:7:5: objectFiles.0: cannot read ${join(file, '..', 'raw/none.yaml')}: no such file`,
    );
  });

  it('serves logFiles as kubectl logs printed them, with or without timestamps', async () => {
    const file = scenarioDir(
      `objectFiles: [pods.yaml]
logFiles:
  - { namespace: shop, pod: web-0, container: web, file: logs/web.log }
  - { namespace: shop, pod: web-0, container: web, previous: true, file: logs/web-prev.log }
`,
      {
        'pods.yaml': podList.replace(
          'restartCount: 2',
          'restartCount: 2\n      lastState:\n        terminated:\n          exitCode: 1\n          reason: Error',
        ),
        'logs/web.log': '2024-03-02T10:15:08.123456789Z starting nginx\r\n2024-03-02T10:15:09.000000001Z ready\r\n',
        'logs/web-prev.log': 'nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address in use)\n',
      },
    );
    const { scenario } = await loadScenarioFile(file);
    drill = await startDrill(scenario);
    const api = core(drill);
    expect(await api.readNamespacedPodLog({ namespace: 'shop', name: 'web-0' })).toBe('starting nginx\nready\n');
    expect(await api.readNamespacedPodLog({ namespace: 'shop', name: 'web-0', timestamps: true })).toBe(
      '2024-03-02T10:15:08.123456789Z starting nginx\n2024-03-02T10:15:09.000000001Z ready\n',
    );
    expect(await api.readNamespacedPodLog({ namespace: 'shop', name: 'web-0', previous: true })).toBe(
      'nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address in use)\n',
    );
  });

  it('answers host commands from files, keeping the inline form', async () => {
    const file = scenarioDir(
      `hosts:
  worker-1:
    "systemctl is-active kubelet": { file: out/kubelet-active.txt, exitCode: 3 }
    "uptime": { stdout: " 10:00:00 up 3 days\\n" }
`,
      { 'out/kubelet-active.txt': 'failed\n' },
    );
    const { scenario } = await loadScenarioFile(file);
    drill = await startDrill(scenario);
    const access = createDrillAccess({ hosts: drill.hosts });
    const active = await access.run('worker-1', ['systemctl', 'is-active', 'kubelet'], {
      signal: AbortSignal.timeout(5000),
      timeoutMs: 5000,
    });
    expect(active.stdout).toBe('failed\n');
    expect(active.exitCode).toBe(3);
    const up = await access.run('worker-1', ['uptime'], { signal: AbortSignal.timeout(5000), timeoutMs: 5000 });
    expect(up.stdout).toBe(' 10:00:00 up 3 days\n');
  });

  it('refuses a host answer that gives both stdout and file', async () => {
    const file = scenarioDir(`hosts:\n  worker-1:\n    "uptime": { stdout: "x", file: up.txt }\n`, { 'up.txt': 'y' });
    expect(await errorOf(loadScenarioFile(file))).toMatch(
      /s\.yaml:8:\d+: hosts\.worker-1\."uptime": give stdout or file, not both$/,
    );
  });

  it('will not build a scenario whose raw files were never read', () => {
    const s = scenarioSchema.parse({
      id: 'x',
      title: 'x',
      page: 'x',
      runbook: 'workload-down',
      expect: { diagnosis: null },
      objectFiles: ['a.yaml'],
    });
    expect(() => buildCluster(s, new Date())).toThrow(/raw files are read by loadScenarioFile.*a\.yaml/);
  });

  it.skipIf(!kubectlAvailable())('kubectl lists pasted List items with their own status and restarts', async () => {
    const { scenario } = await loadScenarioFile(scenarioDir('objectFiles: [pods.yaml]\n', { 'pods.yaml': podList }));
    drill = await startDrill(scenario);
    const r = await runKubectl(drill.kubeconfigPath, ['get', 'pods', '-n', 'shop', '--no-headers']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^web-0\s+1\/1\s+Running\s+2\s+\S+\n/m);
    expect(r.stdout).toMatch(/^web-1\s+0\/1\s+Pending\s+0\s+\S+\n/m);
  });
});
