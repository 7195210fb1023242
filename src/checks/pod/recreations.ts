import { z } from 'zod';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { groupEvents, involvedObjectSelector } from '../events.js';
import { clip, podNotFound, readPodIfExists } from '../pods.js';
import { probeFailureKind, probeKill } from '../probeEvents.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { quoteArg } from '../../nodeaccess/quote.js';

const outcomes = [
  'recreated-after-probe-failures',
  'recreated',
  'not-recreated',
  'no-controller',
  'not-found',
] as const;
type Outcome = (typeof outcomes)[number];

/** How many probe failures an earlier incarnation must show before they explain its deletion (the kubelet's default failureThreshold). */
const MIN_FAILURES = 3;
/** Earlier pods of a ReplicaSet (other names) whose events are read; a scale-down can delete many. */
const MAX_PREDECESSORS = 5;

/**
 * The controller's own record of deleting and creating pods, in each wording:
 *   StatefulSet: `delete Pod web-0 in StatefulSet web successful`, `create Pod web-0 in StatefulSet web successful`
 *   ReplicaSet:  `Deleted pod: web-7d9c5b8f4-x2x9q`, `Created pod: web-7d9c5b8f4-x2x9q`
 */
function podOfMessage(
  reason: string | undefined,
  message: string | undefined,
): { op: 'delete' | 'create'; pod: string } | undefined {
  const text = (message ?? '').trim();
  const sts = /^(delete|create) Pod (\S+) in StatefulSet \S+ successful/.exec(text);
  if (sts?.[1] && sts[2]) return { op: sts[1] === 'delete' ? 'delete' : 'create', pod: sts[2] };
  const rs = /^(Deleted|Created) pod: (\S+)/.exec(text);
  if (rs?.[1] && rs[2]) return { op: rs[1] === 'Deleted' ? 'delete' : 'create', pod: rs[2] };
  if (reason === 'RecreatingFailedPod' || reason === 'RecreatingTerminatedPod') {
    const m = /is recreating (?:failed|terminated) Pod (\S+)/.exec(text);
    if (m?.[1]) return { op: 'delete', pod: m[1] };
  }
  return undefined;
}

function seenAt(e: CoreV1Event): number | undefined {
  const t =
    e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
  return t === undefined ? undefined : new Date(t).getTime();
}

/**
 * Events about an earlier pod of the same name: events outlive the pod, keep its name and carry its old uid.
 * Pasted events often carry no uid (and a drill fills in the current pod's), so an event last seen before
 * this pod was created is an earlier one's too: nothing can happen to a pod before it exists.
 */
function earlierIncarnation(e: CoreV1Event, pod: V1Pod): boolean {
  const uid = pod.metadata?.uid;
  if (e.involvedObject.uid && uid && e.involvedObject.uid !== uid) return true;
  const created = pod.metadata?.creationTimestamp ? new Date(pod.metadata.creationTimestamp).getTime() : undefined;
  const at = seenAt(e);
  return created !== undefined && at !== undefined && at < created;
}

