import { describe, expect, it } from 'vitest';
import { startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';
import { lease, runWithin, systemPod } from './helpers.js';

const kcm = (o: Partial<Parameters<typeof systemPod>[1]> = {}) =>
  systemPod('kube-controller-manager-cp-1', {
    node: 'cp-1',
    labels: { component: 'kube-controller-manager', tier: 'control-plane' },
    container: 'kube-controller-manager',
    ...o,
  });

const crashLoop = { crashLoop: true, restarts: 14, lastExit: { exitCode: 1, reason: 'Error', finishedAt: 'now-1m' } };

/** The previous instance's last words in the incident (stale-control-plane-after-reboot.md), in today's wording. */
const discoveryLog = [
  'I0212 10:14:02.118273       1 serving.go:380] Generated self-signed cert in-memory',
  'I0212 10:14:02.671122       1 controllermanager.go:203] "Starting" version="v1.31.4"',
  'I0212 10:14:02.674511       1 leaderelection.go:254] attempting to acquire leader lease kube-system/kube-controller-manager...',
  'I0212 10:14:19.306745       1 leaderelection.go:268] successfully acquired lease kube-system/kube-controller-manager',
  'E0212 10:14:49.313377       1 controllermanager.go:174] error starting controllers: failed to discover resources: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request',
];

async function drill(
  objects: Record<string, unknown>[],
  logs: { pod: string; previous?: boolean; lines: string[] }[] = [],
  api?: Record<string, unknown>,
): Promise<TestDrill> {
  return startTestDrill({
    cluster: { generate: { controlPlanes: 1, workers: 2, podsPerWorker: 0, addons: true }, nodes: [] },
    objects: objects as never,
    logs: logs.map((l) => ({ namespace: 'kube-system', container: 'kube-controller-manager', previous: false, ...l })),
    ...(api ? { api: api as never } : {}),
  });
}

async function outcomeOf(objects: Record<string, unknown>[], logs: Parameters<typeof drill>[1] = []) {
  const t = await drill(objects, logs);
  try {
    return await t.check('cluster.controller-manager', {});
  } finally {
    await t.close();
  }
}

describe('cluster.controller-manager on the drill cluster', () => {
  it('healthy: Ready, leading, quiet log', async () => {
    const r = await outcomeOf([], [{ pod: 'kube-controller-manager-cp-1', lines: discoveryLog.slice(0, 4) }]);
    expect(r.outcome).toBe('healthy');
    expect(r.summary).toMatch(
      /^kube-controller-manager is Ready on cp-1, cp-1 renews the leader Lease \(\d+s ago\), and its log shows no errors$/,
    );
    expect(r.facts).toMatchObject({
      componentPod: 'kube-controller-manager-cp-1',
      componentNode: 'cp-1',
      restarts: 0,
      leaseDurationSeconds: 15,
    });
    expect(r.command).toBe(
      'kubectl get pods -n kube-system -l component=kube-controller-manager -o wide && kubectl get lease kube-controller-manager -n kube-system && kubectl logs -n kube-system -l component=kube-controller-manager --tail=300 --previous',
    );
  });

  it('discovery-failure: the crash loop of the incident, naming the failing group as a fact', async () => {
    const r = await outcomeOf(
      [kcm(crashLoop)],
      [{ pod: 'kube-controller-manager-cp-1', previous: true, lines: discoveryLog }],
    );
    expect(r.outcome).toBe('discovery-failure');
    expect(r.summary).toBe(
      "kube-controller-manager logs that it cannot discover metrics.k8s.io/v1beta1 and it is restarting (14 restarts): it is only the messenger; the API group's APIService and the pods behind it are where the cause is, and while it restarts every controller (no pod is created, replaced or moved) stops",
    );
    expect(r.facts).toMatchObject({
      discoveryFailedGroup: 'metrics.k8s.io/v1beta1',
      restarts: 14,
      lastExitCode: 1,
      lastTerminationReason: 'Error',
    });
    expect(r.evidence).toContainEqual({
      label: 'pod kube-controller-manager-cp-1 on cp-1',
      value: 'Running, not Ready, CrashLoopBackOff, 14 restarts, last exit 1 (Error) 60s ago',
    });
    expect(r.evidence).toContainEqual({ label: 'kube-controller-manager-cp-1 previous log', value: discoveryLog[4] });
  });

  it('discovery-failure also from the garbage collector wording of newer releases', async () => {
    const r = await outcomeOf(
      [],
      [
        {
          pod: 'kube-controller-manager-cp-1',
          lines: [
            'E0122 03:51:18.204587       1 garbagecollector.go:836] "failed to discover preferred resources" err="unable to retrieve the complete list of server APIs: custom.metrics.k8s.io/v1beta1: stale GroupVersion discovery: custom.metrics.k8s.io/v1beta1"',
          ],
        },
      ],
    );
    expect(r.outcome).toBe('discovery-failure');
    expect(r.facts.discoveryFailedGroup).toBe('custom.metrics.k8s.io/v1beta1');
  });

  it('certificate-expired: x509 in the log', async () => {
    const line =
      'E0122 08:48:33.540012       1 leaderelection.go:332] error retrieving resource lock kube-system/kube-controller-manager: Get "https://10.0.0.11:6443/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager?timeout=5s": tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2024-01-22T08:48:33Z is after 2024-01-21T10:08:13Z';
    const r = await outcomeOf([], [{ pod: 'kube-controller-manager-cp-1', lines: [line] }]);
    expect(r.outcome).toBe('certificate-expired');
    expect(r.facts.logLine).toBe(line);
  });

  it('crash-looping: restarts without a known cause, with its last error line', async () => {
    const lastWords =
      'E0212 11:02:17.004418       1 leaderelection.go:340] Failed to update lock optimitically: Put "https://10.0.0.11:6443/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager?timeout=5s": context deadline exceeded, falling back to slow path';
    const r = await outcomeOf(
      [kcm(crashLoop)],
      [
        {
          pod: 'kube-controller-manager-cp-1',
          previous: true,
          lines: [lastWords, 'F0212 11:02:17.004502       1 controllermanager.go:332] leaderelection lost'],
        },
      ],
    );
    expect(r.outcome).toBe('crash-looping');
    expect(r.summary).toMatch(
      /^kube-controller-manager-cp-1 keeps restarting \(14 restarts, last exit 1 Error\); its log ends: F0212 11:02:17\.004502 +1 controllermanager\.go:332\] leaderelection lost/,
    );
  });

  it('crash-looping: a flag error cobra prints bare is its last error line (kubernetes/kubeadm#2716, verbatim)', async () => {
    const t = await startTestDrill({
      cluster: { generate: { controlPlanes: 1, workers: 1, podsPerWorker: 0, addons: true }, nodes: [] },
      objects: [
        systemPod('kube-scheduler-cp-1', {
          node: 'cp-1',
          labels: { component: 'kube-scheduler', tier: 'control-plane' },
          container: 'kube-scheduler',
          ...crashLoop,
        }),
      ] as never,
      logs: [
        {
          namespace: 'kube-system',
          pod: 'kube-scheduler-cp-1',
          container: 'kube-scheduler',
          previous: true,
          lines: ['Error: unknown flag: --address'],
        },
      ],
    });
    try {
      const r = await t.check('cluster.scheduler', {});
      expect(r.outcome).toBe('crash-looping');
      expect(r.summary).toMatch(/its log ends: Error: unknown flag: --address$/);
      expect(r.facts.logLine).toBe('Error: unknown flag: --address');
    } finally {
      await t.close();
    }
  });

  it('not-ready: running but not Ready', async () => {
    const r = await outcomeOf([kcm({ ready: false })]);
    expect(r.outcome).toBe('not-ready');
    expect(r.summary).toBe('kube-controller-manager-cp-1 is not Ready');
  });

  it('leader-lease-stale: nobody renews the leader Lease', async () => {
    const r = await outcomeOf([
      lease('kube-controller-manager', 'cp-1_4b1c0e5e-7d0a-4c4e-9a4e-0d6a1f1e2b3c', 'now-3m'),
    ]);
    expect(r.outcome).toBe('leader-lease-stale');
    expect(r.summary).toBe(
      'the kube-controller-manager leader (cp-1_4b1c0e5e-7d0a-4c4e-9a4e-0d6a1f1e2b3c) last renewed its Lease 180s ago (leaseDuration 15s): no instance is acting as leader, so every controller (no pod is created, replaced or moved) stops',
    );
    expect(r.evidence[0]).toEqual({
      label: 'Lease kube-system/kube-controller-manager',
      value: 'holder cp-1_4b1c0e5e-7d0a-4c4e-9a4e-0d6a1f1e2b3c, renewed 3m ago, leaseDuration 15s',
    });
  });

  it('log-errors: up and leading, but errors in the log', async () => {
    const line =
      'E0212 12:00:01.770122       1 node_lifecycle_controller.go:1016] "Error updating node" err="Operation cannot be fulfilled on nodes \\"worker-2\\": the object has been modified; please apply your changes to the latest version and try again" node="worker-2"';
    const r = await outcomeOf([], [{ pod: 'kube-controller-manager-cp-1', lines: [line] }]);
    expect(r.outcome).toBe('log-errors');
    expect(r.facts.logLine).toBe(line);
  });

  it('not-visible: no pod and no control-plane node; nothing names a provider', async () => {
    const t = await startTestDrill({ cluster: { nodes: [{ name: 'worker-1' }] } as never });
    try {
      const r = await t.check('cluster.controller-manager', {});
      expect(r.outcome).toBe('not-visible');
      expect(r.summary).toBe(
        "no kube-controller-manager pod: no node has a control-plane role label, so the control plane runs outside this cluster's nodes. Whether it runs cannot be seen from here (Lease: no Lease kube-system/kube-controller-manager to read); check it through the provider's control-plane logs or support",
      );
    } finally {
      await t.close();
    }
  });

  it('no-pods: a control-plane node, but no static pod on it', async () => {
    const t = await startTestDrill({
      cluster: { nodes: [{ name: 'cp-1', role: 'control-plane' }, { name: 'worker-1' }] } as never,
    });
    try {
      const r = await t.check('cluster.controller-manager', {});
      expect(r.outcome).toBe('no-pods');
      expect(r.summary).toBe(
        'no kube-controller-manager pod in kube-system (label component=kube-controller-manager), though cp-1 is a control-plane node: its static pod manifest is gone or it runs as a systemd service there',
      );
    } finally {
      await t.close();
    }
  });

  it('forbidden: names the verb, resource and namespace it needed', async () => {
    const t = await drill([], [], { denials: [{ verb: 'get', resource: 'pods/log', namespace: 'kube-system' }] });
    try {
      const r = await t.check('cluster.controller-manager', {});
      expect(r.outcome).toBe('error');
      expect(r.facts.errorKind).toBe('forbidden');
      expect(r.summary).toContain('cannot get resource "pods/log" in API group "" in the namespace "kube-system"');
    } finally {
      await t.close();
    }
  });

  it('timeout: the API server never answers the pod list', async () => {
    const t = await drill([], [], { faults: [{ resource: 'pods', kind: 'hang' }] });
    try {
      const r = await runWithin(t, 'cluster.controller-manager', {}, { timeoutMs: 1500 });
      expect(r.outcome).toBe('error');
      expect(r.facts.errorKind).toBe('timeout');
    } finally {
      await t.close();
    }
  });

  it('unreachable: the API server is gone', async () => {
    const t = await drill([]);
    await t.close();
    const r = await runWithin(t, 'cluster.controller-manager', {}, { timeoutMs: 5000 });
    expect(r.outcome).toBe('error');
    expect(r.facts.errorKind).toBe('unreachable');
  });
});

