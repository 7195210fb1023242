import type { Layer } from './types.js';

/**
 * Where a line the walk saw came from:
 * event (an Event's reason and message), status (a pod's status reason and
 * message, a container's waiting reason and message), termination (a
 * container's terminated state: reason, exit code, signal), condition (a
 * node's condition), log (a container log line), host (a line of a host
 * command's output: journals, dmesg), api (an API server's error reply), and
 * arch (a node's architecture, kernel and runtime version).
 */
export const signalKinds = ['event', 'status', 'termination', 'condition', 'log', 'host', 'api', 'arch'] as const;
export type SignalKind = (typeof signalKinds)[number];

/** One line the walk saw, as a signature reads it. */
export interface Signal {
  kind: SignalKind;
  /** The layer it was seen at: an Event of a pod is pod-layer, a kernel line host-layer. */
  layer: Layer;
  /** Where it came from, as a person finds it again: `Event on pod shop/web-1`, `kubelet journal on node-2`. */
  source: string;
  /** The line itself (an Event's message, a log line, a host output line). */
  text: string;
  /** An Event's or a status's reason (FailedMount, Evicted, OOMKilled). */
  reason?: string;
  /** A terminated container's exit code. */
  exitCode?: number;
  /** 0 normal, 1 warning, 2 error, 3 fatal (panic, kernel BUG): how anomalous it reads, for ranking what nothing explains. */
  severity: number;
}
