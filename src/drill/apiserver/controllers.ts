import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../types.js';
import { asArray, asNumber, asObject, asString } from './json.js';
import type { Json } from './json.js';
import type { InheritedFault, PodLifecycle } from './kubeletSim.js';
import { defaultPod, gracePeriod, randomSuffix } from './podAdmission.js';
import { componentHealthy, controllerOf, isoSeconds, nodeReady, recordEvent } from './simulation.js';
import type { SimContext } from './simulation.js';
import type { StoreChange } from './store.js';
import { daemonPodTolerations } from '../../kube/semantics/scheduling.js';

/**
 * The kube-controller-manager's workload controllers, as far as a drill
 * needs them: a ReplicaSet, DaemonSet or StatefulSet replaces a deleted pod,
 * a Deployment rolls out a changed template, a DaemonSet or StatefulSet
 * replaces pods a template change left out of date. Nothing happens while
 * the controller-manager is down (no Running and Ready pod, or a stale
 * leader Lease): the work waits, as it would for a new leader.
 *
 * The rule for a replacement: it is built from the old pod's spec with the
 * owner's current pod template laid over it, and its status reproduces the
 * old pod's fault (the same waiting reason, message and last termination,
 * restarts counted afresh) for every container the template leaves as the
 * old pod had it. A container whose template differs in what it declares
 * (image, command, args, env, probes, resources) has had its fix applied
 * since: that container starts healthy.
 */

const rsBucket = 'replicasets.apps';
const buckets = {
  Deployment: 'deployments.apps',
  ReplicaSet: rsBucket,
  DaemonSet: 'daemonsets.apps',
  StatefulSet: 'statefulsets.apps',
} as const;

/** The container fields whose change counts as a fix for a fault the pod showed. */
const comparedFields = [
  'image',
  'command',
  'args',
  'env',
  'envFrom',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'resources',
];

function templateOf(owner: KubeObject | undefined): Json | undefined {
  const t = asObject(asObject(owner?.spec).template);
  return Object.keys(t).length > 0 ? t : undefined;
}

/** Containers whose template declares something other than what the pod runs. */
export function changedContainers(pod: KubeObject, template: Json | undefined): Set<string> {
  const changed = new Set<string>();
  if (!template) return changed;
  const running = new Map(asArray(asObject(pod.spec).containers).map((c) => [asString(c.name), c]));
  for (const t of asArray(asObject(template.spec).containers)) {
    const c = running.get(asString(t.name));
    if (!c || comparedFields.some((f) => f in t && !isDeepStrictEqual(t[f], c[f]))) changed.add(asString(t.name));
  }
  return changed;
}

/** pod-template-hash: FNV-32a of the template, its decimal digits spelled in the name generator's alphabet. */
export function podTemplateHash(template: Json): string {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(JSON.stringify(template), 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...String(h)].map((d) => alphabet[d.charCodeAt(0) % alphabet.length]).join('');
}

function ownedBy(kind: string, name: string): (obj: KubeObject) => boolean {
  return (obj) => {
    const ref = controllerOf(obj);
    return ref !== undefined && ref.kind === kind && ref.name === name;
  };
}

export class Controllers {
  /** Work that waits for a healthy controller-manager, by a key that keeps it from being queued twice. */
  private readonly pending = new Map<string, () => void>();

  constructor(
    private readonly ctx: SimContext,
    private readonly pods: PodLifecycle,
  ) {}

  /** Watches pod deletions, as the controllers' informers do. */
  onChange(change: StoreChange): void {
    if (change.resource !== 'pods') return;
    const pod = change.object;
    const owner = controllerOf(pod);
    if (!owner) return;
    const wasTerminating = change.previous?.metadata.deletionTimestamp !== undefined;
    const key = `${owner.kind}:${pod.metadata.namespace ?? ''}/${pod.metadata.uid ?? pod.metadata.name}`;
    if (owner.kind === 'ReplicaSet') {
      // A ReplicaSet counts a terminating pod as gone and replaces it at once.
      const leaving =
        (change.type === 'MODIFIED' && pod.metadata.deletionTimestamp !== undefined && !wasTerminating) ||
        (change.type === 'DELETED' && !wasTerminating);
      if (leaving) this.enqueue(key, () => this.replaceReplicaSetPod(pod));
    } else if (change.type === 'DELETED' && owner.kind === 'DaemonSet') {
      this.enqueue(key, () => this.replaceDaemonSetPod(pod));
    } else if (change.type === 'DELETED' && owner.kind === 'StatefulSet') {
      // A StatefulSet waits for the old pod to be gone: the replacement takes its name.
      this.enqueue(key, () => this.replaceStatefulSetPod(pod));
    }
  }

