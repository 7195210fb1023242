import { describe, expect, it } from 'vitest';
import { startTestDrill } from '../../helpers/drill.js';
import { runWithin, systemPod } from './helpers.js';

const generated = { generate: { controlPlanes: 1, workers: 3, podsPerWorker: 0, addons: true }, nodes: [] };

type Log = { pod: string; container: string; previous?: boolean; lines: string[] };

async function run(
  id: string,
  objects: Record<string, unknown>[],
  logs: Log[] = [],
  api?: Record<string, unknown>,
  timeoutMs?: number,
) {
  const t = await startTestDrill({
    cluster: generated,
    objects: objects as never,
    logs: logs.map((l) => ({ namespace: 'kube-system', previous: false, ...l })),
    ...(api ? { api: api as never } : {}),
  });
  try {
    return await runWithin(t, id, {}, timeoutMs ? { timeoutMs } : {});
  } finally {
    await t.close();
  }
}

// etcd 3.5's zap lines, as `kubectl logs etcd-cp-1 -n kube-system` prints them (wordings from etcd-io/etcd#14324, #17855).
const rejected = [
  '{"level":"warn","ts":"2024-02-12T10:14:01.597Z","caller":"embed/config_logging.go:169","msg":"rejected connection","remote-addr":"10.0.0.12:39334","server-name":"","error":"remote error: tls: bad certificate"}',
  '{"level":"warn","ts":"2024-02-12T10:14:06.602Z","caller":"embed/config_logging.go:169","msg":"rejected connection","remote-addr":"10.0.0.12:39340","server-name":"","error":"remote error: tls: bad certificate"}',
];
const slowApply =
  '{"level":"warn","ts":"2024-02-12T10:15:03.213Z","caller":"etcdserver/util.go:170","msg":"apply request took too long","took":"3.000607371s","expected-duration":"100ms","prefix":"read-only range ","request":"key:\\"/registry/leases/kube-node-lease/worker-2\\" ","response":"","error":"context deadline exceeded"}';
const etcdPod = (o: Partial<Parameters<typeof systemPod>[1]> = {}) =>
  systemPod('etcd-cp-1', {
    node: 'cp-1',
    labels: { component: 'etcd', tier: 'control-plane' },
    container: 'etcd',
    image: 'registry.k8s.io/etcd:3.5.15-0',
    ...o,
  });

