import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import { clockPeer, etcdLinePatterns, expectedOf, seconds, slowKinds } from '../cluster/etcd.js';
import type { EtcdLineClass } from '../cluster/etcd.js';
import { plural } from '../format.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { clip, defineHostCheck, hostError, nodeParam } from './define.js';
import { parseJournal } from './journal.js';

/**
 * etcd that is no pod: k3s embeds it (its lines are in the k3s unit's journal,
 * k3s-io/k3s#2853), and an external etcd runs as its own systemd service. Its
 * lines read like a pod's log once the journal prefix is taken off.
 */
const outcomes = [
  'slow-apply',
  'no-space',
  'certificate-expired',
  'clock-difference',
  'rejected-connections-only',
  // etcd said nothing slow, but the API server's own traces in the same journal (k3s runs both in one process) show
  // writes that waited seconds to be stored (k3s-io/k3s#2644, a Raspberry Pi's SD card).
  'slow-storage-writes',
  // No write step traced, but the storage layer's own trace of a request (`"List etcd3" ... (total time: 11648ms)`)
  // says the datastore took seconds to answer it (k3s-io/k3s#5406: "Your database is too slow").
  'slow-storage-requests',
  'quiet',
  // No etcd or k3s unit logged anything: etcd is not a systemd service here (a docker container, another host).
  'no-unit',
] as const;

type Outcome = (typeof outcomes)[number];

const params = z.object({
  node: nodeParam,
  sinceMinutes: z.coerce.number().int().positive().default(30),
  maxLines: z.coerce.number().int().positive().default(3000),
});
type Params = z.infer<typeof params>;

/** journalctl takes several -u: the units that carry etcd's lines, whichever this node has. */
export function etcdJournalArgv(p: Params): string[] {
  return [
    'journalctl',
    '-u',
    'etcd',
    '-u',
    'k3s',
    '--since',
    `-${p.sinceMinutes}m`,
    '-o',
    'short-iso',
    '--no-pager',
    '-n',
    String(p.maxLines),
  ];
}

export function parseEtcdJournal(r: RunResult, p: Params, now?: Date): CheckResult<Outcome> {
  if (r.exitCode !== 0 && r.exitCode !== null && r.stdout.trim() === '') {
    return hostError(
      `journalctl failed: ${clip(r.stderr, 160)}`,
      /Permission denied|not seeing messages/i.test(r.stderr) ? 'denied' : 'bad-output',
    );
  }
  const journal = parseJournal(r.stdout, now ? { now } : {});
  const found: EtcdFoundLine[] = [];
  for (const e of journal.entries) {
    for (const pat of etcdLinePatterns) {
      const m = pat.re.exec(e.message);
      if (!m) continue;
      const detail = pat.detail?.(m);
      found.push({ class: pat.class, line: e.line, ...(detail ? { detail } : {}) });
      break;
    }
  }
  const scope: Evidence = {
    label: 'journal',
    value: `${plural(journal.entries.length, 'line')} (etcd and k3s units, last ${p.sinceMinutes}m)`,
  };
  if (journal.entries.length === 0) {
    return {
      outcome: 'no-unit',
      summary:
        'no etcd or k3s unit lines in the journal: etcd does not run under systemd on this node (a docker container, as on RKE1 and Platform9, or another host)',
      evidence: [scope],
      facts: { etcdLogSource: 'journal', slowApplies: 0 },
    };
  }
  const finding = etcdLogFinding(found, scope, {
    source: 'journal',
    where: ' in the journal',
    quiet: 'no slow applies, no full database and no expired certificates in the etcd journal',
    rejectedOnly: "etcd's journal has only",
  });
  if (finding.outcome !== 'quiet' && finding.outcome !== 'rejected-connections-only') return finding;
  const entries = journal.entries.map((e) => ({ message: e.message, line: e.line }));
  const writes = slowStorageWrites(entries);
  const slowest = writes.sort((a, b) => b.ms - a.ms)[0];
  if (!slowest) {
    const requests = slowStorageRequests(entries);
    const worst = requests.sort((a, b) => b.ms - a.ms)[0];
    if (!worst) return finding;
    return {
      outcome: 'slow-storage-requests',
      summary: `etcd logged nothing slow, but the API server's storage layer traced ${plural(requests.length, 'datastore request')} of ${slowStorageMs / 1000} s or more in the same journal, the slowest ${worst.ms} ms (${worst.op}): the datastore, or the disk under it, cannot keep up`,
      evidence: [{ label: 'kube-apiserver storage trace', value: clip(worst.line, 400) }, scope],
      facts: {
        ...finding.facts,
        slowStorageRequests: requests.length,
        slowestStorageRequest: `${worst.ms}ms`,
        slowStorageOp: worst.op,
        logLine: worst.line,
      },
    };
  }
  return {
    outcome: 'slow-storage-writes',
    summary: `etcd logged nothing slow, but the API server's traces in the same journal show ${plural(writes.length, 'write')} of ${slowStorageMs / 1000} s or more to its datastore, the slowest ${slowest.ms} ms to store one object: the datastore, or the disk under it, cannot keep up`,
    evidence: [{ label: 'kube-apiserver trace', value: clip(slowest.line, 400) }, scope],
    facts: {
      ...finding.facts,
      slowStorageWrites: writes.length,
      slowestStorageWrite: `${slowest.ms}ms`,
      logLine: slowest.line,
    },
  };
}

