import type { ProcessProfileSpec } from '../profiles.js';
import type { z } from 'zod';
import type { DrillResponse } from '../../nodeaccess/drill.js';
import type { ContainerLog, DrillApiFault, DrillDenial, KubeObject } from '../types.js';

/** Where a fault leaves its traces, as plumbline's layers name them. */
export type FaultLayer = 'pod' | 'node' | 'cluster' | 'host' | 'network';

/** An event as `kubectl get events` shows it, built by `FaultContext.event`. */
export interface FaultEvent {
  /** The object the event is about (its kind, namespace, name and uid are copied). */
  about: KubeObject;
  type?: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** Reporting component (`kubelet`, `default-scheduler`, ...). */
  source: string;
  /** Node the reporting kubelet runs on (source.host). */
  host?: string;
  count?: number;
  /** Relative times (`now-5m`); default first = last = `now-1m`. */
  firstSeen?: string;
  lastSeen?: string;
}

/**
 * What a fault edits: the cluster's objects after generation, container logs,
 * host command answers and the API's denials and faults. Faults apply in the
 * order the scenario lists them, after generation and before written objects.
 */
export interface FaultContext {
  readonly now: Date;
  /** `now-5m` → an RFC 3339 time on the drill's clock; anything else is returned as is. */
  at(relative: string): string;
  /** The object of that kind (`Pod`, `Node`, `APIService`...), namespace and name, if the cluster has it. */
  find(kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Same as find, but a missing object is a scenario error naming what the fault needed. */
  need(kind: string, namespace: string | undefined, name: string): KubeObject;
  /** Every object of a kind, optionally in one namespace. */
  list(kind: string, namespace?: string): KubeObject[];
  /** The pods bound to one node (generated filler pods elsewhere stay unmade: a 5,000-node cluster has 150,000). */
  podsOn(nodeName: string): KubeObject[];
  /** Adds an object, replacing one of the same kind, namespace and name. */
  put(object: KubeObject): void;
  remove(kind: string, namespace: string | undefined, name: string): void;
  /** A core/v1 Event (the drill serves it under events.k8s.io too). */
  event(e: FaultEvent): KubeObject;
  /** Container log lines (each may start with a `now-…` time); replaces that container's log. */
  log(namespace: string, pod: string, container: string, lines: string[], previous?: boolean): void;
  /** The lines written so far for that container (times resolved), to add to them. */
  logOf(namespace: string, pod: string, container: string, previous?: boolean): string[];
  /** What `argv` prints on `node`'s simulated host; the key is the argv joined by single spaces. */
  host(node: string, argv: string | readonly string[], response: DrillResponse | readonly DrillResponse[]): void;
  /** The current answer for `argv` on `node` (the healthy baseline or an earlier fault's). */
  hostAnswer(node: string, argv: string | readonly string[]): DrillResponse | readonly DrillResponse[] | undefined;
  deny(d: DrillDenial): void;
  apiFault(f: DrillApiFault): void;
  /** What a process's CPU profile shows: `apiserver`, or `kubelet/<node>`. */
  profile(who: string, spec: ProcessProfileSpec): void;
  /** What metrics.k8s.io reports for a node's CPU and memory. */
  nodeMetrics(node: string, usage: { cpu: string; memory: string }): void;
  /** A scenario mistake the fault detected (e.g. an unknown node): reported with the fault's position. */
  fail(message: string): never;
}

export interface FaultDefinition<P extends z.ZodType = z.ZodType> {
  /** Kebab-case id a scenario names under `faults:` (`fault: kubelet-config-missing`). */
  id: string;
  title: string;
  layer: FaultLayer;
  /** What goes wrong, and every trace it leaves (for scenarios/README.md and `plumbline list faults`). */
  description: string;
  /** Parameters, written next to `fault:` in the scenario; defaults make the bare id useful. */
  params: P;
  apply(ctx: FaultContext, params: z.infer<P>): void;
}

/** Keeps each fault's parameter type tied to its apply function. */
export function defineFault<P extends z.ZodType>(def: FaultDefinition<P>): FaultDefinition<P> {
  return def;
}

export type AnyFault = FaultDefinition<z.ZodType>;
export type { ContainerLog };
