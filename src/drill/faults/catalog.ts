import { etcdRejectedConnection } from './etcdRejectedConnection.js';
import type { AnyFault } from './types.js';

/** Every fault a scenario can name under `faults:`, one file each. */
export const faultCatalog: readonly AnyFault[] = [etcdRejectedConnection];

export function findFault(id: string): AnyFault | undefined {
  return faultCatalog.find((f) => f.id === id);
}
