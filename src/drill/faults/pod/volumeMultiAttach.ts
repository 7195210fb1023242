import { createHash } from 'node:crypto';
import { z } from 'zod';
import { uidFor } from '../../generate.js';
import type { KubeObject } from '../../types.js';
import { defineFault } from '../types.js';
import type { FaultContext } from '../types.js';
import { createWorkload, nodeReady, pickNode, workers, workloadParams } from './workload.js';
import { ago, scheduledEvent, setPodStatus } from './podStatus.js';
import type { Json } from './workload.js';
import { persistentVolume, persistentVolumeClaim } from '../../objects/core.js';

/**
 * The node under a StatefulSet pod died; the pod was force-deleted and its
 * replacement scheduled elsewhere, but the volume is still attached to the
 * dead node, so the attach-detach controller refuses to attach it again.
 */
export const volumeMultiAttach = defineFault({
  id: 'volume-multi-attach',
  title: 'A ReadWriteOnce volume is still attached to a dead node (Multi-Attach error, ContainerCreating)',
  layer: 'pod',
  description:
    'Node `from` stops reporting (Ready=Unknown, unreachable taints, stale lease) unless it already is down. A StatefulSet pod that ran there was force-deleted and recreated on node `to`: it is Pending in ContainerCreating. Its claim is Bound to a CSI PersistentVolume whose VolumeAttachment still says attached to `from`. Events: FailedAttachVolume from attachdetach-controller "Multi-Attach error for volume "pvc-…" Volume is already exclusively attached to one node and can\'t be attached to another", and the kubelet\'s FailedMount "Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data], failed to process volumes=[]: context deadline exceeded" every 2 minutes.',
  params: z.strictObject({
    ...workloadParams('db', 'mysql'),
    /** The dead node the volume is still attached to (default: the first worker). */
    from: z.string().optional(),
    /** Where the replacement pod was scheduled (default: the next worker). */
    to: z.string().optional(),
    driver: z.string().default('rbd.csi.ceph.com'),
    storageClass: z.string().default('ceph-rbd'),
    size: z.string().default('50Gi'),
    image: z.string().default('docker.io/library/mysql:8.4.2'),
    /** When the node died, in seconds; the replacement pod is a little younger. */
    downSeconds: z.number().int().min(60).max(86400).default(900),
  }),
  apply(ctx, p) {
    const from = pickNode(ctx, p.from);
    if (!p.to && !workers(ctx).some((n) => n.metadata.name !== from.metadata.name))
      ctx.fail(
        `volume-multi-attach needs a second worker to reschedule the pod to; the cluster has only ${from.metadata.name}`,
      );
    const to = pickNode(ctx, p.to, [from.metadata.name]);
    if (to.metadata.name === from.metadata.name)
      ctx.fail(`volume-multi-attach needs two nodes; "from" and "to" are both ${from.metadata.name}`);
    markUnreachable(ctx, from, p.downSeconds);

    const podName = p.pod ?? `${p.name}-0`;
    const claimName = `data-${podName}`;
    const pvName = `pvc-${uidFor('pvc', p.namespace, claimName)}`;
    const podAge = Math.max(30, p.downSeconds - 360);
    const built = ago(p.downSeconds + 40 * 86400);
    const w = createWorkload(ctx, {
      namespace: p.namespace,
      kind: 'StatefulSet',
      name: p.name,
      podName,
      containers: [
        {
          name: p.name,
          image: p.image,
          ports: [{ containerPort: 3306, name: 'mysql', protocol: 'TCP' }],
          resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '4Gi' } },
          volumeMounts: [{ name: 'data', mountPath: '/var/lib/mysql' }],
        },
      ],
      podSpec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: p.size } },
            storageClassName: p.storageClass,
            volumeMode: 'Filesystem',
          },
        },
      ],
      created: built,
      podCreated: ago(podAge),
    });
    setPodStatus(ctx, w.pod, {
      node: to,
      phase: 'Pending',
      started: ago(podAge),
      sandboxReady: false,
      containers: [
        {
          name: p.name,
          image: p.image,
          pulled: false,
          ready: false,
          started: false,
          restartCount: 0,
          state: { waiting: { reason: 'ContainerCreating' } },
        },
      ],
    });
    scheduledEvent(ctx, w.pod, to.metadata.name, ago(podAge));

    const claimUid = uidFor('pvc', p.namespace, claimName);
    ctx.put(
      persistentVolumeClaim(
        {
          name: claimName,
          namespace: p.namespace,
          uid: claimUid,
          creationTimestamp: ctx.at(built),
          labels: { app: p.name },
          annotations: {
            'pv.kubernetes.io/bind-completed': 'yes',
            'pv.kubernetes.io/bound-by-controller': 'yes',
            'volume.beta.kubernetes.io/storage-provisioner': p.driver,
            'volume.kubernetes.io/storage-provisioner': p.driver,
          },
          finalizers: ['kubernetes.io/pvc-protection'],
        },
        {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: p.size } },
          storageClassName: p.storageClass,
          volumeMode: 'Filesystem',
          volumeName: pvName,
        },
        { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: p.size } },
      ),
    );
    const handle = `0001-0009-rook-ceph-0000000000000002-${uidFor('rbd', pvName)}`;
    ctx.put(
      persistentVolume(
        {
          name: pvName,
          uid: uidFor('pv', pvName),
          creationTimestamp: ctx.at(built),
          annotations: {
            'pv.kubernetes.io/provisioned-by': p.driver,
            'volume.kubernetes.io/provisioner-deletion-secret-name': 'rook-csi-rbd-provisioner',
            'volume.kubernetes.io/provisioner-deletion-secret-namespace': 'rook-ceph',
          },
          finalizers: ['kubernetes.io/pv-protection', 'external-attacher/rbd-csi-ceph-com'],
        },
        {
          accessModes: ['ReadWriteOnce'],
          capacity: { storage: p.size },
          claimRef: {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            name: claimName,
            namespace: p.namespace,
            uid: claimUid,
          },
          csi: {
            driver: p.driver,
            fsType: 'ext4',
            volumeHandle: handle,
            volumeAttributes: {
              clusterID: 'rook-ceph',
              imageFormat: '2',
              imageName: `csi-vol-${uidFor('img', pvName)}`,
              pool: 'replicapool',
            },
          },
          persistentVolumeReclaimPolicy: 'Delete',
          storageClassName: p.storageClass,
          volumeMode: 'Filesystem',
        },
        { phase: 'Bound', lastPhaseTransitionTime: ctx.at(built) },
      ),
    );
    // The external-attacher names attachments csi-<sha256(volume handle + driver + node)>.
    const vaName = `csi-${createHash('sha256').update(`${handle}${p.driver}${from.metadata.name}`).digest('hex')}`;
    ctx.put({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'VolumeAttachment',
      metadata: {
        name: vaName,
        uid: uidFor('va', vaName),
        creationTimestamp: ctx.at(ago(p.downSeconds + 3 * 86400)),
        annotations: { 'csi.alpha.kubernetes.io/node-id': from.metadata.name },
        finalizers: ['external-attacher/rbd-csi-ceph-com'],
      },
      spec: { attacher: p.driver, nodeName: from.metadata.name, source: { persistentVolumeName: pvName } },
      status: { attached: true },
    });

    ctx.event({
      about: w.pod,
      type: 'Warning',
      reason: 'FailedAttachVolume',
      message: `Multi-Attach error for volume "${pvName}" Volume is already exclusively attached to one node and can't be attached to another`,
      source: 'attachdetach-controller',
      firstSeen: ago(podAge - 1),
    });
    // The kubelet gives up waiting for volumes after 2m3s and retries; each timeout is one FailedMount.
    const timeouts = Math.floor(podAge / 125);
    if (timeouts > 0) {
      ctx.event({
        about: w.pod,
        type: 'Warning',
        reason: 'FailedMount',
        message:
          'Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data], failed to process volumes=[]: context deadline exceeded',
        source: 'kubelet',
        host: to.metadata.name,
        count: timeouts,
        firstSeen: ago(podAge - 125),
        lastSeen: ago(podAge - 125 * timeouts),
      });
    }
  },
});

