import { z } from 'zod';
import type {
  V1DaemonSet,
  V1Deployment,
  V1Job,
  V1ObjectMeta,
  V1OwnerReference,
  V1ReplicaSet,
  V1StatefulSet,
} from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/client.js';
import { clip, isMissingObject, podNotFound, readPodIfExists } from '../pods.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { quoteArg } from '../../nodeaccess/quote.js';

const outcomes = [
  'rollout-complete',
  'rollout-in-progress',
  'rollout-stuck',
  'replicas-unavailable',
  'not-observed',
  'scaled-to-zero',
  'job-active',
  'job-complete',
  'job-failed',
  'static-pod',
  'no-controller',
  'unsupported-controller',
  'owner-gone',
  'not-found',
] as const;
type Outcome = (typeof outcomes)[number];

/** A workload controller's rollout, in the numbers `kubectl rollout status` waits on. */
interface Rollout {
  kind: string;
  name: string;
  desired: number;
  ready: number;
  updated: number;
  available: number;
  /** Pods of an older revision still running. */
  old: number;
  generation: number | undefined;
  observedGeneration: number | undefined;
  /** Why the controller says it cannot go on (ProgressDeadlineExceeded, ReplicaFailure, paused). */
  stuck?: string;
  /** The revision new pods get, to tell whether this pod is one of them. */
  updateRevision?: string;
  notes: string[];
}

