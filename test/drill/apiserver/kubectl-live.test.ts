import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kubectlAvailable, runKubectl, spawnKubectl, warnIfKubectlMissing } from '../../helpers/kubectl.js';
import type { KubectlResult } from '../../helpers/kubectl.js';
import { buildFixture } from './fixture.js';
import { startHarness } from './harness.js';
import type { Harness } from './harness.js';

warnIfKubectlMissing('drill API server: kubectl watching and writing');

/** kubectl against a cluster that changes: each test gets its own server, so writes do not leak. */
describe.skipIf(!kubectlAvailable())('kubectl on a changing drill cluster', () => {
  let h: Harness;
  const kubectl = (...args: string[]): Promise<KubectlResult> => runKubectl(h.kubeconfigPath, args);

  beforeEach(async () => {
    h = await startHarness(undefined, { podTerminationMs: 50 });
  });
  afterEach(() => h.close());

  it('get pods -w prints a row for each change the cluster makes', async () => {
    const watch = spawnKubectl(h.kubeconfigPath, ['get', 'pods', '-n', 'shop', '-w']);
    try {
      await watch.waitFor(/^worker-5f6b7-qlm2p .*\n/m);
      const web = h.server.store.get('pods', 'shop', 'web-0');
      if (!web) throw new Error('fixture lacks web-0');
      h.server.store.put('pods', {
        ...web,
        spec: { ...(web.spec as object), nodeName: 'worker-1' },
        status: {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'True' }],
          containerStatuses: [
            { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
          ],
        },
      });
      const out = await watch.waitFor(/^web-0 .*ContainerCreating.*\n/m);
      const lines = out.trimEnd().split('\n');
      // The header once, the six pods listed, then the watch event's row without a header.
      expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
      expect(lines).toHaveLength(8);
      expect(lines[7]).toMatch(/^web-0\s+0\/1\s+ContainerCreating\s+0\s+45s$/);
      h.server.store.delete('pods', 'shop', 'cart-0');
      await watch.waitFor(/^cart-0 .*\n(?:.*\n)*cart-0 /m);
    } finally {
      await watch.stop();
    }
    expect(watch.stderr()).toBe('');
  });

  it('run creates a Pending test pod; a second run is refused as AlreadyExists', async () => {
    // Pinned to the NotReady node, so no kubelet starts it and it stays as created.
    const run = await kubectl(
      'run',
      'probe',
      '-n',
      'shop',
      '--image=busybox:1.36',
      '--restart=Never',
      '--overrides={"spec":{"nodeName":"worker-2"}}',
      '--',
      'sleep',
      '3600',
    );
    expect([run.stdout, run.stderr, run.exitCode]).toEqual(['pod/probe created\n', '', 0]);
    const pod = JSON.parse((await kubectl('get', 'pod', 'probe', '-n', 'shop', '-o', 'json')).stdout) as {
      metadata: { uid: string; resourceVersion: string; creationTimestamp: string; labels: Record<string, string> };
      spec: {
        nodeName: string;
        restartPolicy: string;
        serviceAccountName: string;
        containers: { imagePullPolicy: string; args: string[] }[];
        tolerations: unknown[];
      };
      status: { phase: string; qosClass: string };
    };
    expect(pod.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(pod.metadata.labels).toEqual({ run: 'probe' });
    expect(pod.spec).toMatchObject({ nodeName: 'worker-2', restartPolicy: 'Never', serviceAccountName: 'default' });
    expect(pod.spec.containers[0]).toMatchObject({ imagePullPolicy: 'IfNotPresent', args: ['sleep', '3600'] });
    expect(pod.spec.tolerations).toHaveLength(2);
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    const row = (await kubectl('get', 'pod', 'probe', '-n', 'shop', '--no-headers')).stdout;
    expect(row).toMatch(/^probe\s+0\/1\s+Pending\s+0\s+0s\n$/);
    const again = await kubectl('run', 'probe', '-n', 'shop', '--image=busybox:1.36', '--restart=Never');
    expect([again.stderr.trim(), again.exitCode]).toEqual([
      'Error from server (AlreadyExists): pods "probe" already exists',
      1,
    ]);
    const nowhere = await kubectl('run', 'probe', '-n', 'nowhere', '--image=busybox:1.36');
    expect(nowhere.stderr.trim()).toBe('Error from server (NotFound): namespaces "nowhere" not found');
  });

  it('delete pod waits for the kubelet to confirm, and reports a missing pod', async () => {
    const del = await kubectl('delete', 'pod', 'cart-0', '-n', 'shop');
    expect([del.stdout, del.stderr, del.exitCode]).toEqual(['pod "cart-0" deleted\n', '', 0]);
    expect(h.server.store.get('pods', 'shop', 'cart-0')).toBeUndefined();
    const unscheduled = await kubectl('delete', 'pod', 'web-0', '-n', 'shop');
    expect(unscheduled.stdout).toBe('pod "web-0" deleted\n');
    const missing = await kubectl('delete', 'pod', 'cart-0', '-n', 'shop');
    expect([missing.stderr.trim(), missing.exitCode]).toEqual([
      'Error from server (NotFound): pods "cart-0" not found',
      1,
    ]);
  });

  it('a pod on a NotReady node stays Terminating after delete, as no kubelet confirms it', async () => {
    const web = h.server.store.get('pods', 'shop', 'api-7d9c5b-x2x4k');
    if (!web) throw new Error('fixture lacks api-7d9c5b-x2x4k');
    h.server.store.put('pods', {
      ...web,
      metadata: { name: 'stuck', namespace: 'shop' },
      spec: { ...(web.spec as object), nodeName: 'worker-2' },
    });
    const del = await kubectl('delete', 'pod', 'stuck', '-n', 'shop', '--wait=false');
    expect(del.stdout).toBe('pod "stuck" deleted\n');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await kubectl('get', 'pod', 'stuck', '-n', 'shop', '--no-headers')).stdout).toMatch(
      /^stuck\s+1\/1\s+Terminating\s/,
    );
    const forced = await kubectl('delete', 'pod', 'stuck', '-n', 'shop', '--force', '--grace-period=0');
    expect(forced.stdout).toBe('pod "stuck" force deleted\n');
    expect(h.server.store.get('pods', 'shop', 'stuck')).toBeUndefined();
  });
});

