import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, pod, startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';
import { startRestrictedDrill } from './restrictedDrill.js';

const pvName = 'pvc-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const multiAttach = `Multi-Attach error for volume "${pvName}" Volume is already exclusively attached to one node and can't be attached to another`;

const pvc = (namespace: string, name: string, phase: string, volumeName?: string, storageClassName = 'ebs-gp3') => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace, creationTimestamp: 'now-30d' },
  spec: {
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: '20Gi' } },
    storageClassName,
    volumeMode: 'Filesystem',
    ...(volumeName ? { volumeName } : {}),
  },
  status: { phase, ...(phase === 'Bound' ? { accessModes: ['ReadWriteOnce'], capacity: { storage: '20Gi' } } : {}) },
});

const pv = (name: string, claim: string, namespace: string) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: {
    name,
    creationTimestamp: 'now-30d',
    annotations: { 'pv.kubernetes.io/provisioned-by': 'ebs.csi.aws.com' },
  },
  spec: {
    accessModes: ['ReadWriteOnce'],
    capacity: { storage: '20Gi' },
    claimRef: { kind: 'PersistentVolumeClaim', namespace, name: claim },
    csi: { driver: 'ebs.csi.aws.com', fsType: 'ext4', volumeHandle: `vol-${name.slice(4, 21)}` },
    persistentVolumeReclaimPolicy: 'Delete',
    storageClassName: 'ebs-gp3',
    volumeMode: 'Filesystem',
  },
  status: { phase: 'Bound' },
});

const attachment = (name: string, pvName: string, node: string, attached = true) => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'VolumeAttachment',
  metadata: { name, creationTimestamp: 'now-6d', annotations: { 'csi.alpha.kubernetes.io/node-id': `i-0${node}` } },
  spec: { attacher: 'ebs.csi.aws.com', nodeName: node, source: { persistentVolumeName: pvName } },
  status: { attached, attachmentMetadata: { devicePath: '/dev/xvdaa' } },
});

const creating = (name: string, namespace: string, node: string | undefined, volumes: Record<string, unknown>[]) =>
  pod(
    name,
    namespace,
    { ...(node ? { nodeName: node } : {}), volumes },
    {
      phase: 'Pending',
      ...(node
        ? {
            containerStatuses: [
              {
                name: 'main',
                image: 'registry.example.com/app:1.0',
                imageID: '',
                ready: false,
                started: false,
                restartCount: 0,
                state: { waiting: { reason: 'ContainerCreating' } },
              },
            ],
          }
        : { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] }),
    },
  );

const runningPod = (name: string, namespace: string, node: string, volumes: Record<string, unknown>[]) =>
  pod(
    name,
    namespace,
    { nodeName: node, volumes },
    {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'main',
          image: 'registry.example.com/app:1.0',
          imageID: '',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: 'now-10m' } },
        },
      ],
    },
  );

const claimVolume = (claimName: string, name = 'data') => ({ name, persistentVolumeClaim: { claimName } });

const objects = [
  // A StatefulSet pod rescheduled after its node died: the volume is still attached to the dead node.
  creating('mysql-0', 'db', 'worker-2', [claimVolume('data-mysql-0')]),
  pvc('db', 'data-mysql-0', 'Bound', pvName),
  pv(pvName, 'data-mysql-0', 'db'),
  attachment('csi-5f0e9c4d3b2a19087f6e5d4c3b2a1908f7e6d5c4b3a291807f6e5d4c3b2a190', pvName, 'worker-3'),
  event('db', 'mysql-0', 'Warning', 'FailedAttachVolume', multiAttach, 1, 'now-6m'),
  event(
    'db',
    'mysql-0',
    'Warning',
    'FailedMount',
    'Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data kube-api-access-7xk2p]: timed out waiting for the condition',
    3,
    'now-1m',
  ),

  creating('pending-claim', 'app', undefined, [claimVolume('cache')]),
  pvc('app', 'cache', 'Pending', undefined, 'fast-ssd'),
  {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'cache.17f0a1b2c3d4e5f7', namespace: 'app', creationTimestamp: 'now-10m' },
    involvedObject: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: 'cache', namespace: 'app' },
    reason: 'ProvisioningFailed',
    message: 'storageclass.storage.k8s.io "fast-ssd" not found',
    type: 'Warning',
    count: 42,
    firstTimestamp: 'now-10m',
    lastTimestamp: 'now-15s',
    source: { component: 'persistentvolume-controller' },
  },

  creating('no-claim', 'app', undefined, [claimVolume('uploads')]),

  creating('lost', 'app', 'worker-1', [claimVolume('old-data')]),
  pvc('app', 'old-data', 'Lost', 'pvc-deleted-by-hand'),

  creating('attach-timeout', 'app', 'worker-1', [claimVolume('logs')]),
  pvc('app', 'logs', 'Bound', 'pvc-logs'),
  pv('pvc-logs', 'logs', 'app'),
  event(
    'app',
    'attach-timeout',
    'Warning',
    'FailedAttachVolume',
    'AttachVolume.Attach failed for volume "pvc-logs" : rpc error: code = DeadlineExceeded desc = context deadline exceeded',
    5,
    'now-1m',
  ),

  creating('configmap-missing', 'app', 'worker-1', [{ name: 'config', configMap: { name: 'app-config' } }]),
  event(
    'app',
    'configmap-missing',
    'Warning',
    'FailedMount',
    'MountVolume.SetUp failed for volume "config" : configmap "app-config" not found',
    8,
    'now-30s',
  ),

  // kubernetes/kubernetes#28772, the 1.3 kubelet's words (verbatim): they name the volume, not the missing ConfigMap.
  creating('cm-timeout', 'app', 'worker-1', [{ name: 'config-volume', configMap: { name: 'config-volume-cm' } }]),
  event(
    'app',
    'cm-timeout',
    'Warning',
    'FailedMount',
    'Unable to mount volumes for pod "some_pod_default(9cefb7b2-4762-11e6-9fd3-fa163e0da9df)": timeout expired waiting for volumes to attach/mount for pod "some_pod"/"default". list of unattached/unmounted volumes=[config-volume]',
  ),
  // The same words while the ConfigMap is there (kubernetes#29297's "sometimes"): nothing is missing, so it stays a mount failure.
  creating('cm-present', 'app', 'worker-1', [{ name: 'www-get', configMap: { name: 'www-get' } }]),
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'www-get', namespace: 'app' }, data: { 'a.conf': 'x' } },
  event(
    'app',
    'cm-present',
    'Warning',
    'FailedMount',
    'Unable to mount volumes for pod "cm-present_app(1)": timeout expired waiting for volumes to attach/mount for pod "app"/"cm-present". list of unattached/unmounted volumes=[www-get]',
  ),

  runningPod('healthy', 'app', 'worker-1', [claimVolume('healthy-data')]),
  pvc('app', 'healthy-data', 'Bound', 'pvc-healthy'),
  pv('pvc-healthy', 'healthy-data', 'app'),
  attachment('csi-0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c', 'pvc-healthy', 'worker-1'),
  // Mounted after a slow attach: the old warning is history.
  event(
    'app',
    'healthy',
    'Warning',
    'FailedMount',
    'MountVolume.MountDevice failed for volume "pvc-healthy" : rpc error: code = Aborted desc = an operation with the given Volume ID vol-healthy already exists',
    1,
    'now-11m',
  ),

  runningPod('stateless', 'app', 'worker-1', [{ name: 'tmp', emptyDir: {} }]),
];

describe('pod.volumes on the drill cluster', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: {
        nodes: [
          { name: 'worker-1' },
          { name: 'worker-2' },
          { name: 'worker-3', ready: 'Unknown', heartbeatAgeSeconds: 1800 },
        ] as never,
      },
      objects: objects as never,
    });
  });
  afterAll(() => t.close());

  it('finds the volume still attached to the dead node behind a Multi-Attach error', async () => {
    const r = await t.check('pod.volumes', { namespace: 'db', name: 'mysql-0' });
    expect(r.outcome).toBe('attached-elsewhere');
    expect(r.summary).toBe(
      `volume ${pvName} is still attached to node worker-3 (Ready=Unknown), not to the pod's node worker-2: VolumeAttachment csi-5f0e9c4d3b2a19087f6e5d4c3b2a1908f7e6d5c4b3a291807f6e5d4c3b2a190 attaches it to worker-3; FailedAttachVolume ×1`,
    );
    expect(r.facts).toEqual({
      pvcCount: 1,
      nodeName: 'worker-2',
      claim: 'data-mysql-0',
      pvcPhase: 'Bound',
      pv: pvName,
      storageClass: 'ebs-gp3',
      eventReason: 'FailedAttachVolume',
      eventMessage: multiAttach,
      attachedNode: 'worker-3',
      attachedNodeReady: 'Unknown',
      volumeAttachment: 'csi-5f0e9c4d3b2a19087f6e5d4c3b2a1908f7e6d5c4b3a291807f6e5d4c3b2a190',
      holderEvidence:
        'VolumeAttachment csi-5f0e9c4d3b2a19087f6e5d4c3b2a1908f7e6d5c4b3a291807f6e5d4c3b2a190 attaches it to worker-3',
      holderPod: 'none seen',
    });
    expect(r.evidence).toContainEqual({
      label: 'volume data',
      value: `claim data-mysql-0: Bound, class ebs-gp3, volume ${pvName} (Bound, ebs.csi.aws.com)`,
    });
    expect(r.evidence).toContainEqual({
      label: 'VolumeAttachment csi-5f0e9c4d3b2a19087f6e5d4c3b2a1908f7e6d5c4b3a291807f6e5d4c3b2a190',
      value: `${pvName} → worker-3, attached=true`,
    });
  });

  it.each([
    [
      'app',
      'pending-claim',
      'pvc-pending',
      'claim cache is Pending: no volume is bound to it (storage class fast-ssd): storageclass.storage.k8s.io "fast-ssd" not found',
      { eventReason: 'ProvisioningFailed', storageClass: 'fast-ssd' },
    ],
    [
      'app',
      'no-claim',
      'pvc-missing',
      'the pod mounts claim uploads, which does not exist in app',
      { claim: 'uploads', pvcPhase: 'Missing' },
    ],
    [
      'app',
      'lost',
      'pvc-lost',
      'claim old-data has lost its volume pvc-deleted-by-hand: the PersistentVolume is gone',
      { pvcPhase: 'Lost' },
    ],
    [
      'app',
      'attach-timeout',
      'attach-failed',
      'attaching a volume to worker-1 fails: AttachVolume.Attach failed for volume "pvc-logs" : rpc error: code = DeadlineExceeded desc = context deadline exceeded',
      { eventReason: 'FailedAttachVolume' },
    ],
    [
      'app',
      'configmap-missing',
      'configmap-missing',
      'volume config needs ConfigMap app-config, which does not exist in app: the kubelet on worker-1 cannot mount it (MountVolume.SetUp failed for volume "config" : configmap "app-config" not found)',
      { pvcCount: 0, missingConfigMap: 'app-config', missingVolume: 'config' },
    ],
    [
      'app',
      'cm-timeout',
      'configmap-missing',
      'volume config-volume needs ConfigMap config-volume-cm, which does not exist in app: the kubelet on worker-1 cannot mount it (Unable to mount volumes for pod "some_pod_default(9cefb7b2-4762-11e6-9fd3-fa163e0da9df)": timeout expired waiting for volumes to attach/mount for pod "some_pod…)',
      { missingConfigMap: 'config-volume-cm', missingVolume: 'config-volume', eventReason: 'FailedMount' },
    ],
    [
      'app',
      'cm-present',
      'mount-failed',
      'the kubelet on worker-1 cannot mount a volume: Unable to mount volumes for pod "cm-present_app(1)": timeout expired waiting for volumes to attach/mount for pod "app"/"cm-present". list of unattached/unmounted volumes=[www-get]',
      { eventReason: 'FailedMount' },
    ],
    [
      'app',
      'healthy',
      'volumes-ok',
      'all 1 claims are Bound and attached (earlier attach/mount warnings are resolved: the containers started)',
      { pvcCount: 1 },
    ],
    ['app', 'stateless', 'volumes-ok', 'the pod has no PersistentVolumeClaims and no mount failures', { pvcCount: 0 }],
    ['app', 'ghost', 'not-found', 'pod ghost does not exist in namespace app', {}],
  ])('%s/%s → %s', async (namespace, name, outcome, summary, facts) => {
    const r = await t.check('pod.volumes', { namespace, name });
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toBe(summary);
    expect(r.facts).toMatchObject(facts);
  });

  it('a running pod with a claim costs no cluster-wide VolumeAttachment list, and says so', async () => {
    const before = t.kube.apiStats.requests;
    const r = await t.check('pod.volumes', { namespace: 'app', name: 'healthy' });
    expect(r.outcome).toBe('volumes-ok');
    expect(r.evidence).toContainEqual({
      label: 'volumeattachments',
      value: 'not read: the containers started, so the volumes are attached to worker-1',
    });
    // The pod, its events, its claim and volume: the same on a cluster with 5 or 50,000 attachments.
    expect(t.kube.apiStats.requests - before).toBe(4);
  });
});

