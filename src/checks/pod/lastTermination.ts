import { z } from 'zod';
import type { V1ContainerStateTerminated } from '@kubernetes/client-node';
import { describeExitCode, signalOf } from '../exitCodes.js';
import { ageSeconds, formatAge, plural } from '../format.js';
import {
  clip,
  containerNotFound,
  containers,
  lastTermination,
  pickContainer,
  podNotFound,
  ranSeconds,
  readPodIfExists,
} from '../pods.js';
import type { ContainerView } from '../pods.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { quoteArg, quoteInside } from '../../nodeaccess/quote.js';

const outcomes = [
  'oom-killed',
  'killed',
  'signaled',
  'start-failed',
  'exited-error',
  'exited-zero',
  'never-terminated',
  'not-found',
  'container-not-found',
] as const;
type Outcome = (typeof outcomes)[number];

// The runtime could not start the process at all: bad command, missing binary, mount error.
const startFailureReasons = new Set(['StartError', 'ContainerCannotRun', 'CreateContainerError']);

export const podLastTermination = defineCheck({
  id: 'pod.last-termination',
  layer: 'pod',
  title: 'How the container last ended',
  why: 'A restarted container left a record of its last end: OOMKilled means its memory limit, exit 137 means something killed it, a small exit code means the program gave up on its own.',
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1), container: z.string().optional() }),
  outcomes,
  healthy: ['never-terminated'],
  facts: [
    'container',
    'lastEnd',
    'limitText',
    'terminationReason',
    'exitCode',
    'signal',
    'ranSeconds',
    'finishedAgoSeconds',
    'restartCount',
    'memoryLimit',
    'terminationMessage',
    'endedBy',
    'endedHow',
  ],
  sets: {
    'oom-killed': ['container', 'lastEnd', 'limitText', 'restartCount', 'terminationReason'],
    'exited-error': ['container', 'lastEnd', 'limitText', 'restartCount', 'terminationReason'],
    'never-terminated': ['container', 'limitText', 'restartCount'],
  },
  command: (p) =>
    `kubectl get pod ${quoteArg(p.name)} -n ${quoteArg(p.namespace)} -o jsonpath='{range .status.containerStatuses[${p.container ? `?(@.name=="${quoteInside(p.container)}")` : '*'}]}{.name}{"\\t"}{.restartCount}{"\\t"}{.lastState.terminated}{"\\n"}{end}'`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const pod = await readPodIfExists(ctx.kube, p.namespace, p.name);
    if (!pod) return podNotFound(p.namespace, p.name);
    const now = ctx.now();
    const chosen = pickContainer(
      pod,
      p.container,
      (c) => lastTermination(c.status) !== undefined && !(c.init && c.status?.state?.terminated?.exitCode === 0),
    );
    if (!chosen)
      return p.container
        ? containerNotFound(pod, p.container)
        : { outcome: 'never-terminated', summary: 'the pod has no containers', evidence: [], facts: {} };

    // Every container's last end, so a sidecar's crash is not hidden behind the chosen one.
    const evidence: Evidence[] = containers(pod)
      .filter((c) => c.name === chosen.name || lastTermination(c.status))
      .slice(0, 8)
      .map((c) => ({ label: `${c.init ? 'init container' : 'container'} ${c.name}`, value: describe(c, now) }));

    const facts: Facts = { container: chosen.name, restartCount: chosen.status?.restartCount ?? 0 };
    const memoryLimit = chosen.spec?.resources?.limits?.memory;
    if (memoryLimit) facts.memoryLimit = memoryLimit;
    facts.limitText = memoryLimit
      ? `its memory limit of ${memoryLimit}`
      : 'its memory limit (the limit is not in the pod spec that was read)';
    const last = lastTermination(chosen.status);
    if (!last) {
      return {
        outcome: 'never-terminated',
        summary: `container ${chosen.name} has not ended since the pod started (${plural(chosen.status?.restartCount ?? 0, 'restart')})`,
        evidence,
        facts,
      };
    }
    const t = last.term;
    const ran = ranSeconds(t);
    // A sentence the diagnoses quote, with only what was recorded.
    facts.lastEnd = `the ${last.current ? 'current' : 'last'} instance ended ${t.reason ?? 'Terminated'} (exit ${describeExitCode(t.exitCode)})${ran === undefined ? '' : ` after ${ran} s`}`;
    const finishedAgo = ageSeconds(t.finishedAt, now);
    if (t.exitCode !== undefined && t.exitCode !== null) facts.exitCode = t.exitCode;
    if (t.reason) facts.terminationReason = t.reason;
    if (ran !== undefined) facts.ranSeconds = ran;
    if (finishedAgo !== undefined) facts.finishedAgoSeconds = Math.round(finishedAgo);
    const sig =
      (t.exitCode === undefined || t.exitCode === null ? undefined : signalOf(t.exitCode)) ??
      (t.signal ? { number: t.signal, name: `signal ${t.signal}` } : undefined);
    if (sig) facts.signal = sig.name;
    if (t.message) {
      facts.terminationMessage = clip(t.message, 300);
      evidence.push({ label: 'termination message', value: clip(t.message) });
    }

    const which = `container ${chosen.name}${last.current ? '' : ` (${plural(chosen.status?.restartCount ?? 0, 'restart')})`}`;
    const after = ran === undefined ? '' : ` after running ${ran} s`;
    const code = describeExitCode(t.exitCode);
    const result = (outcome: Outcome, summary: string): CheckResult<Outcome> => ({ outcome, summary, evidence, facts });

    // Who ended it, in words a diagnosis can quote without contradicting the exit code on screen (137 is never "by itself").
    const ender = endedBy(t.reason, t.exitCode, sig?.name);
    facts.endedBy = ender.by;
    facts.endedHow = ender.how;

    if (t.reason === 'OOMKilled') {
      return result(
        'oom-killed',
        `${which} was OOMKilled${after}: it used more memory than its limit${memoryLimit ? ` (${memoryLimit})` : ''} (exit ${code})`,
      );
    }
    if (startFailureReasons.has(t.reason ?? '') || t.exitCode === 126 || t.exitCode === 127 || t.exitCode === 128) {
      return result(
        'start-failed',
        `${which} could not be started (${t.reason ?? 'exit'} ${code})${t.message ? `: ${clip(runtimeCause(t.message), 160)}` : ''}`,
      );
    }
    if (sig?.name === 'SIGKILL') {
      // 137 without OOMKilled: the kubelet after a failed liveness probe or grace period, an eviction, or a kill from outside.
      return result(
        'killed',
        `${which} was killed with SIGKILL${after} (exit ${code}, reason ${t.reason ?? 'none'}): by the kubelet (liveness probe, grace period) or from outside, not by its own error`,
      );
    }
    if (sig)
      return result('signaled', `${which} ended on ${sig.name}${after} (exit ${code}, reason ${t.reason ?? 'none'})`);
    if (t.exitCode !== 0)
      return result(
        'exited-error',
        `${which} exited with code ${code}${after} (${t.reason ?? 'Error'}): the program stopped on its own error`,
      );
    return result(
      'exited-zero',
      `${which} exited with code 0${after} (${t.reason ?? 'Completed'}): it finished, which a long-running service should not`,
    );
  },
});

