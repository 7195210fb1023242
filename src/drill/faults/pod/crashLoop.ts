import type { KubeObject } from '../../types.js';
import type { FaultContext } from '../types.js';
import { ago, containerEvent, pulledMessage } from './podStatus.js';
import { goDurationSeconds } from './quantities.js';

/**
 * When a container that keeps dying started and ended, worked back from now
 * with the kubelet's restart back-off (10 s doubling to 5 min), so restart
 * counts, last-state times, ages and event counts agree with each other.
 */
export interface CrashTimeline {
  restartCount: number;
  /** Each instance's start and end, in seconds before now, oldest first. */
  instances: { start: number; end: number }[];
  /** The back-off the container now waits out (`back-off 5m0s restarting ...`). */
  backOff: number;
  /** Seconds before now the pod's first container started. */
  firstStart: number;
  /** How many BackOff events the kubelet recorded (one per pod sync while waiting). */
  backOffEvents: number;
}

export function backOffAfter(deaths: number): number {
  return Math.min(10 * 2 ** Math.max(0, deaths - 1), 300);
}

/**
 * `restarts` restarts, each instance running `runSeconds`; the last one died
 * `sinceDeath` seconds ago (default: a third into its back-off), so the
 * container is waiting in CrashLoopBackOff.
 */
export function crashTimeline(restarts: number, runSeconds: number, sinceDeath?: number): CrashTimeline {
  const deaths = restarts + 1;
  const backOff = backOffAfter(deaths);
  // The moment in the back-off varies with the count, so pods of one drill do not all read "100s ago".
  const sinceLast = sinceDeath ?? Math.min(backOff - 3, Math.max(2, Math.round(backOff / 5) + ((restarts * 37) % 60)));
  const instances: { start: number; end: number }[] = [];
  let end = sinceLast;
  let waited = sinceLast;
  for (let i = deaths; i >= 1; i--) {
    const start = end + runSeconds;
    instances.unshift({ start, end });
    if (i > 1) {
      // Instance i-1 died, then the kubelet waited its back-off before starting instance i.
      const gap = backOffAfter(i - 1);
      waited += gap;
      end = start + gap;
    }
  }
  const first = instances[0]?.start ?? runSeconds;
  // The kubelet syncs a backing-off pod about every 10-20 s, recording BackOff each time.
  return {
    restartCount: restarts,
    instances,
    backOff,
    firstStart: first,
    backOffEvents: Math.max(1, Math.round(waited / 15)),
  };
}

/** Ages of the last (`current`) and the one before (`previous`) instance. */
export function lastTwo(t: CrashTimeline): {
  last: { start: number; end: number };
  previous?: { start: number; end: number };
} {
  const last = t.instances[t.instances.length - 1] ?? { start: 0, end: 0 };
  const previous = t.instances[t.instances.length - 2];
  return previous ? { last, previous } : { last };
}

/** The waiting state of a container in back-off, worded as kubelet v1.31 does. */
export function crashLoopWaiting(t: CrashTimeline, container: string, pod: KubeObject): Record<string, unknown> {
  return {
    waiting: {
      reason: 'CrashLoopBackOff',
      message: `back-off ${goDurationSeconds(t.backOff)} restarting failed container=${container} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
    },
  };
}

export function terminated(
  t: { start: number; end: number },
  exitCode: number,
  reason: string,
  ctx: FaultContext,
  containerID?: string,
): Record<string, unknown> {
  return {
    terminated: {
      exitCode,
      reason,
      startedAt: ctx.at(ago(t.start)),
      finishedAt: ctx.at(ago(t.end)),
      ...(containerID ? { containerID } : {}),
    },
  };
}

/** The kubelet's events for a container that starts and dies over and over. */
export function crashLoopEvents(
  ctx: FaultContext,
  pod: KubeObject,
  container: string,
  image: string,
  t: CrashTimeline,
): void {
  const first = ago(t.firstStart + 3);
  const lastStart = ago(lastTwo(t).last.start);
  containerEvent(ctx, pod, container, {
    type: 'Normal',
    reason: 'Pulling',
    message: `Pulling image "${image}"`,
    firstSeen: ago(t.firstStart + 6),
  });
  containerEvent(ctx, pod, container, {
    type: 'Normal',
    reason: 'Pulled',
    message: pulledMessage(image, `${pod.metadata.namespace}/${pod.metadata.name}`),
    firstSeen: first,
  });
  if (t.restartCount > 0) {
    const second = ago(t.instances[1]?.start ?? 0);
    containerEvent(ctx, pod, container, {
      type: 'Normal',
      reason: 'Pulled',
      message: `Container image "${image}" already present on machine`,
      count: t.restartCount,
      firstSeen: second,
      lastSeen: lastStart,
    });
  }
  containerEvent(ctx, pod, container, {
    type: 'Normal',
    reason: 'Created',
    message: `Created container ${container}`,
    count: t.restartCount + 1,
    firstSeen: first,
    lastSeen: lastStart,
  });
  containerEvent(ctx, pod, container, {
    type: 'Normal',
    reason: 'Started',
    message: `Started container ${container}`,
    count: t.restartCount + 1,
    firstSeen: ago(t.firstStart),
    lastSeen: lastStart,
  });
  if (t.instances.length > 0) {
    containerEvent(ctx, pod, container, {
      type: 'Warning',
      reason: 'BackOff',
      message: `Back-off restarting failed container ${container} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
      count: t.backOffEvents,
      firstSeen: ago(t.instances[0]?.end ?? 0),
      lastSeen: 'now-5s',
    });
  }
}
