import { z } from 'zod';
import type { V1PersistentVolume, V1PersistentVolumeClaim, V1Pod, V1VolumeAttachment } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/client.js';
import { KubeError } from '../../kube/errors.js';
import { groupEvents, involvedObjectSelector } from '../events.js';
import type { EventGroup } from '../events.js';
import { ageSeconds, formatAge } from '../format.js';
import { clip, isMissingObject, podNotFound, readPodIfExists } from '../pods.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';

const outcomes = ['pvc-missing', 'pvc-pending', 'pvc-lost', 'attached-elsewhere', 'attach-failed', 'mount-failed', 'volumes-ok', 'not-found'] as const;
type Outcome = (typeof outcomes)[number];

/** VolumeAttachments have no selector on their volume; a cluster has about one per attached volume, so cap the read. */
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
  why: 'A pod with storage cannot start until each claim is Bound, its volume is attached to the pod\'s node, and mounted; after a node dies, the volume often stays attached to the dead node (Multi-Attach).',
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
  outcomes,
  healthy: ['volumes-ok'],
  facts: ['pvcCount', 'claim', 'pvcPhase', 'pv', 'storageClass', 'nodeName', 'attachedNode', 'attachedNodeReady', 'volumeAttachment', 'eventReason', 'eventMessage'],
  command: (p) =>
    `kubectl get pvc -n ${p.namespace} $(kubectl get pod ${p.name} -n ${p.namespace} -o jsonpath='{.spec.volumes[*].persistentVolumeClaim.claimName}') -o wide && kubectl get volumeattachments && kubectl get events -n ${p.namespace} --field-selector ${involvedObjectSelector('Pod', p.name, p.namespace)}`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const [pod, events] = await Promise.all([
      readPodIfExists(ctx.kube, p.namespace, p.name),
      ctx.kube.listEvents({ namespace: p.namespace, fieldSelector: involvedObjectSelector('Pod', p.name, p.namespace) }),
    ]);
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
        await ctx.kube.listEvents({ namespace: p.namespace, fieldSelector: involvedObjectSelector('PersistentVolumeClaim', pending.claimName, p.namespace) }),
      );
      const why = claimEvents.find((g) => g.type === 'Warning') ?? claimEvents[0];
      if (why) {
        evidence.push({ label: `claim ${why.type} ${why.reason}`, value: describeEvent(why, now) });
        facts.eventReason = why.reason;
        facts.eventMessage = why.message;
      }
      const sc = pending.pvc?.spec?.storageClassName;
      return result('pvc-pending', `claim ${pending.claimName} is Pending: no volume is bound to it${sc ? ` (storage class ${sc})` : ''}${why ? `: ${clip(why.message, 160)}` : ''}`);
    }
    const lost = claims.find((c) => c.pvc?.status?.phase === 'Lost' || c.pvMissing);
    if (lost) {
      claimFacts(lost);
      return result('pvc-lost', `claim ${lost.claimName} has lost its volume ${lost.pvc?.spec?.volumeName ?? ''}: the PersistentVolume is gone`);
    }

    const warnings = groupEvents(events).filter((g) => g.type === 'Warning');
    const attachEvents = warnings.filter((g) => g.reason === 'FailedAttachVolume');
    const mountEvents = warnings.filter((g) => g.reason === 'FailedMount');
    for (const g of [...attachEvents, ...mountEvents].slice(0, 3)) evidence.push({ label: `${g.reason}`, value: describeEvent(g, now) });

    const pvNames = new Set(claims.map((c) => c.pvc?.spec?.volumeName).filter((v): v is string => !!v));
    const elsewhere = pvNames.size > 0 ? await attachmentsElsewhere(ctx.kube, pvNames, nodeName, evidence) : [];
    const multiAttach = attachEvents.find((g) => /Multi-Attach error/.test(g.message));
    const started = allStarted(pod);
    if (elsewhere.length > 0 || (multiAttach && !started)) {
      const va = elsewhere[0];
      const claim = claims.find((c) => c.pvc?.spec?.volumeName === (va?.spec?.source?.persistentVolumeName ?? '')) ?? claims[0];
      if (claim) claimFacts(claim);
      if (multiAttach) {
        facts.eventReason = multiAttach.reason;
        facts.eventMessage = multiAttach.message;
      }
      if (va) {
        const other = va.spec?.nodeName ?? '';
        facts.attachedNode = other;
        facts.volumeAttachment = va.metadata?.name ?? '';
        const ready = await nodeReadiness(ctx.kube, other);
        facts.attachedNodeReady = ready;
        evidence.push({ label: `node ${other}`, value: `Ready=${ready}` });
        const pv = va.spec?.source?.persistentVolumeName ?? '';
        return result(
          'attached-elsewhere',
          `volume ${pv} is still attached to node ${other}${ready === 'True' ? '' : ` (Ready=${ready})`}, not to the pod's node ${nodeName || '(none yet)'}: VolumeAttachment ${va.metadata?.name}${multiAttach ? `; ${multiAttach.reason} ×${multiAttach.count}` : ''}`,
        );
      }
      return result('attached-elsewhere', `${clip(multiAttach?.message ?? '', 200)} (×${multiAttach?.count ?? 0})`);
    }
    if (!started && attachEvents[0]) {
      facts.eventReason = attachEvents[0].reason;
      facts.eventMessage = attachEvents[0].message;
      return result('attach-failed', `attaching a volume to ${nodeName} fails: ${clip(attachEvents[0].message, 200)}`);
    }
    if (!started && mountEvents[0]) {
      facts.eventReason = mountEvents[0].reason;
      facts.eventMessage = mountEvents[0].message;
      return result('mount-failed', `the kubelet on ${nodeName} cannot mount a volume: ${clip(mountEvents[0].message, 200)}`);
    }
    const noted = started && (attachEvents.length > 0 || mountEvents.length > 0) ? ' (earlier attach/mount warnings are resolved: the containers started)' : '';
    return result(
      'volumes-ok',
      claims.length === 0 ? `the pod has no PersistentVolumeClaims and no mount failures${noted}` : `all ${claims.length} claims are Bound and attached${noted}`,
    );
  },
});

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
async function attachmentsElsewhere(kube: KubeClient, pvNames: Set<string>, nodeName: string, evidence: Evidence[]): Promise<V1VolumeAttachment[]> {
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
  return statuses.length > 0 && statuses.every((s) => s.state?.running !== undefined || s.state?.terminated !== undefined || s.lastState?.terminated !== undefined);
}

function describeClaim(c: Claim): string {
  if (!c.pvc) return `claim ${c.claimName}: not found`;
  const parts = [`claim ${c.claimName}: ${c.pvc.status?.phase ?? 'Unknown'}`];
  if (c.pvc.spec?.storageClassName) parts.push(`class ${c.pvc.spec.storageClassName}`);
  if (c.pvc.spec?.volumeName) parts.push(`volume ${c.pvc.spec.volumeName}${c.pvMissing ? ' (missing)' : c.pv ? ` (${c.pv.status?.phase ?? 'Unknown'}${c.pv.spec?.csi ? `, ${c.pv.spec.csi.driver}` : ''})` : ''}`);
  return parts.join(', ');
}

function describeEvent(g: EventGroup, now: Date): string {
  const age = ageSeconds(g.lastSeen, now);
  return `×${g.count}${age === undefined ? '' : `, last ${formatAge(age)} ago`}: ${clip(g.message)}`;
}