  /** A workload's spec changed through the API. */
  workloadUpdated(bucket: string, before: KubeObject, after: KubeObject): void {
    const oldTemplate = templateOf(before);
    const newTemplate = templateOf(after);
    if (!newTemplate || isDeepStrictEqual(oldTemplate, newTemplate)) return;
    const key = `${after.kind}:${after.metadata.namespace ?? ''}/${after.metadata.name}:${after.metadata.resourceVersion ?? ''}`;
    if (bucket === buckets.Deployment)
      this.enqueue(key, () => this.rollOut(after.metadata.namespace ?? '', after.metadata.name));
    else if (bucket === buckets.DaemonSet || bucket === buckets.StatefulSet) {
      const strategy = asString(asObject(asObject(after.spec).updateStrategy).type);
      if (strategy !== 'OnDelete')
        this.enqueue(key, () => this.replaceOutdated(after.kind, after.metadata.namespace ?? '', after.metadata.name));
    }
  }

  /** The controller-manager may be back: run what waited for it. */
  retryPending(): void {
    if (this.pending.size === 0 || !componentHealthy(this.ctx, 'kube-controller-manager')) return;
    const work = [...this.pending.values()];
    this.pending.clear();
    for (const w of work) w();
  }

  private enqueue(key: string, work: () => void): void {
    this.pending.set(key, work);
    this.ctx.timers.after(this.ctx.stepMs, () => this.retryPending());
  }

  private podsOf(namespace: string, kind: string, name: string): KubeObject[] {
    return this.ctx.store.list('pods', { namespace, filter: ownedBy(kind, name) }).items;
  }

