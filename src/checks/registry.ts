import { nodeReady } from './node/ready.js';
import { podEvents } from './pod/events.js';
import { podScheduling } from './pod/scheduling.js';
import { podStatus } from './pod/status.js';
import type { AnyCheck } from './types.js';

/** Every check plumbline has. A check that is not listed here does not exist. */
export const checks: readonly AnyCheck[] = [podStatus, podEvents, podScheduling, nodeReady] as unknown as AnyCheck[];

const byId = new Map(checks.map((c) => [c.id, c]));

export function findCheck(id: string): AnyCheck | undefined {
  return byId.get(id);
}