/** A write the API server traced as stored only after this long is the datastore's wait, not the request's. */
const slowStorageMs = 1000;

/**
 * The API server's request traces (trace.go) time each step; `---"Object stored in database" 9463ms` is how long the
 * write to etcd (or k3s's kine) took. k3s-io/k3s#2644: 9463ms on a Raspberry Pi whose SD card was too slow.
 */
export function slowStorageWrites(entries: { message: string; line: string }[]): { ms: number; line: string }[] {
  const out: { ms: number; line: string }[] = [];
  for (const e of entries) {
    const m = /Trace\[\d+\]: ---"Object stored in database" (\d+)ms/.exec(e.message);
    const ms = m ? Number(m[1]) : 0;
    if (ms >= slowStorageMs) out.push({ ms, line: e.line });
  }
  return out;
}

/**
 * The storage layer's own traces, one per datastore call: `Trace[394984102]: "List etcd3" key:/clusterrolebindings,...
 * (total time: 11648ms):` (k3s-io/k3s#5406, #2425), the older `(total time: 9.636551546s)` form (k3s-io/k3s#2615),
 * and the nested `["GuaranteedUpdate etcd3" audit-id:...,key:/leases/... 7198ms (13:16:12.787)` of newer releases
 * (k3s-io/k3s#8025). "etcd3" names the storage client whatever answers it (etcd, or k3s's kine over SQLite or a SQL
 * database). A request's own trace ("Create", "Get", "List" without etcd3) also counts admission and encoding: not this.
 */