export const podOwner = defineCheck({
  id: 'pod.owner',
  layer: 'pod',
  title: 'The controller behind the pod and its rollout',
  why: 'A pod is usually one replica of a Deployment, StatefulSet, DaemonSet or Job; whether that controller is mid-rollout, stuck, or not processing changes at all changes both the cause and the safe fix.',
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
  outcomes,
  healthy: ['rollout-complete', 'job-active', 'job-complete', 'static-pod'],
  facts: [
    'ownerKind',
    'ownerName',
    'controller',
    'desiredReplicas',
    'readyReplicas',
    'updatedReplicas',
    'availableReplicas',
    'rolloutReason',
    'recreatedByController',
    'rolloutCommand',
  ],
  sets: { 'rollout-complete': ['controller'], 'rollout-stuck': ['controller'] },
  command: (p) =>
    `kubectl get pod ${quoteArg(p.name)} -n ${quoteArg(p.namespace)} -o jsonpath='{.metadata.ownerReferences[?(@.controller==true)].kind}/{.metadata.ownerReferences[?(@.controller==true)].name}{"\\n"}'`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const pod = await readPodIfExists(ctx.kube, p.namespace, p.name);
    if (!pod) return podNotFound(p.namespace, p.name);
    const ref = controllerOf(pod.metadata);
    if (!ref) {
      return {
        outcome: 'no-controller',
        summary: `pod ${p.name} has no controller: if it is deleted, nothing recreates it`,
        evidence: [{ label: 'ownerReferences', value: 'none' }],
        facts: { recreatedByController: false },
      };
    }
    const facts: Facts = {
      ownerKind: ref.kind,
      ownerName: ref.name,
      controller: `${ref.kind}/${ref.name}`,
      recreatedByController: true,
    };
    const evidence: Evidence[] = [{ label: 'controlled by', value: `${ref.kind}/${ref.name}` }];
    if (ref.kind === 'Node') {
      return {
        outcome: 'static-pod',
        summary: `pod ${p.name} is a static (mirror) pod of node ${ref.name}: the kubelet runs it from a manifest file on that node, the API cannot change it`,
        evidence: [
          ...evidence,
          { label: 'manifest', value: `on node ${ref.name}, usually /etc/kubernetes/manifests/` },
        ],
        facts,
      };
    }
    const result = (outcome: Outcome, summary: string): CheckResult<Outcome> => ({ outcome, summary, evidence, facts });

    let rollout: Rollout | undefined;
    try {
      if (ref.kind === 'Job' && ref.apiVersion === 'batch/v1')
        return judgeJob(await ctx.kube.readJob(p.namespace, ref.name), facts, evidence);
      rollout = await readRollout(ctx.kube, p.namespace, ref, evidence);
    } catch (err) {
      if (!isMissingObject(err)) throw err;
      facts.recreatedByController = false;
      return result(
        'owner-gone',
        `pod ${p.name} names ${ref.kind}/${ref.name} as its controller, but that object no longer exists: the pod is orphaned`,
      );
    }
    if (!rollout) {
      return result(
        'unsupported-controller',
        `pod ${p.name} is controlled by ${ref.kind}/${ref.name} (${ref.apiVersion}), which plumbline cannot read: check it with kubectl describe`,
      );
    }

    const r = rollout;
    // `kubectl rollout` knows Deployments, StatefulSets and DaemonSets, not bare ReplicaSets.
    const command =
      r.kind === 'ReplicaSet'
        ? `kubectl get replicaset ${quoteArg(r.name)} -n ${quoteArg(p.namespace)}`
        : `kubectl rollout status ${r.kind.toLowerCase()}/${quoteArg(r.name)} -n ${quoteArg(p.namespace)}`;
    facts.controller = `${r.kind}/${r.name}`;
    facts.desiredReplicas = r.desired;
    facts.readyReplicas = r.ready;
    facts.updatedReplicas = r.updated;
    facts.availableReplicas = r.available;
    facts.rolloutCommand = command;
    evidence.push({
      label: r.kind,
      value: `desired ${r.desired}, ready ${r.ready}, up-to-date ${r.updated}, available ${r.available}${r.old > 0 ? `, ${r.old} of an old revision` : ''}`,
    });
    if (r.generation !== undefined)
      evidence.push({ label: 'generation', value: `${r.generation}, observed ${r.observedGeneration ?? 'never'}` });
    for (const n of r.notes) evidence.push({ label: 'note', value: n });
    evidence.push({ label: 'kubectl', value: command });
    const counts = `${r.ready}/${r.desired} ready, ${r.updated}/${r.desired} up to date`;
    const who = `${r.kind}/${r.name}`;

    // The controller has not even seen the latest spec: the controller-manager is down, crash-looping or cut off.
    if (r.generation !== undefined && (r.observedGeneration ?? 0) < r.generation) {
      facts.rolloutReason = 'generation not observed';
      return result(
        'not-observed',
        `${who} is at generation ${r.generation} but its controller has only processed ${r.observedGeneration ?? 'none'}: is kube-controller-manager running?`,
      );
    }
    if (r.stuck) {
      facts.rolloutReason = r.stuck;
      return result('rollout-stuck', `${who}'s rollout is stuck (${counts}): ${clip(r.stuck, 200)}`);
    }
    if (r.desired === 0)
      return result('scaled-to-zero', `${who} is scaled to 0 replicas: it wants no pods, and this one will go`);
    const podRevision = pod.metadata?.labels?.['controller-revision-hash'];
    const podReady = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    const rolling = r.updated < r.desired || r.old > 0;
    if (rolling && r.updateRevision && podRevision === r.updateRevision && !podReady) {
      // A StatefulSet or DaemonSet rolling update waits for each new pod to be ready before the next one.
      facts.rolloutReason = `new revision pod ${p.name} is not ready`;
      return result(
        'rollout-stuck',
        `${who}'s rollout waits on this pod (${counts}): pod ${p.name} runs the new revision ${r.updateRevision} and is not ready`,
      );
    }
    if (rolling) return result('rollout-in-progress', `${who} is rolling out (${counts})`);
    if (r.available < r.desired || r.ready < r.desired) {
      return result(
        'replicas-unavailable',
        `${who} is fully rolled out but only ${r.ready}/${r.desired} replicas are ready (${r.available} available)`,
      );
    }
    return result('rollout-complete', `${who} is rolled out: ${counts}`);
  },
});

