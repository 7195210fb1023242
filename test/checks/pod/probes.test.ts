import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../src/drill/scenario.js';
import { event, pod, startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';
import { startRestrictedDrill } from './restrictedDrill.js';

const probe = (extra: Record<string, unknown> = {}) => ({ httpGet: { path: '/healthz', port: 8080 }, ...extra });

const objects = [
  // Killed while starting, behind a startupProbe: 30×10 = 300 s allowed, 290 s run.
  pod(
    'slow-startup',
    'app',
    {
      nodeName: 'worker-1',
      containers: [
        {
          name: 'main',
          image: 'app:1',
          startupProbe: probe({ periodSeconds: 10, failureThreshold: 30 }),
          livenessProbe: probe(),
        },
      ],
    },
    {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'main',
          image: 'app:1',
          imageID: '',
          ready: false,
          started: false,
          restartCount: 4,
          state: { running: { startedAt: 'now-1m' } },
          lastState: { terminated: { exitCode: 137, reason: 'Error', startedAt: 'now-7m', finishedAt: 'now-130s' } },
        },
      ],
    },
  ),
  event(
    'app',
    'slow-startup',
    'Warning',
    'Unhealthy',
    'Startup probe failed: Get "http://10.244.1.9:8080/healthz": dial tcp 10.244.1.9:8080: connect: connection refused',
    120,
    'now-2m',
  ),
  event(
    'app',
    'slow-startup',
    'Normal',
    'Killing',
    'Container main failed startup probe, will be restarted',
    4,
    'now-2m',
  ),

  // Ran for hours, then deadlocked: liveness kills a container that had started.
  pod(
    'deadlock',
    'app',
    {
      nodeName: 'worker-1',
      containers: [{ name: 'main', image: 'app:1', livenessProbe: probe({ periodSeconds: 10, failureThreshold: 3 }) }],
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
          restartCount: 2,
          state: { running: { startedAt: 'now-5m' } },
          lastState: { terminated: { exitCode: 137, reason: 'Error', startedAt: 'now-3h', finishedAt: 'now-6m' } },
        },
      ],
    },
  ),
  event(
    'app',
    'deadlock',
    'Warning',
    'Unhealthy',
    'Liveness probe failed: Get "http://10.244.1.10:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
    6,
    'now-6m',
  ),
  event('app', 'deadlock', 'Normal', 'Killing', 'Container main failed liveness probe, will be restarted', 2, 'now-6m'),

  // Failing now and then, never three in a row.
  pod(
    'flaky',
    'app',
    { nodeName: 'worker-1', containers: [{ name: 'main', image: 'app:1', livenessProbe: probe() }] },
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
          state: { running: { startedAt: 'now-2h' } },
        },
      ],
    },
  ),
  event(
    'app',
    'flaky',
    'Warning',
    'Unhealthy',
    'Liveness probe failed: HTTP probe failed with statuscode: 503',
    2,
    'now-10m',
  ),

  pod(
    'not-ready',
    'app',
    { nodeName: 'worker-1', containers: [{ name: 'main', image: 'app:1', readinessProbe: probe() }] },
    {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'main',
          image: 'app:1',
          imageID: '',
          ready: false,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: 'now-2h' } },
        },
      ],
    },
  ),
  event(
    'app',
    'not-ready',
    'Warning',
    'Unhealthy',
    'Readiness probe failed: HTTP probe failed with statuscode: 500',
    40,
    'now-1m',
  ),

  // Ready after 100 s with 120 s allowed: it fits, barely.
  pod(
    'tight',
    'app',
    {
      nodeName: 'worker-1',
      containers: [
        {
          name: 'main',
          image: 'app:1',
          livenessProbe: probe({ initialDelaySeconds: 60, periodSeconds: 20, failureThreshold: 3 }),
        },
      ],
    },
    {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: 'now-1100s' }],
      containerStatuses: [
        {
          name: 'main',
          image: 'app:1',
          imageID: '',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: 'now-20m' } },
        },
      ],
    },
  ),

  pod(
    'fine',
    'app',
    {
      nodeName: 'worker-1',
      containers: [{ name: 'main', image: 'app:1', livenessProbe: probe({ initialDelaySeconds: 30 }) }],
    },
    {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: 'now-1190s' }],
      containerStatuses: [
        {
          name: 'main',
          image: 'app:1',
          imageID: '',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: 'now-20m' } },
        },
      ],
    },
  ),
  // emberstack/kubernetes-reflector#426 (AKS): only the events were pasted, so the spec shows no probe.
  pod(
    'events-only',
    'app',
    { nodeName: 'worker-1', containers: [{ name: 'reflector', image: 'emberstack/kubernetes-reflector:7.1.262' }] },
    {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'reflector',
          image: 'r',
          imageID: '',
          ready: false,
          started: false,
          restartCount: 1,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
        },
      ],
    },
  ),
  event(
    'app',
    'events-only',
    'Normal',
    'Killing',
    'Container reflector failed startup probe, will be restarted',
    1,
    'now-11m',
  ),
  event(
    'app',
    'events-only',
    'Warning',
    'Unhealthy',
    'Startup probe failed: Get "http://10.7.5.70:25080/healthz": dial tcp 10.7.5.70:25080: connect: connection refused',
    53,
    'now-7m',
  ),
  // helm/helm#1833 (1.5): the kill before kubelets named the probe.
  pod(
    'old-wording',
    'app',
    { nodeName: 'worker-1', containers: [{ name: 'tiller', image: 'tiller:v2.1.3' }] },
    {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'tiller',
          image: 't',
          imageID: '',
          ready: false,
          restartCount: 5,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
        },
      ],
    },
  ),
  event(
    'app',
    'old-wording',
    'Normal',
    'Killing',
    'Killing container with docker id 0f2583248a73: pod "tiller-deploy-3299276078-5kx5w_kube-system(8a2bb598-dd8b-11e6-8b84-0050568da433)" container "tiller" is unhealthy, it will be killed and re-created.',
    1,
    'now-1m',
  ),
  // sockudo/sockudo#273: the server started and serves; the startup probe asks for a path it does not have.
  pod(
    'wrong-path',
    'app',
    {
      nodeName: 'worker-1',
      containers: [
        { name: 'main', image: 'sockudo/sockudo:3.2.1', startupProbe: { httpGet: { path: '/live', port: 6001 } } },
      ],
    },
    {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'main',
          image: 's',
          imageID: '',
          ready: false,
          started: false,
          restartCount: 2,
          state: { running: { startedAt: 'now-1m' } },
          lastState: { terminated: { exitCode: 137, reason: 'Error', startedAt: 'now-4m', finishedAt: 'now-90s' } },
        },
      ],
    },
  ),
  event(
    'app',
    'wrong-path',
    'Warning',
    'Unhealthy',
    'Startup probe failed: HTTP probe failed with statuscode: 404',
    6,
    'now-2m',
  ),
  event(
    'app',
    'wrong-path',
    'Normal',
    'Killing',
    'Container main failed startup probe, will be restarted',
    2,
    'now-90s',
  ),
  pod(
    'bare',
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
          state: { running: { startedAt: 'now-20m' } },
        },
      ],
    },
  ),
];

