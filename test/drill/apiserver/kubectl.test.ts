import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../../helpers/kubectl.js';
import type { KubectlResult } from '../../helpers/kubectl.js';
import { startHarness } from './harness.js';
import type { Harness } from './harness.js';

warnIfKubectlMissing('drill API server with the real kubectl');

/** kubectl's human output: a header line, then cells separated by runs of 2+ spaces (cells never contain them here). */
function table(out: string): { header: string[]; rows: Record<string, string>[] } {
  const [head = '', ...lines] = out.trimEnd().split('\n');
  const header = head.trim().split(/\s{2,}/);
  return {
    header,
    rows: lines.map((line) => {
      const cells = line.trim().split(/\s{2,}/);
      return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
    }),
  };
}

describe.skipIf(!kubectlAvailable())('drill API server with the real kubectl', () => {
  let h: Harness;
  const kubectl = (...args: string[]): Promise<KubectlResult> => runKubectl(h.kubeconfigPath, args);

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('get pods -A prints every pod with the status kubectl computes', async () => {
    const r = await kubectl('get', 'pods', '-A');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const t = table(r.stdout);
    expect(t.header).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    const byName: Record<string, Record<string, string> | undefined> = Object.fromEntries(t.rows.map((row) => [row.NAME ?? '', row]));
    expect(t.rows).toHaveLength(21);
    expect(byName['web-0']).toEqual({ NAMESPACE: 'shop', NAME: 'web-0', READY: '0/1', STATUS: 'Pending', RESTARTS: '0', AGE: '45s' });
    expect(byName['worker-5f6b7-qlm2p']).toMatchObject({ READY: '0/1', STATUS: 'CrashLoopBackOff', RESTARTS: '5 (2m ago)', AGE: '120m' });
    expect(byName['cart-0']).toMatchObject({ STATUS: 'ImagePullBackOff', AGE: '10m' });
    expect(byName['migrate-8xk2z']).toMatchObject({ STATUS: 'Completed', AGE: '5h' });
    expect(byName['old-api-6c8d-zz9q1']).toMatchObject({ READY: '1/1', STATUS: 'Terminating', AGE: '9d' });
    expect(byName['mysql-0']).toMatchObject({ NAMESPACE: 'db', READY: '0/2', STATUS: 'ContainerCreating', AGE: '3m20s' });
    expect(byName['api-7d9c5b-x2x4k']).toMatchObject({ READY: '1/1', STATUS: 'Running', AGE: '3d4h' });
    expect(byName['coredns-7db6d8ff4d-7kb9x']).toMatchObject({ NAMESPACE: 'kube-system', AGE: '30d' });
  });

  it('get pods -o wide adds IP, NODE and the other wide columns', async () => {
    const r = await kubectl('get', 'pods', '-n', 'shop', '-o', 'wide');
    const t = table(r.stdout);
    expect(t.header).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    const web = t.rows.find((row) => row.NAME === 'web-0');
    expect(web).toMatchObject({ IP: '<none>', NODE: '<none>', 'NOMINATED NODE': '<none>', 'READINESS GATES': '<none>' });
    expect(t.rows.find((row) => row.NAME === 'api-7d9c5b-x2x4k')).toMatchObject({ IP: '10.244.1.5', NODE: 'worker-1' });
  });

  it('get nodes prints status, roles, age and version', async () => {
    const r = await kubectl('get', 'nodes');
    expect(r.exitCode).toBe(0);
    const t = table(r.stdout);
    expect(t.header).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(t.rows).toEqual([
      { NAME: 'cp-1', STATUS: 'Ready', ROLES: 'control-plane', AGE: '30d', VERSION: 'v1.31.4' },
      { NAME: 'worker-1', STATUS: 'Ready', ROLES: '<none>', AGE: '30d', VERSION: 'v1.31.4' },
      { NAME: 'worker-2', STATUS: 'NotReady', ROLES: '<none>', AGE: '10d', VERSION: 'v1.31.4' },
      { NAME: 'worker-3', STATUS: 'Ready,SchedulingDisabled', ROLES: '<none>', AGE: '3d4h', VERSION: 'v1.31.4' },
    ]);
    const wide = table((await kubectl('get', 'nodes', '-o', 'wide')).stdout);
    expect(wide.header).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
    expect(wide.rows[0]).toMatchObject({ 'INTERNAL-IP': '10.0.0.10', 'EXTERNAL-IP': '<none>', 'OS-IMAGE': 'Ubuntu 22.04.4 LTS', 'CONTAINER-RUNTIME': 'containerd://1.7.12' });
  });

  it('get events -n shop prints last seen, type, reason, object and message', async () => {
    const r = await kubectl('get', 'events', '-n', 'shop');
    expect(r.exitCode).toBe(0);
    const t = table(r.stdout);
    expect(t.header).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(t.rows.find((row) => row.REASON === 'FailedScheduling')).toMatchObject({
      'LAST SEEN': '30s',
      TYPE: 'Warning',
      OBJECT: 'pod/web-0',
      MESSAGE: expect.stringContaining("2 node(s) didn't match Pod's node affinity/selector") as unknown,
    });
    expect(t.rows.find((row) => row.REASON === 'BackOff')).toMatchObject({ 'LAST SEEN': '90s', OBJECT: 'pod/worker-5f6b7-qlm2p' });
    const selected = table((await kubectl('get', 'events', '-n', 'shop', '--field-selector', 'involvedObject.name=cart-0')).stdout);
    expect(selected.rows.map((row) => row.REASON)).toEqual(['Failed']);
  });

  it('get pod -o json returns the stored object', async () => {
    const r = await kubectl('get', 'pod', 'web-0', '-n', 'shop', '-o', 'json');
    expect(r.exitCode).toBe(0);
    const pod = JSON.parse(r.stdout) as { kind: string; metadata: { name: string; uid: string }; spec: { nodeSelector: unknown } };
    expect(pod.kind).toBe('Pod');
    expect(pod.metadata.name).toBe('web-0');
    expect(pod.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(pod.spec.nodeSelector).toEqual({ disktype: 'ssd' });
  });

  it('describe pod finds its events by involvedObject.uid', async () => {
    const r = await kubectl('describe', 'pod', 'web-0', '-n', 'shop');
    expect(r.exitCode).toBe(0);
    // describe ages events with kubectl's own clock, which runs on while the server's is frozen.
    expect(r.stdout).toMatch(/Warning\s+FailedScheduling\s+\d+s \(x3 over \d+s\)\s+default-scheduler/);
  });

  it('logs prints the container log, --previous and --tail', async () => {
    const current = await kubectl('logs', '-n', 'shop', 'worker-5f6b7-qlm2p');
    expect(current.exitCode).toBe(0);
    expect(current.stdout.trimEnd().split('\n')).toHaveLength(4);
    expect(current.stdout).toContain('fatal: cannot reach queue, exiting\n');
    const previous = await kubectl('logs', '-n', 'shop', 'worker-5f6b7-qlm2p', '--previous');
    expect(previous.stdout).toBe('starting worker v2.3.1\nfatal: cannot reach queue, exiting (previous)\n');
    const tail = await kubectl('logs', '-n', 'shop', 'api-7d9c5b-x2x4k', '--tail=2');
    expect(tail.stdout).toBe('GET /healthz 200 (9)\nGET /healthz 200 (10)\n');
  });

  it('logs errors read as on a real cluster', async () => {
    const waiting = await kubectl('logs', '-n', 'shop', 'cart-0');
    expect(waiting.exitCode).toBe(1);
    expect(waiting.stderr.trim()).toBe('Error from server (BadRequest): container "app" in pod "cart-0" is waiting to start: trying and failing to pull image');
    const multi = await kubectl('logs', '-n', 'db', 'mysql-0');
    expect(multi.stderr).toContain('Defaulted container "mysql" out of: mysql, metrics');
    expect(multi.stderr).toContain('container "mysql" in pod "mysql-0" is waiting to start: ContainerCreating');
  });

  it('errors read as on a real cluster', async () => {
    const missing = await kubectl('get', 'pod', 'nope', '-n', 'shop');
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): pods "nope" not found');
    const field = await kubectl('get', 'pods', '-A', '--field-selector', 'foo=bar');
    expect(field.stderr.trim()).toBe('Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "foo=bar": field label not supported: foo');
    const empty = await kubectl('get', 'pods', '-n', 'nowhere');
    expect(empty.stderr.trim()).toBe('No resources found in nowhere namespace.');
    const denied = await kubectl('--token', 'wrong', 'get', 'pods');
    expect(denied.stderr.trim()).toBe('error: You must be logged in to the server (Unauthorized)');
  });

  it('pages with --chunk-size and loses no pod', async () => {
    const chunked = table((await kubectl('get', 'pods', '-A', '--chunk-size=4', '--no-headers=false')).stdout);
    const whole = table((await kubectl('get', 'pods', '-A', '--chunk-size=0')).stdout);
    expect(chunked.rows).toHaveLength(21);
    expect(chunked.rows.map((r) => r.NAME)).toEqual(whole.rows.map((r) => r.NAME));
  });

  it('label selectors, namespaces, leases and raw health work', async () => {
    const backend = table((await kubectl('get', 'pods', '-A', '-l', 'tier=backend,app!=api')).stdout);
    expect(backend.rows.map((r) => r.NAME)).toEqual(['cart-0', 'worker-5f6b7-qlm2p']);
    const ns = table((await kubectl('get', 'namespaces')).stdout);
    expect(ns.header).toEqual(['NAME', 'STATUS', 'AGE']);
    expect(ns.rows.map((r) => r.NAME)).toEqual(['db', 'default', 'kube-node-lease', 'kube-public', 'kube-system', 'load', 'shop']);
    const leases = table((await kubectl('get', 'leases', '-n', 'kube-node-lease')).stdout);
    expect(leases.rows).toEqual([{ NAME: 'worker-1', HOLDER: 'worker-1', AGE: '30d' }]);
    const readyz = await kubectl('get', '--raw', '/readyz?verbose');
    expect(readyz.stdout).toMatch(/^\[\+\]ping ok\n[\s\S]*readyz check passed\n$/);
  });
});
