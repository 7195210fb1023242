import { z } from 'zod';
import { uidFor } from '../../generate.js';
import type { KubeObject } from '../../types.js';
import { persistentVolume, persistentVolumeClaim } from '../../objects/core.js';
import { appendLog } from '../cluster/support/logbook.js';
import { defineFault } from '../types.js';
import type { FaultContext } from '../types.js';
import { ago, scheduledEvent, setPodStatus } from './podStatus.js';
import { createWorkload, pickNode, safeName, workers, workloadParams } from './workload.js';
import type { Json } from './workload.js';

const driver = 'rook-ceph.rbd.csi.ceph.com';

/**
 * A pod's Ceph RBD volume cannot be mounted on its node. `missing`: the node was tainted and rook's csi-rbdplugin
 * DaemonSet does not tolerate it, so no node plugin runs there and the kubelet says the driver is not registered
 * (elastisys/compliantkubernetes-kubespray#133). `error`: the plugin runs and fails to map the image; its log says
 * `rbd: map failed: (5) Input/output error` while the event relays only the gRPC error (ceph/ceph-csi#2397's form).
 */
export const csiNodePlugin = defineFault({
  id: 'csi-node-plugin',
  title: "A CSI volume cannot be mounted: the driver's node plugin is missing on the node, or fails there",
  layer: 'pod',
  description:
    "A Deployment pod on `node` (default: the first worker) with a claim Bound to a CSI PersistentVolume of rook-ceph.rbd.csi.ceph.com stays in ContainerCreating. rook's csi-rbdplugin DaemonSet (namespace rook-ceph, containers driver-registrar and csi-rbdplugin, hostPaths under /var/lib/kubelet/plugins) has a pod on every other worker. `mode: missing`: `node` carries the taint `dedicated=db:NoSchedule` the DaemonSet does not tolerate and has no plugin pod; the kubelet's FailedMount says `driver name rook-ceph.rbd.csi.ceph.com not found in the list of registered CSI drivers`. `mode: error`: `node` has its plugin pod, Running; FailedMount says `rpc error: code = Internal desc = rbd: map failed with error an error (exit status 5) occurred while running rbd args: [...]`, and the plugin's csi-rbdplugin log has ceph-csi's E lines for the same map, ending `rbd: map failed: (5) Input/output error`. `mode: not-registered`: `node` has its plugin pod, Running, but the kubelet says the driver is not registered: the registrar's log shows its registration server started and no NotifyRegistrationStatus call from the kubelet (a kubelet rooted elsewhere never finds the socket).",
  params: z.strictObject({
    ...workloadParams('default', 'orders-db'),
    node: z.string().optional(),
    mode: z.enum(['missing', 'error', 'not-registered']).default('missing'),
    /** Seconds since the pod was created. */
    ageSeconds: z.number().int().min(120).max(86_400).default(1500),
  }),
  apply(ctx, p) {
    const node = pickNode(ctx, p.node);
    const nodeName = node.metadata.name;
    if (p.mode === 'missing') {
      const spec = (node.spec ??= {}) as Json;
      spec.taints = [...((spec.taints ?? []) as Json[]), { key: 'dedicated', value: 'db', effect: 'NoSchedule' }];
      ctx.put(node);
    }
    for (const w of workers(ctx)) {
      if (p.mode === 'missing' && w.metadata.name === nodeName) continue;
      pluginPod(ctx, w);
    }

    const claimName = `${p.name}-data`;
    const pvName = `pvc-${uidFor('pvc', p.namespace, claimName)}`;
    const w = createWorkload(ctx, {
      namespace: p.namespace,
      kind: 'Deployment',
      name: p.name,
      ...(p.pod ? { podName: p.pod } : {}),
      containers: [
        {
          name: 'postgres',
          image: 'docker.io/library/postgres:16.4',
          volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
        },
      ],
      podSpec: {
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
        ...(p.mode === 'missing'
          ? { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }
          : {}),
      },
      created: ago(p.ageSeconds + 20),
      podCreated: ago(p.ageSeconds),
    });
    setPodStatus(ctx, w.pod, {
      node,
      phase: 'Pending',
      started: ago(p.ageSeconds),
      sandboxReady: false,
      containers: [
        {
          name: 'postgres',
          image: 'docker.io/library/postgres:16.4',
          pulled: false,
          ready: false,
          started: false,
          restartCount: 0,
          state: { waiting: { reason: 'ContainerCreating' } },
        },
      ],
    });
    scheduledEvent(ctx, w.pod, nodeName, ago(p.ageSeconds));
    claimAndVolume(ctx, p.namespace, claimName, pvName);
    ctx.event({
      about: w.pod,
      type: 'Normal',
      reason: 'SuccessfulAttachVolume',
      message: `AttachVolume.Attach succeeded for volume "${pvName}" `,
      source: 'attachdetach-controller',
      firstSeen: ago(p.ageSeconds - 2),
    });
    const image = `replicapool/csi-vol-${uidFor('img', pvName)}`;
    const rbdError = `rbd: map failed with error an error (exit status 5) occurred while running rbd args: [--id csi-rbd-node -m 10.0.0.21:6789,10.0.0.22:6789,10.0.0.23:6789 --keyfile=***stripped*** map ${image} --device-type krbd --options noudev], rbd error output: rbd: sysfs write failed\nrbd: map failed: (5) Input/output error`;
    const message =
      p.mode !== 'error'
        ? `MountVolume.MountDevice failed for volume "${pvName}" : kubernetes.io/csi: attacher.MountDevice failed to create newCsiDriverClient: driver name ${driver} not found in the list of registered CSI drivers`
        : `MountVolume.MountDevice failed for volume "${pvName}" : rpc error: code = Internal desc = ${rbdError}`;
    const retries = Math.max(2, Math.floor(p.ageSeconds / 130));
    ctx.event({
      about: w.pod,
      type: 'Warning',
      reason: 'FailedMount',
      message,
      source: 'kubelet',
      host: nodeName,
      count: retries,
      firstSeen: ago(p.ageSeconds - 5),
      lastSeen: ago(40),
    });
    if (p.mode === 'not-registered') {
      const plugin =
        ctx.list('Pod', 'rook-ceph').find((o) => (o.spec as Json | undefined)?.nodeName === nodeName) ??
        ctx.fail(`no csi-rbdplugin pod on ${nodeName}`);
      const at = (s: number, micros: number) => {
        const d = new Date(ctx.at(ago(s)));
        const pad = (n: number) => String(n).padStart(2, '0');
        return `${d.toISOString()} I${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${String(micros).padStart(6, '0')}       1`;
      };
      const started = 40 * 86400 - 60;
      appendLog(ctx, 'rook-ceph', plugin.metadata.name, 'driver-registrar', [
        `${at(started, 505312)} main.go:150] "Version" version="v2.10.1"`,
        `${at(started, 505424)} main.go:151] "Running node-driver-registrar" mode=""`,
        `${at(started - 1, 507211)} main.go:176] "Attempting to open a gRPC connection" csiAddress="/csi/csi.sock"`,
        `${at(started - 2, 112904)} main.go:184] "Calling CSI driver to discover driver name"`,
        `${at(started - 2, 114337)} main.go:193] "CSI driver name" csiDriverName="${driver}"`,
        `${at(started - 2, 114402)} node_register.go:56] "Starting Registration Server" socketPath="/registration/${driver}-reg.sock"`,
        `${at(started - 2, 114890)} node_register.go:66] "Registration Server started" socketPath="/registration/${driver}-reg.sock"`,
        `${at(started - 2, 115002)} node_register.go:96] "Skipping HTTP server"`,
      ]);
    }
    if (p.mode === 'error') {
      const plugin =
        ctx.list('Pod', 'rook-ceph').find((o) => (o.spec as Json | undefined)?.nodeName === nodeName) ??
        ctx.fail(`no csi-rbdplugin pod on ${nodeName}`);
      const lines: string[] = [];
      for (let i = 4, id = 41; i >= 1; i--, id += 3) {
        const t = ctx.at(ago(i * 130));
        const klog = (lvl: string, src: string, msg: string) => {
          const d = new Date(t);
          const pad = (n: number) => String(n).padStart(2, '0');
          return `${t} ${lvl}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${String(412_093 + i * 7).padStart(6, '0')}   18342 ${src}] ${msg}`;
        };
        lines.push(
          klog(
            'W',
            'rbd_attach.go:270',
            `ID: ${id} Req-ID: 0001-0009-rook-ceph-0000000000000002-${uidFor('rbd', pvName)} rbd: map error an error (exit status 5) occurred while running rbd args: [--id csi-rbd-node -m 10.0.0.21:6789,10.0.0.22:6789,10.0.0.23:6789 --keyfile=***stripped*** map ${image} --device-type krbd --options noudev], rbd output: rbd: sysfs write failed`,
          ),
          'rbd: map failed: (5) Input/output error',
          klog(
            'E',
            'utils.go:171',
            `ID: ${id} Req-ID: 0001-0009-rook-ceph-0000000000000002-${uidFor('rbd', pvName)} GRPC error: rpc error: code = Internal desc = ${rbdError.split('\n')[0]}`,
          ),
          'rbd: map failed: (5) Input/output error',
        );
      }
      appendLog(ctx, 'rook-ceph', plugin.metadata.name, 'csi-rbdplugin', lines);
    }
  },
});