  /** A new pod for `owner`, built from the pod it replaces with the owner's template over it, and what it inherits. */
  private replacement(
    old: KubeObject,
    owner: KubeObject | undefined,
    name: { name?: string; generateName?: string },
    template: Json | undefined = templateOf(owner),
  ): { pod: KubeObject; fault: InheritedFault } {
    const fixed = changedContainers(old, template);
    const spec: Json = structuredClone(asObject(old.spec));
    delete spec.nodeName;
    // The service account token volume is the pod's own; admission mounts a fresh one.
    const tokenVolumes = new Set(
      asArray(spec.volumes)
        .filter((v) => asString(v.name).startsWith('kube-api-access-'))
        .map((v) => asString(v.name)),
    );
    if (Array.isArray(spec.volumes))
      spec.volumes = asArray(spec.volumes).filter((v) => !tokenVolumes.has(asString(v.name)));
    const templateContainers = new Map(asArray(asObject(template?.spec).containers).map((c) => [asString(c.name), c]));
    spec.containers = asArray(spec.containers).map((c) => {
      const mounts = asArray(c.volumeMounts).filter((m) => !tokenVolumes.has(asString(m.name)));
      const declared = templateContainers.get(asString(c.name)) ?? {};
      const merged: Json = { ...c, ...declared };
      if (mounts.length > 0) merged.volumeMounts = mounts;
      else delete merged.volumeMounts;
      return merged;
    });
    if (Array.isArray(spec.volumes) && spec.volumes.length === 0) delete spec.volumes;
    const labels = {
      ...(old.metadata.labels ?? {}),
      ...((asObject(template?.metadata).labels as Record<string, string> | undefined) ?? {}),
    };
    const ref = controllerOf(old);
    const ownerReferences = ref
      ? [{ ...ref, uid: owner?.metadata.uid ?? ref.uid, controller: true, blockOwnerDeletion: true }]
      : undefined;
    const podName = name.name ?? `${name.generateName ?? ''}${randomSuffix()}`;
    const pod = defaultPod({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: podName,
        ...(name.generateName ? { generateName: name.generateName } : {}),
        namespace: old.metadata.namespace ?? '',
        labels,
        ...(ownerReferences ? { ownerReferences } : {}),
      },
      spec,
    });
    return { pod, fault: { from: old, fixed } };
  }

  private create(
    pod: KubeObject,
    fault: InheritedFault | undefined,
    owner: KubeObject | undefined,
    event: { component: string; message: (name: string) => string },
  ): void {
    const stored = this.ctx.store.put('pods', pod);
    if (owner)
      recordEvent(this.ctx, owner, {
        reason: 'SuccessfulCreate',
        type: 'Normal',
        message: event.message(stored.metadata.name),
        component: event.component,
      });
    this.pods.track(stored, fault);
  }

  private replaceReplicaSetPod(old: KubeObject): void {
    const ref = controllerOf(old);
    if (!ref) return;
    const namespace = old.metadata.namespace ?? '';
    const rs = this.ctx.store.get(rsBucket, namespace, ref.name);
    if (rs) {
      const active = this.podsOf(namespace, 'ReplicaSet', ref.name).filter(
        (p) => p.metadata.deletionTimestamp === undefined && p.metadata.uid !== old.metadata.uid,
      );
      if (active.length >= asNumber(asObject(rs.spec).replicas ?? 1)) return;
    }
    const { pod, fault } = this.replacement(old, rs, { generateName: `${ref.name}-` });
    this.create(pod, fault, rs, { component: 'replicaset-controller', message: (n) => `Created pod: ${n}` });
  }

  private replaceDaemonSetPod(old: KubeObject): void {
    const ref = controllerOf(old);
    const nodeName = asString(asObject(old.spec).nodeName);
    if (!ref || !nodeName || !this.ctx.store.get('nodes', undefined, nodeName)) return;
    const namespace = old.metadata.namespace ?? '';
    const ds = this.ctx.store.get(buckets.DaemonSet, namespace, ref.name);
    if (
      this.podsOf(namespace, 'DaemonSet', ref.name).some(
        (p) => asString(asObject(p.spec).nodeName) === nodeName && !p.metadata.deletionTimestamp,
      )
    )
      return;
    const { pod, fault } = this.replacement(old, ds, { generateName: `${ref.name}-` });
    const spec = asObject(pod.spec);
    // The DaemonSet controller pins its pod to the node by affinity; the scheduler binds it.
    spec.affinity = {
      ...asObject(spec.affinity),
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
        },
      },
    };
    const tolerations = asArray(spec.tolerations);
    for (const t of daemonPodTolerations(spec.hostNetwork === true))
      if (!tolerations.some((x) => asString(x.key) === t.key && asString(x.effect) === t.effect)) tolerations.push(t);
    spec.tolerations = tolerations;
    this.create(pod, fault, ds, { component: 'daemonset-controller', message: (n) => `Created pod: ${n}` });
  }

  private replaceStatefulSetPod(old: KubeObject): void {
    const ref = controllerOf(old);
    if (!ref) return;
    const namespace = old.metadata.namespace ?? '';
    if (this.ctx.store.get('pods', namespace, old.metadata.name)) return;
    const sts = this.ctx.store.get(buckets.StatefulSet, namespace, ref.name);
    const ordinal = Number(old.metadata.name.slice(ref.name.length + 1));
    if (sts && Number.isInteger(ordinal) && ordinal >= asNumber(asObject(sts.spec).replicas ?? 1)) return;
    const { pod, fault } = this.replacement(old, sts, { name: old.metadata.name });
    this.create(pod, fault, sts, {
      component: 'statefulset-controller',
      message: (n) => `create Pod ${n} in StatefulSet ${ref.name} successful`,
    });
  }

  /** Deletes a pod gracefully, as a controller does: the kubelet of a Ready node confirms it. */
  private terminate(pod: KubeObject): void {
    const grace = gracePeriod(pod, undefined);
    const namespace = pod.metadata.namespace ?? '';
    if (grace === 0) {
      this.ctx.store.delete('pods', namespace, pod.metadata.name);
      return;
    }
    const marked = this.ctx.store.put('pods', {
      ...pod,
      metadata: {
        ...pod.metadata,
        deletionTimestamp: isoSeconds(new Date(this.ctx.now().getTime() + grace * 1000)),
        deletionGracePeriodSeconds: grace,
      },
    });
    if (!nodeReady(this.ctx.store.get('nodes', undefined, asString(asObject(pod.spec).nodeName)))) return;
    this.ctx.timers.after(Math.min(this.ctx.podTerminationMs, grace * 1000), () => {
      if (this.ctx.store.get('pods', namespace, pod.metadata.name)?.metadata.uid === marked.metadata.uid)
        this.ctx.store.delete('pods', namespace, pod.metadata.name);
    });
  }

  /**
   * A Deployment's new template: a ReplicaSet for it (named by its
   * pod-template-hash), old ReplicaSets scaled to zero, and each old pod
   * replaced by one of the new ReplicaSet's.
   */
  private rollOut(namespace: string, name: string): void {
    const deployment = this.ctx.store.get(buckets.Deployment, namespace, name);
    const template = templateOf(deployment);
    if (!deployment || !template) return;
    const spec = asObject(deployment.spec);
    const replicas = asNumber(spec.replicas ?? 1);
    const hash = podTemplateHash(template);
    const owned = this.ctx.store.list(rsBucket, { namespace, filter: ownedBy('Deployment', name) }).items;
    const revision =
      Math.max(0, ...owned.map((rs) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0))) +
      1;
    const labels = {
      ...((asObject(template.metadata).labels as Record<string, string> | undefined) ?? {}),
      'pod-template-hash': hash,
    };
    const newTemplate: Json = { ...template, metadata: { ...asObject(template.metadata), labels } };
    const existing = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const ownerRef = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name,
      uid: deployment.metadata.uid ?? '',
      controller: true,
      blockOwnerDeletion: true,
    };
    const rs = this.ctx.store.put(rsBucket, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      ...(existing ?? {}),
      metadata: {
        ...(existing?.metadata ?? {}),
        name: existing?.metadata.name ?? `${name}-${hash}`,
        namespace,
        labels,
        annotations: {
          ...(existing?.metadata.annotations ?? {}),
          'deployment.kubernetes.io/desired-replicas': String(replicas),
          'deployment.kubernetes.io/max-replicas': String(replicas + 1),
          'deployment.kubernetes.io/revision': String(revision),
        },
        ownerReferences: [ownerRef],
      },
      spec: {
        replicas,
        selector: { matchLabels: { ...asObject(asObject(spec.selector).matchLabels), 'pod-template-hash': hash } },
        template: newTemplate,
      },
      status: { replicas: 0, observedGeneration: 1 },
    });
    recordEvent(this.ctx, deployment, {
      reason: 'ScalingReplicaSet',
      type: 'Normal',
      message: `Scaled up replica set ${rs.metadata.name} from 0 to ${replicas}`,
      component: 'deployment-controller',
    });

    const oldPods: KubeObject[] = [];
    for (const old of owned.filter((x) => x.metadata.name !== rs.metadata.name)) {
      const had = asNumber(asObject(old.spec).replicas ?? 0);
      oldPods.push(
        ...this.podsOf(namespace, 'ReplicaSet', old.metadata.name).filter((p) => !p.metadata.deletionTimestamp),
      );
      if (had === 0) continue;
      this.ctx.store.put(rsBucket, {
        ...old,
        spec: { ...asObject(old.spec), replicas: 0 },
        status: { ...asObject(old.status), replicas: 0, readyReplicas: 0, availableReplicas: 0 },
      });
      recordEvent(this.ctx, deployment, {
        reason: 'ScalingReplicaSet',
        type: 'Normal',
        message: `Scaled down replica set ${old.metadata.name} from ${had} to 0`,
        component: 'deployment-controller',
      });
    }
    const have = this.podsOf(namespace, 'ReplicaSet', rs.metadata.name).filter(
      (p) => !p.metadata.deletionTimestamp,
    ).length;
    for (let i = have; i < replicas; i++) {
      const old = oldPods[i - have];
      const base: KubeObject = old ?? {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: '', namespace, ownerReferences: [ownerRef] },
        spec: asObject(newTemplate.spec),
      };
      const { pod, fault } = this.replacement(
        {
          ...base,
          metadata: {
            ...base.metadata,
            ownerReferences: [{ ...ownerRef, kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid ?? '' }],
          },
        },
        rs,
        { generateName: `${rs.metadata.name}-` },
        newTemplate,
      );
      pod.metadata.labels = labels;
      this.create(pod, old ? fault : undefined, rs, {
        component: 'replicaset-controller',
        message: (n) => `Created pod: ${n}`,
      });
    }
    for (const old of oldPods) this.terminate(old);
    this.ctx.store.put(buckets.Deployment, {
      ...deployment,
      status: {
        ...asObject(deployment.status),
        observedGeneration: asNumber(deployment.metadata.generation ?? 1),
        updatedReplicas: replicas,
      },
    });
  }

  /** A DaemonSet's or StatefulSet's rolling update: pods the new template differs from are deleted, and replaced from it. */
  private replaceOutdated(kind: string, namespace: string, name: string): void {
    const owner = this.ctx.store.get(kind === 'DaemonSet' ? buckets.DaemonSet : buckets.StatefulSet, namespace, name);
    const template = templateOf(owner);
    if (!owner || !template) return;
    for (const pod of this.podsOf(namespace, kind, name)) {
      if (!pod.metadata.deletionTimestamp && changedContainers(pod, template).size > 0) this.terminate(pod);
    }
  }
}
