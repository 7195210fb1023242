import { z } from 'zod';
import type { CoreV1Event, V1Pod, V1Probe } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/client.js';
import { KubeError } from '../../kube/errors.js';
import { groupEvents, involvedObjectSelector } from '../events.js';
import { ageSeconds, formatAge, plural } from '../format.js';
import {
  clip,
  containerNotFound,
  eventContainer,
  eventsForContainer,
  lastTermination,
  pickContainer,
  podNotFound,
  ranSeconds,
  readPodAndEvents,
} from '../pods.js';
import type { ContainerView } from '../pods.js';
import {
  classifyProbeFailure,
  probeFailureKind,
  probeKill,
  probedPort,
  servingLine,
  servingPorts,
  loopbackAddress,
} from '../probeEvents.js';
import type { ProbeKind } from '../probeEvents.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { quoteArg, quoteInside } from '../../nodeaccess/quote.js';

const outcomes = [
  'probe-kills-before-start',
  'startup-kills',
  'liveness-kills-running',
  'liveness-kills',
  'probe-fails-running-app',
  'liveness-failing',
  'readiness-failing',
  'tolerance-tight',
  'probes-ok',
  'no-probes',
  'not-found',
  'container-not-found',
] as const;
type Outcome = (typeof outcomes)[number];

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

export const podProbes = defineCheck({
  id: 'pod.probes',
  layer: 'pod',
  title: 'Probes against start-up time',
  why: 'The kubelet kills a container whose liveness or startup probe fails failureThreshold times in a row; if start-up takes longer than the probe allows, the container is killed while starting, forever, and its own log shows no error. A probe aimed at the wrong port or path kills a program that is up.',
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1), container: z.string().optional() }),
  outcomes,
  healthy: ['probes-ok', 'no-probes'],
  facts: [
    'container',
    'probeKind',
    'probeAllowance',
    'toleranceSeconds',
    'initialDelaySeconds',
    'periodSeconds',
    'failureThreshold',
    'ranSeconds',
    'killCount',
    'killTimes',
    'probeFailures',
    'restartCount',
    'startupSeconds',
    'eventMessage',
    'killMessage',
    'probeFailureClass',
    'lastLogLine',
    'servingLine',
    'upEvidence',
    'lastRun',
    'probeFix',
    'suggestedStartupPeriodSeconds',
    'suggestedStartupFailureThreshold',
    'suggestedLivenessFailureThreshold',
  ],
  sets: {
    'probe-kills-before-start': [
      'container',
      'eventMessage',
      'failureThreshold',
      'initialDelaySeconds',
      'killCount',
      'killMessage',
      'killTimes',
      'lastRun',
      'periodSeconds',
      'probeAllowance',
      'probeFix',
      'probeKind',
      'ranSeconds',
      'restartCount',
      'suggestedLivenessFailureThreshold',
      'suggestedStartupFailureThreshold',
      'suggestedStartupPeriodSeconds',
      'toleranceSeconds',
    ],
    'startup-kills': [
      'container',
      'eventMessage',
      'killCount',
      'killMessage',
      'killTimes',
      'lastRun',
      'probeAllowance',
      'probeFix',
      'probeKind',
      'restartCount',
    ],
    'readiness-failing': [
      'container',
      'eventMessage',
      'killCount',
      'killMessage',
      'killTimes',
      'lastRun',
      'probeAllowance',
      'probeFix',
      'restartCount',
    ],
    'no-probes': ['container', 'restartCount'],
  },
  command: (p) =>
    `kubectl get pod ${quoteArg(p.name)} -n ${quoteArg(p.namespace)} -o jsonpath='{range .spec.containers[${p.container ? `?(@.name=="${quoteInside(p.container)}")` : '*'}]}{.name}{" liveness="}{.livenessProbe}{" startup="}{.startupProbe}{"\\n"}{end}' && kubectl get events -n ${quoteArg(p.namespace)} --field-selector ${quoteArg(involvedObjectSelector('Pod', p.name, p.namespace))}`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const [pod, events] = await readPodAndEvents(ctx.kube, p.namespace, p.name);
    if (!pod) return podNotFound(p.namespace, p.name);
    const killed = new Set(
      events
        .filter((e) => e.reason === 'Killing' && probeKill(e.message))
        .map((e) => eventContainer(e) ?? probeKill(e.message)?.container),
    );
    const probed = new Set(events.filter((e) => probeFailureKind(e.message)).map((e) => eventContainer(e)));
    const c = pickContainer(
      pod,
      p.container,
      (v) =>
        killed.has(v.name) ||
        probed.has(v.name) ||
        (!!(v.spec?.livenessProbe ?? v.spec?.startupProbe) && (v.status?.restartCount ?? 0) > 0),
    );
    if (!c)
      return p.container
        ? containerNotFound(pod, p.container)
        : { outcome: 'no-probes', summary: 'the pod has no containers', evidence: [], facts: {} };
    return judge(ctx.kube, pod, c, forContainer(events, c.name, pod), ctx.now());
  },
});

