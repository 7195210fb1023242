import { z } from 'zod';
import { plural } from '../format.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import {
  classifyLines,
  describeLease,
  describePod,
  discoveryPatterns,
  isCrashLooping,
  lineEvidence,
  listComponentPods,
  podHealth,
  readComponentLogs,
  readLeaderLease,
  systemNamespace,
  unique,
  x509ExpiredPattern,
} from './components.js';
import type { ClassifiedLine, LinePattern } from './components.js';

/**
 * kube-controller-manager and kube-scheduler fail the same ways: the static
 * pod restarts, the leader stops renewing its Lease, or the log says why
 * (a failed API discovery, an expired certificate, a lost election).
 */

const outcomes = ['healthy', 'no-pods', 'discovery-failure', 'certificate-expired', 'crash-looping', 'not-ready', 'leader-lease-stale', 'log-errors'] as const;
type Outcome = (typeof outcomes)[number];

type LineClass = 'discovery' | 'x509' | 'leader-lost' | 'error';

const patterns: LinePattern<LineClass>[] = [
  ...discoveryPatterns.map((p) => ({ class: 'discovery' as const, re: p.re, detail: p.detail })),
  { class: 'x509', re: x509ExpiredPattern },
  { class: 'leader-lost', re: /leaderelection lost|failed to renew lease|leader election lost/i },
  { class: 'error', re: /^[EF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ \S+\] / },
];

interface ComponentSpec {
  id: string;
  /** The `component=` label of its static pod, the container name and the leader Lease name. */
  component: 'kube-controller-manager' | 'kube-scheduler';
  title: string;
  why: string;
  /** What stops when it stops, for summaries. */
  role: string;
}

