import type { KubeObject } from '../../types.js';
import { asArray, asNumber, asObject, asString, at } from '../json.js';
import type { Json } from '../json.js';
import { ageColumn, column, nameColumn } from './columns.js';
import type { PrintedRow, TablePrinter } from './columns.js';
import { humanDuration, since } from '../../../kube/semantics/duration.js';

/** The pod printer of pkg/printers/internalversion/printers.go (printPod), column for column. */
export const podTable: TablePrinter = {
  columns: [
    nameColumn,
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    ageColumn,
    column(
      'IP',
      'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      { priority: 1 },
    ),
    column('Node', 'NodeName indicates in which node this pod is scheduled.', { priority: 1 }),
    column(
      'Nominated Node',
      'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.',
      { priority: 1 },
    ),
    column('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', {
      priority: 1,
    }),
  ],
  row: printPod,
  rowLike: printLikePod,
};

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

function isRestartableInit(container: Json | undefined): boolean {
  return asString(container?.restartPolicy) === 'Always';
}

function conditionTrue(conditions: Json[], type: string): boolean {
  return conditions.some((c) => asString(c.type) === type && asString(c.status) === 'True');
}

function laterOf(current: number, timestamp: unknown): number {
  const t = Date.parse(asString(timestamp));
  return Number.isNaN(t) ? current : Math.max(current, t);
}

/** READY, STATUS and RESTARTS as kubectl shows them (CrashLoopBackOff, Init:0/1, Terminating, `5 (2m ago)`). */
export function summarizePod(pod: KubeObject, now: Date): PodSummary {
  const spec = asObject(pod.spec);
  const status = asObject(pod.status);
  const conditions = asArray(status.conditions);
  const phase = asString(status.phase);
  const containers = asArray(spec.containers);
  const initSpecs = asArray(spec.initContainers);
  const initByName = new Map(initSpecs.map((c) => [asString(c.name), c]));

  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = containers.length;
  let readyContainers = 0;
  let lastRestart = 0;
  let lastRestartableInitRestart = 0;

  let reason = asString(status.reason) || phase;
  for (const c of conditions) {
    if (asString(c.type) === 'PodScheduled' && asString(c.reason) === 'SchedulingGated') reason = 'SchedulingGated';
  }
  for (const c of initSpecs) if (isRestartableInit(c)) totalContainers++;

  let initializing = false;
  const initStatuses = asArray(status.initContainerStatuses);
  for (const [i, c] of initStatuses.entries()) {
    const restartable = isRestartableInit(initByName.get(asString(c.name)));
    const state = asObject(c.state);
    const terminated = state.terminated === undefined ? undefined : asObject(state.terminated);
    const waiting = state.waiting === undefined ? undefined : asObject(state.waiting);
    const lastTerminated = at(c, 'lastState', 'terminated');
    restarts += asNumber(c.restartCount);
    if (lastTerminated !== undefined) lastRestart = laterOf(lastRestart, at(lastTerminated, 'finishedAt'));
    if (restartable) {
      restartableInitRestarts += asNumber(c.restartCount);
      if (lastTerminated !== undefined)
        lastRestartableInitRestart = laterOf(lastRestartableInitRestart, at(lastTerminated, 'finishedAt'));
    }
    if (terminated && asNumber(terminated.exitCode) === 0) continue;
    if (restartable && c.started === true) {
      if (c.ready === true) readyContainers++;
      continue;
    }
    if (terminated) {
      const r = asString(terminated.reason);
      if (r) reason = `Init:${r}`;
      else if (asNumber(terminated.signal) !== 0) reason = `Init:Signal:${asNumber(terminated.signal)}`;
      else reason = `Init:ExitCode:${asNumber(terminated.exitCode)}`;
    } else if (waiting && asString(waiting.reason) && asString(waiting.reason) !== 'PodInitializing') {
      reason = `Init:${asString(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(conditions, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = asArray(status.containerStatuses);
    // Upstream walks the statuses backwards, so the first container's state wins the STATUS.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i] ?? {};
      const state = asObject(c.state);
      const lastTerminated = at(c, 'lastState', 'terminated');
      restarts += asNumber(c.restartCount);
      if (lastTerminated !== undefined) lastRestart = laterOf(lastRestart, at(lastTerminated, 'finishedAt'));
      const waitingReason = asString(at(state, 'waiting', 'reason'));
      const terminated = state.terminated === undefined ? undefined : asObject(state.terminated);
      if (waitingReason) {
        reason = waitingReason;
      } else if (terminated && asString(terminated.reason)) {
        reason = asString(terminated.reason);
      } else if (terminated) {
        reason =
          asNumber(terminated.signal) !== 0
            ? `Signal:${asNumber(terminated.signal)}`
            : `ExitCode:${asNumber(terminated.exitCode)}`;
      } else if (c.ready === true && state.running !== undefined) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting =
    at(pod.metadata, 'deletionTimestamp') !== undefined && at(pod.metadata, 'deletionTimestamp') !== null;
  if (deleting && asString(status.reason) === 'NodeLost') reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart !== 0)
    restartsText = `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`;

  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsText };
}

function readinessGates(spec: Json, conditions: Json[]): string {
  const gates = asArray(spec.readinessGates);
  if (gates.length === 0) return '<none>';
  let trueCount = 0;
  for (const gate of gates) {
    const cond = conditions.find((c) => asString(c.type) === asString(gate.conditionType));
    if (cond && asString(cond.status) === 'True') trueCount++;
  }
  return `${trueCount}/${gates.length}`;
}

function printPod(pod: KubeObject, now: Date): PrintedRow {
  const { ready, status, restarts } = summarizePod(pod, now);
  const spec = asObject(pod.spec);
  const podStatus = asObject(pod.status);
  // v1→internal conversion makes status.podIP authoritative when podIPs is absent or differs.
  const podIP = asString(podStatus.podIP) || asString(asArray(podStatus.podIPs)[0]?.ip) || '<none>';
  const row: PrintedRow = {
    cells: [
      pod.metadata.name,
      ready,
      status,
      restarts,
      since(pod.metadata.creationTimestamp, now),
      podIP,
      asString(spec.nodeName) || '<none>',
      asString(podStatus.nominatedNodeName) || '<none>',
      readinessGates(spec, asArray(podStatus.conditions)),
    ],
  };
  const phase = asString(podStatus.phase);
  if (phase === 'Succeeded')
    row.conditions = [
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ];
  if (phase === 'Failed')
    row.conditions = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
  return row;
}

/**
 * A pod made from the same template as `like`: READY, STATUS, RESTARTS, the
 * nominated node and the readiness gates are the template's; the name, age,
 * IP and node are the pod's own.
 */
function printLikePod(likeRow: PrintedRow, like: KubeObject, pod: KubeObject, now: Date): PrintedRow {
  const c = likeRow.cells;
  const created = pod.metadata.creationTimestamp;
  const podStatus = asObject(pod.status);
  const row: PrintedRow = {
    cells: [
      pod.metadata.name,
      c[1],
      c[2],
      c[3],
      created === like.metadata.creationTimestamp ? c[4] : since(created, now),
      asString(podStatus.podIP) || '<none>',
      asString(asObject(pod.spec).nodeName) || '<none>',
      c[7],
      c[8],
    ],
  };
  if (likeRow.conditions) row.conditions = likeRow.conditions;
  return row;
}
