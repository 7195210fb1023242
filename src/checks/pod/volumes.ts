import { z } from 'zod';
import type {
  V1Node,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1VolumeAttachment,
} from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/client.js';
import { KubeError } from '../../kube/errors.js';
import { groupEvents, involvedObjectSelector } from '../events.js';
import type { EventGroup } from '../events.js';
import { ageSeconds, formatAge } from '../format.js';
import { clip, isMissingObject, podNotFound, readPodAndEvents, readPodIfExists } from '../pods.js';
import { listComponentPods, systemNamespace } from '../cluster/components.js';
import { defineCheck } from '../types.js';
import { multiAttachLines, parseMultiAttachLine } from './multiAttach.js';
import type { MultiAttachLine } from './multiAttach.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { quoteArg } from '../../nodeaccess/quote.js';

const outcomes = [
  'pvc-missing',
  'pvc-pending',
  'pvc-lost',
  'attached-elsewhere',
  'attached-elsewhere-unknown-node',
  'attach-failed',
  'mount-failed',
  'configmap-missing',
  'volumes-ok',
  'not-found',
] as const;
type Outcome = (typeof outcomes)[number];

/** VolumeAttachments have no selector on their volume (metadata.name is their only field); a cluster has about one per attached volume, so cap the read. */
const maxAttachments = 5000;

interface Claim {
  volume: string;
  claimName: string;
  pvc?: V1PersistentVolumeClaim;
  pv?: V1PersistentVolume;
  pvMissing?: boolean;
}

