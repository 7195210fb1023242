import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../src/drill/scenario.js';
import { pod, startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

const restarted = (terminated: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: 'main',
  image: 'app:1',
  imageID: '',
  ready: false,
  started: false,
  restartCount: 5,
  state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container' } },
  lastState: { terminated: { startedAt: 'now-10m', finishedAt: 'now-9m', ...terminated } },
  ...extra,
});

const objects = [
  // kubectl get pods printed STATUS OOMKilled and describe only "Reason: OOMKilled": no exit code (hmcts/cnp-flux-config#28772).
  pod(
    'status-oom',
    'app',
    { nodeName: 'worker-1' },
    {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'main',
          image: 'app:1',
          imageID: '',
          ready: false,
          restartCount: 4,
          state: { terminated: { reason: 'OOMKilled', startedAt: 'now-57s' } },
          lastState: { terminated: { reason: 'OOMKilled' } },
        },
      ],
    },
  ),
  pod(
    'oom',
    'app',
    {
      nodeName: 'worker-1',
      containers: [{ name: 'main', image: 'app:1', resources: { limits: { memory: '256Mi' } } }],
    },
    {
      phase: 'Running',
      containerStatuses: [restarted({ exitCode: 137, reason: 'OOMKilled' })],
    },
  ),
  pod(
    'error',
    'app',
    { nodeName: 'worker-1' },
    { phase: 'Running', containerStatuses: [restarted({ exitCode: 1, reason: 'Error' })] },
  ),
  pod(
    'segv',
    'app',
    { nodeName: 'worker-1' },
    { phase: 'Running', containerStatuses: [restarted({ exitCode: 139, reason: 'Error' })] },
  ),
  pod(
    'no-binary',
    'app',
    { nodeName: 'worker-1' },
    {
      phase: 'Running',
      containerStatuses: [
        restarted({
          exitCode: 128,
          reason: 'StartError',
          message:
            'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/server": stat /app/server: no such file or directory: unknown',
          startedAt: '1970-01-01T00:00:00Z',
          finishedAt: 'now-9m',
        }),
      ],
    },
  ),
  pod(
    'exits-zero',
    'app',
    { nodeName: 'worker-1' },
    { phase: 'Running', containerStatuses: [restarted({ exitCode: 0, reason: 'Completed' })] },
  ),
  pod(
    'steady',
    'app',
    { nodeName: 'worker-1' },
    {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'main',
          image: 'app:1',
          imageID: '',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: 'now-2d' } },
        },
      ],
    },
  ),
  // The init container failed; the app container never ran.
  pod(
    'init-fails',
    'app',
    { nodeName: 'worker-1', initContainers: [{ name: 'migrate', image: 'app:1' }] },
    {
      phase: 'Pending',
      initContainerStatuses: [
        {
          ...restarted({ exitCode: 2, reason: 'Error', startedAt: 'now-5m', finishedAt: 'now-298s' }),
          name: 'migrate',
        },
      ],
      containerStatuses: [
        {
          name: 'main',
          image: 'app:1',
          imageID: '',
          ready: false,
          started: false,
          restartCount: 0,
          state: { waiting: { reason: 'PodInitializing' } },
        },
      ],
    },
  ),
  // A sidecar crashed while the app container is healthy: asked about by name.
  pod(
    'sidecar',
    'app',
    {
      nodeName: 'worker-1',
      containers: [
        { name: 'main', image: 'app:1' },
        { name: 'proxy', image: 'envoy:1' },
      ],
    },
    {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'main',
          image: 'app:1',
          imageID: '',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: 'now-1h' } },
        },
        {
          ...restarted({ exitCode: 143, reason: 'Error', startedAt: 'now-40m', finishedAt: 'now-20m' }),
          name: 'proxy',
          ready: true,
          restartCount: 1,
          state: { running: { startedAt: 'now-20m' } },
        },
      ],
    },
  ),
];

