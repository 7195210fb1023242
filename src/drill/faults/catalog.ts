import { clusterFaults } from './cluster/index.js';
import { hostFaults } from './host/index.js';
import { podFaults } from './pod/index.js';
import { serviceFaults } from './service/index.js';
import type { AnyFault } from './types.js';

/** Every fault a scenario can name under `faults:`, one file each. */
export const faultCatalog: readonly AnyFault[] = [...podFaults, ...hostFaults, ...clusterFaults, ...serviceFaults];

export function findFault(id: string): AnyFault | undefined {
  return faultCatalog.find((f) => f.id === id);
}