describe('pod.probes on the drill cluster', () => {
  let t: TestDrill;
  beforeAll(async () => {
    // The Cloudpods incident as the bundled scenario encodes it, plus the killed instance's last log line.
    const { scenario } = await loadScenarioFile('scenarios/pod-liveness-kills-slow-start.yaml');
    t = await startTestDrill({
      ...scenario,
      cluster: { nodes: [...scenario.cluster.nodes, { name: 'worker-1' }] as never },
      objects: [...scenario.objects, ...objects] as never,
      logs: [
        {
          namespace: 'onecloud',
          pod: 'default-host-7xk2p',
          container: 'host',
          previous: true,
          lines: [
            'now-9m [info 250312 08:01:02 hostinfo.(*SHostInfo).Init(hostinfo.go:174)] init GPU passthrough',
            'now-243s [info 250312 08:05:59 isolated_device.go:412] binding 0000:3b:00.0 to vfio-pci',
          ],
        },
      ],
    });
  });
  afterAll(() => t.close());

  it('Cloudpods host: the liveness probe kills the container before GPU initialisation ends, with the numbers', async () => {
    const r = await t.check('pod.probes', { namespace: 'onecloud', name: 'default-host-7xk2p' });
    expect(r.outcome).toBe('probe-kills-before-start');
    expect(r.summary).toBe('liveness allows 210 s (120 + 3×30); the container ran 300 s and was killed 23 times');
    expect(r.facts).toMatchObject({
      container: 'host',
      probeKind: 'liveness',
      toleranceSeconds: 210,
      initialDelaySeconds: 120,
      periodSeconds: 30,
      failureThreshold: 3,
      ranSeconds: 300,
      killCount: 23,
      probeFailures: 69,
      restartCount: 23,
      suggestedStartupPeriodSeconds: 10,
      suggestedStartupFailureThreshold: 60,
      suggestedLivenessFailureThreshold: 16,
    });
    expect(r.facts.eventMessage).toMatch(/^Liveness probe failed: Get "http:\/\/10\.0\.0\.11:8885\/ping"/);
    expect(r.evidence).toContainEqual({
      label: 'livenessProbe',
      value: 'initialDelaySeconds 120, periodSeconds 30, failureThreshold 3: 210 s (120 + 3×30)',
    });
    expect(r.evidence).toContainEqual({
      label: "previous instance's last log line (3 s before it ended)",
      value: '[info 250312 08:05:59 isolated_device.go:412] binding 0000:3b:00.0 to vfio-pci',
    });
    expect(r.evidence.find((e) => e.label === 'Killing ×23')?.value).toMatch(
      /Container host failed liveness probe, will be restarted$/,
    );
    expect(r.command).toContain(
      "kubectl get pod default-host-7xk2p -n onecloud -o jsonpath='{range .spec.containers[*]}",
    );
  });

  it.each([
    [
      'slow-startup',
      'startup-kills',
      'the startup probe killed container main before it reported started (killed 4 times): startup allows 300 s (0 + 30×10), the instance ran 290 s',
      { probeKind: 'startup', toleranceSeconds: 300, killCount: 4, ranSeconds: 290 },
    ],
    [
      'deadlock',
      'liveness-kills-running',
      'liveness allows 30 s (0 + 3×10), but the container ran 10440 s before it was killed: it started, then stopped answering its liveness probe (killed 2 times)',
      { killCount: 2, ranSeconds: 10440 },
    ],
    [
      'flaky',
      'liveness-failing',
      'the liveness probe failed 2 times but has not killed container main (it needs 3 failures in a row)',
      { killCount: 0, probeFailures: 2 },
    ],
    [
      'not-ready',
      'readiness-failing',
      'container main runs but its readiness probe failed 40 times: Readiness probe failed: HTTP probe failed with statuscode: 500',
      {},
    ],
    [
      'tight',
      'tolerance-tight',
      'liveness allows 120 s (60 + 3×20) and start-up took 100 s: a slightly slower start will be killed',
      { startupSeconds: 100, toleranceSeconds: 120 },
    ],
    [
      'fine',
      'probes-ok',
      'liveness allows 60 s (30 + 3×10) and no probe has failed or killed container main',
      { startupSeconds: 10 },
    ],
    [
      'events-only',
      'startup-kills',
      'the startup probe killed container reflector before it reported started (killed once)',
      {
        killCount: 1,
        killTimes: 'once',
        probeAllowance: 'The probe settings are not in the pod spec that was read, so how long it allows is not known',
      },
    ],
    [
      'old-wording',
      'liveness-kills',
      'the liveness probe killed container tiller (killed once); the probe settings are not in the spec that was read, so start-up time cannot be compared with them',
      { killCount: 1 },
    ],
    [
      'wrong-path',
      'probe-fails-running-app',
      'the startup probe fails against a program that is up (the probe got an answer (HTTP probe failed with statuscode: 404): a server runs there); it was killed 2 times',
      { probeKind: 'startup', probeFailureClass: 'wrong-answer' },
    ],
    ['bare', 'no-probes', 'container main has no probes: the kubelet never restarts it for being slow', {}],
  ])('%s → %s', async (name, outcome, summary, facts) => {
    const r = await t.check('pod.probes', { namespace: 'app', name });
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toBe(summary);
    expect(r.facts).toMatchObject(facts);
  });

  it('says which container it means when asked for one that does not exist', async () => {
    const r = await t.check('pod.probes', { namespace: 'onecloud', name: 'default-host-7xk2p', container: 'gpu' });
    expect(r.outcome).toBe('container-not-found');
    expect(r.evidence).toEqual([{ label: 'containers', value: 'host, ovn-controller, sdnagent' }]);
  });

  it('reports a missing pod as not-found', async () => {
    const r = await t.check('pod.probes', { namespace: 'app', name: 'ghost' });
    expect(r.outcome).toBe('not-found');
  });
});

describe('pod.probes when the log is out of reach', () => {
  it('still decides from the spec, the status and the events; the log line is only support', async () => {
    const { scenario } = await loadScenarioFile('scenarios/pod-liveness-kills-slow-start.yaml');
    const d = await startRestrictedDrill({
      nodes: scenario.cluster.nodes,
      objects: scenario.objects,
      denials: [{ verb: 'get', resource: 'pods/log' }],
    });
    try {
      const r = await d.check('pod.probes', { namespace: 'onecloud', name: 'default-host-7xk2p' });
      expect(r.outcome).toBe('probe-kills-before-start');
      expect(r.facts.lastLogLine).toBeUndefined();
    } finally {
      await d.close();
    }
  });
});