describe('pod.last-termination on the drill cluster', () => {
  let t: TestDrill;
  beforeAll(async () => {
    const { scenario } = await loadScenarioFile('scenarios/pod-liveness-kills-slow-start.yaml');
    t = await startTestDrill({
      ...scenario,
      cluster: { nodes: [...scenario.cluster.nodes, { name: 'worker-1' }] as never },
      objects: [...scenario.objects, ...objects] as never,
    });
  });
  afterAll(() => t.close());

  it('Cloudpods host: SIGKILL after 300 s, not its own error', async () => {
    const r = await t.check('pod.last-termination', { namespace: 'onecloud', name: 'default-host-7xk2p' });
    expect(r.outcome).toBe('killed');
    expect(r.summary).toBe(
      'container host (23 restarts) was killed with SIGKILL after running 300 s (exit 137 = 128 + 9 (SIGKILL), reason Error): by the kubelet (liveness probe, grace period) or from outside, not by its own error',
    );
    expect(r.facts).toEqual({
      container: 'host',
      endedBy: 'is killed with SIGKILL',
      endedHow:
        'it was killed with SIGKILL (exit 137) from outside the program (the kubelet, the runtime or the kernel), with no OOMKilled recorded',
      restartCount: 23,
      exitCode: 137,
      terminationReason: 'Error',
      ranSeconds: 300,
      finishedAgoSeconds: 240,
      signal: 'SIGKILL',
      lastEnd: 'the last instance ended Error (exit 137 = 128 + 9 (SIGKILL)) after 300 s',
      limitText: 'its memory limit (the limit is not in the pod spec that was read)',
    });
    expect(r.evidence).toEqual([
      { label: 'container host', value: 'Error, exit 137 = 128 + 9 (SIGKILL), ran 300 s, ended 4m ago, 23 restarts' },
    ]);
  });

  it('a pasted STATUS OOMKilled with no exit code says the code was not recorded (hmcts/cnp-flux-config#28772)', async () => {
    const r = await t.check('pod.last-termination', { namespace: 'app', name: 'status-oom' });
    expect(r.outcome).toBe('oom-killed');
    expect(r.summary).toBe('container main was OOMKilled: it used more memory than its limit (exit not recorded)');
    expect(r.facts.lastEnd).toBe('the current instance ended OOMKilled (exit not recorded)');
    expect(r.facts.exitCode).toBeUndefined();
  });

  it.each([
    [
      'oom',
      {},
      'oom-killed',
      'container main (5 restarts) was OOMKilled after running 60 s: it used more memory than its limit (256Mi) (exit 137 = 128 + 9 (SIGKILL))',
      { memoryLimit: '256Mi', signal: 'SIGKILL' },
    ],
    [
      'error',
      {},
      'exited-error',
      'container main (5 restarts) exited with code 1 after running 60 s (Error): the program stopped on its own error',
      { exitCode: 1 },
    ],
    [
      'segv',
      {},
      'signaled',
      'container main (5 restarts) ended on SIGSEGV after running 60 s (exit 139 = 128 + 11 (SIGSEGV), reason Error)',
      { signal: 'SIGSEGV' },
    ],
    [
      'no-binary',
      {},
      'start-failed',
      'container main (5 restarts) could not be started (StartError 128): exec: "/app/server": stat /app/server: no such file or directory',
      // Not "exits by itself": the program never ran (microservices-demo#774's generic ending said so for ContainerCannotRun).
      { terminationReason: 'StartError', endedBy: 'cannot be started' },
    ],
    [
      'exits-zero',
      {},
      'exited-zero',
      'container main (5 restarts) exited with code 0 after running 60 s (Completed): it finished, which a long-running service should not',
      { exitCode: 0 },
    ],
    [
      'steady',
      {},
      'never-terminated',
      'container main has not ended since the pod started (0 restarts)',
      { restartCount: 0 },
    ],
    [
      'init-fails',
      {},
      'exited-error',
      'container migrate (5 restarts) exited with code 2 after running 2 s (Error): the program stopped on its own error',
      { container: 'migrate' },
    ],
    [
      'sidecar',
      {},
      'signaled',
      'container proxy (1 restart) ended on SIGTERM after running 1200 s (exit 143 = 128 + 15 (SIGTERM), reason Error)',
      { container: 'proxy' },
    ],
    [
      'sidecar',
      { container: 'main' },
      'never-terminated',
      'container main has not ended since the pod started (0 restarts)',
      { container: 'main' },
    ],
  ])('%s %o → %s', async (name, extra, outcome, summary, facts) => {
    const r = await t.check('pod.last-termination', { namespace: 'app', name, ...extra });
    expect(r.outcome).toBe(outcome);
    if (typeof summary === 'string') expect(r.summary).toBe(summary);
    else expect(r.summary).toMatch(summary);
    expect(r.facts).toMatchObject(facts);
  });

  it('shows the kubectl a human would type, narrowed to the named container', async () => {
    const r = await t.check('pod.last-termination', { namespace: 'app', name: 'sidecar', container: 'proxy' });
    expect(r.command).toBe(
      `kubectl get pod sidecar -n app -o jsonpath='{range .status.containerStatuses[?(@.name=="proxy")]}{.name}{"\\t"}{.restartCount}{"\\t"}{.lastState.terminated}{"\\n"}{end}'`,
    );
  });

  it('names the containers when asked for one the pod does not have', async () => {
    const r = await t.check('pod.last-termination', { namespace: 'app', name: 'sidecar', container: 'nginx' });
    expect(r.outcome).toBe('container-not-found');
    expect(r.evidence).toEqual([{ label: 'containers', value: 'main, proxy' }]);
  });
});