export const podRecreations = defineCheck({
  id: 'pod.recreations',
  layer: 'pod',
  title: 'Earlier pods in its place, and why they went',
  why: 'A pod that an operator or its controller deletes and recreates starts again with 0 restarts, so its own status hides the churn. The evidence is on the owner (SuccessfulDelete/SuccessfulCreate) and in the events of the earlier pods, which outlive them: probe failures there say why they were replaced.',
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
  outcomes,
  healthy: ['not-recreated', 'no-controller'],
  facts: ['controller', 'recreations', 'predecessors', 'probeKind', 'eventMessage', 'probeFailures', 'podAge'],
  sets: {
    'recreated-after-probe-failures': [
      'controller',
      'podAge',
      'recreations',
      'probeFailures',
      'predecessors',
      'probeKind',
      'eventMessage',
    ],
    recreated: ['controller', 'podAge', 'recreations', 'probeFailures', 'predecessors'],
    'not-recreated': ['controller', 'podAge', 'recreations'],
  },
  command: (p) =>
    `kubectl get events -n ${quoteArg(p.namespace)} --field-selector ${quoteArg(involvedObjectSelector('Pod', p.name, p.namespace))} -o wide; kubectl get events -n ${quoteArg(p.namespace)} --field-selector reason=SuccessfulDelete`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const pod = await readPodIfExists(ctx.kube, p.namespace, p.name);
    if (!pod) return podNotFound(p.namespace, p.name);
    const ref = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
    if (!ref || ref.kind === 'Node') {
      return {
        outcome: 'no-controller',
        summary: `pod ${p.name} has no controller that would recreate it`,
        evidence: [],
        facts: {},
      };
    }
    const controller = `${ref.kind}/${ref.name}`;
    const facts: Facts = { controller };
    const evidence: Evidence[] = [{ label: 'controlled by', value: controller }];
    const created = pod.metadata?.creationTimestamp ? new Date(pod.metadata.creationTimestamp) : undefined;
    facts.podAge = 'of unknown age (no creationTimestamp was read)';
    if (created) {
      const age = Math.max(0, Math.round((ctx.now().getTime() - created.getTime()) / 1000));
      facts.podAge = `${age} s old`;
      evidence.push({
        label: 'this pod',
        value: `created ${age} s ago${pod.metadata?.uid ? `, uid ${pod.metadata.uid}` : ''}`,
      });
    }

    const [ownerEvents, ownEvents] = await Promise.all([
      ctx.kube.listEvents({
        namespace: p.namespace,
        fieldSelector: involvedObjectSelector(ref.kind, ref.name, p.namespace),
      }),
      ctx.kube.listEvents({
        namespace: p.namespace,
        fieldSelector: involvedObjectSelector('Pod', p.name, p.namespace),
      }),
    ]);
    // Deletions of this name (a StatefulSet reuses it) or of any pod of the owner (a ReplicaSet names each anew).
    const deleted = new Map<string, number>();
    let createdThis = 0;
    for (const e of ownerEvents) {
      const m = podOfMessage(e.reason, e.message);
      if (!m) continue;
      const n = e.series?.count ?? e.count ?? 1;
      if (m.op === 'delete') deleted.set(m.pod, (deleted.get(m.pod) ?? 0) + n);
      else if (m.pod === p.name) createdThis += n;
    }
    const earlierOwn = ownEvents.filter((e) => earlierIncarnation(e, pod));
    // The kubelet stops a deleted pod's containers: `Stopping container x` on an earlier incarnation is a deletion too.
    const stopped = earlierOwn
      .filter((e) => e.reason === 'Killing' && !probeKill(e.message))
      .reduce((n, e) => n + (e.count ?? 1), 0);
    const deletedThis = deleted.get(p.name) ?? 0;
    // Each create of the same name after the first means the one before was deleted.
    const deletions =
      ref.kind === 'StatefulSet'
        ? Math.max(deletedThis, stopped, createdThis - 1)
        : [...deleted.values()].reduce((a, b) => a + b, 0) + (deletedThis === 0 ? stopped : 0);
    for (const g of groupEvents(ownerEvents.filter((e) => podOfMessage(e.reason, e.message))).slice(0, 4)) {
      evidence.push({ label: `${ref.kind} ${g.reason} ×${g.count}`, value: clip(g.message) });
    }
    if (stopped > 0)
      evidence.push({
        label: 'earlier pod stopped',
        value: `${stopped} Killing event(s) "Stopping container" on an earlier ${p.name}`,
      });
    facts.recreations = deletions;
    if (deletions === 0) {
      return {
        outcome: 'not-recreated',
        summary: `no deletion of ${ref.kind === 'StatefulSet' ? `an earlier ${p.name}` : `a pod of ${controller}`} is recorded in the events that are left (they expire after an hour)`,
        evidence,
        facts,
      };
    }

    // The earlier pods' probe failures: this name's earlier incarnations, and for a ReplicaSet the pods it deleted.
    const predecessors =
      ref.kind === 'StatefulSet' ? [] : [...deleted.keys()].filter((n) => n !== p.name).slice(0, MAX_PREDECESSORS);
    const theirs = (
      await Promise.all(
        predecessors.map((n) =>
          ctx.kube.listEvents({ namespace: p.namespace, fieldSelector: involvedObjectSelector('Pod', n, p.namespace) }),
        ),
      )
    ).flat();
    // A pod being deleted now is one of the replaced ones: its own probe failures count too.
    const terminating = pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
    const replaced = [...(terminating ? ownEvents : earlierOwn), ...theirs];
    const probeEvents = replaced.filter((e) => e.reason === 'Unhealthy' && probeFailureKind(e.message));
    const kills = replaced.filter((e) => e.reason === 'Killing' && probeKill(e.message));
    const groups = groupEvents(probeEvents);
    const failures = groups.reduce((n, g) => n + g.count, 0);
    facts.probeFailures = failures;
    const named = ref.kind === 'StatefulSet' ? (earlierOwn.length > 0 ? [`earlier ${p.name}`] : []) : predecessors;
    facts.predecessors =
      [...(terminating ? [`${p.name} (being deleted now)`] : []), ...named].join(', ') || 'none named';
    for (const g of groups.slice(0, 3))
      evidence.push({ label: `earlier pod: ${g.reason} ×${g.count}`, value: clip(g.message) });
    const what = `${controller} deleted and recreated ${ref.kind === 'StatefulSet' ? p.name : 'its pods'} ${deletions === 1 ? 'once' : `${deletions} times`}`;

    // Churn alone is not a probe finding: an operator's own loop, a rollout or a scale-down delete pods too.
    if (failures < MIN_FAILURES && kills.length === 0) {
      return {
        outcome: 'recreated',
        summary: `${what}; the replaced pods' events show ${failures === 0 ? 'no probe failure' : `only ${failures} probe failure(s)`}, so why is not in the cluster's record (read the operator's log)`,
        evidence,
        facts,
      };
    }
    const latest = groups[0];
    const kind =
      probeFailureKind(latest?.message) ?? (kills[0] ? probeKill(kills[0].message)?.kind : undefined) ?? 'liveness';
    facts.probeKind = kind;
    facts.eventMessage = clip(latest?.message ?? kills[0]?.message ?? '', 300);
    return {
      outcome: 'recreated-after-probe-failures',
      summary: `${what}; the pods it replaced had failed their ${kind} probe ${failures} time(s): ${clip(latest?.message ?? '', 160)}`,
      evidence,
      facts,
    };
  },
});