export const podVolumes = defineCheck({
  id: 'pod.volumes',
  layer: 'pod',
  title: "The pod's volumes: claims, volumes, attachments, mounts",
  why: "A pod with storage cannot start until each claim is Bound, its volume is attached to the pod's node, and mounted; after a node dies, the volume often stays attached to the dead node (Multi-Attach).",
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
  outcomes,
  healthy: ['volumes-ok'],
  facts: [
    'pvcCount',
    'claim',
    'pvcPhase',
    'pv',
    'storageClass',
    'nodeName',
    'attachedNode',
    'attachedNodeReady',
    'volumeAttachment',
    'holderPod',
    'holderEvidence',
    'eventReason',
    'eventMessage',
    'controllerManagerLog',
    'missingConfigMap',
    'missingVolume',
  ],
  sets: {
    'pvc-pending': ['claim', 'pvcPhase'],
    'attached-elsewhere': [
      'attachedNode',
      'attachedNodeReady',
      'claim',
      'eventMessage',
      'eventReason',
      'holderEvidence',
      'holderPod',
      'pvcPhase',
      'volumeAttachment',
    ],
    'attached-elsewhere-unknown-node': [
      'attachedNode',
      'attachedNodeReady',
      'claim',
      'eventMessage',
      'eventReason',
      'holderEvidence',
      'holderPod',
      'pvcPhase',
      'volumeAttachment',
    ],
    'attach-failed': ['eventMessage', 'eventReason', 'nodeName'],
    'mount-failed': ['eventMessage', 'eventReason', 'nodeName'],
    'configmap-missing': ['eventMessage', 'eventReason', 'nodeName', 'missingConfigMap', 'missingVolume'],
  },
  command: (p) =>
    `kubectl get pvc -n ${quoteArg(p.namespace)} $(kubectl get pod ${quoteArg(p.name)} -n ${quoteArg(p.namespace)} -o jsonpath='{.spec.volumes[*].persistentVolumeClaim.claimName}') -o wide && kubectl get volumeattachments && kubectl get events -n ${quoteArg(p.namespace)} --field-selector ${quoteArg(involvedObjectSelector('Pod', p.name, p.namespace))}`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const [pod, events] = await readPodAndEvents(ctx.kube, p.namespace, p.name);
    if (!pod) return podNotFound(p.namespace, p.name);
    const now = ctx.now();
    const nodeName = pod.spec?.nodeName ?? '';
    const claims = await readClaims(ctx.kube, pod);
    const evidence: Evidence[] = [];
    const facts: Facts = { pvcCount: claims.length };
    if (nodeName) facts.nodeName = nodeName;
    for (const c of claims) evidence.push({ label: `volume ${c.volume}`, value: describeClaim(c) });
    const result = (outcome: Outcome, summary: string): CheckResult<Outcome> => ({ outcome, summary, evidence, facts });
    const claimFacts = (c: Claim) => {
      facts.claim = c.claimName;
      facts.pvcPhase = c.pvc?.status?.phase ?? 'Missing';
      if (c.pvc?.spec?.volumeName) facts.pv = c.pvc.spec.volumeName;
      const sc = c.pvc?.spec?.storageClassName;
      if (sc) facts.storageClass = sc;
    };

    const missing = claims.find((c) => !c.pvc);
    if (missing) {
      claimFacts(missing);
      return result('pvc-missing', `the pod mounts claim ${missing.claimName}, which does not exist in ${p.namespace}`);
    }
    const pending = claims.find((c) => c.pvc?.status?.phase === 'Pending');
    if (pending) {
      claimFacts(pending);
      // The claim's own events carry the provisioner's error.
      const claimEvents = groupEvents(
        await ctx.kube.listEvents({
          namespace: p.namespace,
          fieldSelector: involvedObjectSelector('PersistentVolumeClaim', pending.claimName, p.namespace),
        }),
      );
      const why = claimEvents.find((g) => g.type === 'Warning') ?? claimEvents[0];
      if (why) {
        evidence.push({ label: `claim ${why.type} ${why.reason}`, value: describeEvent(why, now) });
        facts.eventReason = why.reason;
        facts.eventMessage = why.message;
      }
      const sc = pending.pvc?.spec?.storageClassName;
      return result(
        'pvc-pending',
        `claim ${pending.claimName} is Pending: no volume is bound to it${sc ? ` (storage class ${sc})` : ''}${why ? `: ${clip(why.message, 160)}` : ''}`,
      );
    }
    const lost = claims.find((c) => c.pvc?.status?.phase === 'Lost' || c.pvMissing);
    if (lost) {
      claimFacts(lost);
      return result(
        'pvc-lost',
        `claim ${lost.claimName} has lost its volume ${lost.pvc?.spec?.volumeName ?? ''}: the PersistentVolume is gone`,
      );
    }

    const warnings = groupEvents(events).filter((g) => g.type === 'Warning');
    const attachEvents = warnings.filter((g) => g.reason === 'FailedAttachVolume');
    const mountEvents = warnings.filter((g) => g.reason === 'FailedMount');
    for (const g of [...attachEvents, ...mountEvents].slice(0, 3))
      evidence.push({ label: `${g.reason}`, value: describeEvent(g, now) });

    const pvNames = new Set(claims.map((c) => c.pvc?.spec?.volumeName).filter((v): v is string => !!v));
    const started = allStarted(pod);
    // VolumeAttachments can be selected by name only, so finding a volume's means listing them all. A pod whose
    // containers started has its volumes attached where it runs; unless an attach failed since, there is
    // nothing elsewhere to find, and the walk of a healthy pod skips the cluster-wide list.
    const lookElsewhere = pvNames.size > 0 && (!started || attachEvents.length > 0);
    if (pvNames.size > 0 && !lookElsewhere)
      evidence.push({
        label: 'volumeattachments',
        value: `not read: the containers started, so the volumes are attached to ${nodeName || "the pod's node"}`,
      });
    const elsewhere = lookElsewhere ? await attachmentsElsewhere(ctx.kube, pvNames, nodeName, evidence) : [];
    const multiAttach = attachEvents.find((g) => /Multi-Attach error/.test(g.message));
    // The controller-manager logs every Multi-Attach refusal, with the holding node; the pod's event may have
    // expired, or never name the node. Read it whenever a stuck pod's volume is not attached where it should be.
    const cmLines =
      !started && pvNames.size > 0 && elsewhere.length === 0
        ? await controllerManagerLines(ctx.kube, volumeKeys(claims), evidence, facts)
        : [];
    if (elsewhere.length > 0 || (!started && (multiAttach || cmLines.length > 0))) {
      const va = elsewhere[0];
      const claim =
        claims.find(
          (c) => c.pvc?.spec?.volumeName === (va?.spec?.source?.persistentVolumeName ?? cmLines[0]?.volume ?? ''),
        ) ??
        claims.find((c) => c.pvc?.spec?.volumeName) ??
        claims[0];
      if (claim) claimFacts(claim);
      const cmLine = cmLines.find((l) => l.holder) ?? cmLines.find((l) => l.usedBy) ?? cmLines[0];
      facts.eventReason = multiAttach?.reason ?? 'FailedAttachVolume';
      facts.eventMessage =
        multiAttach?.message ??
        (cmLine
          ? `(kube-controller-manager log) ${clip(cmLine.line.trim(), 300)}`
          : 'no Multi-Attach event or log line was seen; the VolumeAttachment alone shows it');
      facts.volumeAttachment = va?.metadata?.name ?? 'none listed for it';
      for (const l of cmLines.slice(0, 2))
        evidence.push({ label: 'kube-controller-manager log', value: clip(l.line.trim(), 300) });

      // Who holds it: the attachment object, then the pods the controller names, then the log, then node status.
      let holder: string | undefined;
      if (va?.spec?.nodeName) {
        holder = va.spec.nodeName;
        facts.holderEvidence = `VolumeAttachment ${va.metadata?.name ?? ''} attaches it to ${holder}`;
      }
      const usedBy = (multiAttach ? parseMultiAttachLine(multiAttach.message)?.usedBy : undefined) ?? cmLine?.usedBy;
      if (!holder && usedBy) {
        for (const ref of usedBy.slice(0, 3)) {
          const [ns, name] = ref.includes('/') ? (ref.split('/') as [string, string]) : [p.namespace, ref];
          const other = await readPodIfExists(ctx.kube, ns, name);
          evidence.push({
            label: `pod ${ns}/${name} (uses the volume)`,
            value: other
              ? `on node ${other.spec?.nodeName ?? '(none)'}, phase ${other.status?.phase ?? 'Unknown'}${other.metadata?.deletionTimestamp ? ', being deleted' : ''}`
              : 'no longer exists',
          });
          facts.holderPod ??= `${ns}/${name}${other ? '' : ' (named by the attach/detach controller; not found now)'}`;
          if (other?.spec?.nodeName && other.spec.nodeName !== nodeName) {
            holder = other.spec.nodeName;
            facts.holderPod = `${ns}/${name}`;
            facts.holderEvidence = `pod ${ns}/${name}, which uses the same claim, runs on ${holder}`;
            break;
          }
        }
      }
      if (!holder && cmLine?.holder && cmLine.holder !== nodeName) {
        holder = cmLine.holder;
        facts.holderEvidence = `the kube-controller-manager log says it is attached to node ${holder}`;
      }
      if (!holder) {
        const byStatus = await nodeHoldingVolume(ctx.kube, volumeKeys(claims), nodeName, evidence);
        if (byStatus) {
          holder = byStatus;
          facts.holderEvidence = `node ${holder} lists it in status.volumesAttached`;
        }
      }
      facts.holderPod ??= 'none seen';
      const pv = va?.spec?.source?.persistentVolumeName ?? String(facts.pv ?? cmLine?.volume ?? '');
      if (holder) {
        facts.attachedNode = holder;
        const ready = await nodeReadiness(ctx.kube, holder);
        facts.attachedNodeReady = ready;
        evidence.push({ label: `node ${holder}`, value: `Ready=${ready}` });
        return result(
          'attached-elsewhere',
          `volume ${pv} is still attached to node ${holder}${ready === 'True' ? '' : ` (Ready=${ready})`}, not to the pod's node ${nodeName || '(none yet)'}: ${String(facts.holderEvidence)}${multiAttach ? `; ${multiAttach.reason} ×${multiAttach.count}` : ''}`,
        );
      }
      facts.attachedNode = 'not named by anything visible';
      facts.attachedNodeReady = 'unknown';
      facts.holderEvidence =
        'no VolumeAttachment, pod, kube-controller-manager log line or node status seen here names it';
      return result(
        'attached-elsewhere-unknown-node',
        `the attach/detach controller refuses to attach volume ${pv} to ${nodeName || "the pod's node"}: ${clip(String(facts.eventMessage), 200)}; no VolumeAttachment, pod, log line or node status names the node holding it`,
      );
    }
    if (!started && attachEvents[0]) {
      facts.eventReason = attachEvents[0].reason;
      facts.eventMessage = attachEvents[0].message;
      return result('attach-failed', `attaching a volume to ${nodeName} fails: ${clip(attachEvents[0].message, 200)}`);
    }
    if (!started && mountEvents[0]) {
      facts.eventReason = mountEvents[0].reason;
      facts.eventMessage = mountEvents[0].message;
      // Older kubelets say only "timeout expired ... unmounted volumes=[config-volume]" (kubernetes#28772): the API says whether the ConfigMap is there.
      const absent = await absentConfigMap(ctx.kube, pod, evidence);
      if (absent) {
        facts.missingConfigMap = absent.configMap;
        facts.missingVolume = absent.volume;
        return result(
          'configmap-missing',
          `volume ${absent.volume} needs ConfigMap ${absent.configMap}, which does not exist in ${p.namespace}: the kubelet on ${nodeName} cannot mount it (${clip(mountEvents[0].message, 160)})`,
        );
      }
      return result(
        'mount-failed',
        `the kubelet on ${nodeName} cannot mount a volume: ${clip(mountEvents[0].message, 200)}`,
      );
    }
    const noted =
      started && (attachEvents.length > 0 || mountEvents.length > 0)
        ? ' (earlier attach/mount warnings are resolved: the containers started)'
        : '';
    return result(
      'volumes-ok',
      claims.length === 0
        ? `the pod has no PersistentVolumeClaims and no mount failures${noted}`
        : `all ${claims.length} claims are Bound and attached${noted}`,
    );
  },
});

