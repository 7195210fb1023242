import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../../helpers/kubectl.js';
import type { KubectlResult } from '../../helpers/kubectl.js';
import { startHarness } from './harness.js';
import type { Harness } from './harness.js';

warnIfKubectlMissing('drill API server with the real kubectl');

/**
 * kubectl's human output: a header line, then rows whose cells start where
 * their column's header starts (tabwriter alignment), so empty cells read as ''.
 */
function table(out: string): { header: string[]; rows: Record<string, string>[] } {
  const [head = '', ...lines] = out.trimEnd().split('\n');
  const starts = [...head.matchAll(/\S+(?: \S+)*/g)].map((m) => ({ name: m[0], at: m.index }));
  return {
    header: starts.map((c) => c.name),
    rows: lines.map((line) =>
      Object.fromEntries(starts.map((c, i) => [c.name, line.slice(c.at, starts[i + 1]?.at ?? line.length).trim()])),
    ),
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
    const byName: Record<string, Record<string, string> | undefined> = Object.fromEntries(
      t.rows.map((row) => [row.NAME ?? '', row]),
    );
    expect(t.rows).toHaveLength(21);
    expect(byName['web-0']).toEqual({
      NAMESPACE: 'shop',
      NAME: 'web-0',
      READY: '0/1',
      STATUS: 'Pending',
      RESTARTS: '0',
      AGE: '45s',
    });
    expect(byName['worker-5f6b7-qlm2p']).toMatchObject({
      READY: '0/1',
      STATUS: 'CrashLoopBackOff',
      RESTARTS: '5 (2m ago)',
      AGE: '120m',
    });
    expect(byName['cart-0']).toMatchObject({ STATUS: 'ImagePullBackOff', AGE: '10m' });
    expect(byName['migrate-8xk2z']).toMatchObject({ STATUS: 'Completed', AGE: '5h' });
    expect(byName['old-api-6c8d-zz9q1']).toMatchObject({ READY: '1/1', STATUS: 'Terminating', AGE: '9d' });
    expect(byName['mysql-0']).toMatchObject({
      NAMESPACE: 'db',
      READY: '0/2',
      STATUS: 'ContainerCreating',
      AGE: '3m20s',
    });
    expect(byName['api-7d9c5b-x2x4k']).toMatchObject({ READY: '1/1', STATUS: 'Running', AGE: '3d4h' });
    expect(byName['coredns-7db6d8ff4d-7kb9x']).toMatchObject({ NAMESPACE: 'kube-system', AGE: '30d' });
  });

  it('get pods -o wide adds IP, NODE and the other wide columns', async () => {
    const r = await kubectl('get', 'pods', '-n', 'shop', '-o', 'wide');
    const t = table(r.stdout);
    expect(t.header).toEqual([
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
    const web = t.rows.find((row) => row.NAME === 'web-0');
    expect(web).toMatchObject({
      IP: '<none>',
      NODE: '<none>',
      'NOMINATED NODE': '<none>',
      'READINESS GATES': '<none>',
    });
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
    expect(wide.header).toEqual([
      'NAME',
      'STATUS',
      'ROLES',
      'AGE',
      'VERSION',
      'INTERNAL-IP',
      'EXTERNAL-IP',
      'OS-IMAGE',
      'KERNEL-VERSION',
      'CONTAINER-RUNTIME',
    ]);
    expect(wide.rows[0]).toMatchObject({
      'INTERNAL-IP': '10.0.0.10',
      'EXTERNAL-IP': '<none>',
      'OS-IMAGE': 'Ubuntu 22.04.4 LTS',
      'CONTAINER-RUNTIME': 'containerd://1.7.12',
    });
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
    expect(t.rows.find((row) => row.REASON === 'BackOff')).toMatchObject({
      'LAST SEEN': '90s',
      OBJECT: 'pod/worker-5f6b7-qlm2p',
    });
    const selected = table(
      (await kubectl('get', 'events', '-n', 'shop', '--field-selector', 'involvedObject.name=cart-0')).stdout,
    );
    expect(selected.rows.map((row) => row.REASON)).toEqual(['Failed']);
  });

  it('get pod -o json returns the stored object', async () => {
    const r = await kubectl('get', 'pod', 'web-0', '-n', 'shop', '-o', 'json');
    expect(r.exitCode).toBe(0);
    const pod = JSON.parse(r.stdout) as {
      kind: string;
      metadata: { name: string; uid: string };
      spec: { nodeSelector: unknown };
    };
    expect(pod.kind).toBe('Pod');
    expect(pod.metadata.name).toBe('web-0');
    expect(pod.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(pod.spec.nodeSelector).toEqual({ disktype: 'ssd' });
  });

  it('describe pod finds its events by involvedObject.uid', async () => {
    const r = await kubectl('describe', 'pod', 'web-0', '-n', 'shop');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Status:\s+Pending$/m);
    expect(r.stdout).toMatch(/^Node:\s+<none>$/m);
    expect(r.stdout).toMatch(/^Conditions:\n {2}Type\s+Status\n {2}PodScheduled\s+False\s*$/m);
    expect(r.stdout).toMatch(/^Node-Selectors:\s+disktype=ssd$/m);
    // describe ages events with kubectl's own clock, which runs on while the server's is frozen.
    expect(r.stdout).toMatch(
      /^Events:\n {2}Type\s+Reason\s+Age\s+From\s+Message\n {2}----\s+------\s+----\s+----\s+-------\n {2}Warning\s+FailedScheduling\s+\d+s \(x3 over \d+s\)\s+default-scheduler\s+0\/4 nodes are available: /m,
    );
  });

  it('describe pod shows a crash loop: state, last state, restarts and the BackOff events', async () => {
    const r = await kubectl('describe', 'pod', 'worker-5f6b7-qlm2p', '-n', 'shop');
    expect(r.stderr).toBe('');
    const out = r.stdout;
    expect(out).toMatch(/^Status:\s+Running$/m);
    expect(out).toMatch(/^Node:\s+worker-1\/10\.0\.0\.11$/m);
    expect(out).toMatch(
      /^ {4}State:\s+Waiting\n {6}Reason:\s+CrashLoopBackOff\n {4}Last State:\s+Terminated\n {6}Reason:\s+Error\n {6}Exit Code:\s+1$/m,
    );
    expect(out).toMatch(/^ {4}Ready:\s+False\n {4}Restart Count:\s+5$/m);
    expect(out).toMatch(
      /^ {2}Warning\s+BackOff\s+\d+s \(x24 over 11\dm\)\s+kubelet\s+Back-off restarting failed container app in pod worker-5f6b7-qlm2p_shop/m,
    );
  });

  it('describe node shows conditions, addresses, capacity, the pods on it and its events', async () => {
    const r = await kubectl('describe', 'node', 'worker-2');
    expect(r.stderr).toBe('');
    const out = r.stdout;
    expect(out).toMatch(/^Name:\s+worker-2$/m);
    expect(out).toMatch(
      /^Conditions:\n {2}Type\s+Status\s+LastHeartbeatTime\s+LastTransitionTime\s+Reason\s+Message\n/m,
    );
    expect(out).toMatch(
      /^ {2}Ready\s+Unknown\s+\w{3}, \d\d \w{3} \d{4} [\d:]{8} \+0000\s+\w{3}, \d\d \w{3} \d{4} [\d:]{8} \+0000\s+NodeStatusUnknown\s+Kubelet stopped posting node status\.$/m,
    );
    expect(out).toMatch(/^ {2}InternalIP:\s+10\.0\.0\.12$/m);
    expect(out).toMatch(/^Non-terminated Pods:\s+\(0 in total\)$/m);
    expect(out).toMatch(
      /^Events:\n {2}Type\s+Reason\s+Age\s+From\s+Message\n.*\n {2}Normal\s+NodeNotReady\s+9m\S*\s+node-controller\s+Node worker-2 status is now: NodeNotReady$/m,
    );
    const busy = await kubectl('describe', 'node', 'worker-1');
    // The pods kubectl lists come from a spec.nodeName field selector: running and pending, not completed.
    expect(busy.stdout).toMatch(/^Non-terminated Pods:\s+\(10 in total\)$/m);
    expect(busy.stdout).toMatch(/^ {2}shop\s+worker-5f6b7-qlm2p\s+0 \(0%\)/m);
    expect(busy.stdout).not.toMatch(/migrate-8xk2z/);
    expect(busy.stdout).toMatch(/^Lease:\n {2}HolderIdentity:\s+worker-1$/m);
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
    expect(waiting.stderr.trim()).toBe(
      'Error from server (BadRequest): container "app" in pod "cart-0" is waiting to start: trying and failing to pull image',
    );
    const multi = await kubectl('logs', '-n', 'db', 'mysql-0');
    expect(multi.stderr).toContain('Defaulted container "mysql" out of: mysql, metrics');
    expect(multi.stderr).toContain('container "mysql" in pod "mysql-0" is waiting to start: ContainerCreating');
  });

  it('errors read as on a real cluster', async () => {
    const missing = await kubectl('get', 'pod', 'nope', '-n', 'shop');
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): pods "nope" not found');
    const field = await kubectl('get', 'pods', '-A', '--field-selector', 'foo=bar');
    expect(field.stderr.trim()).toBe(
      'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "foo=bar": field label not supported: foo',
    );
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
    expect(ns.rows.map((r) => r.NAME)).toEqual([
      'db',
      'default',
      'kube-node-lease',
      'kube-public',
      'kube-system',
      'load',
      'shop',
    ]);
    const leases = table((await kubectl('get', 'leases', '-n', 'kube-node-lease')).stdout);
    expect(leases.rows).toEqual([{ NAME: 'worker-1', HOLDER: 'worker-1', AGE: '30d' }]);
    const readyz = await kubectl('get', '--raw', '/readyz?verbose');
    const lines = readyz.stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      '[+]ping ok',
      '[+]log ok',
      '[+]etcd ok',
      '[+]etcd-readiness ok',
      '[+]informer-sync ok',
    ]);
    expect(lines.slice(-3)).toEqual(['[+]shutdown ok', 'readyz check passed', '']);
    expect(lines.filter((l) => l.startsWith('[+]'))).toHaveLength(23);
  });

  it('get apiservices prints AVAILABLE from the Available condition, with its reason when not True', async () => {
    const r = await kubectl('get', 'apiservices');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'NAME                     SERVICE                      AVAILABLE                  AGE',
        'v1.                      Local                        True                       30d',
        'v1.apps                  Local                        True                       30d',
        'v1.coordination.k8s.io   Local                        True                       30d',
        'v1beta1.metrics.k8s.io   kube-system/metrics-server   False (MissingEndpoints)   30d',
        '',
      ].join('\n'),
    );
  });

  it('get deploy,ds,sts prints each kind under its own header, as a real cluster does', async () => {
    const r = await kubectl('get', 'deploy,ds,sts', '-A');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'NAMESPACE     NAME                             READY   UP-TO-DATE   AVAILABLE   AGE',
        'kube-system   deployment.apps/coredns          2/2     2            2           30d',
        'kube-system   deployment.apps/metrics-server   0/1     1            0           30d',
        'shop          deployment.apps/api              1/1     1            1           9d',
        'shop          deployment.apps/worker           0/1     1            0           120m',
        '',
        'NAMESPACE     NAME                        DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE',
        'kube-system   daemonset.apps/kube-proxy   4         4         3       4            3           kubernetes.io/os=linux   30d',
        '',
        'NAMESPACE   NAME                     READY   AGE',
        'db          statefulset.apps/mysql   0/1     30d',
        'shop        statefulset.apps/cart    0/1     10m',
        '',
      ].join('\n'),
    );
    const wide = table((await kubectl('get', 'rs', '-n', 'kube-system', '-o', 'wide')).stdout);
    expect(wide.rows).toEqual([
      {
        NAME: 'coredns-7db6d8ff4d',
        DESIRED: '2',
        CURRENT: '2',
        READY: '2',
        AGE: '30d',
        CONTAINERS: 'coredns',
        IMAGES: 'registry.k8s.io/coredns/coredns:v1.11.3',
        SELECTOR: 'k8s-app=kube-dns,pod-template-hash=7db6d8ff4d',
      },
    ]);
  });

  it('get all expands the category to pods, services and the workload controllers', async () => {
    const r = await kubectl('get', 'all', '-n', 'kube-system');
    expect(r.stderr).toBe('');
    const names = r.stdout
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('NAME'))
      .map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual([
      'pod/coredns-7db6d8ff4d-7kb9x',
      'pod/kube-apiserver-cp-1',
      'service/kube-dns',
      'service/metrics-server',
      'daemonset.apps/kube-proxy',
      'deployment.apps/coredns',
      'deployment.apps/metrics-server',
      'replicaset.apps/coredns-7db6d8ff4d',
    ]);
  });

  it('services, endpoints and endpointslices print ports and addresses as kubectl does', async () => {
    const svc = table((await kubectl('get', 'svc', '-A', '-o', 'wide')).stdout);
    expect(svc.header).toEqual([
      'NAMESPACE',
      'NAME',
      'TYPE',
      'CLUSTER-IP',
      'EXTERNAL-IP',
      'PORT(S)',
      'AGE',
      'SELECTOR',
    ]);
    expect(svc.rows.find((row) => row.NAME === 'kube-dns')).toMatchObject({
      'CLUSTER-IP': '10.96.0.10',
      'EXTERNAL-IP': '<none>',
      'PORT(S)': '53/UDP,53/TCP,9153/TCP',
      SELECTOR: 'k8s-app=kube-dns',
    });
    expect(svc.rows.find((row) => row.NAME === 'web')).toMatchObject({ TYPE: 'NodePort', 'PORT(S)': '80:30080/TCP' });
    const ep = table((await kubectl('get', 'endpoints', '-n', 'kube-system')).stdout);
    expect(ep.rows).toEqual([
      { NAME: 'kube-dns', ENDPOINTS: '10.244.0.2:53,10.244.0.2:53,10.244.0.2:9153', AGE: '30d' },
      { NAME: 'metrics-server', ENDPOINTS: '<none>', AGE: '30d' },
    ]);
    const slices = table((await kubectl('get', 'endpointslices', '-n', 'kube-system')).stdout);
    expect(slices.rows).toEqual([
      { NAME: 'kube-dns-6x8kq', ADDRESSTYPE: 'IPv4', PORTS: '53,53,9153', ENDPOINTS: '10.244.0.2', AGE: '30d' },
    ]);
  });

  it('storage: claims, volumes and attachments', async () => {
    const pvc = table((await kubectl('get', 'pvc', '-A')).stdout);
    expect(pvc.header).toEqual([
      'NAMESPACE',
      'NAME',
      'STATUS',
      'VOLUME',
      'CAPACITY',
      'ACCESS MODES',
      'STORAGECLASS',
      'VOLUMEATTRIBUTESCLASS',
      'AGE',
    ]);
    expect(pvc.rows[0]).toEqual({
      NAMESPACE: 'db',
      NAME: 'data-mysql-0',
      STATUS: 'Bound',
      VOLUME: 'pvc-4b9e1c2a-7d1f-4e0b-9a8c-2f6d5e3b1a90',
      CAPACITY: '10Gi',
      'ACCESS MODES': 'RWO',
      STORAGECLASS: 'standard',
      VOLUMEATTRIBUTESCLASS: '<unset>',
      AGE: '30d',
    });
    const pv = table((await kubectl('get', 'pv')).stdout);
    expect(pv.rows[0]).toMatchObject({
      CAPACITY: '10Gi',
      'RECLAIM POLICY': 'Delete',
      STATUS: 'Bound',
      CLAIM: 'db/data-mysql-0',
    });
    const va = table((await kubectl('get', 'volumeattachments')).stdout);
    expect(va.rows[0]).toMatchObject({
      ATTACHER: 'disk.csi.example.com',
      NODE: 'worker-2',
      ATTACHED: 'true',
      AGE: '10d',
    });
  });

  it('events.k8s.io serves the same events in the new shape, selected by regarding.*', async () => {
    const r = await kubectl(
      'get',
      'events.v1.events.k8s.io',
      '-n',
      'shop',
      '--field-selector',
      'regarding.name=web-0',
      '-o',
      'json',
    );
    expect(r.stderr).toBe('');
    const list = JSON.parse(r.stdout) as { items: Record<string, unknown>[] };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      reason: 'FailedScheduling',
      type: 'Warning',
      regarding: { kind: 'Pod', name: 'web-0', namespace: 'shop' },
      deprecatedSource: { component: 'default-scheduler' },
      deprecatedCount: 3,
      eventTime: null,
    });
    expect(String(list.items[0]?.note)).toMatch(/^0\/4 nodes are available/);
    const printed = table((await kubectl('get', 'events.events.k8s.io', '-n', 'db')).stdout);
    expect(printed.header).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(printed.rows.map((row) => row.REASON)).toEqual(['Scheduled']);
  });

  it('api-resources lists the served resources with their short names', async () => {
    const r = table((await kubectl('api-resources')).stdout);
    const row = (name: string, apiVersion: string): Record<string, string> | undefined =>
      r.rows.find((x) => x.NAME === name && x.APIVERSION === apiVersion);
    expect(row('deployments', 'apps/v1')).toMatchObject({
      SHORTNAMES: 'deploy',
      NAMESPACED: 'true',
      KIND: 'Deployment',
    });
    expect(row('persistentvolumeclaims', 'v1')).toMatchObject({ SHORTNAMES: 'pvc' });
    expect(row('apiservices', 'apiregistration.k8s.io/v1')).toMatchObject({ NAMESPACED: 'false', KIND: 'APIService' });
  });
});
