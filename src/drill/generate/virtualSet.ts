import type { VirtualObjects } from '../types.js';

/** A virtual set a fault can read from: it finds a member by name and takes it out once it is written. */
export interface VirtualSet extends VirtualObjects {
  indexOf(namespace: string | undefined, name: string): number | undefined;
  take(index: number): void;
  /** Members bound to a node, for pods. */
  onNode?(nodeName: string): number[];
}