/** The first ConfigMap a volume needs (not optional) that the API says does not exist; one it may not read is noted, not counted. */
async function absentConfigMap(
  kube: KubeClient,
  pod: V1Pod,
  evidence: Evidence[],
): Promise<{ volume: string; configMap: string } | undefined> {
  const ns = pod.metadata?.namespace ?? '';
  const wanted = (pod.spec?.volumes ?? []).flatMap((v) => [
    ...(v.configMap?.name && v.configMap.optional !== true ? [{ volume: v.name, configMap: v.configMap.name }] : []),
    ...(v.projected?.sources ?? []).flatMap((src) =>
      src.configMap?.name && src.configMap.optional !== true ? [{ volume: v.name, configMap: src.configMap.name }] : [],
    ),
  ]);
  for (const w of wanted) {
    try {
      await kube.readConfigMap(ns, w.configMap);
    } catch (err) {
      if (isMissingObject(err)) {
        evidence.push({ label: `ConfigMap ${ns}/${w.configMap}`, value: `not found (volume ${w.volume})` });
        return w;
      }
      evidence.push({
        label: `ConfigMap ${ns}/${w.configMap}`,
        value: `not read: ${err instanceof KubeError ? err.kind : String(err)}`,
      });
    }
  }
  return undefined;
}

