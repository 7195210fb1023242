import { describe, expect, it } from 'vitest';
import { crashLoopingContainer, startTestDrill } from '../../helpers/drill.js';

// etcd restarts it did not cause: the kubelet stops it. Verbatim lines and events from the threads cited per case.

/** kubeadm's etcd pod on cp-1 with these restarts, its current state and its previous end. */
function etcdPod(status: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'etcd-cp-1',
      namespace: 'kube-system',
      labels: { component: 'etcd', tier: 'control-plane' },
      creationTimestamp: 'now-16h',
    },
    spec: {
      nodeName: 'cp-1',
      hostNetwork: true,
      containers: [{ name: 'etcd', image: 'registry.k8s.io/etcd:3.5.3-0' }],
    },
    status,
  };
}

const crashLooping = {
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'False' }],
  containerStatuses: [
    crashLoopingContainer({
      name: 'etcd',
      image: 'registry.k8s.io/etcd:3.5.3-0',
      restartCount: 6,
      exitCode: 0,
      reason: 'Completed',
      started: 'now-2m',
      finished: 'now-1m',
    }),
  ],
};

const readyAfterRestarts = {
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'True' }],
  containerStatuses: [
    {
      name: 'etcd',
      image: 'registry.k8s.io/etcd:3.5.3-0',
      imageID: '',
      ready: true,
      restartCount: 162,
      state: { running: { startedAt: 'now-11m' } },
      lastState: { terminated: { exitCode: 0, reason: 'Completed', startedAt: 'now-25m', finishedAt: 'now-22m' } },
    },
  ],
};

function podEvent(reason: string, message: string, count: number, type = 'Normal'): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `etcd-cp-1.${reason.toLowerCase()}`, namespace: 'kube-system' },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'etcd-cp-1', namespace: 'kube-system' },
    reason,
    message,
    source: { component: 'kubelet', host: 'cp-1' },
    firstTimestamp: 'now-16h',
    lastTimestamp: 'now-11m',
    count,
    type,
  };
}

const cluster = {
  generate: { controlPlanes: 0, workers: 0, addons: false },
  nodes: [{ name: 'cp-1', role: 'control-plane' }],
};

async function etcdCheck(objects: Record<string, unknown>[], previous?: string[]) {
  const t = await startTestDrill({
    cluster: cluster as never,
    objects: objects as never,
    ...(previous
      ? { logs: [{ namespace: 'kube-system', pod: 'etcd-cp-1', container: 'etcd', previous: true, lines: previous }] }
      : {}),
  });
  try {
    return await t.check('cluster.etcd', {});
  } finally {
    await t.close();
  }
}

describe('cluster.etcd: etcd stopped by the kubelet, not failing', () => {
  it('SandboxChanged over and over on a Ready etcd with many restarts: sandbox-recreated (kubernetes/kubernetes#110177)', async () => {
    const r = await etcdCheck([
      etcdPod(readyAfterRestarts),
      podEvent('Killing', 'Stopping container etcd', 184),
      // kubernetes/kubernetes#110177, the etcd pod's events on Ubuntu 22.04 (Congelli501)
      podEvent('SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.', 186),
      podEvent('BackOff', 'Back-off restarting failed container', 2935, 'Warning'),
    ]);
    expect(r.outcome).toBe('sandbox-recreated');
    expect(r.facts).toMatchObject({ restarts: 162, sandboxChanges: 186, livenessKills: 0 });
    expect(r.summary).toContain('186 times');
    // Never "no restarts" of a pod the check counted 162 restarts on.
    expect(r.summary).not.toContain('no restarts');
  });

  it('a failing liveness probe beside the sandbox changes is not called a sandbox problem', async () => {
    const r = await etcdCheck([
      etcdPod(readyAfterRestarts),
      podEvent('SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.', 4),
      podEvent('Killing', 'Container etcd failed liveness probe, will be restarted', 12),
    ]);
    expect(r.outcome).not.toBe('sandbox-recreated');
  });

  it.each([
    [
      'kubernetes/kubernetes#107892 (containerd log form, Ubuntu 21.10)',
      [
        '2022-02-01T00:00:19.859266315Z stderr F {"level":"info","ts":"2022-02-01T00:00:19.859Z","caller":"embed/serve.go:188","msg":"serving client traffic securely","address":"192.168.77.100:2379"}',
        '2022-02-01T00:00:30.184769731Z stderr F {"level":"info","ts":"2022-02-01T00:00:30.184Z","caller":"osutil/interrupt_unix.go:64","msg":"received signal; shutting down","signal":"terminated"}',
      ],
    ],
    [
      'etcd-io/etcd#17467 (kubeadm 1.29, containerd 1.7.2, Ubuntu 22.04)',
      [
        '{"level":"info","ts":"2024-02-16T00:19:30.697097Z","caller":"embed/serve.go:250","msg":"serving client traffic securely","traffic":"grpc+http","address":"127.0.0.1:2379"}',
        '{"level":"info","ts":"2024-02-16T00:19:35.711928Z","caller":"osutil/interrupt_unix.go:64","msg":"received signal; shutting down","signal":"terminated"}',
      ],
    ],
    [
      'etcd-io/etcd#15941 (a shipper\'s "message" key)',
      [
        '{"caller":"osutil/interrupt_unix.go:64","message":"received signal; shutting down",,"service_id":"etcd","severity":"info","signal":"terminated","timestamp":"2023-05-19T09:39:38.931+02:00","version":"1.2.0"}',
      ],
    ],
  ])('its previous log ends on the SIGTERM shutdown: stopped-by-signal, %s', async (_thread, lines) => {
    const r = await etcdCheck([etcdPod(crashLooping)], lines);
    expect(r.outcome).toBe('stopped-by-signal');
    expect(r.facts).toMatchObject({ restarts: 6, sandboxChanges: 0, livenessKills: 0 });
    expect(String(r.facts.logLine)).toContain('received signal; shutting down');
    expect(r.summary).toContain('terminated');
  });

  it('slow applies before the signal keep the slow-disk path (a liveness kill is the likelier reason)', async () => {
    const r = await etcdCheck(
      [etcdPod(crashLooping)],
      [
        // k3s-io/k3s#2853's slow fdatasync, then the shutdown
        '{"level":"warn","ts":"2021-01-25T06:42:36.000+0100","caller":"wal/wal.go:806","msg":"slow fdatasync","took":"7.454439372s","expected-duration":"1s"}',
        '{"level":"info","ts":"2024-02-16T00:19:35.711928Z","caller":"osutil/interrupt_unix.go:64","msg":"received signal; shutting down","signal":"terminated"}',
      ],
    );
    expect(r.outcome).not.toBe('stopped-by-signal');
  });
});
