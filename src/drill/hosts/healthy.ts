import type { DrillHosts } from '../../nodeaccess/drill.js';

/** A node of the drill as its host sees itself. */
export interface HostNode {
  name: string;
  role: 'control-plane' | 'worker';
  ip: string;
}

/**
 * What a healthy node's tools print for every command plumbline's host checks
 * send; faults then replace the answers they break.
 */
export function healthyHosts(_nodes: readonly HostNode[], _at: (relative: string) => string): DrillHosts {
  return {};
}
