import { z } from 'zod';
import type { CoreV1Event, V1Pod, V1Probe } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/client.js';
import { KubeError } from '../../kube/errors.js';
import { groupEvents, involvedObjectSelector } from '../events.js';
import { ageSeconds, formatAge, plural } from '../format.js';
import { clip, containerNotFound, eventContainer, eventsForContainer, lastTermination, pickContainer, podNotFound, ranSeconds, readPodIfExists } from '../pods.js';
import type { ContainerView } from '../pods.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';

const outcomes = [
  'probe-kills-before-start',
  'liveness-kills-running',
  'liveness-failing',
  'readiness-failing',
  'tolerance-tight',
  'probes-ok',
  'no-probes',
  'not-found',
  'container-not-found',
] as const;
type Outcome = (typeof outcomes)[number];

type ProbeKind = 'liveness' | 'startup' | 'readiness';

/** How long a probe lets a container go without one success before it acts. */
interface ProbeWindow {
  kind: ProbeKind;
  initialDelaySeconds: number;
  periodSeconds: number;
  failureThreshold: number;
  seconds: number;
  /** `120 + 3×30`: the arithmetic shown to the user. */
  formula: string;
}

function windowOf(kind: ProbeKind, p: V1Probe): ProbeWindow {
  // Kubernetes defaults: initialDelaySeconds 0, periodSeconds 10, failureThreshold 3.
  const initialDelaySeconds = p.initialDelaySeconds ?? 0;
  const periodSeconds = p.periodSeconds ?? 10;
  const failureThreshold = p.failureThreshold ?? 3;
  return {
    kind,
    initialDelaySeconds,
    periodSeconds,
    failureThreshold,
    seconds: initialDelaySeconds + failureThreshold * periodSeconds,
    formula: `${initialDelaySeconds} + ${failureThreshold}×${periodSeconds}`,
  };
}

const kindOfMessage: [RegExp, ProbeKind][] = [
  [/^Liveness probe (?:failed|errored)/, 'liveness'],
  [/^Startup probe (?:failed|errored)/, 'startup'],
  [/^Readiness probe (?:failed|errored)/, 'readiness'],
];

const killMessage = /failed (liveness|startup) probe, will be restarted/;

export const podProbes = defineCheck({
  id: 'pod.probes',
  layer: 'pod',
  title: 'Probes against start-up time',
  why: 'The kubelet kills a container whose liveness probe fails failureThreshold times in a row; if start-up takes longer than the probe allows, the container is killed while starting, forever, and its own log shows no error.',
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1), container: z.string().optional() }),
  outcomes,
  healthy: ['probes-ok', 'no-probes'],
  facts: [
    'container',
    'probeKind',
    'toleranceSeconds',
    'initialDelaySeconds',
    'periodSeconds',
    'failureThreshold',
    'ranSeconds',
    'killCount',
    'probeFailures',
    'restartCount',
    'startupSeconds',
    'eventMessage',
    'lastLogLine',
    'suggestedStartupPeriodSeconds',
    'suggestedStartupFailureThreshold',
    'suggestedLivenessFailureThreshold',
  ],
  command: (p) =>
    `kubectl get pod ${p.name} -n ${p.namespace} -o jsonpath='{range .spec.containers[${p.container ? `?(@.name=="${p.container}")` : '*'}]}{.name}{" liveness="}{.livenessProbe}{" startup="}{.startupProbe}{"\\n"}{end}' && kubectl get events -n ${p.namespace} --field-selector ${involvedObjectSelector('Pod', p.name, p.namespace)}`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const [pod, events] = await Promise.all([
      readPodIfExists(ctx.kube, p.namespace, p.name),
      ctx.kube.listEvents({ namespace: p.namespace, fieldSelector: involvedObjectSelector('Pod', p.name, p.namespace) }),
    ]);
    if (!pod) return podNotFound(p.namespace, p.name);
    const killed = new Set(events.filter((e) => e.reason === 'Killing' && killMessage.test(e.message ?? '')).map((e) => eventContainer(e) ?? containerInMessage(e)));
    const c = pickContainer(pod, p.container, (v) => killed.has(v.name) || (!!(v.spec?.livenessProbe ?? v.spec?.startupProbe) && (v.status?.restartCount ?? 0) > 0));
    if (!c) return p.container ? containerNotFound(pod, p.container) : { outcome: 'no-probes', summary: 'the pod has no containers', evidence: [], facts: {} };
    return judge(ctx.kube, pod, c, eventsForContainer(events, c.name), ctx.now());
  },
});

