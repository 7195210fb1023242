import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyLog, decisive } from '../../../src/checks/pod/logPatterns.js';
import { pod, startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';
import { startRestrictedDrill } from './restrictedDrill.js';

const running = (name: string, ready: boolean, restartCount = 0, extra: Record<string, unknown> = {}) => ({
  name,
  image: `registry.cn-beijing.aliyuncs.com/yunionio/${name}:v3.11.4`,
  imageID: '',
  ready,
  started: true,
  restartCount,
  state: { running: { startedAt: 'now-3m' } },
  ...extra,
});

const crashed = (name = 'main', restartCount = 6) => ({
  name,
  image: 'app:1',
  imageID: '',
  ready: false,
  started: false,
  restartCount,
  state: { waiting: { reason: 'CrashLoopBackOff' } },
  lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: 'now-5m', finishedAt: 'now-4m' } },
});

/** Cloudpods' host pod after a restart: 2/3 ready, the host container is the one that is not. */
const cloudpodsHost = pod(
  'default-host-xc2t5',
  'onecloud',
  {
    nodeName: 'office-03-host01',
    containers: [
      { name: 'host', image: 'registry.cn-beijing.aliyuncs.com/yunionio/host:v3.11.4' },
      { name: 'ovn-controller', image: 'registry.cn-beijing.aliyuncs.com/yunionio/openvswitch:v3.11.4' },
      { name: 'sdnagent', image: 'registry.cn-beijing.aliyuncs.com/yunionio/sdnagent:v3.11.4' },
    ],
  },
  {
    phase: 'Running',
    containerStatuses: [
      running('host', false, 3, {
        lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: 'now-8m', finishedAt: 'now-4m' } },
      }),
      running('ovn-controller', true),
      running('sdnagent', true),
    ],
  },
);

const hostStartup = [
  'now-8m [info 250312 08:01:02 host.(*SHostService).RunService(host_services.go:85)] Host service start...',
  'now-8m [info 250312 08:01:02 hostinfo.(*SHostInfo).Init(hostinfo.go:174)] set io scheduler of sda to mq-deadline',
  'now-8m [info 250312 08:01:03 hostinfo.(*SHostInfo).prepareEnv(hostinfo.go:402)] check kernel module nbd',
  'now-8m modprobe: FATAL: Module nbd not found in directory /lib/modules/5.15.0-105-generic',
  'now-8m [error 250312 08:01:03 hostinfo.(*SHostInfo).prepareEnv(hostinfo.go:409)] load kernel module nbd: exit status 1',
  'now-8m [fatal 250312 08:01:03 host.(*SHostService).RunService(host_services.go:92)] Host instance init failed: prepare env: modprobe nbd: exit status 1',
];

const objects = [
  cloudpodsHost,
  pod('api', 'app', { nodeName: 'worker-1' }, { phase: 'Running', containerStatuses: [crashed()] }),
  pod('worker', 'app', { nodeName: 'worker-1' }, { phase: 'Running', containerStatuses: [crashed()] }),
  pod('kvm', 'app', { nodeName: 'worker-1' }, { phase: 'Running', containerStatuses: [crashed()] }),
  pod('db-client', 'app', { nodeName: 'worker-1' }, { phase: 'Running', containerStatuses: [crashed()] }),
  pod('storage', 'app', { nodeName: 'worker-1' }, { phase: 'Running', containerStatuses: [crashed()] }),
  pod('noisy', 'app', { nodeName: 'worker-1' }, { phase: 'Running', containerStatuses: [running('main', true)] }),
  pod('quiet', 'app', { nodeName: 'worker-1' }, { phase: 'Running', containerStatuses: [running('main', true)] }),
  pod(
    'creating',
    'app',
    { nodeName: 'worker-1' },
    {
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'main',
          image: 'app:1',
          imageID: '',
          ready: false,
          started: false,
          restartCount: 0,
          state: { waiting: { reason: 'ContainerCreating' } },
        },
      ],
    },
  ),
];