describe('pod.volumes when the user may not list VolumeAttachments', () => {
  it('still names the Multi-Attach from the events, and says what it could not read', async () => {
    const d = await startRestrictedDrill({
      nodes: [{ name: 'worker-2' }, { name: 'worker-3', ready: 'Unknown' }],
      objects: objects.slice(0, 6),
      denials: [{ verb: 'list', resource: 'volumeattachments', group: 'storage.k8s.io' }],
    });
    try {
      const r = await d.check('pod.volumes', { namespace: 'db', name: 'mysql-0' });
      // Nothing it may read names the holder: it says so instead of guessing a node.
      expect(r.outcome).toBe('attached-elsewhere-unknown-node');
      expect(r.summary).toBe(
        `the attach/detach controller refuses to attach volume ${pvName} to worker-2: ${multiAttach}; no VolumeAttachment, pod, log line or node status names the node holding it`,
      );
      expect(r.evidence).toContainEqual({
        label: 'kube-controller-manager log',
        value:
          'no pod -l component=kube-controller-manager in kube-system: a managed control plane (GKE, EKS, AKS) or a controller-manager outside the cluster; its log is not visible from here',
      });
      expect(r.evidence).toContainEqual({
        label: 'volumeattachments',
        value:
          'not read: forbidden: volumeattachments.storage.k8s.io is forbidden: User "drill-admin" cannot list resource "volumeattachments" in API group "storage.k8s.io" at the cluster scope',
      });
    } finally {
      await d.close();
    }
  });

  it('turns a forbidden PVC read into the error outcome, naming the verb and resource', async () => {
    const d = await startRestrictedDrill({
      nodes: [{ name: 'worker-2' }],
      objects: objects.slice(0, 3),
      denials: [{ verb: 'get', resource: 'persistentvolumeclaims', namespace: 'db' }],
    });
    try {
      const r = await d.check('pod.volumes', { namespace: 'db', name: 'mysql-0' });
      expect(r.outcome).toBe('error');
      expect(r.summary).toBe(
        'forbidden: persistentvolumeclaims "data-mysql-0" is forbidden: User "drill-admin" cannot get resource "persistentvolumeclaims" in API group "" in the namespace "db"',
      );
      expect(r.facts.errorKind).toBe('forbidden');
    } finally {
      await d.close();
    }
  });
});
