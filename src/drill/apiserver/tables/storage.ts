import type { KubeObject } from '../../types.js';
import { asObject, asString } from '../json.js';
import { ageColumn, column, nameColumn } from './columns.js';
import type { PrintedRow, TablePrinter } from './columns.js';
import { since } from '../../../kube/semantics/duration.js';
import { accessModes } from './format.js';

/** PersistentVolume, PersistentVolumeClaim and VolumeAttachment printers of pkg/printers/internalversion/printers.go. */

const betaClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

/** helper.GetPersistentVolume(Claim)Class: the beta annotation wins over spec.storageClassName. */
function storageClass(obj: KubeObject): string {
  const annotated = obj.metadata.annotations?.[betaClassAnnotation];
  return annotated ?? asString(asObject(obj.spec).storageClassName);
}

function phaseOf(obj: KubeObject): string {
  return obj.metadata.deletionTimestamp ? 'Terminating' : asString(asObject(obj.status).phase);
}

export const persistentVolumeTable: TablePrinter = {
  columns: [
    nameColumn,
    column('Capacity', "capacity is the description of the persistent volume's resources and capacity."),
    column('Access Modes', 'accessModes contains all ways the volume can be mounted.'),
    column(
      'Reclaim Policy',
      'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.',
    ),
    column('Status', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    column('Claim', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
    column('StorageClass', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
    column(
      'Reason',
      'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.',
    ),
    ageColumn,
    column(
      'VolumeMode',
      'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.',
      { priority: 1 },
    ),
  ],
  row: (pv: KubeObject, now: Date): PrintedRow => {
    const spec = asObject(pv.spec);
    const claim =
      spec.claimRef === undefined
        ? ''
        : `${asString(asObject(spec.claimRef).namespace)}/${asString(asObject(spec.claimRef).name)}`;
    return {
      cells: [
        pv.metadata.name,
        asString(asObject(spec.capacity).storage) || '0',
        accessModes(spec.accessModes),
        asString(spec.persistentVolumeReclaimPolicy),
        phaseOf(pv),
        claim,
        storageClass(pv),
        asString(spec.volumeAttributesClassName) || '<unset>',
        asString(asObject(pv.status).reason),
        since(pv.metadata.creationTimestamp, now),
        asString(spec.volumeMode) || '<unset>',
      ],
    };
  },
};

export const persistentVolumeClaimTable: TablePrinter = {
  columns: [
    nameColumn,
    column('Status', 'phase represents the current phase of PersistentVolumeClaim.'),
    column('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    column('Capacity', 'capacity represents the actual resources of the underlying volume.'),
    column('Access Modes', 'accessModes contains the actual access modes the volume backing the PVC has.'),
    column('StorageClass', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
    ageColumn,
    column('VolumeMode', 'volumeMode defines what type of volume is required by the claim.', { priority: 1 }),
  ],
  row: (pvc: KubeObject, now: Date): PrintedRow => {
    const spec = asObject(pvc.spec);
    const status = asObject(pvc.status);
    const bound = asString(spec.volumeName) !== '';
    return {
      cells: [
        pvc.metadata.name,
        phaseOf(pvc),
        asString(spec.volumeName),
        bound ? asString(asObject(status.capacity).storage) || '0' : '',
        bound ? accessModes(status.accessModes) : '',
        storageClass(pvc),
        asString(spec.volumeAttributesClassName) || '<unset>',
        since(pvc.metadata.creationTimestamp, now),
        asString(spec.volumeMode) || '<unset>',
      ],
    };
  },
};

export const volumeAttachmentTable: TablePrinter = {
  columns: [
    nameColumn,
    column('Attacher', 'attacher indicates the name of the volume driver that MUST handle this request.', {
      format: 'name',
    }),
    column('PV', 'persistentVolumeName represents the name of the persistent volume to attach.'),
    column('Node', 'nodeName represents the node that the volume should be attached to.'),
    column('Attached', 'attached indicates the volume is successfully attached.', { type: 'boolean' }),
    ageColumn,
  ],
  row: (va: KubeObject, now: Date): PrintedRow => {
    const spec = asObject(va.spec);
    return {
      cells: [
        va.metadata.name,
        asString(spec.attacher),
        asString(asObject(spec.source).persistentVolumeName),
        asString(spec.nodeName),
        asObject(va.status).attached === true,
        since(va.metadata.creationTimestamp, now),
      ],
    };
  },
};
