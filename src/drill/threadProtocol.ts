import type { HostAnswer } from '../nodeaccess/drill.js';
import type { Scenario } from './scenarioSchema.js';

/** What the drill's thread is started with: the scenario (already loaded and validated), its moment and where to write the kubeconfig. */
export interface ThreadStart {
  scenario: Scenario;
  /** ms since the epoch: `now-…` times resolve against it. */
  now: number;
  kubeconfigPath: string;
}

/** To the thread: one host answer wanted, or the end. */
export type ToThread = { type: 'host'; id: number; node: string; key: string } | { type: 'close' };

/** From the thread: up (or why not), a host answer, closed. */
export type FromThread =
  | { type: 'ready'; url: string; contextName: string }
  | { type: 'error'; name: string; message: string; stack: string; faultIndex?: number }
  | { type: 'host'; id: number; answer: HostAnswer }
  | { type: 'closed' };
