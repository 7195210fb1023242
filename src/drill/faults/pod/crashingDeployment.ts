import type { EnvVar, ResourceRequirements } from 'kubernetes-types/core/v1.js';
import type { FaultContext } from '../types.js';
import { crashLoopEvents, crashLoopWaiting, crashTimeline, lastTwo, terminated } from './crashLoop.js';
import type { CrashTimeline } from './crashLoop.js';
import { createWorkload, pickNode } from './workload.js';
import { ago, scheduledEvent, setPodStatus } from './podStatus.js';
import type { BuiltWorkload } from './workload.js';

export interface CrashingDeployment {
  namespace: string;
  name: string;
  pod?: string;
  node?: string;
  container: string;
  image: string;
  resources: ResourceRequirements;
  env?: EnvVar[];
  restarts: number;
  runSeconds: number;
  exitCode: number;
  reason: 'Error' | 'OOMKilled';
  /** Log lines of one instance, as offsets in seconds from its start; the same program writes the same lines each time. */
  log: (start: number, end: number) => string[];
}

/** A Deployment whose one container dies after `runSeconds`, every time: CrashLoopBackOff with the kubelet's events and both logs. */
export function applyCrashingDeployment(
  ctx: FaultContext,
  c: CrashingDeployment,
): { workload: BuiltWorkload; timeline: CrashTimeline } {
  const node = pickNode(ctx, c.node);
  const t = crashTimeline(c.restarts, c.runSeconds);
  const created = ago(t.firstStart + 8);
  const w = createWorkload(ctx, {
    namespace: c.namespace,
    kind: 'Deployment',
    name: c.name,
    ...(c.pod ? { podName: c.pod } : {}),
    containers: [
      {
        name: c.container,
        image: c.image,
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        resources: c.resources,
        ...(c.env ? { env: c.env } : {}),
      },
    ],
    created,
  });
  const { last, previous } = lastTwo(t);
  setPodStatus(ctx, w.pod, {
    node,
    phase: 'Running',
    started: created,
    readyChanged: ago(last.end),
    containers: [
      {
        name: c.container,
        image: c.image,
        pulled: true,
        ready: false,
        started: false,
        restartCount: t.restartCount,
        state: crashLoopWaiting(t, c.container, w.pod),
        lastState: terminated(last, c.exitCode, c.reason, ctx),
      },
    ],
  });
  scheduledEvent(ctx, w.pod, node.metadata.name, created);
  crashLoopEvents(ctx, w.pod, c.container, c.image, t);
  // In back-off the kubelet serves the instance that just died as the current log, and the one before as --previous.
  ctx.log(c.namespace, w.podName, c.container, c.log(last.start, last.end));
  if (previous) ctx.log(c.namespace, w.podName, c.container, c.log(previous.start, previous.end), true);
  return { workload: w, timeline: t };
}

/** `now-…` for a moment `offset` seconds into an instance that started `start` seconds ago. */
export function at(start: number, offset: number): string {
  return ago(start - offset);
}