/** "Container host failed liveness probe, will be restarted" names its container when fieldPath does not. */
function containerInMessage(e: CoreV1Event): string | undefined {
  return /^Container (\S+) failed/.exec(e.message ?? '')?.[1];
}

async function judge(kube: KubeClient, pod: V1Pod, c: ContainerView, events: CoreV1Event[], now: Date): Promise<CheckResult<Outcome>> {
  const spec = c.spec;
  const liveness = spec?.livenessProbe ? windowOf('liveness', spec.livenessProbe) : undefined;
  const startup = spec?.startupProbe ? windowOf('startup', spec.startupProbe) : undefined;
  const readiness = spec?.readinessProbe ? windowOf('readiness', spec.readinessProbe) : undefined;
  const restarts = c.status?.restartCount ?? 0;
  const facts: Facts = { container: c.name, restartCount: restarts };
  const evidence: Evidence[] = [];
  for (const w of [startup, liveness, readiness]) {
    if (w) evidence.push({ label: `${w.kind}Probe`, value: `initialDelaySeconds ${w.initialDelaySeconds}, periodSeconds ${w.periodSeconds}, failureThreshold ${w.failureThreshold}: ${w.seconds} s (${w.formula})` });
  }
  if (!liveness && !startup && !readiness) {
    return { outcome: 'no-probes', summary: `container ${c.name} has no probes: the kubelet never restarts it for being slow`, evidence: [], facts };
  }

  // While a startupProbe runs, liveness waits: the start-up allowance is the startup probe's window alone.
  const allowance = startup ?? liveness;
  if (allowance) {
    facts.probeKind = allowance.kind;
    facts.toleranceSeconds = allowance.seconds;
    facts.initialDelaySeconds = allowance.initialDelaySeconds;
    facts.periodSeconds = allowance.periodSeconds;
    facts.failureThreshold = allowance.failureThreshold;
  }

  const groups = groupEvents(events);
  const failures = (kind: ProbeKind) => groups.filter((g) => g.type === 'Warning' && kindOfMessage.some(([re, k]) => k === kind && re.test(g.message)));
  const count = (gs: { count: number }[]) => gs.reduce((n, g) => n + g.count, 0);
  const kills = groups.filter((g) => g.reason === 'Killing' && killMessage.test(g.message));
  const killFailures = [...failures('liveness'), ...failures('startup')];
  for (const g of [...kills, ...killFailures, ...failures('readiness')].slice(0, 4)) {
    evidence.push({ label: `${g.reason} ×${g.count}`, value: `${g.lastSeen ? `last ${formatAge(ageSeconds(g.lastSeen, now) ?? 0)} ago: ` : ''}${clip(g.message)}` });
  }
  const latestFailure = killFailures[0] ?? failures('readiness')[0];
  if (latestFailure) facts.eventMessage = latestFailure.message;
  facts.probeFailures = count(killFailures);

  const last = lastTermination(c.status);
  const ran = last ? ranSeconds(last.term) : undefined;
  if (last) {
    evidence.push({
      label: 'last termination',
      value: `${last.term.reason ?? 'Terminated'}, exit ${last.term.exitCode}${ran === undefined ? '' : `, ran ${ran} s`}${last.term.startedAt && last.term.finishedAt ? ` (${iso(last.term.startedAt)} → ${iso(last.term.finishedAt)})` : ''}`,
    });
  }
  if (ran !== undefined) facts.ranSeconds = ran;

  // Kill events expire after an hour; then restarts ending in SIGKILL/SIGTERM after probe failures stand in for them.
  let killCount = count(kills);
  if (killCount === 0 && killFailures.length > 0 && restarts > 0 && last && [137, 143].includes(last.term.exitCode)) killCount = restarts;
  facts.killCount = killCount;

  if (killCount > 0 && allowance) {
    const log = last && !last.current ? await lastLogLine(kube, pod, c.name, last.term.finishedAt) : undefined;
    if (log) {
      evidence.push({ label: `previous instance's last log line${log.beforeKill === undefined ? '' : ` (${log.beforeKill} s before it ended)`}`, value: clip(log.text) });
      facts.lastLogLine = clip(log.text);
    }
    const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
    const allows = `${allowance.kind} allows ${allowance.seconds} s (${allowance.formula})`;
    const times = `killed ${killCount} ${killCount === 1 ? 'time' : 'times'}`;
    // A liveness kill behind a startupProbe comes after start-up succeeded.
    const afterStartup = startup !== undefined && kills.length > 0 && kills.every((g) => /liveness/.test(g.message));
    // Never one success: the kill lands about when the allowance runs out (plus the grace period and probe jitter).
    if (!afterStartup && (ran === undefined || ran <= 2 * allowance.seconds + grace)) {
      suggest(facts, allowance, ran ?? allowance.seconds);
      return {
        outcome: 'probe-kills-before-start',
        summary: `${allows}; the container ${ran === undefined ? 'ran about that long' : `ran ${ran} s`} and was ${times}`,
        evidence,
        facts,
      };
    }
    return {
      outcome: 'liveness-kills-running',
      summary: `${allows}, but the container ran ${ran} s before it was killed: it started, then stopped answering its liveness probe (${times})`,
      evidence,
      facts,
    };
  }

  if (killFailures.length > 0) {
    const g = killFailures[0];
    return {
      outcome: 'liveness-failing',
      summary: `the ${g && /^Startup/.test(g.message) ? 'startup' : 'liveness'} probe failed ${plural(count(killFailures), 'time')} but has not killed container ${c.name} (it needs ${allowance?.failureThreshold ?? 3} failures in a row)`,
      evidence,
      facts,
    };
  }

  const readinessFailures = failures('readiness');
  if (readinessFailures.length > 0 && c.status && !c.status.ready) {
    return {
      outcome: 'readiness-failing',
      summary: `container ${c.name} runs but its readiness probe failed ${plural(count(readinessFailures), 'time')}: ${clip(readinessFailures[0]?.message ?? '', 120)}`,
      evidence,
      facts,
    };
  }

  // How long the running instance took to become ready, when the pod says so.
  const startedAt = c.status?.state?.running?.startedAt;
  const readyCondition = pod.status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
  if (allowance && startedAt && readyCondition?.lastTransitionTime && c.status?.ready) {
    const took = Math.round((new Date(readyCondition.lastTransitionTime).getTime() - new Date(startedAt).getTime()) / 1000);
    if (took >= 0) {
      facts.startupSeconds = took;
      evidence.push({ label: 'start-up took', value: `${took} s (container started ${iso(startedAt)}, pod Ready ${iso(readyCondition.lastTransitionTime)})` });
      if (took >= 0.8 * allowance.seconds) {
        suggest(facts, allowance, took);
        return {
          outcome: 'tolerance-tight',
          summary: `${allowance.kind} allows ${allowance.seconds} s (${allowance.formula}) and start-up took ${took} s: a slightly slower start will be killed`,
          evidence,
          facts,
        };
      }
    }
  }
  return {
    outcome: 'probes-ok',
    summary: allowance
      ? `${allowance.kind} allows ${allowance.seconds} s (${allowance.formula}) and no probe has failed or killed container ${c.name}`
      : `container ${c.name} has only a readiness probe, and it is not failing`,
    evidence,
    facts,
  };
}