/** rook's csi-rbdplugin pod on one node: its registrar names the driver's socket under the kubelet's plugin dirs. */
function pluginPod(ctx: FaultContext, node: KubeObject): void {
  const name = `csi-rbdplugin-${safeName(5, 'csi-rbdplugin', node.metadata.name)}`;
  const built = createWorkload(ctx, {
    namespace: 'rook-ceph',
    kind: 'DaemonSet',
    name: 'csi-rbdplugin',
    podName: name,
    labels: { app: 'csi-rbdplugin', contains: 'csi-rbdplugin-metrics' },
    containers: [
      {
        name: 'driver-registrar',
        image: 'registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.10.1',
        args: [
          '--v=0',
          '--csi-address=/csi/csi.sock',
          `--kubelet-registration-path=/var/lib/kubelet/plugins/${driver}/csi.sock`,
        ],
        volumeMounts: [
          { name: 'plugin-dir', mountPath: '/csi' },
          { name: 'registration-dir', mountPath: '/registration' },
        ],
      },
      {
        name: 'csi-rbdplugin',
        image: 'quay.io/cephcsi/cephcsi:v3.11.0',
        args: [
          '--nodeid=$(NODE_ID)',
          '--type=rbd',
          '--nodeserver=true',
          `--drivername=${driver}`,
          '--endpoint=$(CSI_ENDPOINT)',
        ],
        volumeMounts: [{ name: 'plugin-dir', mountPath: '/csi' }],
      },
    ],
    podSpec: {
      hostNetwork: true,
      hostPID: true,
      volumes: [
        { name: 'plugin-dir', hostPath: { path: `/var/lib/kubelet/plugins/${driver}`, type: 'DirectoryOrCreate' } },
        { name: 'registration-dir', hostPath: { path: '/var/lib/kubelet/plugins_registry/', type: 'Directory' } },
      ],
    },
    created: ago(40 * 86400),
    podCreated: ago(40 * 86400),
    priorityClassName: 'system-node-critical',
  });
  setPodStatus(ctx, built.pod, {
    node,
    phase: 'Running',
    hostNetwork: true,
    started: ago(40 * 86400),
    containers: ['driver-registrar', 'csi-rbdplugin'].map((c, i) => ({
      name: c,
      image:
        i === 0 ? 'registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.10.1' : 'quay.io/cephcsi/cephcsi:v3.11.0',
      pulled: true,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: ctx.at(ago(40 * 86400)) } },
    })),
  });
}

