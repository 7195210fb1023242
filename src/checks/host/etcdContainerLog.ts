import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import { dockerJsonLogText } from '../cluster/components.js';
import { etcdLinePatterns } from '../cluster/etcd.js';
import { plural } from '../format.js';
import type { CheckResult, Evidence } from '../types.js';
import { allOutput, clip, defineHostCheck, hostError, nodeParam } from './define.js';
import { etcdLogFinding } from './etcdJournal.js';
import type { EtcdFoundLine } from './etcdJournal.js';

/**
 * etcd run by docker, not as a pod: RKE1 starts it as a container named etcd (`docker ps` lists etcd beside
 * kube-apiserver, rancher-archives/rke#3358; Rancher's own checks run `docker exec etcd etcdctl ...`), and Platform9
 * PMK runs it in docker on each master (https://platform9.com/kb/pmk/solutions/excessive-kubernetes-master-pod-restarts.md).
 * `docker logs` prints what etcd wrote; a paste of the log file itself (/var/lib/docker/containers/<id>/<id>-json.log,
 * as the Platform9 KB shows it) is in docker's json-file form, read by its "log" field.
 */
const outcomes = [
  'slow-apply',
  'no-space',
  'certificate-expired',
  'clock-difference',
  'rejected-connections-only',
  'quiet',
  'no-container',
] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  node: nodeParam,
  container: z.string().min(1).default('etcd'),
  tail: z.coerce.number().int().positive().default(3000),
});
type Params = z.infer<typeof params>;

export function etcdContainerLogArgv(p: Params): string[] {
  return ['docker', 'logs', '--tail', String(p.tail), p.container];
}

export function parseEtcdContainerLog(r: RunResult, p: Params): CheckResult<Outcome> {
  // etcd writes to stderr, and docker logs keeps the streams apart: both are etcd's lines.
  const text = allOutput(r);
  // `Error: No such container: etcd` on a node without it (rancher/logs-collector#25, on an RKE1 control-plane node).
  const missing = /(?:Error(?: response from daemon)?: )?No such container: (\S+)/.exec(text);
  if (missing && text.trim().split('\n').length <= 2) {
    return {
      outcome: 'no-container',
      summary: `docker has no container named ${p.container} on ${p.node}: etcd does not run in docker here (another host, a pod, a systemd service)`,
      evidence: [{ label: 'docker logs', value: clip(text.trim(), 200) }],
      facts: { etcdLogSource: 'docker', slowApplies: 0 },
    };
  }
  if (r.exitCode !== 0 && r.exitCode !== null && text.trim() === '') {
    return hostError(
      `docker logs ${p.container} failed with exit code ${r.exitCode} and printed nothing`,
      'bad-output',
    );
  }
  if (
    /Cannot connect to the Docker daemon|permission denied while trying to connect to the Docker daemon/i.test(text)
  ) {
    return hostError(
      `docker did not answer: ${clip(text.trim(), 160)}`,
      /permission denied/i.test(text) ? 'denied' : 'bad-output',
    );
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const found: EtcdFoundLine[] = [];
  for (const raw of lines) {
    const line = dockerJsonLogText(raw);
    for (const pat of etcdLinePatterns) {
      const m = pat.re.exec(line);
      if (!m) continue;
      const detail = pat.detail?.(m);
      found.push({ class: pat.class, line, ...(detail ? { detail } : {}) });
      break;
    }
  }
  const form = lines.some((l) => l.trim().startsWith('{"log":')) ? ", docker's json-file form" : '';
  const scope: Evidence = {
    label: `docker logs ${p.container}`,
    value: `${plural(lines.length, 'line')} (last ${p.tail}${form})`,
  };
  return etcdLogFinding(found, scope, {
    source: 'docker',
    where: ` in the ${p.container} container's log`,
    quiet:
      lines.length === 0
        ? `the ${p.container} container's log is empty`
        : `no slow applies, no full database and no expired certificates in the ${p.container} container's last ${plural(lines.length, 'line')}`,
    rejectedOnly: `the ${p.container} container's log has only`,
  });
}

export const etcdContainerLog = defineHostCheck({
  id: 'host.etcd-container-log',
  title: "etcd's log where docker runs it (RKE1, Platform9)",
  why: 'Where etcd is a docker container on the control-plane host, no pod carries its log and no systemd unit its journal; docker keeps what it wrote, and its slow applies, late heartbeats and fsyncs, a full database or expired certificates are read there.',
  params,
  outcomes,
  healthy: ['quiet', 'rejected-connections-only', 'no-container'],
  facts: [
    'etcdLogSource',
    'slowApplies',
    'slowestApply',
    'rejectedConnections',
    'expiredCertificateConnections',
    'expiredCertificateFrom',
    'etcdClockDifference',
    'logLine',
  ],
  sets: {
    '*': ['slowApplies'],
    'certificate-expired': ['expiredCertificateConnections', 'logLine'],
    'no-space': ['logLine'],
    'slow-apply': ['logLine'],
    'clock-difference': ['etcdClockDifference', 'logLine'],
  },
  timeoutMs: 25_000,
  argv: etcdContainerLogArgv,
  parse: parseEtcdContainerLog,
});
