import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ranOutput } from './helpers.js';
import { etcdContainerLogArgv, parseEtcdContainerLog } from '../../../src/checks/host/etcdContainerLog.js';
import { parseEtcdJournal } from '../../../src/checks/host/etcdJournal.js';

const run = ranOutput;
const p = { node: '172.17.0.14', container: 'etcd', tail: 3000 };

/** etcd's line as the Platform9 KB shows it, in docker's json-file form (https://platform9.com/kb/pmk/solutions/excessive-kubernetes-master-pod-restarts.md). */
const pf9 = readFileSync(
  new URL('../../../scenarios/real/raw/rk-pf9-etcd-latency-kb/etcd.log', import.meta.url),
  'utf8',
);

/** Two of etcd's lines in docker's json-file form, capnslog inside (rancher/rancher#30483, the k3s in Rancher's container). */
const rancherJsonFile = [
  String.raw`{"log":"2020-12-11 01:56:57.461628 W | etcdserver: read-only range request \"key:\\\"/registry/project.cattle.io/apps/p-75jxt/rancher-logging\\\" \" with result \"range_response_count:0 size:7\" took too long (151.785993ms) to execute\n","stream":"stderr","time":"2020-12-11T01:56:57.462000627Z"}`,
  String.raw`{"log":"2020/12/11 01:56:57 [INFO] Handling backend connection request [c-nff6v]\n","stream":"stdout","time":"2020-12-11T01:56:57.698226624Z"}`,
].join('\n');

/** An etcd container's log with the runtime's timestamps in front: late heartbeats, each followed by "server is likely overloaded" (cilium/cilium#7282, a CI run). */
const heartbeats = [
  '2019-03-06T19:00:59.117515322Z 2019-03-06 19:00:59.117256 W | etcdserver: failed to send out heartbeat on time (exceeded the 100ms timeout for 10.198201ms)',
  '2019-03-06T19:00:59.117538257Z 2019-03-06 19:00:59.117276 W | etcdserver: server is likely overloaded',
  '2019-03-06T19:01:04.371392374Z 2019-03-06 19:01:04.346746 W | etcdserver: failed to send out heartbeat on time (exceeded the 100ms timeout for 512.613198ms)',
  '2019-03-06T19:01:04.371421119Z 2019-03-06 19:01:04.347980 W | etcdserver: server is likely overloaded',
].join('\n');

/** "docker logs from etcd" on an RKE1 node, start-up lines only (rancher-archives/rke#1485). */
const rkeStartup = [
  '2019-08-29 09:26:33.875644 W | pkg/flags: unrecognized environment variable ETCD_UNSUPPORTED_ARCH=x86_64',
  '2019-08-29 09:26:33.875760 I | etcdmain: etcd Version: 3.3.10',
  '2019-08-29 09:26:33.880854 I | etcdserver: heartbeat = 500ms',
  '2019-08-29 09:26:33.880862 I | etcdserver: election = 5000ms',
].join('\n');

describe('host.etcd-container-log: etcd run by docker (RKE1, Platform9)', () => {
  it('asks docker for the container named etcd', () => {
    expect(etcdContainerLogArgv(p)).toEqual(['docker', 'logs', '--tail', '3000', 'etcd']);
  });

  it("Platform9 KB: the json-file line is read by its text: a 9 s apply, etcd's slow disk", () => {
    const r = parseEtcdContainerLog(run(pf9), p);
    expect(r.outcome).toBe('slow-apply');
    expect(r.facts).toMatchObject({ etcdLogSource: 'docker', slowApplies: 1, slowestApply: '9.069436957s' });
    expect(r.summary).toContain('the slowest 9.069436957s where 100ms is expected');
    expect(r.evidence.at(-1)?.value).toContain("docker's json-file form");
  });

  it("docker writes etcd's stderr to stderr: lines there are read too (rancher#30483's json-file lines)", () => {
    const r = parseEtcdContainerLog(run('', rancherJsonFile), p);
    expect(r.outcome).toBe('slow-apply');
    expect(r.facts.slowestApply).toBe('151.785993ms');
  });

  it('late heartbeats with timestamps in front (cilium#7282): slow, the slowest 512.613198ms', () => {
    const r = parseEtcdContainerLog(run(heartbeats), p);
    expect(r.outcome).toBe('slow-apply');
    expect(r.facts).toMatchObject({ slowApplies: 2, slowestApply: '512.613198ms' });
    expect(r.summary).toContain('heartbeat late');
  });

  it('start-up lines only (rke#1485): quiet; "heartbeat = 500ms" is a setting, not a late heartbeat', () => {
    const r = parseEtcdContainerLog(run(rkeStartup), p);
    expect(r.outcome).toBe('quiet');
    expect(r.facts.slowApplies).toBe(0);
  });

  it('no container named etcd (rancher/logs-collector#25, an RKE1 node without the etcd role): no-container', () => {
    const r = parseEtcdContainerLog(run('', 'Error: No such container: etcd\n', 1), p);
    expect(r.outcome).toBe('no-container');
  });

  it('a docker daemon that does not answer is an error, not a quiet etcd', () => {
    const r = parseEtcdContainerLog(
      run('', 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n', 1),
      p,
    );
    expect(r.outcome).toBe('error');
  });
});

describe('host.etcd-journal: etcd 2.3 under systemd', () => {
  it('"failed to send out heartbeat on time (deadline exceeded for ...)" is a late heartbeat (etcd-io/etcd#6955)', () => {
    const journal = [
      'Dec 06 17:23:02 kuber-beta01.novalocal etcd2[1075]: failed to send out heartbeat on time (deadline exceeded for 90.621003ms)',
      'Dec 06 17:23:02 kuber-beta01.novalocal etcd2[1075]: server is likely overloaded',
      'Dec 06 17:23:05 kuber-beta01.novalocal etcd2[1075]: failed to send out heartbeat on time (deadline exceeded for 576.931759ms)',
      'Dec 06 17:23:05 kuber-beta01.novalocal etcd2[1075]: server is likely overloaded',
    ].join('\n');
    const r = parseEtcdJournal(run(journal), { node: 'kuber-beta01', sinceMinutes: 30, maxLines: 3000 });
    expect(r.outcome).toBe('slow-apply');
    expect(r.facts).toMatchObject({ slowApplies: 2, slowestApply: '576.931759ms' });
  });

  it('no etcd or k3s unit lines at all: no-unit (etcd is not a systemd service here), not quiet', () => {
    const r = parseEtcdJournal(run('-- No entries --\n'), { node: 'cp-1', sinceMinutes: 30, maxLines: 3000 });
    expect(r.outcome).toBe('no-unit');
  });
});