describe('cluster.etcd on the drill cluster', () => {
  it('healthy: Ready, no restarts, a quiet log', async () => {
    const r = await run('cluster.etcd', []);
    expect(r.outcome).toBe('healthy');
    expect(r.facts).toMatchObject({ etcdPods: 1, rejectedConnections: 0, restarts: 0 });
  });

  it('rejected-connections-only: the red herring of the incident is told apart, as a healthy outcome with a note', async () => {
    const r = await run('cluster.etcd', [], [{ pod: 'etcd-cp-1', container: 'etcd', lines: rejected }]);
    expect(r.outcome).toBe('rejected-connections-only');
    expect(r.summary).toBe(
      'etcd is Ready with no restarts and no slow applies; its 2 "rejected connection" TLS warnings (from 10.0.0.12) are likely unrelated: clients or probes without etcd\'s client certificate, a known red herring',
    );
    expect(r.facts).toMatchObject({ rejectedConnections: 2, rejectedFrom: '10.0.0.12' });
  });

  it("clock-difference: zap's 'prober found high clock drift', which a grep for 'clock difference' misses", async () => {
    // https://github.com/peterducai/openshift-etcd-suite/blob/6a75b9982e3e524d6f3637a14896d2e62e4d6733/ntp.md (OpenShift, etcd 3.5)
    const line =
      '{"level":"warn","ts":"2022-07-04T06:35:26.512Z","caller":"rafthttp/probing_status.go:86","msg":"prober found high clock drift","round-tripper-name":"ROUND_TRIPPER_SNAPSHOT","remote-peer-id":"d66e878e1cd03cfc","clock-drift":"8m0.640985013s","rtt":"502.906µs"}';
    const r = await run('cluster.etcd', [], [{ pod: 'etcd-cp-1', container: 'etcd', lines: [...rejected, line] }]);
    expect(r.outcome).toBe('clock-difference');
    expect(r.facts).toMatchObject({ etcdClockDifference: '8m0.640985013s', logLine: line, rejectedConnections: 2 });
    expect(r.summary).toContain("finds peer d66e878e1cd03cfc's clock 8m0.640985013s away (1 warning)");
  });

  it('recognises the older capnslog form of the warning too', async () => {
    const r = await run(
      'cluster.etcd',
      [],
      [
        {
          pod: 'etcd-cp-1',
          container: 'etcd',
          lines: [
            '2021-08-09 12:57:26.118273 I | embed: rejected connection from "192.168.0.12:34990" (error "remote error: tls: bad certificate", ServerName "")',
          ],
        },
      ],
    );
    expect(r.outcome).toBe('rejected-connections-only');
    expect(r.facts.rejectedFrom).toBe('192.168.0.12');
  });

  // etcd-io/etcd#15740: the client's certificate expired; the connection is refused for real, not probe noise.
  it('certificate-expired: a rejected connection whose certificate has expired is never filed as noise', async () => {
    const expired = [
      '{"level":"warn","ts":"2023-04-18T07:10:00.276Z","caller":"embed/config_logging.go:169","msg":"rejected connection","remote-addr":"192.168.211.110:45886","server-name":"etcd.zragsai","error":"keys: failed to verify client certificate: x509: certificate has expired or is not yet valid: current time 2023-04-18T07:10:00Z is after 2023-04-18T07:04:06Z"}',
      '{"level":"warn","ts":"2023-04-18T07:12:34.638Z","caller":"embed/config_logging.go:169","msg":"rejected connection","remote-addr":"10.117.148.205:7041","server-name":"etcd.zragsai","error":"keys: failed to verify client certificate: x509: certificate has expired or is not yet valid: current time 2023-04-18T07:12:34Z is after 2023-04-18T07:04:06Z"}',
    ];
    const r = await run(
      'cluster.etcd',
      [],
      [{ pod: 'etcd-cp-1', container: 'etcd', lines: [...rejected, ...expired] }],
    );
    expect(r.outcome).toBe('certificate-expired');
    expect(r.summary).toContain('because a certificate has expired (on 2023-04-18T07:04:06Z)');
    expect(r.facts).toMatchObject({
      expiredCertificateConnections: 2,
      expiredCertificateFrom: '192.168.211.110,10.117.148.205',
      certificateExpiredAt: '2023-04-18T07:04:06Z',
    });
  });

  it('slow-apply: the same noise, paired with a real symptom, is no longer the answer', async () => {
    const r = await run('cluster.etcd', [], [{ pod: 'etcd-cp-1', container: 'etcd', lines: [...rejected, slowApply] }]);
    expect(r.outcome).toBe('slow-apply');
    expect(r.summary).toBe(
      'etcd logged 1 slowness warning (apply took too long), the slowest 3.000607371s where 100ms is expected: its disk or CPU cannot keep up, which makes the API server slow; the 2 "rejected connection" lines (from 10.0.0.12) come with it',
    );
    expect(r.facts).toMatchObject({ slowApplies: 1, slowestApply: '3.000607371s' });
  });

  it('restarting: a member that keeps restarting', async () => {
    const r = await run(
      'cluster.etcd',
      [etcdPod({ crashLoop: true, restarts: 6, lastExit: { exitCode: 2, reason: 'Error', finishedAt: 'now-30s' } })],
      [
        {
          pod: 'etcd-cp-1',
          container: 'etcd',
          previous: true,
          lines: [
            '{"level":"fatal","ts":"2024-02-12T10:20:00.101Z","caller":"etcdmain/etcd.go:204","msg":"discovery failed","error":"wal: crc mismatch"}',
          ],
        },
      ],
    );
    expect(r.outcome).toBe('restarting');
    expect(r.summary).toBe('etcd-cp-1 (6 restarts) keep restarting');
    expect(r.facts.logLine).toContain('wal: crc mismatch');
  });

  it('not-ready: running but not Ready', async () => {
    const r = await run(
      'cluster.etcd',
      [etcdPod({ ready: false })],
      [{ pod: 'etcd-cp-1', container: 'etcd', lines: rejected }],
    );
    expect(r.outcome).toBe('not-ready');
    expect(r.summary).toBe('etcd-cp-1 is not Ready; the 2 "rejected connection" lines (from 10.0.0.12) come with it');
  });

  it('no-space: the NOSPACE alarm', async () => {
    const r = await run(
      'cluster.etcd',
      [],
      [
        {
          pod: 'etcd-cp-1',
          container: 'etcd',
          lines: [
            '{"level":"warn","ts":"2024-02-12T10:30:00.000Z","caller":"etcdserver/server.go:1191","msg":"alarm raised","alarm-type":"NOSPACE","member-id":"8e9e05c52164694d"}',
          ],
        },
      ],
    );
    expect(r.outcome).toBe('no-space');
  });

  it('a log that could not be read is etcd not seen: an error the walk lists among what it could not see, never healthy', async () => {
    // A real case's etcd log nobody pasted (scenarios/real/rs-apiserver-x509-docker-json-106499); held-out
    // rk-rke2-etcd-slow-36759 walked on after "healthy" and never said etcd's log, where the thread's cause was, went unread.
    const t = await startTestDrill({ cluster: generated, notCollected: { logs: true } });
    try {
      const r = await t.check('cluster.etcd', {});
      expect(r.outcome).toBe('error');
      expect(r.facts.errorKind).toBe('not-collected');
      expect(r.summary).toBe(
        '1 etcd member Ready, no restarts, but its log could not be read: slow applies, a full database and expired certificates were not checked',
      );
    } finally {
      await t.close();
    }
  });

  it('no-pods: an external etcd', async () => {
    const t = await startTestDrill({ cluster: { nodes: [{ name: 'worker-1' }] } as never });
    try {
      const r = await t.check('cluster.etcd', {});
      expect(r.outcome).toBe('no-pods');
    } finally {
      await t.close();
    }
  });

  it('forbidden: reading etcd logs needs get pods/log in kube-system', async () => {
    const r = await run('cluster.etcd', [], [], {
      denials: [{ verb: 'get', resource: 'pods/log', namespace: 'kube-system' }],
    });
    expect(r.outcome).toBe('error');
    expect(r.facts.errorKind).toBe('forbidden');
    expect(r.summary).toContain('cannot get resource "pods/log" in API group "" in the namespace "kube-system"');
  });
});