function claimAndVolume(ctx: FaultContext, namespace: string, claimName: string, pvName: string): void {
  const built = ago(3 * 86400);
  const claimUid = uidFor('pvc', namespace, claimName);
  ctx.put(
    persistentVolumeClaim(
      {
        name: claimName,
        namespace,
        uid: claimUid,
        creationTimestamp: ctx.at(built),
        annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'volume.kubernetes.io/storage-provisioner': driver },
        finalizers: ['kubernetes.io/pvc-protection'],
      },
      {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '20Gi' } },
        storageClassName: 'rook-ceph-block',
        volumeMode: 'Filesystem',
        volumeName: pvName,
      },
      { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '20Gi' } },
    ),
  );
  ctx.put(
    persistentVolume(
      {
        name: pvName,
        uid: uidFor('pv', pvName),
        creationTimestamp: ctx.at(built),
        annotations: { 'pv.kubernetes.io/provisioned-by': driver },
        finalizers: ['kubernetes.io/pv-protection'],
      },
      {
        accessModes: ['ReadWriteOnce'],
        capacity: { storage: '20Gi' },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: claimName, namespace, uid: claimUid },
        csi: {
          driver,
          fsType: 'ext4',
          volumeHandle: `0001-0009-rook-ceph-0000000000000002-${uidFor('rbd', pvName)}`,
          volumeAttributes: {
            clusterID: 'rook-ceph',
            pool: 'replicapool',
            imageName: `csi-vol-${uidFor('img', pvName)}`,
          },
        },
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: 'rook-ceph-block',
        volumeMode: 'Filesystem',
      },
      { phase: 'Bound' },
    ),
  );
}
