import type { FaultContext } from '../types.js';
import { failedSchedulingEvent, needUnschedulable, schedule } from './scheduler.js';
import { createWorkload } from './workload.js';
import { ago, setUnschedulable } from './podStatus.js';
import type { BuiltWorkload, WorkloadSpec } from './workload.js';

/**
 * A workload whose pod no node accepts: created `ageSeconds` ago, PodScheduled
 * False with the message the scheduler computes from the cluster's nodes, and
 * its FailedScheduling events. `preFilter` is a rejection before any node is
 * looked at (unbound claims).
 */
export function applyPending(
  ctx: FaultContext,
  fault: string,
  spec: Omit<WorkloadSpec, 'created'>,
  ageSeconds: number,
  preFilter?: string,
): BuiltWorkload {
  const created = ago(ageSeconds);
  const w = createWorkload(ctx, { ...spec, created });
  const message = preFilter
    ? (schedule(ctx, w.pod, { preFilter }).message ?? '')
    : needUnschedulable(ctx, w.pod, fault);
  setUnschedulable(ctx, w.pod, message, created);
  failedSchedulingEvent(ctx, w.pod, message, created, ageSeconds);
  return w;
}