/** A probe sized from what was seen: twice the start-up time, so a slow day still fits. */
function suggest(facts: Facts, allowance: ProbeWindow, neededSeconds: number): void {
  const target = 2 * Math.max(neededSeconds, allowance.seconds);
  facts.suggestedStartupPeriodSeconds = 10;
  facts.suggestedStartupFailureThreshold = Math.ceil(target / 10);
  facts.suggestedLivenessFailureThreshold = Math.max(allowance.failureThreshold, Math.ceil((target - allowance.initialDelaySeconds) / allowance.periodSeconds));
}

/** The last thing the killed instance logged, and how long before its end: still starting, or idle? */
async function lastLogLine(kube: KubeClient, pod: V1Pod, container: string, finishedAt: Date | undefined): Promise<{ text: string; beforeKill?: number } | undefined> {
  let text: string;
  try {
    text = await kube.readPodLog(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', { container, previous: true, tailLines: 1, timestamps: true, limitBytes: 4096 });
  } catch (err) {
    // The log is supporting evidence: a refusal (forbidden, rotated away) must not cost the verdict.
    if (err instanceof KubeError && err.kind !== 'aborted' && err.kind !== 'timeout') return undefined;
    throw err;
  }
  const line = text.trimEnd().split('\n').pop() ?? '';
  if (!line) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T\S+) (.*)$/.exec(line);
  if (!m?.[1]) return { text: line };
  const at = Date.parse(m[1]);
  const beforeKill = finishedAt && !Number.isNaN(at) ? Math.max(0, Math.round((new Date(finishedAt).getTime() - at) / 1000)) : undefined;
  return beforeKill === undefined ? { text: m[2] ?? '' } : { text: m[2] ?? '', beforeKill };
}

function iso(d: Date | string): string {
  return new Date(d).toISOString().replace('.000Z', 'Z');
}