const logs = [
  { namespace: 'onecloud', pod: 'default-host-xc2t5', container: 'host', previous: true, lines: hostStartup },
  { namespace: 'onecloud', pod: 'default-host-xc2t5', container: 'host', lines: hostStartup.slice(0, 3) },
  {
    namespace: 'onecloud',
    pod: 'default-host-xc2t5',
    container: 'ovn-controller',
    lines: ['2025-03-12T08:01:05.120Z|00012|binding|INFO|Claiming lport 4f1c for this chassis.'],
  },
  {
    namespace: 'app',
    pod: 'api',
    container: 'main',
    previous: true,
    lines: [
      'time="2025-03-12T08:01:02Z" level=info msg="starting api on :8080"',
      'panic: runtime error: invalid memory address or nil pointer dereference',
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x6d2b4f]',
      '',
      'goroutine 1 [running]:',
      'main.(*Server).routes(0x0)',
    ],
  },
  {
    namespace: 'app',
    pod: 'worker',
    container: 'main',
    previous: true,
    lines: [
      'time="2025-03-12T08:01:02Z" level=info msg="connecting to queue"',
      'time="2025-03-12T08:01:32Z" level=error msg="dial tcp 10.96.14.7:5672: connect: connection refused"',
      'time="2025-03-12T08:01:32Z" level=fatal msg="cannot start consumer"',
    ],
  },
  {
    namespace: 'app',
    pod: 'kvm',
    container: 'main',
    previous: true,
    lines: ['[error 250312 08:01:03 kvm.go:55] open /dev/kvm: permission denied'],
  },
  {
    namespace: 'app',
    pod: 'db-client',
    container: 'main',
    previous: true,
    lines: [
      '2025-03-12 08:01:02 INFO  migrating schema',
      'dial tcp: lookup mysql.db.svc.cluster.local on 10.96.0.10:53: no such host',
    ],
  },
  {
    namespace: 'app',
    pod: 'storage',
    container: 'main',
    previous: true,
    lines: [
      'I0312 08:01:02.000000       1 main.go:40] version 1.4.2',
      'F0312 08:01:03.120000       1 main.go:61] failed to initialize storage backend "ceph": timeout after 30s',
    ],
  },
  {
    namespace: 'app',
    pod: 'noisy',
    container: 'main',
    lines: [
      'I0312 08:01:02.000000       1 main.go:40] serving',
      'E0312 08:04:02.000000       1 cache.go:77] cache miss for key user:17, refilling',
    ],
  },
  {
    namespace: 'app',
    pod: 'quiet',
    container: 'main',
    lines: ['listening on :8080', 'GET /healthz 200', 'GET /healthz 200'],
  },
];