describe.skipIf(!kubectlAvailable())('kubectl on a drill cluster with RBAC denials and API faults', () => {
  it('prints a 403 as kubectl prints it', async () => {
    const fixture = buildFixture();
    fixture.spec.user = 'system:serviceaccount:oncall:plumbline';
    fixture.spec.denials = [
      { verb: 'list', resource: 'pods', namespace: 'db' },
      { verb: 'get', resource: 'nodes' },
    ];
    const h = await startHarness(fixture);
    try {
      const pods = await runKubectl(h.kubeconfigPath, ['get', 'pods', '-n', 'db']);
      expect([pods.stdout, pods.stderr, pods.exitCode]).toEqual([
        '',
        'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:oncall:plumbline" cannot list resource "pods" in API group "" in the namespace "db"\n',
        1,
      ]);
      const node = await runKubectl(h.kubeconfigPath, ['get', 'node', 'worker-2']);
      expect(node.stderr.trim()).toBe(
        'Error from server (Forbidden): nodes "worker-2" is forbidden: User "system:serviceaccount:oncall:plumbline" cannot get resource "nodes" in API group "" at the cluster scope',
      );
      expect((await runKubectl(h.kubeconfigPath, ['get', 'pods', '-n', 'shop'])).exitCode).toBe(0);
    } finally {
      await h.close();
    }
  });

  it('kubectl retries a 429 after Retry-After and succeeds once throttling stops; prints a 500 and a 503', async () => {
    const fixture = buildFixture();
    fixture.spec.apiFaults = [
      { kind: 'throttle', resource: 'nodes', retryAfterSeconds: 1, times: 1 },
      { kind: 'error', status: 500, resource: 'namespaces' },
      { kind: 'error', status: 503, path: '/leases' },
    ];
    const h = await startHarness(fixture);
    try {
      const started = Date.now();
      const nodes = await runKubectl(h.kubeconfigPath, ['get', 'nodes', '--no-headers']);
      expect(nodes.exitCode).toBe(0);
      expect(nodes.stdout.trimEnd().split('\n')).toHaveLength(4);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      const ns = await runKubectl(h.kubeconfigPath, ['get', 'namespaces']);
      expect(ns.stderr.trim()).toBe('Error from server: etcdserver: request timed out');
      const leases = await runKubectl(h.kubeconfigPath, ['get', 'leases', '-A']);
      expect(leases.stderr.trim()).toBe(
        'Error from server (ServiceUnavailable): the server is currently unable to handle the request',
      );
    } finally {
      await h.close();
    }
  });
});
