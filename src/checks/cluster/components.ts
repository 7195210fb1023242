import type { V1Lease, V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/client.js';
import { KubeError } from '../../kube/errors.js';
import { ageSeconds, formatAge } from '../format.js';
import { clip, lastTermination } from '../pods.js';
import { ifExists } from '../reads.js';
import type { Evidence } from '../types.js';

/** Reading a kube-system component (control-plane static pods, add-ons): its pods, their state, their logs, its leader Lease. */

export const systemNamespace = 'kube-system';
/** A component runs a handful of replicas; more would be a different problem, and a check never needs them all. */
const maxComponentPods = 20;
/** Control-plane logs are chatty; the last few hundred lines cover the last restart cycle. */
export const componentLogTail = 300;

export function listComponentPods(kube: KubeClient, labelSelector: string): Promise<V1Pod[]> {
  return kube.listPods({
    namespace: systemNamespace,
    labelSelector,
    pageSize: maxComponentPods,
    maxItems: maxComponentPods,
  });
}

/** A control-plane node's kube-system pods: a handful of static and DaemonSet pods, read by node, not cluster-wide. */
const maxNodeSystemPods = 100;

/**
 * The pods that hold a control-plane component's container when no pod carries kubeadm's `component=` label:
 * Platform9 PMK runs the API server, controller manager and scheduler as containers named kube-apiserver,
 * kube-controller-manager and kube-scheduler of one pod, k8s-master-<host id>, in kube-system
 * (https://platform9.com/kb/pmk/solutions/excessive-kubernetes-master-pod-restarts.md). Only the kube-system pods on
 * the control-plane node are read (a field selector): the cost does not grow with the cluster.
 */
export async function podsByContainer(kube: KubeClient, container: string, node: string): Promise<V1Pod[]> {
  if (!node) return [];
  const onNode = await kube.listPods({
    namespace: systemNamespace,
    fieldSelector: `spec.nodeName=${node}`,
    pageSize: maxNodeSystemPods,
    maxItems: maxNodeSystemPods,
  });
  return onNode.filter((p) => (p.spec?.containers ?? []).some((c) => c.name === container));
}

/**
 * The text of a line in docker's json-file form, as the file under /var/lib/docker/containers/<id>/<id>-json.log
 * holds it and as people paste it: {"log":"<the line>\n","stream":"stderr","time":"..."} (rancher/rancher#30483; the
 * Platform9 KB above). Any other line is returned as it is.
 */
export function dockerJsonLogText(line: string): string {
  const t = line.trim();
  if (!t.startsWith('{"log":')) return line;
  try {
    const v = JSON.parse(t) as { log?: unknown };
    return typeof v.log === 'string' ? v.log.replace(/\s+$/, '') : line;
  } catch {
    return line;
  }
}

export interface PodHealth {
  name: string;
  node: string;
  phase: string;
  ready: boolean;
  restarts: number;
  /** `CrashLoopBackOff`, `ContainerCreating`...: why a container is not running. */
  waiting?: string;
  /** The last end of the component's container: reason, exit code, when. */
  lastTermination?: { reason: string; exitCode: number; finishedAt?: string; current: boolean };
  container: string;
  hasPrevious: boolean;
}

/** The pod's main container (named like the component when it can be) and what it says about the pod. */
export function podHealth(pod: V1Pod, containerHint?: string): PodHealth {
  const statuses = pod.status?.containerStatuses ?? [];
  const status = statuses.find((s) => s.name === containerHint) ?? statuses.find((s) => !s.ready) ?? statuses[0];
  const container = status?.name ?? pod.spec?.containers[0]?.name ?? containerHint ?? '';
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  const term = lastTermination(status);
  const h: PodHealth = {
    name: pod.metadata?.name ?? '',
    node: pod.spec?.nodeName ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready,
    restarts: statuses.reduce((n, s) => n + s.restartCount, 0),
    container,
    hasPrevious: status?.lastState?.terminated !== undefined,
  };
  const waiting = status?.state?.waiting?.reason;
  if (waiting) h.waiting = waiting;
  if (term) {
    const finished = term.term.finishedAt;
    h.lastTermination = {
      reason: term.term.reason ?? 'Unknown',
      exitCode: term.term.exitCode,
      ...(finished ? { finishedAt: finished instanceof Date ? finished.toISOString() : String(finished) } : {}),
      current: term.current,
    };
  }
  return h;
}

/** `kube-controller-manager-cp-1 on cp-1: Running, Ready, 0 restarts`, as `kubectl get pods -o wide` would tell it. */
export function describePod(h: PodHealth, now: Date): Evidence {
  const parts = [h.phase, h.ready ? 'Ready' : 'not Ready'];
  if (h.waiting) parts.push(h.waiting);
  parts.push(`${h.restarts} restart${h.restarts === 1 ? '' : 's'}`);
  if (h.lastTermination) {
    const t = h.lastTermination;
    const age = ageSeconds(t.finishedAt, now);
    parts.push(`last exit ${t.exitCode} (${t.reason})${age === undefined ? '' : ` ${formatAge(age)} ago`}`);
  }
  return { label: `pod ${h.name}${h.node ? ` on ${h.node}` : ''}`, value: parts.join(', ') };
}

/** A pod is in trouble when it is not Ready or keeps restarting. */
export function isCrashLooping(h: PodHealth): boolean {
  return h.waiting === 'CrashLoopBackOff' || (h.restarts > 0 && h.lastTermination !== undefined && !h.ready);
}

export interface PodLogs {
  pod: string;
  /** Lines of the instance before the last restart, then of the current one. */
  previous: string[];
  current: string[];
  /** Why a log could not be read (rotated away, container never started). */
  notes: string[];
}

/**
 * The current and the previous log of one container. A crash-looping
 * component wrote why it died in its previous log; the kubelet's 400/404 for a
 * log it no longer has is an answer, a 403 is not (the check needs that right).
 */
export async function readComponentLogs(
  kube: KubeClient,
  h: PodHealth,
  tailLines = componentLogTail,
  namespace = systemNamespace,
): Promise<PodLogs> {
  const read = async (previous: boolean): Promise<string[] | string> => {
    try {
      const text = await kube.readPodLog(namespace, h.name, {
        container: h.container,
        previous,
        tailLines,
        limitBytes: tailLines * 2048,
      });
      return text.split('\n').filter((l) => l.trim() !== '');
    } catch (err) {
      // 400/404: the kubelet no longer has it; 500: the API server could not get it from the kubelet. The pod and its Lease still speak.
      if (
        err instanceof KubeError &&
        (err.kind === 'bad-request' || err.kind === 'not-found' || err.kind === 'server-error')
      )
        return `${previous ? 'previous' : 'current'} log not read: ${err.message}`;
      throw err;
    }
  };
  const [current, previous] = await Promise.all([
    read(false),
    h.hasPrevious ? read(true) : Promise.resolve([] as string[]),
  ]);
  const notes = [current, previous].filter((x): x is string => typeof x === 'string');
  return {
    pod: h.name,
    current: typeof current === 'string' ? [] : current,
    previous: typeof previous === 'string' ? [] : previous,
    notes,
  };
}

export interface LeaderLease {
  name: string;
  holder: string;
  renewAgeSeconds: number | undefined;
  durationSeconds: number;
  stale: boolean;
}

/** The leader-election Lease in kube-system; a leader that stopped renewing it has stopped working. */
export async function readLeaderLease(kube: KubeClient, name: string, now: Date): Promise<LeaderLease | undefined> {
  const lease: V1Lease | undefined = await ifExists(kube.readLease(systemNamespace, name));
  if (!lease) return undefined;
  const renew = lease.spec?.renewTime ?? lease.spec?.acquireTime;
  const age = ageSeconds(renew, now);
  const duration = lease.spec?.leaseDurationSeconds ?? 15;
  return {
    name,
    holder: lease.spec?.holderIdentity ?? '',
    renewAgeSeconds: age === undefined ? undefined : Math.round(age),
    durationSeconds: duration,
    stale: age === undefined || age > duration,
  };
}

export function describeLease(l: LeaderLease): Evidence {
  return {
    label: `Lease ${systemNamespace}/${l.name}`,
    value: `holder ${l.holder || '(none)'}, renewed ${l.renewAgeSeconds === undefined ? 'never' : `${formatAge(l.renewAgeSeconds)} ago`}, leaseDuration ${l.durationSeconds}s`,
  };
}

/** Logs whose lines are read by their text when a kubelet or a paste kept them in docker's json-file form. */
export function plainLogs(logs: PodLogs[]): PodLogs[] {
  return logs.map((l) => ({
    ...l,
    current: l.current.map(dockerJsonLogText),
    previous: l.previous.map(dockerJsonLogText),
  }));
}

/** One classified log line, with where it came from. */
export interface ClassifiedLine<C extends string> {
  class: C;
  line: string;
  pod: string;
  instance: 'previous' | 'current';
  /** What the line names: an API group/version, a node, an address. */
  detail?: string;
}

export interface LinePattern<C extends string> {
  class: C;
  re: RegExp;
  detail?: (m: RegExpExecArray) => string | undefined;
}

/** Every line of the logs that matches a pattern, first pattern wins per line. */
export function classifyLines<C extends string>(
  logs: PodLogs[],
  patterns: readonly LinePattern<C>[],
): ClassifiedLine<C>[] {
  const out: ClassifiedLine<C>[] = [];
  for (const l of logs) {
    for (const [instance, lines] of [
      ['previous', l.previous],
      ['current', l.current],
    ] as const) {
      for (const line of lines) {
        for (const p of patterns) {
          const m = p.re.exec(line);
          if (!m) continue;
          const detail = p.detail?.(m);
          out.push({ class: p.class, line, pod: l.pod, instance, ...(detail ? { detail } : {}) });
          break;
        }
      }
    }
  }
  return out;
}

export function lineEvidence<C extends string>(c: ClassifiedLine<C>): Evidence {
  return { label: `${c.pod} ${c.instance} log`, value: clip(c.line, 400) };
}

/** Unique values in first-seen order. */
export function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))];
}

/** Reasons a klog or JSON line names a failed API discovery, with the group/version it names. */
export const discoveryPatterns = [
  // client-go discovery: `unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request`
  {
    re: /unable to retrieve the complete list of server APIs: ([\w.-]+\/[\w.-]+)/,
    detail: (m: RegExpExecArray) => m[1],
  },
  // garbage collector / quota: `failed to discover some groups: map[metrics.k8s.io/v1beta1:stale GroupVersion discovery: ...]`
  {
    re: /failed to discover (?:some groups|resources)[^\n]*?map\[([\w.-]+\/[\w.-]+):/,
    detail: (m: RegExpExecArray) => m[1],
  },
  // apiserver: `couldn't get resource list for metrics.k8s.io/v1beta1: ...`
  { re: /couldn't get resource list for ([\w.-]+\/[\w.-]+)/, detail: (m: RegExpExecArray) => m[1] },
] as const;

/** x509 expiry, as Go's crypto/x509 words it in any component's log. */
export const x509ExpiredPattern =
  /x509: certificate has expired or is not yet valid(?:: current time (\S+) is after (\S+))?/;