// metrics-server v0.6/v0.7 klog lines (kubernetes-sigs/metrics-server#1089) and JSON lines (#1704).
const scrapeLines = [
  'E0914 04:31:20.140554       1 scraper.go:140] "Failed to scrape node" err="Get \\"https://10.0.0.13:10250/metrics/resource\\": dial tcp 10.0.0.13:10250: connect: connection refused" node="worker-2"',
  'E0914 04:31:35.114571       1 scraper.go:140] "Failed to scrape node" err="Get \\"https://10.0.0.13:10250/metrics/resource\\": dial tcp 10.0.0.13:10250: connect: connection refused" node="worker-2"',
  '{"ts":1755621892168.5889,"caller":"scraper/scraper.go:147","msg":"Failed to scrape node, timeout to access kubelet","node":{"name":"worker-3"},"timeout":"10s","err":"Get \\"https://10.0.0.14:10250/metrics/resource\\": context deadline exceeded"}',
];
const msPod = (o: Partial<Parameters<typeof systemPod>[1]> = {}) =>
  systemPod('metrics-server-6d94bc8694-vz5t2', {
    node: 'worker-1',
    labels: { 'k8s-app': 'metrics-server', 'pod-template-hash': '6d94bc8694' },
    container: 'metrics-server',
    image: 'registry.k8s.io/metrics-server/metrics-server:v0.7.2',
    ...o,
  });