export function slowStorageRequests(
  entries: { message: string; line: string }[],
): { ms: number; op: string; line: string }[] {
  const out: { ms: number; op: string; line: string }[] = [];
  for (const e of entries) {
    const top = /Trace\[\d+\]: "(\w+) etcd3" (\S*).{0,400}?\(total time: ([\d.]+)(ms|s)\)/.exec(e.message);
    const nested = top ? null : /\["(\w+) etcd3" (\S*).{0,400}? (\d+)(ms) \(\d/.exec(e.message);
    const m = top ?? nested;
    if (!m) continue;
    const ms = Math.round(Number(m[3]) * (m[4] === 's' ? 1000 : 1));
    if (ms < slowStorageMs) continue;
    const key = /key:(\/[^,\s]*)/.exec(m[2] ?? '')?.[1] ?? /type:(\S+?)(?:,|$)/.exec(m[2] ?? '')?.[1];
    out.push({ ms, op: `${m[1] ?? ''} ${key ?? ''}`.trim(), line: e.line });
  }
  return out;
}

export interface EtcdFoundLine {
  class: EtcdLineClass;
  line: string;
  detail?: string;
}

/**
 * What etcd's own lines say, wherever they were read (a journal, a docker container's log): an expired client
 * certificate, a full database, peers' clocks apart, slow applies or fsyncs, or only the usual rejected connections.
 */
export function etcdLogFinding(
  found: EtcdFoundLine[],
  scope: Evidence,
  words: { source: string; where: string; quiet: string; rejectedOnly: string },
): CheckResult<Exclude<Outcome, 'no-unit' | 'slow-storage-writes' | 'slow-storage-requests'>> {
  const of = (c: EtcdLineClass) => found.filter((l) => l.class === c);
  const slow = of('slow-apply');
  const rejected = of('rejected');
  const facts: Facts = { etcdLogSource: words.source, slowApplies: slow.length, rejectedConnections: rejected.length };
  const slowest = slow
    .map((s) => s.detail)
    .filter((d): d is string => d !== undefined)
    .sort((a, b) => seconds(b) - seconds(a))[0];
  if (slowest) facts.slowestApply = slowest;
  const line = (l: { line: string }): Evidence => ({ label: 'etcd', value: clip(l.line, 400) });

  const expired = of('rejected-expired').at(-1);
  if (expired) {
    facts.expiredCertificateConnections = of('rejected-expired').length;
    if (expired.detail) facts.expiredCertificateFrom = expired.detail.replace(/:\d+$/, '');
    facts.logLine = expired.line;
    return {
      outcome: 'certificate-expired',
      summary: 'etcd rejects connections whose certificate has expired: its clients are shut out',
      evidence: [line(expired), scope],
      facts,
    };
  }
  const noSpace = of('no-space').at(-1);
  if (noSpace) {
    facts.logLine = noSpace.line;
    return {
      outcome: 'no-space',
      summary: "etcd's database is full (NOSPACE alarm): it refuses every write until it is compacted and defragmented",
      evidence: [line(noSpace), scope],
      facts,
    };
  }
  // Either wording (capnslog's "clock difference", zap's "prober found high clock drift"): see etcdLinePatterns.
  const drifts = of('clock-difference');
  const drift = drifts.at(-1);
  if (drift) {
    facts.logLine = drift.line;
    facts.etcdClockDifference = drift.detail ?? 'over 1s';
    const peer = clockPeer(drift.line);
    return {
      outcome: 'clock-difference',
      summary: `etcd finds ${peer ? `peer ${peer}'s clock` : "its peers' clocks"} ${facts.etcdClockDifference} away (${plural(drifts.length, 'warning')}): members out of time sync, which also makes valid certificates look expired or not yet valid`,
      evidence: [line(drift), scope],
      facts,
    };
  }
  const last = slow.at(-1);
  if (last) {
    facts.logLine = last.line;
    return {
      outcome: 'slow-apply',
      summary: `etcd logged ${plural(slow.length, 'slowness warning')} (${slowKinds(slow)})${words.where}${slowest ? `, the slowest ${slowest}${expectedOf(slow, slowest)}` : ''}: its disk or CPU cannot keep up, which makes the API server slow`,
      evidence: [line(last), scope],
      facts,
    };
  }
  if (rejected.length > 0) {
    return {
      outcome: 'rejected-connections-only',
      summary: `${words.rejectedOnly} ${plural(rejected.length, '"rejected connection" TLS warning')}: usually probes or old clients, not a slow etcd`,
      evidence: [scope],
      facts,
    };
  }
  return { outcome: 'quiet', summary: words.quiet, evidence: [scope], facts };
}

export const etcdJournal = defineHostCheck({
  id: 'host.etcd-journal',
  title: "etcd's journal on a node where it is no pod (k3s, an external etcd)",
  why: 'When etcd runs embedded in k3s or as a systemd service, no etcd pod carries its log; its slow applies, full database or expired certificates are in the journal of its unit.',
  params,
  outcomes,
  healthy: ['quiet', 'rejected-connections-only', 'no-unit'],
  facts: [
    'etcdLogSource',
    'slowApplies',
    'slowestApply',
    'rejectedConnections',
    'expiredCertificateConnections',
    'expiredCertificateFrom',
    'etcdClockDifference',
    'slowStorageWrites',
    'slowestStorageWrite',
    'slowStorageRequests',
    'slowestStorageRequest',
    'slowStorageOp',
    'logLine',
  ],
  sets: {
    '*': ['slowApplies'],
    'certificate-expired': ['expiredCertificateConnections', 'logLine'],
    'no-space': ['logLine'],
    'slow-apply': ['logLine'],
    'clock-difference': ['etcdClockDifference', 'logLine'],
    'slow-storage-writes': ['slowStorageWrites', 'slowestStorageWrite', 'logLine'],
    'slow-storage-requests': ['slowStorageRequests', 'slowestStorageRequest', 'slowStorageOp', 'logLine'],
  },
  timeoutMs: 25_000,
  argv: etcdJournalArgv,
  parse: parseEtcdJournal,
});
