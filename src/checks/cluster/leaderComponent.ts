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
  plainLogs,
  podsByContainer,
  readComponentLogs,
  readLeaderLease,
  systemNamespace,
  unique,
  x509ExpiredPattern,
} from './components.js';
import type { ClassifiedLine, LinePattern } from './components.js';
import { controlPlaneHome, providerLogsHint } from './controlPlaneHome.js';

/**
 * kube-controller-manager and kube-scheduler fail the same ways: the static
 * pod restarts, the leader stops renewing its Lease, or the log says why
 * (a failed API discovery, an expired certificate, a lost election).
 */

const outcomes = [
  'healthy',
  'runs-elsewhere',
  'not-visible',
  'no-pods',
  'discovery-failure',
  'certificate-expired',
  'crash-looping',
  'not-ready',
  'leader-lease-stale',
  'log-errors',
] as const;
type Outcome = (typeof outcomes)[number];

type LineClass = 'discovery' | 'x509' | 'leader-lost' | 'error';

const patterns: LinePattern<LineClass>[] = [
  ...discoveryPatterns.map((p) => ({ class: 'discovery' as const, re: p.re, detail: p.detail })),
  { class: 'x509', re: x509ExpiredPattern },
  { class: 'leader-lost', re: /leaderelection lost|failed to renew lease|leader election lost/i },
  { class: 'error', re: /^[EF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ \S+\] / },
  // cobra prints a flag error bare, with no klog header: "Error: unknown flag: --address" (kubeadm#2716, after 1.24 removed it).
  { class: 'error', re: /^Error: \S/ },
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
    healthy: ['healthy', 'runs-elsewhere'],
    facts: [
      'controlPlaneProvider',
      'controlPlaneSigns',
      'leaseText',
      'providerHint',
      'componentPod',
      'componentNode',
      'restarts',
      'lastExitCode',
      'lastTerminationReason',
      'leaseHolder',
      'leaseRenewAgeSeconds',
      'leaseDurationSeconds',
      'discoveryFailedGroup',
      'logLine',
    ],
    sets: {
      'not-visible': ['controlPlaneProvider', 'controlPlaneSigns', 'leaseText', 'providerHint'],
      // Past the no-pods returns there is a pod to focus on.
      healthy: ['componentPod', 'componentNode', 'restarts'],
      'discovery-failure': ['componentPod', 'componentNode', 'restarts', 'discoveryFailedGroup', 'logLine'],
      'certificate-expired': ['componentPod', 'componentNode', 'restarts', 'logLine'],
      'crash-looping': ['componentPod', 'componentNode', 'restarts'],
      'not-ready': ['componentPod', 'componentNode', 'restarts'],
      'log-errors': ['componentPod', 'componentNode', 'restarts', 'logLine'],
    },
    command: () =>
      `kubectl get pods -n ${systemNamespace} -l ${selector} -o wide && kubectl get lease ${spec.component} -n ${systemNamespace} && kubectl logs -n ${systemNamespace} -l ${selector} --tail=300 --previous`,
    async run(ctx): Promise<CheckResult<Outcome>> {
      const now = ctx.now();
      const [labelled, lease] = await Promise.all([
        listComponentPods(ctx.kube, selector),
        readLeaderLease(ctx.kube, spec.component, now),
      ]);
      let pods = labelled;
      const evidence: Evidence[] = [];
      const facts: Facts = {};
      if (lease) {
        evidence.push(describeLease(lease));
        facts.leaseHolder = lease.holder;
        facts.leaseDurationSeconds = lease.durationSeconds;
        if (lease.renewAgeSeconds !== undefined) facts.leaseRenewAgeSeconds = lease.renewAgeSeconds;
      }
      // No pod is not "not running" until we know where it would run: a managed or embedded control plane shows none,
      // and Platform9's k8s-master pod holds the component as a container without kubeadm's labels.
      const home = pods.length === 0 ? await controlPlaneHome(ctx.kube) : undefined;
      if (home && !home.managed && !home.embedded && home.controlPlaneNode)
        pods = await podsByContainer(ctx.kube, spec.component, home.controlPlaneNode);
      if (home && pods.length === 0) {
        const leaseText = lease
          ? `holder ${lease.holder || '(none)'}, renewed ${lease.renewAgeSeconds === undefined ? 'never' : `${lease.renewAgeSeconds}s ago`} (leaseDuration ${lease.durationSeconds}s)`
          : 'no Lease kube-system/' + spec.component + ' to read';
        facts.controlPlaneProvider = home.provider || 'a provider no node label or server version names';
        facts.controlPlaneSigns =
          home.signs.join('; ') || 'no node label, providerID or server version names where it runs';
        facts.leaseText = leaseText;
        facts.providerHint = providerLogsHint(home.provider, spec.component);
        const where = home.managed
          ? `the control plane is managed by ${home.provider} (${home.signs.join('; ')}) and runs outside this cluster's nodes`
          : home.embedded
            ? `${home.provider} runs it inside its own server process${home.controlPlaneNode ? ` (on ${home.controlPlaneNode})` : ''}, not as a pod`
            : home.controlPlaneNode
              ? ''
              : `no node has a control-plane role label, so the control plane runs outside this cluster's nodes${home.provider ? ` (${home.provider})` : ''}`;
        const podsEvidence: Evidence = { label: `pods -l ${selector}`, value: 'none' };
        const homeEvidence: Evidence = {
          label: 'control plane',
          value: where || `control-plane node ${home.controlPlaneNode}, but no ${spec.component} pod`,
        };
        if (where && lease && !lease.stale) {
          return {
            outcome: 'runs-elsewhere',
            summary: `no ${spec.component} pod: ${where}; its leader (${lease.holder.split('_')[0] || 'no holder'}) renewed the Lease ${lease.renewAgeSeconds}s ago, so it is running and leading`,
            evidence: [podsEvidence, homeEvidence, ...evidence],
            facts,
          };
        }
        if (where && home.embedded && lease?.stale) {
          return {
            outcome: 'leader-lease-stale',
            summary: `no ${spec.component} pod: ${where}; its leader Lease is stale (${leaseText}), so no ${home.provider} server is acting as ${spec.component} and ${spec.role} stops`,
            evidence: [podsEvidence, homeEvidence, ...evidence],
            facts,
          };
        }
        if (where) {
          return {
            outcome: 'not-visible',
            summary: `no ${spec.component} pod: ${where}. Whether it runs cannot be seen from here (Lease: ${leaseText}); check it through ${facts.providerHint}`,
            evidence: [podsEvidence, homeEvidence, ...evidence],
            facts,
          };
        }
        return {
          outcome: 'no-pods',
          summary: `no ${spec.component} pod in ${systemNamespace} (label ${selector}), though ${home.controlPlaneNode} is a control-plane node: its static pod manifest is gone or it runs as a systemd service there${lease?.stale ? `; its Lease was last renewed ${lease.renewAgeSeconds === undefined ? 'never' : `${lease.renewAgeSeconds}s ago`}` : ''}`,
          evidence: [podsEvidence, homeEvidence, ...evidence],
          facts,
        };
      }
      const health = pods.map((p) => podHealth(p, spec.component));
      for (const h of health) evidence.push(describePod(h, now));
      // The leader is the pod named in the Lease's holder (`<node>_<uuid>`); otherwise the one in trouble.
      const leaderNode = lease?.holder.split('_')[0];
      const worst =
        [...health].sort(
          (a, b) => Number(isCrashLooping(b)) - Number(isCrashLooping(a)) || b.restarts - a.restarts,
        )[0] ?? health[0];
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
      const lines = classifyLines(plainLogs(logs), patterns);
      const first = (cls: LineClass): ClassifiedLine<LineClass> | undefined =>
        lines.filter((l) => l.class === cls).at(-1);

      const discovery = first('discovery');
      if (discovery) {
        const groups = unique(lines.filter((l) => l.class === 'discovery').map((l) => l.detail));
        facts.discoveryFailedGroup = groups[0] ?? '';
        facts.logLine = discovery.line;
        evidence.push(lineEvidence(discovery));
        const restarting =
          focus && isCrashLooping(focus) ? ` and it is restarting (${plural(focus.restarts, 'restart')})` : '';
        return {
          outcome: 'discovery-failure',
          summary: `${spec.component} logs that it cannot discover ${groups.join(', ')}${restarting}: it is only the messenger; the API group's APIService and the pods behind it are where the cause is${restarting ? `, and while it restarts ${spec.role} stops` : ''}`,
          evidence,
          facts,
        };
      }
      const x509 = first('x509');
      if (x509) {
        facts.logLine = x509.line;
        evidence.push(lineEvidence(x509));
        return {
          outcome: 'certificate-expired',
          summary: `${spec.component} logs an expired certificate: it cannot talk to the API server, so ${spec.role} stops`,
          evidence,
          facts,
        };
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
        return {
          outcome: 'not-ready',
          summary: `${notReady.map((h) => h.name).join(', ')} ${notReady.length === 1 ? 'is' : 'are'} not Ready`,
          evidence,
          facts,
        };
      }
      if (!lease || lease.stale) {
        return {
          outcome: 'leader-lease-stale',
          summary: lease
            ? `the ${spec.component} leader (${lease.holder || 'no holder'}) last renewed its Lease ${lease.renewAgeSeconds === undefined ? 'never' : `${lease.renewAgeSeconds}s ago`} (leaseDuration ${lease.durationSeconds}s): no instance is acting as leader, so ${spec.role} stops`
            : `there is no ${spec.component} Lease in ${systemNamespace}: no instance has ever won leader election`,
          evidence: lease
            ? evidence
            : [{ label: `Lease ${systemNamespace}/${spec.component}`, value: 'not found' }, ...evidence],
          facts,
        };
      }
      const errors = lines.filter((l) => l.class === 'error' || l.class === 'leader-lost');
      const lastError = errors.at(-1);
      if (lastError) {
        facts.logLine = lastError.line;
        for (const e of errors.slice(-3)) evidence.push(lineEvidence(e));
        return {
          outcome: 'log-errors',
          summary: `${spec.component} is up and leading, but logged ${plural(errors.length, 'error line')}; the last: ${lastError.line.slice(0, 160)}`,
          evidence,
          facts,
        };
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