async function readClaims(kube: KubeClient, pod: V1Pod): Promise<Claim[]> {
  const ns = pod.metadata?.namespace ?? '';
  const wanted: Claim[] = (pod.spec?.volumes ?? []).flatMap((v) => {
    if (v.persistentVolumeClaim) return [{ volume: v.name, claimName: v.persistentVolumeClaim.claimName }];
    // A generic ephemeral volume's claim is named <pod>-<volume>.
    if (v.ephemeral) return [{ volume: v.name, claimName: `${pod.metadata?.name}-${v.name}` }];
    return [];
  });
  return Promise.all(
    wanted.map(async (c) => {
      try {
        c.pvc = await kube.readPvc(ns, c.claimName);
      } catch (err) {
        if (isMissingObject(err)) return c;
        throw err;
      }
      const pvName = c.pvc.spec?.volumeName;
      if (pvName) {
        try {
          c.pv = await kube.readPv(pvName);
        } catch (err) {
          if (!isMissingObject(err)) throw err;
          c.pvMissing = true;
        }
      }
      return c;
    }),
  );
}

/** Attachments of these volumes to nodes other than the pod's; a refusal to list is noted, not fatal. */
async function attachmentsElsewhere(
  kube: KubeClient,
  pvNames: Set<string>,
  nodeName: string,
  evidence: Evidence[],
): Promise<V1VolumeAttachment[]> {
  let all: V1VolumeAttachment[];
  try {
    all = await kube.listVolumeAttachments({ maxItems: maxAttachments });
  } catch (err) {
    if (err instanceof KubeError && err.kind !== 'aborted' && err.kind !== 'timeout') {
      evidence.push({ label: 'volumeattachments', value: `not read: ${err.kind}: ${err.message}` });
      return [];
    }
    throw err;
  }
  const mine = all.filter((va) => pvNames.has(va.spec?.source?.persistentVolumeName ?? ''));
  for (const va of mine.slice(0, 4)) {
    evidence.push({
      label: `VolumeAttachment ${va.metadata?.name}`,
      value: `${va.spec?.source?.persistentVolumeName} → ${va.spec?.nodeName}, attached=${va.status?.attached ?? false}${va.status?.attachError?.message ? `, attachError: ${clip(va.status.attachError.message, 120)}` : ''}${va.status?.detachError?.message ? `, detachError: ${clip(va.status.detachError.message, 120)}` : ''}`,
    });
  }
  return mine.filter((va) => va.spec?.nodeName !== nodeName && (va.status?.attached ?? false));
}

