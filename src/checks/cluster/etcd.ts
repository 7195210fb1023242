import { z } from 'zod';
import { parseGoDuration } from '../../kube/semantics/duration.js';
import { groupEvents, involvedObjectSelector } from '../events.js';
import { plural } from '../format.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import {
  classifyLines,
  describePod,
  isCrashLooping,
  lineEvidence,
  listComponentPods,
  podHealth,
  readComponentLogs,
  systemNamespace,
  unique,
} from './components.js';
import type { LinePattern } from './components.js';

const outcomes = [
  'healthy',
  'rejected-connections-only',
  'certificate-expired',
  'no-space',
  'clock-difference',
  'slow-apply',
  'not-ready',
  'restarting',
  'sandbox-recreated',
  'stopped-by-signal',
  'no-pods',
] as const;
type Outcome = (typeof outcomes)[number];

export type EtcdLineClass = 'rejected-expired' | 'rejected' | 'slow-apply' | 'no-space' | 'clock-difference' | 'error';
type LineClass = EtcdLineClass;

/** etcd logs JSON (zap) since 3.4 and `W | etcdserver: ...` capnslog lines before; both forms are recognised. */
export const etcdLinePatterns: LinePattern<LineClass>[] = [
  // A rejected connection whose certificate has expired is no health-check noise: the client (the API server's
  // etcd client certificate, a peer) is shut out. Server side: `x509: certificate has expired or is not yet valid`;
  // reported by the peer: `tls: expired certificate`. Only the empty-ServerName "bad certificate" form is noise.
  // {"msg":"rejected connection","remote-addr":"192.168.211.110:45886","server-name":"etcd.zragsai","error":"keys: failed to verify client certificate: x509: certificate has expired or is not yet valid: current time ... is after ..."} (etcd-io/etcd#15740)
  {
    class: 'rejected-expired',
    re: /"msg":"rejected connection(?: on (?:client|peer) endpoint)?"(?=.*(?:certificate has expired|expired certificate))(?:.*?"remote-addr":"([^"]+)")?/,
    detail: (m) => m[1],
  },
  {
    class: 'rejected-expired',
    re: /rejected connection from "([^"]+)"(?=.*(?:certificate has expired|expired certificate))/,
    detail: (m) => m[1],
  },
  // {"msg":"rejected connection","remote-addr":"172.25.143.104:40124",...,"error":"remote error: tls: bad certificate"}
  // etcd 3.6 words it "rejected connection on client endpoint" (or peer endpoint).
  {
    class: 'rejected',
    re: /"msg":"rejected connection(?: on (?:client|peer) endpoint)?"(?:.*?"remote-addr":"([^"]+)")?/,
    detail: (m) => m[1],
  },
  // rejected connection from "192.168.0.12:34990" (error "remote error: tls: bad certificate", ServerName "")
  { class: 'rejected', re: /rejected connection from "([^"]+)"/, detail: (m) => m[1] },
  { class: 'no-space', re: /database space exceeded|alarm:NOSPACE|"alarm-type":"NOSPACE"/ },
  // Slowness, in every form etcd 3.0-3.6 prints it; the detail is the duration the line reports.
  // zap JSON (3.4+; 3.5/3.6 only): {"msg":"apply request took too long","took":"3.000607371s","expected-duration":"100ms",...}
  // (k3s-io/k3s#2853, k3s-io/k3s#2765); "took" is looked for anywhere after the message, not only next to it.
  { class: 'slow-apply', re: /"msg":"apply request took too long"(?:.*?"took":"([^"]+)")?/, detail: (m) => m[1] },
  // the WAL's fsync, zap: {"caller":"wal/wal.go:806","msg":"slow fdatasync","took":"7.454439372s","expected-duration":"1s"} (k3s-io/k3s#2853)
  { class: 'slow-apply', re: /"msg":"slow fdatasync"(?:.*?"took":"([^"]+)")?/, detail: (m) => m[1] },
  // a leader that could not keep its heartbeats, zap (3.5/3.6): "leader failed to send out heartbeat on time; took too long,
  // leader is overloaded likely from slow disk",...,"exceeded-duration":"2.406773972s" (etcd-io/etcd#20418)
  {
    class: 'slow-apply',
    re: /"msg":"leader failed to send out heartbeat on time[^"]*"(?:.*?"exceeded-duration":"([^"]+)")?/,
    detail: (m) => m[1],
  },
  // a linearizable read that waits on the leader past etcd's 500 ms retry, zap (3.5+): "waiting for ReadIndex response took
  // too long, retrying" (k3s-io/k3s#9204, openmediavault/openmediavault#1775); it names no duration of its own.
  // The wait is at least the retry timeout, so the detail says `over 500ms`.
  {
    class: 'slow-apply',
    re: /"msg":"waiting for ReadIndex response took too long(?:.*?"retry-timeout":"([^"]+)")?/,
    detail: (m) => (m[1] ? `over ${m[1]}` : undefined),
  },
  // a summary with the JSON's punctuation gone: `slow fdatasync took 1.307701648s expected-duration 1s` (k3s-io/k3s#14479)
  { class: 'slow-apply', re: /slow fdatasync\W+took\W+([\d.]+\w+)/, detail: (m) => m[1] },
  { class: 'slow-apply', re: /apply request took too long\W+took\W+([\d.]+\w+)/, detail: (m) => m[1] },
  // capnslog (3.0-3.4): `W | etcdserver: apply entries took too long [731.4912ms for 4 entries]` (kubernetes/kubernetes#43363)
  { class: 'slow-apply', re: /apply (?:request|entries) took too long(?: \[([\d.]+\w+))?/, detail: (m) => m[1] },
  // capnslog 3.3/3.4: `W | etcdserver: read-only range request "key:..." with result "..." took too long (2.285637356s) to execute` (etcd-io/etcd#12405)
  {
    class: 'slow-apply',
    re: /etcdserver: (?:read-only range )?request ".*" with result ".*" took too long \(([\d.]+\w+)\) to execute/,
    detail: (m) => m[1],
  },
  // capnslog: `W | wal: sync duration of 1.018100466s, expected less than 1s` (3.3/3.4, etcd-io/etcd#12405); under systemd
  // etcd 3.0-3.2 drops the package: `etcd[9683]: sync duration of 1.5857053s, expected less than 1s` (etcd-io/etcd#8722)
  { class: 'slow-apply', re: /(?:^|wal: |\]: )sync duration of ([\d.]+\w+), expected less than/, detail: (m) => m[1] },
  // capnslog: `W | etcdserver: failed to send out heartbeat on time (exceeded the 100ms timeout for 288.915798ms)` (etcd-io/etcd#7312, #13346);
  // etcd 2.3 under systemd: `etcd2[1075]: failed to send out heartbeat on time (deadline exceeded for 90.621003ms)` (etcd-io/etcd#6955).
  // The "server is likely overloaded" line that follows each adds nothing of its own.
  {
    class: 'slow-apply',
    re: /failed to send out heartbeat on time \((?:exceeded the \S+ timeout|deadline exceeded) for ([\d.]+\w+)/,
    detail: (m) => m[1],
  },
  // rafthttp's probe of each peer finds its clock over 1 s away. capnslog (3.0-3.4): `the clock difference against peer
  // f87fd78eb2cda07d is too high [29.294774649s > 1s]` (opsnull/follow-me-install-kubernetes-cluster#290), a minute or more
  // as Go prints it: `[1m0.155650202s > 1s]` (etcd-io/etcd#15488). zap (3.4+): "msg":"prober found high clock drift",
  // ...,"remote-peer-id":"d66e878e1cd03cfc","clock-drift":"8m0.640985013s","rtt":"502.906µs" (peterducai/openshift-etcd-suite
  // ntp.md, an OpenShift etcd pod's log). The detail is the difference itself (see clockDrift).
  {
    class: 'clock-difference',
    re: /the clock difference against peer \S+ is too high \[((?:\d+h)?(?:\d+m(?!s))?[\d.]+(?:s|ms|µs|us|ns)) > /,
    detail: (m) => m[1],
  },
  {
    class: 'clock-difference',
    re: /"msg":"prober found high clock drift"(?:.*?"clock-drift":"([^"]+)")?(?:.*?"rtt":"([^"]+)")?/,
    detail: (m) => clockDrift(m[1], m[2]),
  },
  { class: 'error', re: /"level":"(?:error|fatal|panic)"|^\S+ \S+ [EC] \| |etcdserver: request timed out/ },
];

/**
 * etcd told to stop: it shuts down cleanly on SIGTERM, so a member that "restarts" with this as its last words did not
 * fail; something stopped it (the kubelet killing the pod: a failed liveness probe, or a pod sandbox it re-creates).
 * zap: {"caller":"osutil/interrupt_unix.go:64","msg":"received signal; shutting down","signal":"terminated"}
 * (kubernetes/kubernetes#107892, etcd-io/etcd#17467); with "message" for "msg" where a log shipper renamed it
 * (etcd-io/etcd#15941). Kept apart from etcdLinePatterns: a journal's SIGTERM is systemd stopping a unit, not this.
 */
export const etcdStopPatterns: LinePattern<'sigterm'>[] = [
  {
    class: 'sigterm',
    re: /"(?:msg|message)":"received signal; shutting down"(?:.*?"signal":"([^"]+)")?/,
    detail: (m) => m[1],
  },
];

/** The kubelet's events that say why it stopped a pod's containers: a sandbox it re-creates, a liveness probe failing. */
const sandboxChanged = /^SandboxChanged$/;
const livenessKill = /liveness probe/i;

/**
 * The figure of a zap clock-drift line. etcd logs it only when the difference is over 1 s; some rafthttp code logged
 * the round trip under "clock-drift" and the difference under "rtt" (zap.Duration("clock-drift", s.SRTT())), so a
 * "clock-drift" of 1 s or less beside an "rtt" over 1 s is read the other way round rather than reported as the drift.
 */
export function clockDrift(drift: string | undefined, rtt: string | undefined): string | undefined {
  if (drift && rtt && seconds(drift) <= 1 && seconds(rtt) > 1) return rtt;
  return drift;
}

/** The peer a clock-difference line names (`against peer f87fd78eb2cda07d`, `"remote-peer-id":"d66e878e1cd03cfc"`). */
export function clockPeer(line: string): string | undefined {
  return /clock difference against peer (\w+)|"remote-peer-id":"(\w+)"/.exec(line)?.slice(1).find(Boolean);
}

export const clusterEtcd = defineCheck({
  id: 'cluster.etcd',
  layer: 'cluster',
  title: 'etcd: pods and log, with its usual noise told apart',
  why: 'etcd holds every object; a slow disk ("apply request took too long"), a full database or a restarting member makes the API server slow or read-only. Its "rejected connection" TLS warnings are common and usually harmless (a health probe or an old client): they only matter alongside real symptoms.',
  params: z.object({}),
  outcomes,
  healthy: ['healthy', 'rejected-connections-only'],
  facts: [
    'etcdPods',
    'rejectedConnections',
    'rejectedFrom',
    'expiredCertificateConnections',
    'expiredCertificateFrom',
    'certificateExpiredAt',
    'slowApplies',
    'slowestApply',
    'restarts',
    'etcdClockDifference',
    'logLine',
    'sandboxChanges',
    'livenessKills',
  ],
  sets: {
    healthy: ['etcdPods', 'restarts', 'slowApplies'],
    'rejected-connections-only': ['etcdPods', 'restarts', 'slowApplies'],
    'certificate-expired': [
      'etcdPods',
      'expiredCertificateConnections',
      'expiredCertificateFrom',
      'logLine',
      'restarts',
      'slowApplies',
    ],
    'no-space': ['etcdPods', 'logLine', 'restarts', 'slowApplies'],
    'clock-difference': ['etcdPods', 'etcdClockDifference', 'logLine', 'restarts', 'slowApplies'],
    'slow-apply': ['etcdPods', 'logLine', 'restarts', 'slowApplies', 'slowestApply'],
    // The log line is the last error etcd wrote; a member that restarts without one (killed, OOM) sets none.
    restarting: ['etcdPods', 'restarts', 'slowApplies'],
    'sandbox-recreated': ['etcdPods', 'restarts', 'sandboxChanges', 'livenessKills'],
    'stopped-by-signal': ['etcdPods', 'logLine', 'restarts', 'sandboxChanges', 'livenessKills'],
    'no-pods': ['etcdPods'],
  },
  command: () =>
    `kubectl get pods -n ${systemNamespace} -l component=etcd -o wide && kubectl logs -n ${systemNamespace} -l component=etcd --tail=300`,
  async run(ctx): Promise<CheckResult<Outcome>> {
    const now = ctx.now();
    const pods = await listComponentPods(ctx.kube, 'component=etcd');
    if (pods.length === 0) {
      return {
        outcome: 'no-pods',
        summary: `no etcd pod in ${systemNamespace} (label component=etcd): etcd runs outside the cluster (an external etcd, a systemd service, a managed control plane), so check it on its hosts`,
        evidence: [{ label: 'pods -l component=etcd', value: 'none' }],
        facts: { etcdPods: 0 },
      };
    }
    const health = pods.map((p) => podHealth(p, 'etcd'));
    const evidence: Evidence[] = health.map((h) => describePod(h, now));
    const logs = await Promise.all(health.map((h) => readComponentLogs(ctx.kube, h)));
    for (const l of logs) for (const note of l.notes) evidence.push({ label: l.pod, value: note });
    const lines = classifyLines(logs, etcdLinePatterns);
    const of = (c: LineClass) => lines.filter((l) => l.class === c);
    const rejected = of('rejected');
    const slow = of('slow-apply');
    const restarts = health.reduce((n, h) => n + h.restarts, 0);
    const facts: Facts = {
      etcdPods: pods.length,
      rejectedConnections: rejected.length,
      slowApplies: slow.length,
      restarts,
    };
    const from = unique(rejected.map((r) => r.detail?.replace(/:\d+$/, '')));
    if (from.length) facts.rejectedFrom = from.join(',');
    const slowest = slow
      .map((s) => s.detail)
      .filter((d): d is string => d !== undefined)
      .sort((a, b) => seconds(b) - seconds(a))[0];
    if (slowest) facts.slowestApply = slowest;
    const noise = rejected.length
      ? `; the ${plural(rejected.length, '"rejected connection" line')} (from ${from.join(', ') || 'unknown peers'}) come with it`
      : '';

    const expired = of('rejected-expired');
    if (expired.length > 0) {
      const last = expired.at(-1);
      const peers = unique(expired.map((r) => r.detail?.replace(/:\d+$/, '')));
      facts.expiredCertificateConnections = expired.length;
      if (peers.length) facts.expiredCertificateFrom = peers.join(',');
      const after = last ? /is after (\S+?)["\\)]/.exec(last.line)?.[1] : undefined;
      if (after) facts.certificateExpiredAt = after;
      if (last) {
        facts.logLine = last.line;
        evidence.push(lineEvidence(last));
      }
      return {
        outcome: 'certificate-expired',
        summary: `etcd rejects ${plural(expired.length, 'connection')} from ${peers.join(', ') || 'its clients'} because a certificate has expired${after ? ` (on ${after})` : ''}: not health-check noise, the client (the API server's etcd client certificate, or a peer's) is shut out of etcd`,
        evidence,
        facts,
      };
    }
    const noSpace = of('no-space').at(-1);
    if (noSpace) {
      facts.logLine = noSpace.line;
      evidence.push(lineEvidence(noSpace));
      return {
        outcome: 'no-space',
        summary: `etcd's database is full (NOSPACE alarm): it refuses every write until it is compacted and defragmented${noise}`,
        evidence,
        facts,
      };
    }
    // A member whose peers' clocks are over a second away: the same finding as in a journal (host.etcd-journal).
    const drifts = of('clock-difference');
    const drift = drifts.at(-1);
    if (drift) {
      facts.logLine = drift.line;
      facts.etcdClockDifference = drift.detail ?? 'over 1s';
      evidence.push(lineEvidence(drift));
      const peer = clockPeer(drift.line);
      return {
        outcome: 'clock-difference',
        summary: `etcd (${drift.pod}) finds ${peer ? `peer ${peer}'s clock` : "its peers' clocks"} ${facts.etcdClockDifference} away (${plural(drifts.length, 'warning')}): members out of time sync, which also makes valid certificates look expired or not yet valid${noise}`,
        evidence,
        facts,
      };
    }
    // Restarts etcd did not cause: the kubelet stops it. Its events say whether it re-creates the pod's sandbox (the
    // runtime and the kubelet disagree about the pod's cgroups, kubernetes#110177) or kills it on a failed liveness probe.
    if (restarts > 0) {
      const stops = classifyLines(logs, etcdStopPatterns).filter((l) => l.instance === 'previous');
      const events = (
        await Promise.all(
          health.map((h) =>
            ctx.kube
              .listEvents({
                namespace: systemNamespace,
                fieldSelector: involvedObjectSelector('Pod', h.name, systemNamespace),
              })
              // Events not readable are events not seen: the log line alone still says etcd was stopped.
              .catch(() => []),
          ),
        )
      ).flatMap(groupEvents);
      const sandboxChanges = events.filter((e) => sandboxChanged.test(e.reason)).reduce((n, e) => n + e.count, 0);
      const livenessKills = events
        .filter((e) => (e.reason === 'Killing' || e.reason === 'Unhealthy') && livenessKill.test(e.message))
        .reduce((n, e) => n + e.count, 0);
      const stopFacts = { ...facts, sandboxChanges, livenessKills };
      const restarted = plural(restarts, 'restart');
      if (sandboxChanges > 1 && livenessKills === 0) {
        evidence.push({
          label: 'events',
          value: `SandboxChanged x${sandboxChanges}: Pod sandbox changed, it will be killed and re-created`,
        });
        return {
          outcome: 'sandbox-recreated',
          summary: `etcd (${restarted}) is stopped by the kubelet, which re-created its pod sandbox ${sandboxChanges} times (SandboxChanged) with no liveness probe failing: etcd is not failing, its pod is being torn down${noise}`,
          evidence,
          facts: stopFacts,
        };
      }
      const stop = stops.at(-1);
      // Slow applies before the signal: a liveness probe the slow member failed is the likelier killer (etcd-slow's path).
      if (stop && livenessKills === 0 && slow.length === 0) {
        evidence.push(lineEvidence(stop));
        return {
          outcome: 'stopped-by-signal',
          summary: `etcd (${restarted}) does not crash: its previous instance ended on "received signal; shutting down" (${stop.detail ?? 'a signal'}), so something stops it${sandboxChanges ? `; ${sandboxChanges} SandboxChanged event(s)` : '; no SandboxChanged or liveness-probe event was read to say what'}${noise}`,
          evidence,
          facts: { ...stopFacts, logLine: stop.line },
        };
      }
    }
    const looping = health.filter(isCrashLooping);
    if (looping.length > 0) {
      const err = of('error').at(-1);
      if (err) {
        facts.logLine = err.line;
        evidence.push(lineEvidence(err));
      }
      return {
        outcome: 'restarting',
        summary: `${looping.map((h) => `${h.name} (${plural(h.restarts, 'restart')})`).join(', ')} keep restarting${noise}`,
        evidence,
        facts,
      };
    }
    const notReady = health.filter((h) => !h.ready);
    if (notReady.length > 0) {
      return {
        outcome: 'not-ready',
        summary: `${notReady.map((h) => h.name).join(', ')} ${notReady.length === 1 ? 'is' : 'are'} not Ready${noise}`,
        evidence,
        facts,
      };
    }
    if (slow.length > 0) {
      const last = slow.at(-1);
      if (last) {
        facts.logLine = last.line;
        evidence.push(lineEvidence(last));
      }
      return {
        outcome: 'slow-apply',
        summary: `etcd logged ${plural(slow.length, 'slowness warning')} (${slowKinds(slow)})${slowest ? `, the slowest ${slowest}${expectedOf(slow, slowest)}` : ''}: its disk or CPU cannot keep up, which makes the API server slow${noise}`,
        evidence,
        facts,
      };
    }
    if (rejected.length > 0) {
      for (const r of rejected.slice(-2)) evidence.push(lineEvidence(r));
      return {
        outcome: 'rejected-connections-only',
        summary: `etcd is Ready with ${restarts ? plural(restarts, 'restart') : 'no restarts'} and no slow applies; its ${plural(rejected.length, '"rejected connection" TLS warning')} (from ${from.join(', ') || 'unknown peers'}) are likely unrelated: clients or probes without etcd's client certificate, a known red herring`,
        evidence,
        facts,
      };
    }
    // Pods Ready is read; a log that could not be read (not kept, not pasted) says nothing about slow applies:
    // with none read, etcd was not seen, and the walk says so among what it could not see (rancher#36759).
    const unread = logs.filter((l) => l.current.length === 0 && l.previous.length === 0 && l.notes.length > 0).length;
    if (unread === logs.length) {
      const notCollected = logs.every((l) => l.notes.every((n) => n.includes('not collected')));
      return {
        outcome: 'error',
        summary: `${plural(pods.length, 'etcd member')} Ready, ${restarts ? plural(restarts, 'restart') : 'no restarts'}, but ${unread === 1 ? 'its log' : 'their logs'} could not be read: slow applies, a full database and expired certificates were not checked`,
        evidence,
        facts: { ...facts, errorKind: notCollected ? 'not-collected' : 'unreadable' },
      };
    }
    const logWords = ` and no warnings in the last ${300} log lines`;
    return {
      outcome: 'healthy',
      summary: `${plural(pods.length, 'etcd member')} Ready, ${restarts ? plural(restarts, 'restart') : 'no restarts'}${logWords}`,
      evidence,
      facts,
    };
  },
});

/** What the slowness lines were, in etcd's words: an on-call engineer greps for these. */
export function slowKinds(slow: { line: string }[]): string {
  const kinds = unique(
    slow.map((s) =>
      /fdatasync|sync duration/.test(s.line)
        ? 'slow fdatasync'
        : /heartbeat/.test(s.line)
          ? 'heartbeat late'
          : /ReadIndex/.test(s.line)
            ? 'ReadIndex waits'
            : 'apply took too long',
    ),
  );
  return kinds.join(', ');
}

/** The threshold the slowest line itself names (`"expected-duration":"1s"`, `expected less than 1s`, `exceeded the 100ms timeout`). */
export function expectedOf(slow: { line: string; detail?: string }[], slowest: string): string {
  const line = slow.find((s) => s.detail === slowest)?.line ?? '';
  const m = /expected-duration\W+([\d.]+\w+)|expected less than ([\d.]+\w+)|exceeded the ([\d.]+\w+) timeout/.exec(
    line,
  );
  const e = m?.[1] ?? m?.[2] ?? m?.[3] ?? (/took too long \(/.test(line) ? '100ms' : undefined);
  return e ? ` where ${e} is expected` : '';
}

/** `3.000607371s`, `627.833521ms`, `102.774415ms`, `over 500ms` (a ReadIndex wait), `8m0.640985013s` → seconds, for ranking. */
export function seconds(d: string): number {
  return parseGoDuration(d.replace(/^over /, '')) ?? 0;
}
