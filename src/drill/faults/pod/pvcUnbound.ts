import { z } from 'zod';
import { uidFor } from '../../generate.js';
import type { KubeObject } from '../../types.js';
import { defineFault } from '../types.js';
import { applyPending } from './pending.js';
import { workloadParams } from './workload.js';
import { ago } from './podStatus.js';

/** The StatefulSet's claim never binds: its storage class is missing, or its provisioner never answers. */
export const pvcUnbound = defineFault({
  id: 'pvc-unbound',
  title: "The pod's PersistentVolumeClaim stays Pending (FailedScheduling: unbound immediate PersistentVolumeClaims)",
  layer: 'pod',
  description:
    'Creates a StatefulSet with a volumeClaimTemplate, its claim data-<name>-0 in phase Pending, and its pod Pending with FailedScheduling "0/N nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/N nodes are available: N Preemption is not helpful for scheduling." The claim\'s own events say why: `cause` class-not-found (Warning ProvisioningFailed: storageclass.storage.k8s.io "<class>" not found), provisioner-down (Normal ExternalProvisioning: waiting for the external provisioner), or no-class (Normal FailedBinding: no persistent volumes available for this claim and no storage class is set).',
  params: z.strictObject({
    ...workloadParams('db', 'postgres'),
    storageClass: z.string().default('fast-ssd'),
    cause: z.enum(['class-not-found', 'provisioner-down', 'no-class']).default('class-not-found'),
    provisioner: z.string().default('rbd.csi.ceph.com'),
    size: z.string().default('20Gi'),
    image: z.string().default('docker.io/library/postgres:16.4'),
    ageSeconds: z.number().int().min(10).max(86400).default(600),
  }),
  apply(ctx, p) {
    const claimTemplate = 'data';
    const podName = p.pod ?? `${p.name}-0`;
    const claimName = `${claimTemplate}-${podName}`;
    const className = p.cause === 'no-class' ? '' : p.storageClass;
    const created = ago(p.ageSeconds);
    applyPending(
      ctx,
      'pvc-unbound',
      {
        namespace: p.namespace,
        kind: 'StatefulSet',
        name: p.name,
        podName,
        containers: [
          {
            name: p.name,
            image: p.image,
            ports: [{ containerPort: 5432, name: 'postgres', protocol: 'TCP' }],
            resources: { requests: { cpu: '500m', memory: '1Gi' } },
            volumeMounts: [{ name: claimTemplate, mountPath: '/var/lib/postgresql/data' }],
          },
        ],
        podSpec: { volumes: [{ name: claimTemplate, persistentVolumeClaim: { claimName } }] },
        volumeClaimTemplates: [
          {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: { name: claimTemplate },
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: p.size } },
              ...(className ? { storageClassName: className } : {}),
              volumeMode: 'Filesystem',
            },
          },
        ],
      },
      p.ageSeconds,
      'pod has unbound immediate PersistentVolumeClaims',
    );
    const pvc: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: claimName,
        namespace: p.namespace,
        uid: uidFor('pvc', p.namespace, claimName),
        creationTimestamp: ctx.at(created),
        labels: { app: p.name },
        finalizers: ['kubernetes.io/pvc-protection'],
        ...(p.cause === 'provisioner-down'
          ? {
              annotations: {
                'volume.beta.kubernetes.io/storage-provisioner': p.provisioner,
                'volume.kubernetes.io/storage-provisioner': p.provisioner,
              },
            }
          : {}),
      },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: p.size } },
        storageClassName: className,
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Pending' },
    };
    ctx.put(pvc);
    // The persistentvolume-controller retries the claim with back-off to 5 min; the recorder keeps one series.
    const count = Math.max(1, Math.round(p.ageSeconds / 15));
    const base = { about: pvc, source: 'persistentvolume-controller', count, firstSeen: created, lastSeen: 'now-7s' };
    if (p.cause === 'class-not-found') {
      ctx.event({
        ...base,
        type: 'Warning',
        reason: 'ProvisioningFailed',
        message: `storageclass.storage.k8s.io "${className}" not found`,
      });
    } else if (p.cause === 'provisioner-down') {
      ctx.event({
        ...base,
        type: 'Normal',
        reason: 'ExternalProvisioning',
        message: `Waiting for a volume to be created either by the external provisioner '${p.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
      });
    } else {
      ctx.event({
        ...base,
        type: 'Normal',
        reason: 'FailedBinding',
        message: 'no persistent volumes available for this claim and no storage class is set',
      });
    }
  },
});
