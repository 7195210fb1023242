import { describe, expect, it } from 'vitest';
import { etcdLinePatterns, expectedOf } from '../../../src/checks/cluster/etcd.js';
import { parseEtcdJournal } from '../../../src/checks/host/etcdJournal.js';

/** The first pattern that reads the line, as cluster.etcd and host.etcd-journal both classify it. */
function read(line: string): { class: string; detail?: string } | undefined {
  for (const p of etcdLinePatterns) {
    const m = p.re.exec(line);
    if (m) return { class: p.class, detail: p.detail?.(m) };
  }
  return undefined;
}

// Every line is verbatim from the thread cited beside it; the duration is the one the line itself reports.
describe('etcd 3.0-3.6 slowness lines, each form read with its duration', () => {
  const cases: [string, string, string, string | undefined][] = [
    // etcd 3.2/3.3 capnslog, kubeadm pod log (kubernetes/kubeadm#1181, etcd 3.2.24)
    [
      'capnslog read-only range',
      'https://github.com/kubernetes/kubeadm/issues/1181',
      '2018-10-22 11:22:14.706081 W | etcdserver: read-only range request "key:\\"foo\\" " with result "range_response_count:0 size:5" took too long (1.310910984s) to execute',
      '1.310910984s',
    ],
    // etcd 3.4 capnslog (kubeadm), a write: `request "header:..." with result "size:18" took too long`
    [
      'capnslog write request',
      'https://github.com/etcd-io/etcd/issues/12405',
      '2020-10-20 12:15:22.088482 W | etcdserver: request "header:<ID:12374331823256642018 username:\\"kube-apiserver-etcd-client\\" auth_revision:1 > txn:<compare:<target:MOD key:\\"/registry/services/endpoints/kube-system/kube-controller-manager\\" mod_revision:837310 > success:<request_put:<key:\\"/registry/services/endpoints/kube-system/kube-controller-manager\\" value_size:363 >> failure:<>>" with result "size:18" took too long (388.133988ms) to execute',
      '388.133988ms',
    ],
    [
      'capnslog WAL sync',
      'https://github.com/etcd-io/etcd/issues/10215',
      '2018-10-25 17:30:10.292188 W | wal: sync duration of 7.645129468s, expected less than 1s',
      '7.645129468s',
    ],
    [
      'capnslog apply entries',
      'https://github.com/kubernetes/kubernetes/issues/43363',
      '2017-03-20 02:35:04.780158 W | etcdserver: apply entries took too long [12.318867ms for 1 entries]',
      '12.318867ms',
    ],
    [
      'capnslog heartbeat',
      'https://github.com/etcd-io/etcd/issues/13346',
      '2021-09-11 14:44:49.798062 W | etcdserver: failed to send out heartbeat on time (exceeded the 100ms timeout for 818.303896ms, to e337a53965c9eed8)',
      '818.303896ms',
    ],
    // etcd 3.5 zap JSON, kubeadm (etcd-io/etcd#14027) and embedded in k3s (k3s-io/k3s#2853)
    [
      'zap apply request',
      'https://github.com/etcd-io/etcd/issues/14027',
      '{"level":"warn","ts":"2022-05-10T04:41:48.256Z","caller":"etcdserver/util.go:163","msg":"apply request took too long","took":"342.115626ms","expected-duration":"100ms","prefix":"read-only range ","request":"key:\\"/registry/services/endpoints/kube-system/kube-scheduler\\" ","response":"range_response_count:1 size:585"}',
      '342.115626ms',
    ],
    [
      'zap slow fdatasync',
      'https://github.com/k3s-io/k3s/issues/2853',
      '{"level":"warn","ts":"2021-01-25T06:42:36.000+0100","caller":"wal/wal.go:806","msg":"slow fdatasync","took":"7.454439372s","expected-duration":"1s"}',
      '7.454439372s',
    ],
    // etcd 3.6: apply logged from txn/util.go, with an error field
    [
      'zap 3.6 apply request',
      'https://github.com/etcd-io/etcd/issues/15247',
      '{"level":"warn","ts":"2024-01-31T16:54:41.675186+0800","caller":"txn/util.go:93","msg":"apply request took too long","took":"4.99863799s","expected-duration":"100ms","prefix":"read-only range ","request":"key:\\"t104\\" ","response":"","error":"context canceled"}',
      '4.99863799s',
    ],
    [
      'zap heartbeat',
      'https://github.com/etcd-io/etcd/issues/20418',
      '{"level":"warn","ts":"2025-11-16T00:15:22.266350Z","caller":"etcdserver/raft.go:388","msg":"leader failed to send out heartbeat on time; took too long, leader is overloaded likely from slow disk","to":"dcb68c82481661be","heartbeat-interval":"100ms","expected-duration":"200ms","exceeded-duration":"2.406773972s"}',
      '2.406773972s',
    ],
    [
      'zap ReadIndex wait',
      'https://github.com/k3s-io/k3s/issues/9204',
      '{"level":"warn","ts":"2024-01-10T07:55:33.433522Z","caller":"etcdserver/v3_server.go:897","msg":"waiting for ReadIndex response took too long, retrying","sent-request-id":11249020940439591963,"retry-timeout":"500ms"}',
      'over 500ms',
    ],
    // a summary without the JSON's punctuation (k3s v1.36.2, the poster's own "Logs before freeze")
    [
      'summarised fdatasync',
      'https://github.com/k3s-io/k3s/issues/14479',
      'slow fdatasync took 1.307701648s expected-duration 1s',
      '1.307701648s',
    ],
  ];
  for (const [form, source, line, duration] of cases) {
    it(`${form} (${source})`, () => {
      expect(read(line)).toEqual({ class: 'slow-apply', detail: duration });
    });
  }

  it('the threshold said is the one the slowest line names, not always 100ms', () => {
    const fsync = { line: cases[6]![2], detail: '7.454439372s' };
    expect(expectedOf([fsync], '7.454439372s')).toBe(' where 1s is expected');
    expect(expectedOf([{ line: cases[2]![2], detail: '7.645129468s' }], '7.645129468s')).toBe(' where 1s is expected');
    expect(expectedOf([{ line: cases[0]![2], detail: '1.310910984s' }], '1.310910984s')).toBe(
      ' where 100ms is expected',
    );
  });
});

