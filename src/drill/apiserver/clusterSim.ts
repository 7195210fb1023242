import type { KubeObject } from '../types.js';
import { Controllers } from './controllers.js';
import { EndpointsController } from './endpointsController.js';
import { PodLifecycle } from './kubeletSim.js';
import { freshLeasesAtStart, leaseBucket, Timers } from './simulation.js';
import type { SimContext } from './simulation.js';
import type { ObjectStore, StoreChange } from './store.js';

/**
 * The drill cluster's moving parts behind the API: scheduler, kubelets and
 * workload controllers reacting to what the API writes, each gated on the
 * health the store shows. Everything runs on timers that stop with the server.
 */
export class ClusterSimulation {
  readonly timers = new Timers();
  private readonly pods: PodLifecycle;
  private readonly controllers: Controllers;
  private readonly endpoints: EndpointsController;
  private readonly unsubscribe: () => void;
  private retryQueued = false;

  constructor(
    store: ObjectStore,
    now: () => Date,
    opts: {
      startedAt: Date;
      stepMs: number;
      podTerminationMs: number;
      hostText?: (node: string, command: string) => string | undefined;
    },
  ) {
    const ctx: SimContext = {
      store,
      now,
      timers: this.timers,
      stepMs: opts.stepMs,
      podTerminationMs: opts.podTerminationMs,
      freshAtStart: freshLeasesAtStart(store, opts.startedAt),
      ...(opts.hostText ? { hostText: opts.hostText } : {}),
    };
    this.pods = new PodLifecycle(ctx);
    this.controllers = new Controllers(ctx, this.pods);
    this.endpoints = new EndpointsController(ctx);
    this.unsubscribe = store.subscribe((change) => this.observe(change));
  }

  /** A pod the API created: the scheduler and a kubelet take it from here. */
  podCreated(pod: KubeObject): void {
    this.pods.track(pod);
  }

  /** An object the API changed (PATCH, PUT): the kubelet or the object's controller reacts. */
  objectUpdated(bucket: string, before: KubeObject, after: KubeObject): void {
    if (bucket === 'pods') this.pods.podUpdated(before, after);
    else this.controllers.workloadUpdated(bucket, before, after);
  }

  stop(): void {
    this.unsubscribe();
    this.timers.stop();
  }

  private observe(change: StoreChange): void {
    this.controllers.onChange(change);
    this.endpoints.onChange(change);
    const ns = change.object.metadata.namespace;
    const relevant =
      change.resource === 'nodes' ||
      ((change.resource === 'pods' || change.resource === leaseBucket) && ns === 'kube-system');
    if (!relevant || this.retryQueued) return;
    // One retry per burst of changes, after the write that caused it has returned.
    this.retryQueued = true;
    this.timers.after(0, () => {
      this.retryQueued = false;
      this.pods.retryWaiting();
      this.controllers.retryPending();
      this.endpoints.retryPending();
    });
  }
}