/** The names a volume goes by: its PV name and its backing id (CSI handle, EBS id, PD name, Azure disk), as node status lists them. */
function volumeKeys(claims: Claim[]): Set<string> {
  const keys = new Set<string>();
  for (const c of claims) {
    const name = c.pvc?.spec?.volumeName;
    if (name) keys.add(name);
    const s = c.pv?.spec;
    for (const k of [
      s?.csi?.volumeHandle,
      s?.awsElasticBlockStore?.volumeID,
      s?.gcePersistentDisk?.pdName,
      s?.azureDisk?.diskName,
      s?.cinder?.volumeID,
      s?.vsphereVolume?.volumePath,
    ]) {
      if (k) keys.add(k);
    }
  }
  return keys;
}

/** Control-plane pods' log lines read, newest last: enough for the last hours of a busy controller-manager. */
const controllerManagerTail = 5000;

/**
 * Multi-Attach lines about these volumes in kube-controller-manager's log. A managed control plane (GKE, EKS,
 * AKS) shows no controller-manager pod; that, and a log that could not be read, is said as such.
 */
async function controllerManagerLines(
  kube: KubeClient,
  volumes: Set<string>,
  evidence: Evidence[],
  facts: Facts,
): Promise<MultiAttachLine[]> {
  let pods: V1Pod[];
  try {
    pods = await listComponentPods(kube, 'component=kube-controller-manager');
  } catch (err) {
    if (err instanceof KubeError && err.kind !== 'aborted' && err.kind !== 'timeout') {
      facts.controllerManagerLog = `not read (${err.kind})`;
      evidence.push({ label: 'kube-controller-manager log', value: `not read: ${err.kind}: ${err.message}` });
      return [];
    }
    throw err;
  }
  if (pods.length === 0) {
    facts.controllerManagerLog =
      'not visible (no kube-controller-manager pod: a managed control plane keeps it out of sight)';
    evidence.push({
      label: 'kube-controller-manager log',
      value:
        'no pod -l component=kube-controller-manager in kube-system: a managed control plane (GKE, EKS, AKS) or a controller-manager outside the cluster; its log is not visible from here',
    });
    return [];
  }
  const out: MultiAttachLine[] = [];
  const read: string[] = [];
  for (const cm of pods.slice(0, 3)) {
    const name = cm.metadata?.name ?? '';
    try {
      const log = await kube.readPodLog(systemNamespace, name, { tailLines: controllerManagerTail });
      read.push(name);
      out.push(...multiAttachLines(log, volumes));
    } catch (err) {
      if (!(err instanceof KubeError) || err.kind === 'aborted' || err.kind === 'timeout') throw err;
      evidence.push({ label: `log of ${name}`, value: `not read: ${err.kind}: ${clip(err.message, 160)}` });
    }
  }
  facts.controllerManagerLog =
    read.length === 0 ? 'not read' : `${read.join(', ')}: ${out.length} Multi-Attach line(s) about the pod's volumes`;
  if (read.length > 0 && out.length === 0)
    evidence.push({
      label: 'kube-controller-manager log',
      value: `${read.join(', ')}: no Multi-Attach line about ${[...volumes].slice(0, 2).join(', ')} in the last ${controllerManagerTail} lines`,
    });
  return out;
}