function controllerOf(meta: V1ObjectMeta | undefined): V1OwnerReference | undefined {
  return meta?.ownerReferences?.find((o) => o.controller) ?? meta?.ownerReferences?.[0];
}

/** The rollout behind `ref`; a ReplicaSet is followed up to its Deployment. Undefined for kinds plumbline does not read. */
async function readRollout(
  kube: KubeClient,
  namespace: string,
  ref: V1OwnerReference,
  evidence: Evidence[],
): Promise<Rollout | undefined> {
  const builtin = (group: string) => ref.apiVersion === group;
  switch (ref.kind) {
    case 'ReplicaSet': {
      if (!builtin('apps/v1')) return undefined;
      const rs = await kube.readReplicaSet(namespace, ref.name);
      const up = controllerOf(rs.metadata);
      if (up?.kind === 'Deployment') {
        evidence.push({
          label: 'ReplicaSet',
          value: `${rs.metadata?.name}: ${rs.status?.readyReplicas ?? 0}/${rs.spec?.replicas ?? 1} ready, owned by Deployment/${up.name}`,
        });
        try {
          return fromDeployment(await kube.readDeployment(namespace, up.name));
        } catch (err) {
          if (!isMissingObject(err)) throw err;
          evidence.push({ label: 'Deployment', value: `${up.name}: not found (the ReplicaSet is orphaned)` });
        }
      }
      return fromReplicaSet(rs);
    }
    case 'StatefulSet':
      return builtin('apps/v1') ? fromStatefulSet(await kube.readStatefulSet(namespace, ref.name)) : undefined;
    case 'DaemonSet':
      return builtin('apps/v1') ? fromDaemonSet(await kube.readDaemonSet(namespace, ref.name)) : undefined;
    default:
      return undefined;
  }
}

function conditionNote(
  conditions: { type: string; status: string; reason?: string; message?: string }[] | undefined,
  type: string,
  status: string,
): string | undefined {
  const c = conditions?.find((x) => x.type === type && x.status === status);
  return c ? `${c.reason ?? type}${c.message ? `: ${c.message}` : ''}` : undefined;
}

function fromDeployment(d: V1Deployment): Rollout {
  const s = d.status;
  const desired = d.spec?.replicas ?? 1;
  const updated = s?.updatedReplicas ?? 0;
  const deadline = d.status?.conditions?.find(
    (c) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded',
  );
  const stuck = deadline
    ? `${deadline.reason}: ${deadline.message ?? ''}`
    : (conditionNote(s?.conditions, 'ReplicaFailure', 'True') ??
      (d.spec?.paused ? 'the Deployment is paused (kubectl rollout resume)' : undefined));
  return {
    kind: 'Deployment',
    name: d.metadata?.name ?? '',
    desired,
    ready: s?.readyReplicas ?? 0,
    updated,
    available: s?.availableReplicas ?? 0,
    old: Math.max(0, (s?.replicas ?? 0) - updated),
    generation: d.metadata?.generation,
    observedGeneration: s?.observedGeneration,
    ...(stuck ? { stuck } : {}),
    notes: [],
  };
}

function fromReplicaSet(rs: V1ReplicaSet): Rollout {
  const desired = rs.spec?.replicas ?? 1;
  const stuck = conditionNote(rs.status?.conditions, 'ReplicaFailure', 'True');
  return {
    kind: 'ReplicaSet',
    name: rs.metadata?.name ?? '',
    desired,
    ready: rs.status?.readyReplicas ?? 0,
    updated: desired,
    available: rs.status?.availableReplicas ?? 0,
    old: 0,
    generation: rs.metadata?.generation,
    observedGeneration: rs.status?.observedGeneration,
    ...(stuck ? { stuck } : {}),
    notes: [],
  };
}