describe('pod.logs on the drill cluster', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { nodes: [{ name: 'office-03-host01' }, { name: 'worker-1' }] as never },
      objects: objects as never,
      logs: logs as never,
    });
  });
  afterAll(() => t.close());

  it('Cloudpods host (2/3 ready): reads the host container, previous and current, and names the missing nbd module', async () => {
    const r = await t.check('pod.logs', { namespace: 'onecloud', name: 'default-host-xc2t5' });
    expect(r.outcome).toBe('missing-binary-or-module');
    expect(r.summary).toBe(
      'the previous instance of container host is missing kernel module nbd: modprobe: FATAL: Module nbd not found in directory /lib/modules/5.15.0-105-generic',
    );
    expect(r.facts).toEqual({
      container: 'host',
      logClass: 'missing-binary-or-module',
      logLine: 'modprobe: FATAL: Module nbd not found in directory /lib/modules/5.15.0-105-generic',
      logInstance: 'previous',
      logDetail: 'kernel module nbd',
      logTailLines: 9,
    });
    expect(r.evidence[0]).toEqual({
      label: 'previous · missing-binary-or-module',
      value: 'modprobe: FATAL: Module nbd not found in directory /lib/modules/5.15.0-105-generic',
    });
    expect(r.evidence).toContainEqual({
      label: 'previous · startup-step-failed',
      value:
        '[fatal 250312 08:01:03 host.(*SHostService).RunService(host_services.go:92)] Host instance init failed: prepare env: modprobe nbd: exit status 1',
    });
    expect(r.evidence.length).toBeLessThanOrEqual(8);
    expect(r.command).toBe(
      'kubectl logs default-host-xc2t5 -n onecloud --tail=200 && kubectl logs default-host-xc2t5 -n onecloud --tail=200 --previous',
    );
  });

  it('reads only the container it is told to, with its own command', async () => {
    const r = await t.check('pod.logs', {
      namespace: 'onecloud',
      name: 'default-host-xc2t5',
      container: 'ovn-controller',
      tailLines: '50',
    });
    expect(r.outcome).toBe('no-failure-pattern');
    expect(r.facts).toEqual({ container: 'ovn-controller', logTailLines: 1 });
    expect(r.command).toBe(
      'kubectl logs default-host-xc2t5 -n onecloud -c ovn-controller --tail=50 && kubectl logs default-host-xc2t5 -n onecloud -c ovn-controller --tail=50 --previous',
    );
  });

  it.each([
    [
      'api',
      'panic',
      'the previous instance of container main crashed with a panic or unhandled exception: panic: runtime error: invalid memory address or nil pointer dereference',
      {},
    ],
    [
      'worker',
      'dependency-unreachable',
      'the previous instance of container main cannot reach a dependency (10.96.14.7:5672): time="2025-03-12T08:01:32Z" level=error msg="dial tcp 10.96.14.7:5672: connect: connection refused"',
      { logDetail: '10.96.14.7:5672' },
    ],
    [
      'kvm',
      'permission-denied',
      'the previous instance of container main was denied access to /dev/kvm: [error 250312 08:01:03 kvm.go:55] open /dev/kvm: permission denied',
      { logDetail: '/dev/kvm' },
    ],
    [
      'db-client',
      'dependency-unreachable',
      'the previous instance of container main cannot reach a dependency (mysql.db.svc.cluster.local): dial tcp: lookup mysql.db.svc.cluster.local on 10.96.0.10:53: no such host',
      {},
    ],
    [
      'storage',
      'startup-step-failed',
      'a start-up step of the previous instance of container main failed: F0312 08:01:03.120000       1 main.go:61] failed to initialize storage backend "ceph": timeout after 30s',
      { logDetail: 'failed to initialize storage backend "ceph": timeout after 30s' },
    ],
    [
      'noisy',
      'error-lines',
      'container main logged errors; the last: E0312 08:04:02.000000       1 cache.go:77] cache miss for key user:17, refilling',
      { logInstance: 'current' },
    ],
    [
      'quiet',
      'no-failure-pattern',
      "no known failure pattern in the last 3 lines of container main's current log",
      { logTailLines: 3 },
    ],
    ['creating', 'no-logs', 'container main has not started yet (ContainerCreating): there is no log to read', {}],
  ])('%s → %s', async (name, outcome, summary, facts) => {
    const r = await t.check('pod.logs', { namespace: 'app', name });
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toBe(summary);
    expect(r.facts).toMatchObject(facts);
  });

  it('reports a missing pod as not-found', async () => {
    expect((await t.check('pod.logs', { namespace: 'app', name: 'ghost' })).outcome).toBe('not-found');
  });
});