describe('host.etcd-journal reads the same forms inside journal lines', () => {
  const p = { node: 'n', sinceMinutes: 30, maxLines: 3000 };
  const run = (stdout: string, now: string) =>
    parseEtcdJournal(
      { stdout, stderr: '', exitCode: 0, durationMs: 5, timedOut: false, truncated: false },
      p,
      new Date(now),
    );

  it('etcd 3.0-3.2 under systemd: "sync duration of" without the wal: package (huzhengchuan/dailywork#13)', () => {
    // https://github.com/huzhengchuan/dailywork/issues/13
    const text = [
      'Aug 17 12:25:50 sn-jca2e3rbhj-0-pkbkitctlwjv-kube-master-4t33zcell4hm etcd[9683]: apply entries took too long [181.06321ms for 1 entries]',
      'Aug 17 12:26:12 sn-jca2e3rbhj-0-pkbkitctlwjv-kube-master-4t33zcell4hm.novalocal etcd[9683]: sync duration of 1.5857053s, expected less than 1s',
      'Aug 17 12:26:27 sn-jca2e3rbhj-0-pkbkitctlwjv-kube-master-4t33zcell4hm.novalocal etcd[9683]: sync duration of 4.04016958s, expected less than 1s',
      '',
    ].join('\n');
    const r = run(text, '2017-08-17T12:30:00Z');
    expect(r.outcome).toBe('slow-apply');
    expect(r.facts).toMatchObject({ slowApplies: 3, slowestApply: '4.04016958s' });
    expect(r.summary).toContain('the slowest 4.04016958s where 1s is expected');
  });

  it('k3s embedded etcd 3.5, short-iso journal: ReadIndex waits and a slow fdatasync (openmediavault/openmediavault#1775)', () => {
    // https://github.com/openmediavault/openmediavault/issues/1775
    const text = [
      '2024-06-06T12:49:15+1000 omv01 k3s[859512]: {"level":"warn","ts":"2024-06-06T12:49:14.577696+1000","caller":"etcdserver/v3_server.go:897","msg":"waiting for ReadIndex response took too long, retrying","sent-request-id":1133095022654651773,"retry-timeout":"500ms"}',
      '2024-06-06T12:49:15+1000 omv01 k3s[859512]: {"level":"warn","ts":"2024-06-06T12:49:15.80063+1000","caller":"wal/wal.go:805","msg":"slow fdatasync","took":"1.724865609s","expected-duration":"1s"}',
      '',
    ].join('\n');
    const r = run(text, '2024-06-06T02:50:00Z');
    expect(r.outcome).toBe('slow-apply');
    expect(r.facts).toMatchObject({ slowApplies: 2, slowestApply: '1.724865609s' });
    expect(r.summary).toContain('ReadIndex waits');
  });

  it('k3s v1.28, ReadIndex waits alone: slow etcd, the wait at least the 500 ms retry (k3s-io/k3s#9204)', () => {
    // https://github.com/k3s-io/k3s/issues/9204
    const text =
      'Jan 10 07:55:33 MULTI-SINGLE-VM k3s[820]: {"level":"warn","ts":"2024-01-10T07:55:33.433522Z","caller":"etcdserver/v3_server.go:897","msg":"waiting for ReadIndex response took too long, retrying","sent-request-id":11249020940439591963,"retry-timeout":"500ms"}\n';
    const r = run(text, '2024-01-10T07:56:00Z');
    expect(r).toMatchObject({ outcome: 'slow-apply', facts: { slowApplies: 1, slowestApply: 'over 500ms' } });
    expect(r.summary).toContain('(ReadIndex waits)');
  });
});

