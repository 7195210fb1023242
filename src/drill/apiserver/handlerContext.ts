import type { DrillNodeMetrics, DrillProfiles } from '../profiles.js';
import type { DrillHttpAnswer } from '../types.js';
import type { ClusterSimulation } from './clusterSim.js';
import type { LogStore } from './logs.js';
import type { MediaRange } from './negotiate.js';
import type { ObjectStore } from './store.js';
import type { WatchCache } from './watchCache.js';

/** What every resource handler reads: the store, the watch cache, the logs and the simulation around them. */
export interface HandlerContext {
  store: ObjectStore;
  watchCache: WatchCache;
  logs: LogStore;
  now: () => Date;
  /** How often a watch that allows bookmarks gets one (the cacher's one minute). */
  bookmarkIntervalMs: number;
  /** How long a healthy kubelet takes to confirm a graceful pod deletion. */
  podTerminationMs: number;
  /** The scheduler, kubelets and controllers that act on what the API writes (absent: a static cluster). */
  simulation?: ClusterSimulation;
  /** CPU profiles served at /debug/pprof/profile and through the node proxy. */
  profiles?: DrillProfiles;
  nodeMetrics?: DrillNodeMetrics;
  serviceProxy?: DrillHttpAnswer[];
}

export interface ResourceRequest {
  query: URLSearchParams;
  accept: MediaRange[];
  body?: string;
  contentType?: string;
}