/**
 * Events about this container: those whose fieldPath names it, those about the pod as a whole, and
 * kill messages that name it in their text (old kubelets and pasted events carry no fieldPath).
 */
function forContainer(events: CoreV1Event[], name: string, pod: V1Pod): CoreV1Event[] {
  const single = (pod.spec?.containers?.length ?? 0) <= 1;
  return eventsForContainer(events, name).filter((e) => {
    const named = probeKill(e.message)?.container;
    return (
      named === undefined ||
      named === name ||
      (single && eventContainer(e) === undefined && !(pod.spec?.initContainers ?? []).some((i) => i.name === named))
    );
  });
}

async function judge(
  kube: KubeClient,
  pod: V1Pod,
  c: ContainerView,
  events: CoreV1Event[],
  now: Date,
): Promise<CheckResult<Outcome>> {
  const spec = c.spec;
  const liveness = spec?.livenessProbe ? windowOf('liveness', spec.livenessProbe) : undefined;
  const startup = spec?.startupProbe ? windowOf('startup', spec.startupProbe) : undefined;
  const readiness = spec?.readinessProbe ? windowOf('readiness', spec.readinessProbe) : undefined;
  const restarts = c.status?.restartCount ?? 0;
  const facts: Facts = { container: c.name, restartCount: restarts };
  const evidence: Evidence[] = [];
  for (const w of [startup, liveness, readiness]) {
    if (w)
      evidence.push({
        label: `${w.kind}Probe`,
        value: `initialDelaySeconds ${w.initialDelaySeconds}, periodSeconds ${w.periodSeconds}, failureThreshold ${w.failureThreshold}: ${w.seconds} s (${w.formula})`,
      });
  }

  const groups = groupEvents(events);
  const failures = (kind: ProbeKind) =>
    groups.filter((g) => g.reason === 'Unhealthy' && probeFailureKind(g.message) === kind);
  const count = (gs: { count: number }[]) => gs.reduce((n, g) => n + g.count, 0);
  // A kill is a Normal event: read every Killing message, not only warnings.
  const kills = groups.filter((g) => g.reason === 'Killing' && probeKill(g.message));
  const startupKills = kills.filter((g) => probeKill(g.message)?.kind === 'startup');
  const livenessKills = kills.filter((g) => probeKill(g.message)?.kind === 'liveness');
  const probeEvents = [...kills, ...groups.filter((g) => probeFailureKind(g.message))];
  if (!liveness && !startup && !readiness && probeEvents.length === 0) {
    return {
      outcome: 'no-probes',
      summary: `container ${c.name} has no probes: the kubelet never restarts it for being slow`,
      evidence: [],
      facts,
    };
  }
  if (!liveness && !startup && !readiness) {
    // The events are the kubelet's own record; a spec read without probes (a pasted or older revision) does not undo them.
    evidence.push({
      label: 'probes in the spec',
      value: 'none shown; the events below are the kubelet reporting probes it ran',
    });
  }

  // While a startupProbe runs, liveness waits: the start-up allowance is the startup probe's window alone.
  const allowance = startup ?? liveness;
  facts.probeAllowance = allowance
    ? `The ${allowance.kind} probe allows ${allowance.seconds} s (initialDelaySeconds ${allowance.initialDelaySeconds} + failureThreshold ${allowance.failureThreshold} × periodSeconds ${allowance.periodSeconds})`
    : 'The probe settings are not in the pod spec that was read, so how long it allows is not known';
  if (allowance) {
    facts.probeKind = allowance.kind;
    facts.toleranceSeconds = allowance.seconds;
    facts.initialDelaySeconds = allowance.initialDelaySeconds;
    facts.periodSeconds = allowance.periodSeconds;
    facts.failureThreshold = allowance.failureThreshold;
  }

  const killFailures = [...failures('startup'), ...failures('liveness')];
  for (const g of [...kills, ...killFailures, ...failures('readiness')].slice(0, 5)) {
    evidence.push({
      label: `${g.reason} ×${g.count}`,
      value: `${g.lastSeen ? `last ${formatAge(ageSeconds(g.lastSeen, now) ?? 0)} ago: ` : ''}${clip(g.message)}`,
    });
  }
  const latestFailure = killFailures[0] ?? failures('readiness')[0];
  if (latestFailure) facts.eventMessage = clip(latestFailure.message, 300);
  facts.probeFailures = count(killFailures);
  if (kills[0]) facts.killMessage = clip(kills[0].message, 300);

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
  if (killCount === 0 && killFailures.length > 0 && restarts > 0 && last && [137, 143].includes(last.term.exitCode))
    killCount = restarts;
  facts.killCount = killCount;
  facts.killTimes = killCount === 1 ? 'once' : `${killCount} times`;

  // Sentences the diagnoses quote: always set, saying so in words when the evidence is not there.
  if (!facts.killMessage)
    facts.killMessage =
      killCount > 0
        ? `no Killing event is left (events expire after an hour); ${plural(restarts, 'restart')} ended in exit ${last?.term.exitCode ?? '?'} after probe failures`
        : 'no probe kill was reported';
  if (!facts.eventMessage) facts.eventMessage = "no Unhealthy event with the probe's own error was seen";
  facts.lastRun =
    ran === undefined
      ? 'How long the killed instance ran is not recorded in the pod status that was read.'
      : `The last instance ran ${ran} s before it ended (${last?.term.reason ?? 'Terminated'}, exit ${last?.term.exitCode}).`;
  facts.probeFix =
    'Give start-up the time it needs: a startupProbe whose failureThreshold × periodSeconds covers the slowest start seen, then liveness takes over.';

  if (killCount > 0) {
    const startupKilled =
      startupKills.length > 0 ||
      (kills.length === 0 && failures('startup').length > 0 && failures('liveness').length === 0);
    const kind: 'startup' | 'liveness' = startupKilled ? 'startup' : 'liveness';
    const failing = failures(kind);
    const failureClass = failing[0] ? classifyProbeFailure(failing[0].message) : undefined;
    if (failureClass) facts.probeFailureClass = failureClass;
    if (failing[0]) facts.eventMessage = clip(failing[0].message, 300);
    const log = await logOf(kube, pod, c, last?.term.finishedAt);
    if (log?.last) {
      evidence.push({
        label: `${log.instance} instance's last log line${log.last.beforeKill === undefined ? '' : ` (${log.last.beforeKill} s before it ended)`}`,
        value: clip(log.last.text),
      });
      facts.lastLogLine = clip(log.last.text);
    }
    if (log?.serving) {
      evidence.push({ label: `${log.instance} instance says it serves`, value: clip(log.serving) });
      facts.servingLine = clip(log.serving);
    }
    const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
    const times = `killed ${killCount === 1 ? 'once' : `${killCount} times`}`;
    const window = kind === 'startup' ? startup : (liveness ?? startup);
    // Never one success: the kill lands about when the allowance runs out (plus the grace period and probe jitter).
    // A startup probe runs only until its first success, so its kill always means it never succeeded.
    const neverSucceeded = kind === 'startup' || !window || ran === undefined || ran <= 2 * window.seconds + grace;

    // The program is up and the probe still fails: a server answered 404/401/403, or the log says it listens
    // where the probe does not knock (another port, or only 127.0.0.1). A serving line alone never decides.
    const probed = failing[0]
      ? (probedPort(failing[0].message) ?? specPort(kind === 'startup' ? spec?.startupProbe : spec?.livenessProbe))
      : undefined;
    const loopback =
      log?.serving && probed !== undefined && loopbackAddress(log.serving)?.endsWith(`:${probed}`)
        ? loopbackAddress(log.serving)
        : undefined;
    const ports = log?.servingAll.flatMap((l) => servingPorts(l)) ?? [];
    const elsewhere =
      probed !== undefined && ports.length > 0 && !ports.includes(probed)
        ? log?.servingAll.find((l) => servingPorts(l).length > 0)
        : undefined;
    const upEvidence =
      failureClass === 'wrong-answer'
        ? `the probe got an answer (${failing[0]?.message.replace(/^\w+ probe failed: /, '') ?? ''}): a server runs there`
        : loopback && log?.serving
          ? `its log says it serves only on the loopback address ${loopback}, which the kubelet cannot reach: ${clip(log.serving, 160)}`
          : elsewhere
            ? `its log says it serves on port ${servingPorts(elsewhere).join(', ')}, but the probe knocks on port ${probed}: ${clip(elsewhere, 160)}`
            : undefined;
    if (upEvidence && neverSucceeded && (failureClass === 'wrong-answer' || failureClass === 'refused')) {
      facts.upEvidence = `Container ${c.name} is up: ${upEvidence}.`;
      facts.probeFix = loopback
        ? `Make the program listen on all interfaces (0.0.0.0), or probe it with an exec command inside the container: the kubelet probes the pod IP, never ${loopback}.`
        : elsewhere
          ? `Point the probe at the port the program serves (${servingPorts(elsewhere).join(', ')}), or make the program listen on ${probed}.`
          : 'Point the probe at a path the program serves (and give it credentials if the path needs them), then watch the next start.';
      return {
        outcome: 'probe-fails-running-app',
        summary: `the ${kind} probe fails against a program that is up (${upEvidence}); it was ${times}`,
        evidence,
        facts: { ...facts, probeKind: kind },
      };
    }
    if (kind === 'startup') {
      if (window) {
        suggest(facts, window, ran ?? window.seconds);
        facts.probeFix = `Give start-up more time: startupProbe failureThreshold ${String(facts.suggestedStartupFailureThreshold)} with periodSeconds ${String(facts.suggestedStartupPeriodSeconds)} (twice the ${window.seconds} s it allows now).`;
      } else {
        facts.probeFix =
          "Give start-up more time: raise the startupProbe's failureThreshold (or periodSeconds) until failureThreshold × periodSeconds covers the slowest start seen, with room to spare.";
      }
      return {
        outcome: 'startup-kills',
        summary: `the startup probe killed container ${c.name} before it reported started (${times})${window ? `: startup allows ${window.seconds} s (${window.formula})${ran === undefined ? '' : `, the instance ran ${ran} s`}` : ''}`,
        evidence,
        facts: { ...facts, probeKind: 'startup' },
      };
    }
    if (!allowance) {
      facts.probeFix = `Read the probe (kubectl -n ${pod.metadata?.namespace ?? ''} get pod ${pod.metadata?.name ?? ''} -o jsonpath='{.spec.containers[?(@.name=="${c.name}")].livenessProbe}') and compare initialDelaySeconds + failureThreshold × periodSeconds with how long start-up takes in the log; give start-up a startupProbe if it is longer.`;
      return {
        outcome: 'liveness-kills',
        summary: `the liveness probe killed container ${c.name} (${times}); the probe settings are not in the spec that was read, so start-up time cannot be compared with them`,
        evidence,
        facts: { ...facts, probeKind: 'liveness' },
      };
    }
    const allows = `${allowance.kind} allows ${allowance.seconds} s (${allowance.formula})`;
    // A liveness kill behind a startupProbe comes after start-up succeeded.
    const afterStartup = startup !== undefined && livenessKills.length > 0;
    if (!afterStartup && (ran === undefined || ran <= 2 * allowance.seconds + grace)) {
      suggest(facts, allowance, ran ?? allowance.seconds);
      facts.probeFix = `Give start-up its own budget: a startupProbe with periodSeconds ${String(facts.suggestedStartupPeriodSeconds)} and failureThreshold ${String(facts.suggestedStartupFailureThreshold)} (liveness then starts after start-up succeeds), or raise the liveness probe's failureThreshold to ${String(facts.suggestedLivenessFailureThreshold)}.`;
      return {
        outcome: 'probe-kills-before-start',
        summary: `${allows}; the container ${ran === undefined ? 'ran about that long' : `ran ${ran} s`} and was ${times}`,
        evidence,
        facts,
      };
    }
    facts.probeFix =
      "The program answered its probe for a while, then stopped: read the killed instance's last log lines and its CPU throttling before loosening the probe (timeoutSeconds, failureThreshold).";
    return {
      outcome: 'liveness-kills-running',
      summary: `${allows}, but the container ran ${ran ?? 'longer'} s before it was killed: it started, then stopped answering its liveness probe (${times})`,
      evidence,
      facts,
    };
  }

  if (killFailures.length > 0) {
    const g = killFailures[0];
    return {
      outcome: 'liveness-failing',
      summary: `the ${g && probeFailureKind(g.message) === 'startup' ? 'startup' : 'liveness'} probe failed ${plural(count(killFailures), 'time')} but has not killed container ${c.name} (it needs ${allowance?.failureThreshold ?? 3} failures in a row)`,
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
    const took = Math.round(
      (new Date(readyCondition.lastTransitionTime).getTime() - new Date(startedAt).getTime()) / 1000,
    );
    if (took >= 0) {
      facts.startupSeconds = took;
      evidence.push({
        label: 'start-up took',
        value: `${took} s (container started ${iso(startedAt)}, pod Ready ${iso(readyCondition.lastTransitionTime)})`,
      });
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
      : `container ${c.name} has no liveness or startup probe, and no probe is failing`,
    evidence,
    facts,
  };
}

/** A probe sized from what was seen: twice the start-up time, so a slow day still fits. */
function suggest(facts: Facts, allowance: ProbeWindow, neededSeconds: number): void {
  const target = 2 * Math.max(neededSeconds, allowance.seconds);
  facts.suggestedStartupPeriodSeconds = 10;
  facts.suggestedStartupFailureThreshold = Math.ceil(target / 10);
  facts.suggestedLivenessFailureThreshold = Math.max(
    allowance.failureThreshold,
    Math.ceil((target - allowance.initialDelaySeconds) / allowance.periodSeconds),
  );
}

interface LogView {
  instance: 'previous' | 'current';
  last?: { text: string; beforeKill?: number };
  /** A line where the program says it is up and listening (the last one), and all of them. */
  serving?: string;
  servingAll: string[];
}

/**
 * The killed instance's log (the current one when there is no previous): its last line and how long before
 * its end, to tell "still starting" from "idle"; and any line saying it serves, to tell a slow start from a
 * probe aimed where nothing listens.
 */
async function logOf(
  kube: KubeClient,
  pod: V1Pod,
  c: ContainerView,
  finishedAt: Date | undefined,
): Promise<LogView | undefined> {
  const previous = c.status?.lastState?.terminated !== undefined;
  let text: string;
  try {
    text = await kube.readPodLog(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', {
      container: c.name,
      previous,
      tailLines: 200,
      timestamps: true,
      limitBytes: 200 * 2048,
    });
  } catch (err) {
    // The log is supporting evidence: a refusal (forbidden, rotated away, not collected) must not cost the verdict.
    if (err instanceof KubeError && err.kind !== 'aborted' && err.kind !== 'timeout') return undefined;
    throw err;
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return undefined;
  const split = (line: string): { at?: number; text: string } => {
    const m = /^(\d{4}-\d{2}-\d{2}T\S+) (.*)$/.exec(line);
    if (!m?.[1]) return { text: line };
    const at = Date.parse(m[1]);
    return Number.isNaN(at) ? { text: line } : { at, text: m[2] ?? '' };
  };
  const view: LogView = { instance: previous ? 'previous' : 'current', servingAll: [] };
  const last = split(lines[lines.length - 1] ?? '');
  const beforeKill =
    previous && finishedAt && last.at !== undefined
      ? Math.max(0, Math.round((new Date(finishedAt).getTime() - last.at) / 1000))
      : undefined;
  view.last = beforeKill === undefined ? { text: last.text } : { text: last.text, beforeKill };
  const serving = lines.map((l) => split(l).text).filter((l) => servingLine(l));
  view.servingAll = serving;
  if (serving.length > 0) view.serving = serving[serving.length - 1];
  return view;
}

/** A probe's port when the spec gives it as a number (a named port needs the container's ports). */
function specPort(p: V1Probe | undefined): number | undefined {
  const port = p?.httpGet?.port ?? p?.tcpSocket?.port ?? p?.grpc?.port;
  return typeof port === 'number' ? port : typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : undefined;
}

function iso(d: Date | string): string {
  return new Date(d).toISOString().replace('.000Z', 'Z');
}