// Every line verbatim from the source beside it: the clock-difference warning in capnslog's words and in zap's.
describe("etcd's clock-difference warning, each form read with the difference it names", () => {
  const cases: [string, string, string, string][] = [
    [
      'capnslog, seconds',
      'https://github.com/opsnull/follow-me-install-kubernetes-cluster/issues/290',
      'Jul 21 04:03:36 k2 etcd[6957]: the clock difference against peer f87fd78eb2cda07d is too high [29.294774649s > 1s]',
      '29.294774649s',
    ],
    // Over a minute, Go prints minutes first: `[1m0.155650202s > 1s]`; a pattern for seconds alone missed it.
    [
      'capnslog under systemd, over a minute',
      'https://github.com/etcd-io/etcd/issues/15488',
      'Nov  8 17:16:49 moss etcd: the clock difference against peer 361f5805326a5a9a is too high [1m0.155650202s > 1s]',
      '1m0.155650202s',
    ],
    // etcd 3.5 in an OpenShift etcd pod (a must-gather's current.log): zap's JSON, which no "clock difference" grep finds.
    [
      'zap JSON, minutes',
      'https://github.com/peterducai/openshift-etcd-suite/blob/6a75b9982e3e524d6f3637a14896d2e62e4d6733/ntp.md',
      '2022-07-04T06:35:26.512448489Z {"level":"warn","ts":"2022-07-04T06:35:26.512Z","caller":"rafthttp/probing_status.go:86","msg":"prober found high clock drift","round-tripper-name":"ROUND_TRIPPER_SNAPSHOT","remote-peer-id":"d66e878e1cd03cfc","clock-drift":"8m0.640985013s","rtt":"502.906µs"}',
      '8m0.640985013s',
    ],
  ];
  for (const [form, source, line, difference] of cases) {
    it(`${form} (${source})`, () => {
      expect(read(line)).toEqual({ class: 'clock-difference', detail: difference });
    });
  }

  it('a clock-drift field of 1 s or less beside an rtt over 1 s is read the other way round', () => {
    // Some rafthttp code wrote zap.Duration("clock-drift", s.SRTT()) and zap.Duration("rtt", s.ClockDiff()); etcd logs
    // the warning only when the difference is over 1 s, so the figure over 1 s is the difference. The line is the
    // OpenShift one above with its two figures exchanged (no such paste was found).
    const swapped = cases[2]![2].replace(
      '"clock-drift":"8m0.640985013s","rtt":"502.906µs"',
      '"clock-drift":"502.906µs","rtt":"8m0.640985013s"',
    );
    expect(read(swapped)).toEqual({ class: 'clock-difference', detail: '8m0.640985013s' });
  });

  it("host.etcd-journal: the minute-long difference of etcd-io/etcd#15488's journal, with the peer it names", () => {
    // https://github.com/etcd-io/etcd/issues/15488 (the poster's journal, etcd under systemd on host moss)
    const text = [
      'Nov  8 17:16:44 moss etcd: health check for peer 76a752ea9233d534 could not connect: dial tcp 172.6.0.51:2380: i/o timeout',
      'Nov  8 17:16:48 moss etcd: timed out waiting for read index response (local node might have slow network)',
      'Nov  8 17:16:49 moss etcd: the clock difference against peer 361f5805326a5a9a is too high [1m0.155650202s > 1s]',
      'Nov  8 17:16:49 moss etcd: health check for peer 361f5805326a5a9a could not connect: dial tcp 172.6.0.52:2380: i/o timeout',
      'Nov  8 17:17:04 moss etcd: the clock difference against peer 76a752ea9233d534 is too high [1m0.201501829s > 1s]',
      '',
    ].join('\n');
    const r = parseEtcdJournal(
      { stdout: text, stderr: '', exitCode: 0, durationMs: 5, timedOut: false, truncated: false },
      { node: 'moss', sinceMinutes: 30, maxLines: 3000 },
      new Date('2022-11-08T17:20:00Z'),
    );
    expect(r.outcome).toBe('clock-difference');
    expect(r.facts).toMatchObject({ etcdClockDifference: '1m0.201501829s' });
    expect(r.summary).toContain("peer 76a752ea9233d534's clock 1m0.201501829s away (2 warnings)");
  });
});
