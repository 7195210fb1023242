import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { etcdJournal, parseEtcdJournal, slowStorageRequests } from '../../../src/checks/host/etcdJournal.js';

const p = { node: 'cp-1', sinceMinutes: 30, maxLines: 3000 };
const run = (stdout: string, exitCode = 0, stderr = '') =>
  parseEtcdJournal(
    { stdout, stderr, exitCode, durationMs: 5, timedOut: false, truncated: false },
    p,
    new Date('2021-01-25T06:45:00Z'),
  );

describe('host.etcd-journal: etcd where it is no pod', () => {
  it('asks the units that carry etcd: an external etcd and k3s', () => {
    expect(etcdJournal.command(p)).toBe('journalctl -u etcd -u k3s --since -30m -o short-iso --no-pager -n 3000');
  });

  it("k3s on a Raspberry Pi: etcd quiet, the API server's traces waiting 9.4 s to store an object are the datastore's slowness", () => {
    // https://github.com/k3s-io/k3s/issues/2644 (the maintainer: "I suspect that your SD card isn't quite up to the task")
    const text = readFileSync(
      join(import.meta.dirname, '../../../scenarios/real/raw/rl-k3s-sdcard-slow-2644/k3s-journal.txt'),
      'utf8',
    );
    const r = run(text);
    expect(r.outcome).toBe('slow-storage-writes');
    expect(r.facts).toMatchObject({ slowStorageWrites: 1, slowestStorageWrite: '9463ms', slowApplies: 0 });
    expect(String(r.facts.logLine)).toContain('---"Object stored in database" 9463ms');
    // A request's total time alone (10006ms for an event) is not counted: only the storage step is the datastore's.
    expect(r.summary).toContain('1 write of 1 s or more');
  });

  it("k3s whose datastore is too slow: the storage layer's own trace of an 11.6 s List (k3s-io/k3s#5406)", () => {
    // The maintainer: "Your database is too slow ... The numbers are right there in your logs".
    const text = readFileSync(
      join(import.meta.dirname, '../../../scenarios/real/raw/rm-k3s-datastore-slow-5406/k3s-journal.txt'),
      'utf8',
    );
    const r = run(text);
    expect(r.outcome).toBe('slow-storage-requests');
    expect(r.facts).toMatchObject({
      slowStorageRequests: 1,
      slowestStorageRequest: '11648ms',
      slowStorageOp: 'List /clusterrolebindings',
    });
    // The reflector's trace of the same list (its cache filling) is not a second datastore call.
    expect(String(r.facts.logLine)).toContain('"List etcd3"');
  });

  it('the storage traces of other k3s releases: seconds, the nested form, and fast calls left out', () => {
    const requests = slowStorageRequests(
      [
        // https://github.com/k3s-io/k3s/issues/2615 (the older form, total time in seconds)
        'I1202 20:45:13.067959    8976 trace.go:116] Trace[924601370]: "GuaranteedUpdate etcd3" type:*core.Endpoints (started: 2020-12-02 20:45:03.431252866 +0000 UTC m=+85.564685256) (total time: 9.636551546s):',
        // https://github.com/k3s-io/k3s/issues/8025 (v1.26, the nested form)
        'Trace[911101607]: ["GuaranteedUpdate etcd3" audit-id:a0cf0efb-b994-474f-8e96-fe61640bbfda,key:/leases/kube-node-lease/fetchapi-vps-83,type:*coordination.Lease,resource:leases.coordination.k8s.io 7198ms (13:16:12.787)',
        // https://github.com/k3s-io/k3s/issues/2425 (a Raspberry Pi: 1554 ms)
        'I0322 23:02:24.738373    4562 trace.go:205] Trace[2075772655]: "List etcd3" key:/secrets/media,resourceVersion:,resourceVersionMatch:,limit:0,continue: (22-Mar-2021 23:02:23.184) (total time: 1554ms):',
        // A request's own trace is not the datastore's (k3s-io/k3s#2644: an event create of 10006 ms).
        'I1208 18:34:03.292313    3072 trace.go:205] Trace[885658523]: "Create" url:/api/v1/namespaces/default/events,user-agent:k3s/v1.19.4+k3s1 (linux/arm64) kubernetes/2532c10,client:127.0.0.1 (08-Dec-2020 18:33:53.285) (total time: 10006ms):',
      ].map((l) => ({ message: l, line: l })),
    );
    expect(requests.map((x) => [x.ms, x.op])).toEqual([
      [9637, 'GuaranteedUpdate *core.Endpoints'],
      [7198, 'GuaranteedUpdate /leases/kube-node-lease/fetchapi-vps-83'],
      [1554, 'List /secrets/media'],
    ]);
  });

  it('fast stores stay quiet: 257 ms to store an object is not slow', () => {
    // The maintainer's own Pi in k3s-io/k3s#2644, for comparison.
    const line =
      'Dec 08 09:48:18 pi03.lan.khaus k3s[2161]: Trace[1030085022]: ---"Object stored in database" 257ms (09:48:00.827)';
    expect(run(`${line}\n`).outcome).toBe('quiet');
  });

  it("an external etcd whose peers' clocks are 29 s apart: the difference, not a certificate", () => {
    // https://github.com/opsnull/follow-me-install-kubernetes-cluster/issues/290 ("the real cause is the clocks not in sync")
    const text = readFileSync(
      join(import.meta.dirname, '../../../scenarios/real/raw/ri-etcd-clock-skew-x509-290/etcd-journal.txt'),
      'utf8',
    );
    const r = run(text);
    expect(r.outcome).toBe('clock-difference');
    expect(r.facts).toMatchObject({ etcdClockDifference: '29.351765122s' });
    expect(String(r.facts.logLine)).toContain('the clock difference against peer f87fd78eb2cda07d');
  });

  it('the same warning with its prober named (openshift-metal3/dev-scripts#354, etcd in a pod logging capnslog)', () => {
    const r = run(
      '2019-04-15 08:43:34.873327 W | rafthttp: the clock difference against peer 25b94689aa475203 is too high [1.071059639s > 1s] (prober "ROUND_TRIPPER_SNAPSHOT")\n',
    );
    expect(r.outcome).toBe('clock-difference');
    expect(r.facts).toMatchObject({ etcdClockDifference: '1.071059639s' });
  });

  it("k3s's embedded etcd: slow applies and a 7.45 s fdatasync in the k3s unit's journal", () => {
    // https://github.com/k3s-io/k3s/issues/2853 (the maintainer: "On this cluster your disk is too slow")
    const text = readFileSync(
      join(import.meta.dirname, '../../../scenarios/real/raw/rs-k3s-etcd-slow-disk-2853/k3s-journal.txt'),
      'utf8',
    );
    const r = run(text);
    expect(r.outcome).toBe('slow-apply');
    expect(r.facts).toMatchObject({ etcdLogSource: 'journal', slowApplies: 2, slowestApply: '7.454439372s' });
    expect(String(r.facts.logLine)).toContain('slow fdatasync');
  });

  it('an etcd systemd service writes the same zap lines under its own unit', () => {
    // https://github.com/Kimi450/ubuntu-server/issues/34
    const line =
      'Oct 14 21:25:24 home-main etcd[2790]: {"level":"warn","ts":"2025-10-14T21:25:24.127446+0100","caller":"etcdserver/util.go:170","msg":"apply request took too long","took":"673.941356ms","expected-duration":"100ms","prefix":"read-only range ","request":"key:\\"/registry/postgresql.cnpg.io/clusters/generic-services/immich-cnpg-main\\" limit:1 ","response":"range_response_count:1 size:10205"}\n';
    expect(run(line)).toMatchObject({ outcome: 'slow-apply', facts: { slowApplies: 1, slowestApply: '673.941356ms' } });
  });

  it('no etcd unit on this node is no-unit (etcd runs elsewhere: docker, another host), not a finding; journalctl refused is an error', () => {
    expect(run('-- No entries --\n').outcome).toBe('no-unit');
    expect(run('', 1, 'Hint: You are currently not seeing messages from other users and the system.\n')).toMatchObject({
      outcome: 'error',
      facts: { errorKind: 'denied' },
    });
  });
});