describe('cluster.scheduler on the drill cluster', () => {
  it('healthy on a generated cluster, and not-ready when its pod is not Ready', async () => {
    const t = await drill([
      systemPod('kube-scheduler-cp-1', {
        node: 'cp-1',
        labels: { component: 'kube-scheduler', tier: 'control-plane' },
        container: 'kube-scheduler',
        ready: false,
      }),
    ]);
    try {
      const r = await t.check('cluster.scheduler', {});
      expect(r.outcome).toBe('not-ready');
      expect(r.summary).toBe('kube-scheduler-cp-1 is not Ready');
    } finally {
      await t.close();
    }
    const h = await drill([]);
    try {
      const r = await h.check('cluster.scheduler', {});
      expect(r.outcome).toBe('healthy');
      expect(r.command).toContain('-l component=kube-scheduler');
    } finally {
      await h.close();
    }
  });
});

// Where the control plane runs, read from nodes as real clusters print them.
describe('no control-plane pod: managed and embedded control planes', () => {
  const node = (name: string, kubeletVersion: string, labels: Record<string, string> = {}) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels }, creationTimestamp: 'now-2d' },
    spec: {},
    status: {
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          lastHeartbeatTime: 'now-10s',
          lastTransitionTime: 'now-2d',
          reason: 'KubeletReady',
        },
      ],
      nodeInfo: { kubeletVersion },
    },
  });

  it('EKS (Fargate nodes, kubelet v1.14.8-eks; kubernetes-retired/dashboard#4906): not visible, with where to look', async () => {
    const t = await startTestDrill({
      objects: [node('fargate-ip-192-168-144-171.ap-northeast-1.compute.internal', 'v1.14.8-eks')] as never,
    });
    try {
      const r = await t.check('cluster.scheduler', {});
      expect(r.outcome).toBe('not-visible');
      expect(r.facts.controlPlaneProvider).toBe('EKS');
      expect(r.summary).toContain(
        'the control plane is managed by EKS (node fargate-ip-192-168-144-171.ap-northeast-1.compute.internal: kubelet v1.14.8-eks)',
      );
      expect(r.summary).toContain('CloudWatch');
    } finally {
      await t.close();
    }
  });

  it('k3s (v1.29.4+k3s1, roles control-plane,etcd,master; k3s-io/k3s#10046): a fresh Lease means it runs inside the k3s server', async () => {
    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'kube-scheduler', namespace: 'kube-system' },
      spec: {
        holderIdentity: 'ip-1-1-1-221_3c5d6a0e-8a51-4a1b-9d8e-2f6c1b0e7a11',
        leaseDurationSeconds: 15,
        renewTime: 'now-3s',
        acquireTime: 'now-15m',
      },
    };
    const cp = {
      'node-role.kubernetes.io/control-plane': 'true',
      'node-role.kubernetes.io/etcd': 'true',
      'node-role.kubernetes.io/master': 'true',
    };
    const t = await startTestDrill({
      objects: [node('ip-1-1-1-221', 'v1.29.4+k3s1', cp), node('ip-1-1-1-3', 'v1.29.4+k3s1'), lease] as never,
    });
    try {
      const r = await t.check('cluster.scheduler', {});
      expect(r.outcome).toBe('runs-elsewhere');
      expect(r.summary).toMatch(
        /^no kube-scheduler pod: k3s runs it inside its own server process \(on ip-1-1-1-221\), not as a pod; its leader \(ip-1-1-1-221\) renewed the Lease \d+s ago/,
      );
      const stale = await startTestDrill({
        objects: [
          node('ip-1-1-1-221', 'v1.29.4+k3s1', cp),
          { ...lease, spec: { ...lease.spec, renewTime: 'now-10m' } },
        ] as never,
      });
      try {
        expect((await stale.check('cluster.scheduler', {})).outcome).toBe('leader-lease-stale');
      } finally {
        await stale.close();
      }
    } finally {
      await t.close();
    }
  });
});
