import type {
  CoreV1Event,
  V1Container,
  V1ContainerStateTerminated,
  V1ContainerStatus,
  V1Pod,
} from '@kubernetes/client-node';
import type { KubeClient } from '../kube/client.js';
import { KubeError } from '../kube/errors.js';
import { involvedObjectSelector } from './events.js';
import { ifExists } from './reads.js';
import type { CheckResult } from './types.js';

/** Reading one pod, the way most pod checks start. */

/** The pod, or undefined when the API says it does not exist. */
export function readPodIfExists(kube: KubeClient, namespace: string, name: string): Promise<V1Pod | undefined> {
  return ifExists(kube.readPod(namespace, name));
}

/** The pod (undefined when it does not exist) and the events that name it, read at once: how the pod checks that read events start. */
export function readPodAndEvents(
  kube: KubeClient,
  namespace: string,
  name: string,
): Promise<[V1Pod | undefined, CoreV1Event[]]> {
  return Promise.all([
    readPodIfExists(kube, namespace, name),
    kube.listEvents({ namespace, fieldSelector: involvedObjectSelector('Pod', name, namespace) }),
  ]);
}

export function podNotFound(namespace: string, name: string): CheckResult<'not-found'> {
  return {
    outcome: 'not-found',
    summary: `pod ${name} does not exist in namespace ${namespace}`,
    evidence: [{ label: 'API', value: `pods "${name}" not found` }],
    facts: {},
  };
}

export function containerNotFound(pod: V1Pod, container: string): CheckResult<'container-not-found'> {
  const names = containerSpecs(pod).map((c) => c.name);
  return {
    outcome: 'container-not-found',
    summary: `pod ${pod.metadata?.name} has no container ${container}`,
    evidence: [{ label: 'containers', value: names.join(', ') || '(none)' }],
    facts: {},
  };
}

/**
 * A 404 on a whole resource type ("the server could not find the requested
 * resource") means the API does not serve it, not that the object is gone.
 */
export function isMissingObject(err: unknown): boolean {
  return (
    err instanceof KubeError && err.kind === 'not-found' && !/could not find the requested resource/.test(err.message)
  );
}

export interface ContainerView {
  name: string;
  init: boolean;
  spec: V1Container | undefined;
  status: V1ContainerStatus | undefined;
}

export function containerSpecs(pod: V1Pod): V1Container[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
}

/** Every container of the pod, init containers first, with its spec and status side by side. */
export function containers(pod: V1Pod): ContainerView[] {
  const statuses = new Map(
    [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].map((s) => [s.name, s]),
  );
  const init = new Set((pod.spec?.initContainers ?? []).map((c) => c.name));
  return containerSpecs(pod).map((spec) => ({
    name: spec.name,
    init: init.has(spec.name),
    spec,
    status: statuses.get(spec.name),
  }));
}

/**
 * The container a check should look at: the one asked for, else the one in
 * trouble (not ready, most restarts), else the first app container.
 */
export function pickContainer(
  pod: V1Pod,
  requested: string | undefined,
  prefer?: (c: ContainerView) => boolean,
): ContainerView | undefined {
  const all = containers(pod);
  if (requested) return all.find((c) => c.name === requested);
  const ranked = [...all].sort((a, b) => trouble(b, prefer) - trouble(a, prefer));
  return ranked[0];
}

function trouble(c: ContainerView, prefer: ((c: ContainerView) => boolean) | undefined): number {
  let score = (c.status?.restartCount ?? 0) * 2;
  // A finished init container is healthy; an unready app container is not.
  if (!c.init && c.status && !c.status.ready) score += 1;
  if (c.init && c.status?.state?.terminated?.exitCode === 0) score -= 1;
  if (c.status?.state?.waiting) score += 1;
  if (prefer?.(c)) score += 1_000_000;
  return score;
}

/** The most recent end of a container: its current state if it has ended, else the instance before. */
export function lastTermination(
  status: V1ContainerStatus | undefined,
): { term: V1ContainerStateTerminated; current: boolean } | undefined {
  if (status?.state?.terminated) return { term: status.state.terminated, current: true };
  if (status?.lastState?.terminated) return { term: status.lastState.terminated, current: false };
  return undefined;
}

/** Seconds between a termination's start and finish. */
export function ranSeconds(term: V1ContainerStateTerminated): number | undefined {
  if (!term.startedAt || !term.finishedAt) return undefined;
  const started = new Date(term.startedAt).getTime();
  // A process that never started is reported as started at the Unix epoch.
  if (started <= 0) return undefined;
  return Math.max(0, Math.round((new Date(term.finishedAt).getTime() - started) / 1000));
}

/** The kubelet names a container in an event's fieldPath: `spec.containers{host}`. */
export function eventContainer(e: CoreV1Event): string | undefined {
  return /^spec\.(?:init|ephemeral)?[cC]ontainers\{(.+)\}$/.exec(e.involvedObject.fieldPath ?? '')?.[1];
}

/** Events about `container`, or about the pod as a whole (no fieldPath). */
export function eventsForContainer(events: CoreV1Event[], container: string): CoreV1Event[] {
  return events.filter((e) => {
    const c = eventContainer(e);
    return c === undefined || c === container;
  });
}

/** Shortens a log or message line for evidence, keeping its start. */
export function clip(text: string, max = 200): string {
  const line = text.replace(/\s+$/, '');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