export function leaderComponentCheck(spec: ComponentSpec) {
  const selector = `component=${spec.component}`;
  return defineCheck({
    id: spec.id,
    layer: 'cluster',
    title: spec.title,
    why: spec.why,
    params: z.object({}),
    outcomes,
    healthy: ['healthy'],
    facts: ['componentPod', 'componentNode', 'restarts', 'lastExitCode', 'lastTerminationReason', 'leaseHolder', 'leaseRenewAgeSeconds', 'leaseDurationSeconds', 'discoveryFailedGroup', 'logLine'],
    command: () =>
      `kubectl get pods -n ${systemNamespace} -l ${selector} -o wide && kubectl get lease ${spec.component} -n ${systemNamespace} && kubectl logs -n ${systemNamespace} -l ${selector} --tail=300 --previous`,
    async run(ctx): Promise<CheckResult<Outcome>> {
      const now = ctx.now();
      const [pods, lease] = await Promise.all([listComponentPods(ctx.kube, selector), readLeaderLease(ctx.kube, spec.component, now)]);
      const evidence: Evidence[] = [];
      const facts: Facts = {};
      if (lease) {
        evidence.push(describeLease(lease));
        facts.leaseHolder = lease.holder;
        facts.leaseDurationSeconds = lease.durationSeconds;
        if (lease.renewAgeSeconds !== undefined) facts.leaseRenewAgeSeconds = lease.renewAgeSeconds;
      }
      if (pods.length === 0) {
        return {
          outcome: 'no-pods',
          summary: `no ${spec.component} pod in ${systemNamespace} (label ${selector}): it runs outside the kubelet (a systemd service, a managed control plane) or its static pod manifest is gone${lease?.stale ? `; its Lease was last renewed ${lease.renewAgeSeconds === undefined ? 'never' : `${lease.renewAgeSeconds}s ago`}` : ''}`,
          evidence: [{ label: `pods -l ${selector}`, value: 'none' }, ...evidence],
          facts,
        };
      }
      const health = pods.map((p) => podHealth(p, spec.component));
      for (const h of health) evidence.push(describePod(h, now));
      // The leader is the pod named in the Lease's holder (`<node>_<uuid>`); otherwise the one in trouble.
      const leaderNode = lease?.holder.split('_')[0];
      const worst = [...health].sort((a, b) => Number(isCrashLooping(b)) - Number(isCrashLooping(a)) || b.restarts - a.restarts)[0] ?? health[0];
      const focus = health.find((h) => isCrashLooping(h)) ?? health.find((h) => h.node === leaderNode) ?? worst;
      if (focus) {
        facts.componentPod = focus.name;
        facts.componentNode = focus.node;
        facts.restarts = focus.restarts;
        if (focus.lastTermination) {
          facts.lastExitCode = focus.lastTermination.exitCode;
          facts.lastTerminationReason = focus.lastTermination.reason;
        }
      }

      const logs = await Promise.all(health.map((h) => readComponentLogs(ctx.kube, h)));
      for (const l of logs) for (const note of l.notes) evidence.push({ label: `${l.pod}`, value: note });
      const lines = classifyLines(logs, patterns);
      const first = (cls: LineClass): ClassifiedLine<LineClass> | undefined => lines.filter((l) => l.class === cls).at(-1);

      const discovery = first('discovery');
      if (discovery) {
        const groups = unique(lines.filter((l) => l.class === 'discovery').map((l) => l.detail));
        facts.discoveryFailedGroup = groups[0] ?? '';
        facts.logLine = discovery.line;
        evidence.push(lineEvidence(discovery));
        const restarting = focus && isCrashLooping(focus) ? ` and it is restarting (${plural(focus.restarts, 'restart')})` : '';
        return {
          outcome: 'discovery-failure',
          summary: `${spec.component} cannot discover ${groups.join(', ')}${restarting}: an aggregated API it depends on is unavailable, which stops ${spec.role}`,
          evidence,
          facts,
        };
      }
      const x509 = first('x509');
      if (x509) {
        facts.logLine = x509.line;
        evidence.push(lineEvidence(x509));
        return { outcome: 'certificate-expired', summary: `${spec.component} logs an expired certificate: it cannot talk to the API server, so ${spec.role} stops`, evidence, facts };
      }
      const looping = health.filter(isCrashLooping);
      if (looping.length > 0 && focus) {
        const errorLine = first('leader-lost') ?? first('error');
        if (errorLine) {
          facts.logLine = errorLine.line;
          evidence.push(lineEvidence(errorLine));
        }
        const t = focus.lastTermination;
        return {
          outcome: 'crash-looping',
          summary: `${focus.name} keeps restarting (${plural(focus.restarts, 'restart')}${t ? `, last exit ${t.exitCode} ${t.reason}` : ''})${errorLine ? `; its log ends: ${errorLine.line.slice(0, 160)}` : ''}`,
          evidence,
          facts,
        };
      }
      const notReady = health.filter((h) => !h.ready);
      if (notReady.length > 0) {
        return { outcome: 'not-ready', summary: `${notReady.map((h) => h.name).join(', ')} ${notReady.length === 1 ? 'is' : 'are'} not Ready`, evidence, facts };
      }
      if (!lease || lease.stale) {
        return {
          outcome: 'leader-lease-stale',
          summary: lease
            ? `the ${spec.component} leader (${lease.holder || 'no holder'}) last renewed its Lease ${lease.renewAgeSeconds === undefined ? 'never' : `${lease.renewAgeSeconds}s ago`} (leaseDuration ${lease.durationSeconds}s): no instance is acting as leader, so ${spec.role} stops`
            : `there is no ${spec.component} Lease in ${systemNamespace}: no instance has ever won leader election`,
          evidence: lease ? evidence : [{ label: `Lease ${systemNamespace}/${spec.component}`, value: 'not found' }, ...evidence],
          facts,
        };
      }
      const errors = lines.filter((l) => l.class === 'error' || l.class === 'leader-lost');
      const lastError = errors.at(-1);
      if (lastError) {
        facts.logLine = lastError.line;
        for (const e of errors.slice(-3)) evidence.push(lineEvidence(e));
        return { outcome: 'log-errors', summary: `${spec.component} is up and leading, but logged ${plural(errors.length, 'error line')}; the last: ${lastError.line.slice(0, 160)}`, evidence, facts };
      }
      return {
        outcome: 'healthy',
        summary: `${spec.component} is Ready on ${unique(health.map((h) => h.node)).join(', ')}, ${lease.holder.split('_')[0]} renews the leader Lease (${lease.renewAgeSeconds}s ago), and its log shows no errors`,
        evidence,
        facts,
      };
    },
  });
}