function fromStatefulSet(s: V1StatefulSet): Rollout {
  const desired = s.spec?.replicas ?? 1;
  const st = s.status;
  const onDelete = s.spec?.updateStrategy?.type === 'OnDelete';
  const notes: string[] = [];
  if (st?.currentRevision && st.updateRevision && st.currentRevision !== st.updateRevision)
    notes.push(`revision ${st.currentRevision} → ${st.updateRevision}`);
  if (onDelete) notes.push('updateStrategy OnDelete: pods take the new revision only when deleted');
  if ((s.spec?.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady')
    notes.push('podManagementPolicy OrderedReady: one pod at a time, each must be Ready first');
  const updated = st?.updatedReplicas ?? 0;
  return {
    kind: 'StatefulSet',
    name: s.metadata?.name ?? '',
    desired,
    ready: st?.readyReplicas ?? 0,
    // With OnDelete the controller never replaces pods itself, so old ones are not a rollout in progress.
    updated: onDelete ? desired : updated,
    available: st?.availableReplicas ?? st?.readyReplicas ?? 0,
    old: !onDelete && st?.currentRevision !== st?.updateRevision ? (st?.currentReplicas ?? 0) : 0,
    generation: s.metadata?.generation,
    observedGeneration: st?.observedGeneration,
    ...(st?.updateRevision ? { updateRevision: st.updateRevision } : {}),
    notes,
  };
}

function fromDaemonSet(d: V1DaemonSet): Rollout {
  const st = d.status;
  const desired = st?.desiredNumberScheduled ?? 0;
  const notes: string[] = [];
  if ((st?.numberMisscheduled ?? 0) > 0) notes.push(`${st?.numberMisscheduled} pods run on nodes they should not`);
  if (d.spec?.updateStrategy?.type === 'OnDelete')
    notes.push('updateStrategy OnDelete: pods take the new template only when deleted');
  const onDelete = d.spec?.updateStrategy?.type === 'OnDelete';
  const updated = onDelete ? desired : (st?.updatedNumberScheduled ?? 0);
  return {
    kind: 'DaemonSet',
    name: d.metadata?.name ?? '',
    desired,
    ready: st?.numberReady ?? 0,
    updated,
    available: st?.numberAvailable ?? 0,
    old: Math.max(0, (st?.currentNumberScheduled ?? 0) - updated),
    generation: d.metadata?.generation,
    observedGeneration: st?.observedGeneration,
    notes,
  };
}

function judgeJob(job: V1Job, facts: Facts, evidence: Evidence[]): CheckResult<Outcome> {
  const s = job.status;
  const name = job.metadata?.name ?? '';
  const completions = job.spec?.completions ?? 1;
  evidence.push({
    label: 'Job',
    value: `active ${s?.active ?? 0}, succeeded ${s?.succeeded ?? 0}/${completions}, failed ${s?.failed ?? 0} (backoffLimit ${job.spec?.backoffLimit ?? 6})`,
  });
  const cron = controllerOf(job.metadata);
  if (cron) evidence.push({ label: 'Job owner', value: `${cron.kind}/${cron.name}` });
  facts.desiredReplicas = completions;
  facts.readyReplicas = s?.ready ?? 0;
  const failed = job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
  if (failed) {
    facts.rolloutReason = failed.reason ?? 'Failed';
    facts.recreatedByController = false;
    return {
      outcome: 'job-failed',
      summary: `Job/${name} has failed (${failed.reason ?? 'Failed'}${failed.message ? `: ${clip(failed.message, 160)}` : ''}): it starts no more pods`,
      evidence,
      facts,
    };
  }
  if (job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')) {
    facts.recreatedByController = false;
    return {
      outcome: 'job-complete',
      summary: `Job/${name} completed: ${s?.succeeded ?? 0}/${completions} succeeded`,
      evidence,
      facts,
    };
  }
  return {
    outcome: 'job-active',
    summary: `Job/${name} is running: ${s?.active ?? 0} active, ${s?.succeeded ?? 0}/${completions} succeeded, ${s?.failed ?? 0} failed`,
    evidence,
    facts,
  };
}