describe('log classifier', () => {
  it.each([
    [
      'exec: "qemu-system-x86_64": executable file not found in $PATH',
      'missing-binary-or-module',
      'qemu-system-x86_64',
    ],
    ['/bin/sh: 1: ovs-vsctl: not found', 'missing-binary-or-module', 'ovs-vsctl'],
    ['ovs-vsctl: command not found', 'missing-binary-or-module', 'ovs-vsctl'],
    [
      './server: error while loading shared libraries: libssl.so.1.1: cannot open shared object file: No such file or directory',
      'missing-binary-or-module',
      'libssl.so.1.1',
    ],
    ["ModuleNotFoundError: No module named 'yaml'", 'missing-binary-or-module', 'python module yaml'],
    ["Error: Cannot find module 'express'", 'missing-binary-or-module', 'node module express'],
    ['Traceback (most recent call last):', 'panic', undefined],
    ['Error: connect ECONNREFUSED 10.96.3.4:6379', 'dependency-unreachable', '10.96.3.4:6379'],
    ["ERROR 2003 (HY000): Can't connect to MySQL server on 'mysql' (111)", 'dependency-unreachable', 'mysql'],
    ['mkdir /var/lib/data: read-only file system', 'permission-denied', undefined],
    [
      'time="2025-03-12T08:01:32Z" level=fatal msg="init ovs bridge br0: database connection failed"',
      'startup-step-failed',
      'init ovs bridge br0: database connection failed',
    ],
    ['level=info msg="0 errors, no error"', undefined, undefined],
    // Cloudpods host-agent lines (yunion log format, long date once its config is read).
    [
      '[error 2025-10-22 03:14:07 hostinfo.(*SHostInfo).detectQemuVersion(hostinfo.go:558)] exec: "/usr/local/qemu-4.2.0/bin/qemu-system-x86_64": stat /usr/local/qemu-4.2.0/bin/qemu-system-x86_64: no such file or directory',
      'missing-binary-or-module',
      '/usr/local/qemu-4.2.0/bin/qemu-system-x86_64',
    ],
    [
      '[error 2025-10-22 03:14:07 hostbridge.(*SOVSBridgeDriver).Exists(ovs.go:62)] ovs-vsctl: unix:/var/run/openvswitch/db.sock: database connection failed (No such file or directory)',
      'dependency-unreachable',
      'ovsdb unix:/var/run/openvswitch/db.sock',
    ],
    [
      '[fatal 2025-10-22 03:14:08 hostman.(*SHostService).RunService(host_services.go:118)] Storage manager init error: Failed to activate nbd device: exit status 1',
      'startup-step-failed',
      'Storage manager init error: Failed to activate nbd device: exit status 1',
    ],
    [
      '[error 2025-10-22 03:14:07 cgrouputils.Init(cgroup.go:812)] cgroup cpuset is not mounted',
      'error-lines',
      undefined,
    ],
    ['curl: (6) Could not resolve host: rancher.example.com', 'dependency-unreachable', 'rancher.example.com'],
    [
      '2025-10-22T03:14:07.123Z|00012|reconnect|INFO|tcp:10.0.0.5:32242: connection attempt failed (Connection refused)',
      'dependency-unreachable',
      'tcp:10.0.0.5:32242',
    ],
  ])('%s → %s', (line, cls, detail) => {
    const m = decisive(classifyLog(line));
    expect(m?.class).toBe(cls);
    expect(m?.detail).toBe(detail);
  });

  it('ignores the kubelet timestamp prefix and keeps the program text', () => {
    expect(classifyLog('2025-03-12T08:01:03.123456789Z panic: boom')).toEqual([
      { class: 'panic', line: 'panic: boom', index: 0, detail: 'boom' },
    ]);
  });
});

describe('pod.logs when the API refuses or hangs', () => {
  const objs = [pod('api', 'app', { nodeName: 'worker-1' }, { phase: 'Running', containerStatuses: [crashed()] })];

  it('turns a forbidden pods/log into the error outcome, naming the subresource', async () => {
    const d = await startRestrictedDrill({
      nodes: [{ name: 'worker-1' }],
      objects: objs,
      denials: [{ verb: 'get', resource: 'pods/log', namespace: 'app' }],
    });
    try {
      const r = await d.check('pod.logs', { namespace: 'app', name: 'api' });
      expect(r.outcome).toBe('error');
      expect(r.summary).toBe(
        'forbidden: pods "api" is forbidden: User "drill-admin" cannot get resource "pods/log" in API group "" in the namespace "app"',
      );
    } finally {
      await d.close();
    }
  });

  it('gives up at its timeout when the kubelet never answers', async () => {
    const d = await startRestrictedDrill({
      nodes: [{ name: 'worker-1' }],
      objects: objs,
      apiFaults: [{ resource: 'pods/log', kind: 'hang' }],
    });
    try {
      const r = await d.check('pod.logs', { namespace: 'app', name: 'api' }, 500);
      expect(r.outcome).toBe('error');
      expect(r.facts.errorKind).toBe('timeout');
    } finally {
      await d.close();
    }
  });
});