describe('cluster.metrics-server on the drill cluster', () => {
  it('healthy: Ready, nothing it cannot scrape', async () => {
    const r = await run('cluster.metrics-server', []);
    expect(r.outcome).toBe('healthy');
    expect(r.facts.unreachableNodes).toBe('');
  });

  it('cannot-scrape-nodes: the nodes its log names become a fact for the next steps', async () => {
    const r = await run(
      'cluster.metrics-server',
      [],
      [{ pod: 'metrics-server-6d94bc8694-vz5t2', container: 'metrics-server', lines: scrapeLines }],
    );
    expect(r.outcome).toBe('cannot-scrape-nodes');
    // The node whose kubelet refuses (down) comes first: it is the one to walk; its error is the one quoted.
    expect(r.facts).toMatchObject({
      unreachableNodes: 'worker-2,worker-3',
      scrapeError:
        'Get "https://10.0.0.13:10250/metrics/resource": dial tcp 10.0.0.13:10250: connect: connection refused',
      scrapeCause: 'kubelet-refused',
    });
    expect(r.summary).toMatch(/^metrics-server cannot scrape the kubelet on worker-2, worker-3 \(/);
  });

  it('crash-looping, and not-ready', async () => {
    const looping = await run(
      'cluster.metrics-server',
      [msPod({ crashLoop: true, restarts: 3, lastExit: { exitCode: 1, reason: 'Error', finishedAt: 'now-1m' } })],
      [
        {
          pod: 'metrics-server-6d94bc8694-vz5t2',
          container: 'metrics-server',
          previous: true,
          lines: [
            'E0212 10:00:00.000001       1 run.go:74] "command failed" err="unable to load configmap based request-header-client-ca-file: configmaps \\"extension-apiserver-authentication\\" is forbidden"',
          ],
        },
      ],
    );
    expect(looping.outcome).toBe('crash-looping');
    const notReady = await run('cluster.metrics-server', [msPod({ ready: false })]);
    expect(notReady.outcome).toBe('not-ready');
    expect(notReady.summary).toBe(
      'metrics-server-6d94bc8694-vz5t2 is not Ready, so metrics.k8s.io has no endpoint to serve it',
    );
  });

  it('log-errors: Ready, but errors it cannot place', async () => {
    const line =
      'E0212 10:00:00.000001       1 authentication.go:73] "Unable to authenticate the request" err="verifying certificate SN=1, SKID=, AKID= failed: x509: certificate signed by unknown authority"';
    const r = await run(
      'cluster.metrics-server',
      [],
      [{ pod: 'metrics-server-6d94bc8694-vz5t2', container: 'metrics-server', lines: [line] }],
    );
    expect(r.outcome).toBe('log-errors');
    expect(r.facts.logLine).toBe(line);
  });

  it('no-pods', async () => {
    const t = await startTestDrill({ cluster: { nodes: [{ name: 'worker-1' }] } as never });
    try {
      expect((await t.check('cluster.metrics-server', {})).outcome).toBe('no-pods');
    } finally {
      await t.close();
    }
  });

  it('forbidden and timeout', async () => {
    const denied = await run('cluster.metrics-server', [], [], {
      denials: [{ verb: 'list', resource: 'pods', namespace: 'kube-system' }],
    });
    expect(denied.facts.errorKind).toBe('forbidden');
    expect(denied.summary).toContain('cannot list resource "pods" in API group "" in the namespace "kube-system"');
    const hung = await run(
      'cluster.metrics-server',
      [],
      [],
      { faults: [{ resource: 'pods/log', kind: 'hang' }] },
      1500,
    );
    expect(hung.facts.errorKind).toBe('timeout');
  });
});