/** The node stops posting status: what the node lifecycle controller then shows. */
function markUnreachable(ctx: FaultContext, node: KubeObject, downSeconds: number): void {
  if (nodeReady(node) !== 'True') return;
  const lastHeartbeat = ctx.at(ago(downSeconds));
  const noticed = ctx.at(ago(downSeconds - 40));
  const status = (node.status ?? {}) as Json;
  status.conditions = ((status.conditions ?? []) as Json[]).map((c) => ({
    ...c,
    status: 'Unknown',
    lastHeartbeatTime: lastHeartbeat,
    lastTransitionTime: noticed,
    reason: 'NodeStatusUnknown',
    message: 'Kubelet stopped posting node status.',
  }));
  const spec = (node.spec ??= {}) as Json;
  const taints = ((spec.taints ?? []) as Json[]).filter(
    (t) => !String(t.key).startsWith('node.kubernetes.io/not-ready'),
  );
  spec.taints = [
    ...taints,
    { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: noticed },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: noticed },
  ];
  const lease = ctx.find('Lease', 'kube-node-lease', node.metadata.name);
  if (lease) (lease.spec as Json).renewTime = lastHeartbeat.replace('Z', '.000000Z');
  ctx.event({
    about: node,
    type: 'Normal',
    reason: 'NodeNotReady',
    message: `Node ${node.metadata.name} status is now: NodeNotReady`,
    source: 'node-controller',
    firstSeen: ago(downSeconds - 40),
  });
}
