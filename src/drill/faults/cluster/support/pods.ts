import type { KubeObject } from '../../../types.js';
import type { FaultContext } from '../../types.js';
import { hexId } from './logs.js';
import { asList, asRecord, str } from './json.js';
import type { Json } from './json.js';

/** One run of a restarting container: when it started and when it exited, in seconds before now. */
export interface Run {
  startedAgo: number;
  finishedAgo: number;
}

/** Where a crash-looping container stands now: its runs, the restart count and the back-off the kubelet waits. */
export interface CrashLoop {
  runs: Run[];
  restarts: number;
  /** Go duration of the current back-off (`5m0s`). */
  backoff: string;
  last: Run;
}

/** Go's time.Duration String for whole seconds: 10s, 1m20s, 5m0s. */
export function goDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m}m${s}s` : `${s}s`;
}

/**
 * The kubelet's restart back-off (10 s doubling to 5 min) for a container that
 * has crashed `runSeconds` after each start since `sinceSeconds` ago; the
 * container is left waiting in CrashLoopBackOff now.
 */
export function crashLoop(sinceSeconds: number, runSeconds: number): CrashLoop {
  const runs: Run[] = [];
  let start = Math.max(sinceSeconds, runSeconds + 2);
  for (let n = 0; start - runSeconds >= 1; n++) {
    runs.push({ startedAgo: start, finishedAgo: start - runSeconds });
    start = start - runSeconds - Math.min(10 * 2 ** n, 300);
  }
  const last = runs[runs.length - 1] as Run;
  // restartCount counts the containers created after the first; the next one waits out the back-off.
  return { runs, restarts: runs.length - 1, backoff: goDuration(Math.min(10 * 2 ** (runs.length - 1), 300)), last };
}

function containerId(pod: KubeObject, container: string, run: number): string {
  return `containerd://${hexId(64, pod.metadata.namespace ?? '', pod.metadata.name, container, run)}`;
}

function withContainerStatus(pod: KubeObject, container: string, edit: (s: Json) => Json): KubeObject {
  const copy = structuredClone(pod);
  const status = asRecord(copy.status);
  const statuses = asList(status.containerStatuses);
  const i = statuses.findIndex((s) => s.name === container);
  const image = asList(asRecord(copy.spec).containers).find((c) => c.name === container)?.image;
  const base: Json = i === -1 ? { name: container, image, imageID: '' } : (statuses[i] as Json);
  const next = edit({ ...base });
  if (i === -1) statuses.push(next);
  else statuses[i] = next;
  status.containerStatuses = statuses;
  const allReady = statuses.every((s) => s.ready === true);
  const unready = statuses.filter((s) => s.ready !== true).map((s) => String(s.name));
  status.conditions = asList(status.conditions).map((c) => {
    if (c.type !== 'Ready' && c.type !== 'ContainersReady') return c;
    if (allReady) return { type: c.type, status: 'True', lastTransitionTime: c.lastTransitionTime };
    return {
      type: c.type,
      status: 'False',
      lastTransitionTime: c.lastTransitionTime,
      reason: 'ContainersNotReady',
      message: `containers with unready status: [${unready.join(' ')}]`,
    };
  });
  copy.status = status;
  return copy;
}

/** Sets the Ready and ContainersReady conditions' transition time (when the container went unready). */
function transitionedAt(pod: KubeObject, time: string): KubeObject {
  const status = asRecord(pod.status);
  status.conditions = asList(status.conditions).map((c) =>
    c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, lastTransitionTime: time } : c,
  );
  return pod;
}