/** Nodes read when looking for the one whose status still lists the volume. */
const maxStatusNodes = 500;

/** The node (other than the pod's) whose status.volumesAttached or volumesInUse still names the volume. */
async function nodeHoldingVolume(
  kube: KubeClient,
  keys: Set<string>,
  nodeName: string,
  evidence: Evidence[],
): Promise<string | undefined> {
  let nodes: V1Node[];
  try {
    nodes = await kube.listNodes({ pageSize: maxStatusNodes, maxItems: maxStatusNodes });
  } catch (err) {
    if (err instanceof KubeError && err.kind !== 'aborted' && err.kind !== 'timeout') {
      evidence.push({ label: 'node status volumesAttached', value: `not read: ${err.kind}` });
      return undefined;
    }
    throw err;
  }
  const names = (n: V1Node) => [
    ...(n.status?.volumesAttached ?? []).map((v) => v.name),
    ...(n.status?.volumesInUse ?? []),
  ];
  const holder = nodes.find(
    (n) => n.metadata?.name !== nodeName && names(n).some((v) => [...keys].some((k) => v.includes(k))),
  );
  if (holder)
    evidence.push({
      label: `node ${holder.metadata?.name ?? ''} status`,
      value: `volumesAttached/volumesInUse: ${clip(
        names(holder)
          .filter((v) => [...keys].some((k) => v.includes(k)))
          .join(', '),
        200,
      )}`,
    });
  return holder?.metadata?.name;
}

async function nodeReadiness(kube: KubeClient, name: string): Promise<string> {
  try {
    const node = await kube.readNode(name);
    return node.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
  } catch (err) {
    if (err instanceof KubeError && err.kind === 'not-found') return 'Deleted';
    if (err instanceof KubeError && err.kind !== 'aborted' && err.kind !== 'timeout') return 'Unknown';
    throw err;
  }
}

/** Once every container has started, the volumes were mounted. */
function allStarted(pod: V1Pod): boolean {
  const statuses = pod.status?.containerStatuses ?? [];
  return (
    statuses.length > 0 &&
    statuses.every(
      (s) =>
        s.state?.running !== undefined || s.state?.terminated !== undefined || s.lastState?.terminated !== undefined,
    )
  );
}

function describeClaim(c: Claim): string {
  if (!c.pvc) return `claim ${c.claimName}: not found`;
  const parts = [`claim ${c.claimName}: ${c.pvc.status?.phase ?? 'Unknown'}`];
  if (c.pvc.spec?.storageClassName) parts.push(`class ${c.pvc.spec.storageClassName}`);
  if (c.pvc.spec?.volumeName)
    parts.push(
      `volume ${c.pvc.spec.volumeName}${c.pvMissing ? ' (missing)' : c.pv ? ` (${c.pv.status?.phase ?? 'Unknown'}${c.pv.spec?.csi ? `, ${c.pv.spec.csi.driver}` : ''})` : ''}`,
    );
  return parts.join(', ');
}

function describeEvent(g: EventGroup, now: Date): string {
  const age = ageSeconds(g.lastSeen, now);
  return `×${g.count}${age === undefined ? '' : `, last ${formatAge(age)} ago`}: ${clip(g.message)}`;
}