/** runc wraps the cause in layers of context; the last layer is the one a human acts on. */
function runtimeCause(message: string): string {
  return /unable to start container process: (.*?)(?:: unknown)?$/.exec(message)?.[1] ?? message;
}

function describe(c: ContainerView, now: Date): string {
  const last = lastTermination(c.status);
  if (!last) return `no termination recorded (${plural(c.status?.restartCount ?? 0, 'restart')})`;
  return describeTermination(last.term, now, last.current, c.status?.restartCount ?? 0);
}

function describeTermination(t: V1ContainerStateTerminated, now: Date, current: boolean, restarts: number): string {
  const parts = [`${t.reason ?? 'Terminated'}, exit ${describeExitCode(t.exitCode)}`];
  const ran = ranSeconds(t);
  if (ran !== undefined) parts.push(`ran ${ran} s`);
  const ago = ageSeconds(t.finishedAt, now);
  if (ago !== undefined) parts.push(`ended ${formatAge(ago)} ago`);
  parts.push(current ? 'current state' : plural(restarts, 'restart'));
  return parts.join(', ');
}

/** A title's verb and a chain's sentence for how the container ended, from its reason, exit code and signal. */
function endedBy(
  reason: string | undefined,
  exitCode: number | null | undefined,
  signal: string | undefined,
): { by: string; how: string } {
  if (reason === 'OOMKilled')
    return { by: 'is OOM-killed', how: 'the kernel OOM-killed it at its memory limit (reason OOMKilled)' };
  if (signal === 'SIGKILL')
    return {
      by: 'is killed with SIGKILL',
      how: 'it was killed with SIGKILL (exit 137) from outside the program (the kubelet, the runtime or the kernel), with no OOMKilled recorded',
    };
  // The runtime refused to start it (microservices-demo#774: ContainerCannotRun, 128): the program never ran.
  if (startFailureReasons.has(reason ?? ''))
    return {
      by: 'cannot be started',
      how: `the runtime could not start its process (${reason ?? ''}, exit ${exitCode ?? 'unknown'}): the program never ran`,
    };
  if (signal)
    return {
      by: `ends on ${signal}`,
      how: `it ended on ${signal} (exit ${exitCode ?? 'unknown'}), a signal sent to it rather than an error of its own`,
    };
  return {
    by: 'exits by itself',
    how: 'no probe killed it and no OOM kill was recorded: the program ended on its own',
  };
}