/** The pod's status as the kubelet reports a container in CrashLoopBackOff after `loop`'s runs. */
export function crashLoopStatus(
  ctx: FaultContext,
  pod: KubeObject,
  container: string,
  loop: CrashLoop,
  exitCode: number,
): KubeObject {
  const uid = pod.metadata.uid ?? '';
  const out = withContainerStatus(pod, container, (s) => ({
    ...s,
    ready: false,
    started: false,
    restartCount: loop.restarts,
    state: {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off ${loop.backoff} restarting failed container=${container} pod=${pod.metadata.name}_${pod.metadata.namespace ?? ''}(${uid})`,
      },
    },
    lastState: {
      terminated: {
        exitCode,
        reason: 'Error',
        startedAt: ctx.at(`now-${loop.last.startedAgo}s`),
        finishedAt: ctx.at(`now-${loop.last.finishedAgo}s`),
        containerID: containerId(pod, container, loop.restarts),
      },
    },
    containerID: containerId(pod, container, loop.restarts),
  }));
  const firstCrash = loop.runs[0]?.finishedAgo ?? loop.last.finishedAgo;
  return transitionedAt(out, ctx.at(`now-${firstCrash}s`));
}

/** A container that restarted `restarts` times and runs again since `startedAgo`, ready or not. */
export function restartedStatus(
  ctx: FaultContext,
  pod: KubeObject,
  container: string,
  o: { restarts: number; previous: Run; startedAgo: number; exitCode: number; ready: boolean },
): KubeObject {
  const out = withContainerStatus(pod, container, (s) => ({
    ...s,
    ready: o.ready,
    started: true,
    restartCount: o.restarts,
    state: { running: { startedAt: ctx.at(`now-${o.startedAgo}s`) } },
    lastState:
      o.restarts > 0
        ? {
            terminated: {
              exitCode: o.exitCode,
              reason: 'Error',
              startedAt: ctx.at(`now-${o.previous.startedAgo}s`),
              finishedAt: ctx.at(`now-${o.previous.finishedAgo}s`),
              containerID: containerId(pod, container, o.restarts - 1),
            },
          }
        : {},
    containerID: containerId(pod, container, o.restarts),
  }));
  return o.ready ? out : transitionedAt(out, ctx.at(`now-${Math.max(1, o.startedAgo - 1)}s`));
}

/** A running container whose readiness probe fails: READY 0/1, STATUS Running. */
export function unreadyStatus(ctx: FaultContext, pod: KubeObject, container: string, sinceSeconds: number): KubeObject {
  const out = withContainerStatus(pod, container, (s) => ({ ...s, ready: false, started: true }));
  return transitionedAt(out, ctx.at(`now-${sinceSeconds}s`));
}

/** The node a pod runs on, and the address its kubelet serves on. */
export function podNode(pod: KubeObject): string {
  return str(asRecord(pod.spec).nodeName);
}

/** The kubelet's events for a crash-looping container, as `kubectl get events` shows them. */
export function crashLoopEvents(ctx: FaultContext, pod: KubeObject, container: string, loop: CrashLoop): void {
  const image = str(asList(asRecord(pod.spec).containers).find((c) => c.name === container)?.image);
  const host = podNode(pod);
  const first = loop.runs[0] ?? loop.last;
  const ref = `${pod.metadata.name}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`;
  const runs = loop.runs.length;
  const common = {
    about: pod,
    source: 'kubelet',
    host,
    firstSeen: `now-${first.startedAgo}s`,
    lastSeen: `now-${loop.last.startedAgo}s`,
    count: runs,
  };
  const fieldPath = `spec.containers{${container}}`;
  const events = [
    ctx.event({
      ...common,
      type: 'Normal',
      reason: 'Pulled',
      message: `Container image "${image}" already present on machine`,
    }),
    ctx.event({ ...common, type: 'Normal', reason: 'Created', message: `Created container ${container}` }),
    ctx.event({ ...common, type: 'Normal', reason: 'Started', message: `Started container ${container}` }),
    ctx.event({
      about: pod,
      source: 'kubelet',
      host,
      type: 'Warning',
      reason: 'BackOff',
      message: `Back-off restarting failed container ${container} in pod ${ref}`,
      firstSeen: `now-${first.finishedAgo - 1 > 0 ? first.finishedAgo - 1 : 1}s`,
      lastSeen: 'now-5s',
      // The kubelet re-syncs a backed-off pod every ~10 s and records BackOff each time.
      count: Math.max(runs, Math.floor(first.finishedAgo / 10)),
    }),
  ];
  for (const e of events) (e.involvedObject as Json).fieldPath = fieldPath;
}
