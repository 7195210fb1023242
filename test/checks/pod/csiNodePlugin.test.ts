import { describe, expect, it } from 'vitest';
import { driverFromMessage, isPluginErrorLine, registrarReading } from '../../../src/checks/pod/csiNodePlugin.js';
import { bundledCatalog, matches } from '../../../src/signatures/catalog.js';
import { event, pod, startTestDrill } from '../../helpers/drill.js';
import { runWithin } from '../cluster/helpers.js';

// Every message and line verbatim from the thread beside it.
describe('pod.csi-node-plugin reads the driver from the kubelet event', () => {
  it.each([
    [
      'https://github.com/rook/rook/issues/4183',
      'MountVolume.MountDevice failed for volume "pvc-c7e95980-f6b0-11e9-8e28-0e3e691b8cb4" : driver name rook-ceph.cephfs.csi.ceph.com not found in the list of registered CSI drivers',
      'rook-ceph.cephfs.csi.ceph.com',
    ],
    [
      'https://github.com/kubernetes-csi/csi-driver-nfs/issues/918',
      'MountVolume.MountDevice failed for volume "pvc-d37818b3-5bb4-49ea-99c7-984579fe6871" : kubernetes.io/csi: attacher.MountDevice failed to create newCsiDriverClient: driver name nfs.csi.k8s.io not found in the list of registered CSI drivers',
      'nfs.csi.k8s.io',
    ],
    [
      'https://github.com/kubernetes-csi/csi-driver-smb/issues/636',
      "MountVolume.SetUp failed for volume 'pv-samba-collateral' : kubernetes.io/csi: mounter.SetUpAt failed to check for STAGE_UNSTAGE_VOLUME capability: rpc error: code = Unavailable desc = connection error: desc = 'transport: Error while dialing dial unix /var/lib/kubelet/plugins/smb.csi.k8s.io/csi.sock: connect: connection refused'",
      'smb.csi.k8s.io',
    ],
    [
      'https://github.com/ctrox/csi-s3/issues/67',
      'MountVolume.MountDevice failed for volume "pvc-e97dce00-460a-4e09-bfb1-a6b07ca3eab8" : rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing dial unix /var/lib/kubelet/plugins/ch.ctrox.csi.s3-driver/csi.sock: connect: connection refused"',
      'ch.ctrox.csi.s3-driver',
    ],
  ])('%s', (_source, message, driver) => {
    expect(driverFromMessage(message)).toBe(driver);
  });

  it('a message that names no driver (the mount timeout) leaves it to the PersistentVolume', () => {
    // https://github.com/ceph/ceph-csi/issues/3390
    expect(
      driverFromMessage(
        'Unable to attach or mount volumes: unmounted volumes=[ceph-pvc-smaug], unattached volumes=[cephfs-pvc-storage1 kube-api-access-2q26t]: timed out waiting for the condition',
      ),
    ).toBeUndefined();
  });
});

describe("a node plugin's failure lines, told from its chatter", () => {
  it.each([
    // ceph-csi (klog), https://github.com/ceph/ceph-csi/issues/2397
    [
      'E0811 02:50:49.902093  111893 utils.go:171] ID: 71 Req-ID: 0001-0009-rook-ceph-0000000000000002-d391ab80-fa4d-11eb-b4f0-0ac36fad62fd GRPC error: rpc error: code = Internal desc = rbd: map failed with error an error (exit status 5) occurred while running rbd args: [--id csi-rbd-node -m 172.20.58.60:6789,172.20.85.112:6789,172.20.249.153:6789 --keyfile=***stripped*** map replicapool/csi-vol-d391ab80-fa4d-11eb-b4f0-0ac36fad62fd --device-type krbd --options noudev], rbd error output: rbd: sysfs write failed',
      true,
    ],
    [
      'W0811 02:52:22.663508  111893 rbd_attach.go:270] ID: 75 Req-ID: 0001-0009-rook-ceph-0000000000000002-d391ab80-fa4d-11eb-b4f0-0ac36fad62fd rbd: map error an error (exit status 5) occurred while running rbd args: [--id csi-rbd-node -m 172.20.58.60:6789,172.20.85.112:6789,172.20.249.153:6789 --keyfile=***stripped*** map replicapool/csi-vol-d391ab80-fa4d-11eb-b4f0-0ac36fad62fd --device-type krbd --options noudev], rbd output: rbd: sysfs write failed',
      false,
    ],
    // csi-digitalocean (logrus), https://github.com/digitalocean/csi-digitalocean/issues/123
    [
      'time="2019-01-27T14:35:17Z" level=error msg="method failed" error="rpc error: code = Internal desc = formatting disk failed: exit status 1 cmd: \'mkfs.ext4 -F /dev/disk/by-id/scsi-0DO_Volume_pvc-071e0ccf-11d2-11e9-91c3-dab98193d511\' output: \\"mke2fs 1.43.7 (16-Oct-2017)\\\\nThe file /dev/disk/by-id/scsi-0DO_Volume_pvc-071e0ccf-11d2-11e9-91c3-dab98193d511 does not exist and no size was specified.\\\\n\\"" method=/csi.v1.Node/NodeStageVolume node_id=126988859 region=sfo2 version=v1.0.0',
      true,
    ],
    [
      'time="2019-01-27T14:35:49Z" level=info msg="node stage volume called" node_id=126988859 region=sfo2 version=v1.0.0',
      false,
    ],
    // the liveness-probe sidecar waiting for the socket, https://github.com/kubernetes-csi/csi-driver-smb/issues/636
    ['W0705 15:13:06.963083       1 connection.go:173] Still connecting to unix:///csi/csi.sock', false],
  ])('%s', (line, failure) => {
    expect(isPluginErrorLine(line)).toBe(failure);
  });
});

const driver = 'smb.csi.k8s.io';
const mountMessage =
  "MountVolume.SetUp failed for volume 'pv-samba-collateral' : kubernetes.io/csi: mounter.SetUpAt failed to check for STAGE_UNSTAGE_VOLUME capability: rpc error: code = Unavailable desc = connection error: desc = 'transport: Error while dialing dial unix /var/lib/kubelet/plugins/smb.csi.k8s.io/csi.sock: connect: connection refused'";
const appPod = pod(
  'web-0',
  'default',
  { nodeName: 'worker-1' },
  {
    phase: 'Pending',
    containerStatuses: [
      {
        name: 'main',
        ready: false,
        restartCount: 0,
        image: 'registry.example.com/app:1.0',
        imageID: '',
        state: { waiting: { reason: 'ContainerCreating' } },
      },
    ],
  },
);
const smbNode = (ready: boolean) =>
  pod(
    'csi-smb-node-v6zxg',
    'kube-system',
    {
      nodeName: 'worker-1',
      containers: [
        { name: 'liveness-probe', image: 'registry.k8s.io/sig-storage/livenessprobe:v2.12.0' },
        {
          name: 'node-driver-registrar',
          image: 'registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.10.0',
          args: ['--csi-address=$(ADDRESS)', '--kubelet-registration-path=$(DRIVER_REG_SOCK_PATH)'],
          env: [{ name: 'DRIVER_REG_SOCK_PATH', value: `/var/lib/kubelet/plugins/${driver}/csi.sock` }],
        },
        { name: 'smb', image: 'registry.k8s.io/sig-storage/smbplugin:v1.14.0' },
      ],
      volumes: [
        { name: 'socket-dir', hostPath: { path: `/var/lib/kubelet/plugins/${driver}`, type: 'DirectoryOrCreate' } },
      ],
    },
    {
      phase: 'Running',
      containerStatuses: ['liveness-probe', 'node-driver-registrar', 'smb'].map((name) => ({
        name,
        ready: ready || name !== 'smb',
        restartCount: name === 'smb' && !ready ? 41 : 0,
        image: 'x',
        imageID: '',
        state:
          name === 'smb' && !ready ? { waiting: { reason: 'CrashLoopBackOff' } } : { running: { startedAt: 'now-1h' } },
      })),
    },
  );

async function run(
  objects: Record<string, unknown>[],
  logs: { pod: string; container: string; lines: string[] }[] = [],
) {
  const t = await startTestDrill({
    cluster: { nodes: [{ name: 'worker-1' }, { name: 'worker-2' }] as never },
    objects: [appPod, event('default', 'web-0', 'Warning', 'FailedMount', mountMessage, 104), ...objects] as never,
    logs: logs.map((l) => ({ namespace: 'kube-system', previous: false, ...l })),
  });
  try {
    return await runWithin(t, 'pod.csi-node-plugin', { namespace: 'default', name: 'web-0' });
  } finally {
    await t.close();
  }
}

describe('pod.csi-node-plugin on the drill cluster', () => {
  it('no pod of the driver on the node: plugin-not-running, and only that node was listed', async () => {
    const r = await run([]);
    expect(r.outcome).toBe('plugin-not-running');
    expect(r.facts).toMatchObject({ csiDriver: driver, nodeName: 'worker-1', pluginState: 'no pod' });
    expect(r.command).toContain('--field-selector spec.nodeName=');
  });

  it('the plugin container crash-loops: not running, with its state', async () => {
    const r = await run([smbNode(false)]);
    expect(r.outcome).toBe('plugin-not-running');
    expect(String(r.facts.pluginState)).toContain('smb: CrashLoopBackOff');
  });

  it('a running plugin whose log has no error is quiet, said as such; empty logs are not read as quiet', async () => {
    const quiet = await run(
      [smbNode(true)],
      [
        {
          pod: 'csi-smb-node-v6zxg',
          container: 'smb',
          lines: ['I0705 15:13:06.963083       1 smb.go:80] driver: smb.csi.k8s.io'],
        },
        {
          pod: 'csi-smb-node-v6zxg',
          container: 'node-driver-registrar',
          lines: ['I0705 15:12:00.000000       1 main.go:166] Version: v2.10.0'],
        },
      ],
    );
    expect(quiet.outcome).toBe('plugin-quiet');
    expect(quiet.summary).toContain('hold no error');
    const unread = await run([smbNode(true)]);
    expect(unread.outcome).toBe('log-not-read');
    expect(unread.summary).toContain('are empty: why the mount fails there is not seen');
  });
});

describe("the node plugin's own log line is read by the catalog too", () => {
  it("attached-device-missing-on-node matches csi-digitalocean's NodeStageVolume error in the plugin log (csi-digitalocean#123)", () => {
    const s = bundledCatalog().find((x) => x.id === 'attached-device-missing-on-node');
    if (!s) throw new Error('attached-device-missing-on-node is not in the catalog');
    const line =
      'time="2019-01-27T14:35:17Z" level=error msg="method failed" error="rpc error: code = Internal desc = formatting disk failed: exit status 1 cmd: \'mkfs.ext4 -F /dev/disk/by-id/scsi-0DO_Volume_pvc-071e0ccf-11d2-11e9-91c3-dab98193d511\' output: \\"mke2fs 1.43.7 (16-Oct-2017)\\\\nThe file /dev/disk/by-id/scsi-0DO_Volume_pvc-071e0ccf-11d2-11e9-91c3-dab98193d511 does not exist and no size was specified.\\\\n\\"" method=/csi.v1.Node/NodeStageVolume node_id=126988859 region=sfo2 version=v1.0.0';
    expect(
      matches(s, { kind: 'log', layer: 'pod', source: 'log of kube-system/csi-do-node-x', text: line, severity: 2 }),
    ).toBe(true);
  });
});

describe("node-driver-registrar's log: did the kubelet answer?", () => {
  it('refused: the kubelet error is quoted (longhorn/longhorn#452, k3s)', () => {
    const text = [
      'I0329 21:43:22.617484       1 node_register.go:93] Registration Server started at: /registration/io.rancher.longhorn-reg.sock',
      'I0329 21:43:22.932570       1 main.go:111] Received GetInfo call: &InfoRequest{}',
      'I0329 21:43:23.592968       1 main.go:121] Received NotifyRegistrationStatus call: &RegistrationStatus{PluginRegistered:false,Error:plugin registration failed with err: error removing CSI driver node info from Node object error updating node: timed out waiting for the condition; caused by: [resource name may not be empty, resource name may not be empty, resource name may not be empty,',
    ].join('\n');
    expect(registrarReading(text)).toContain(
      'the kubelet refused the registration: plugin registration failed with err: error removing CSI driver node info',
    );
  });

  it('registered (kubernetes/cloud-provider-openstack#1864)', () => {
    const text = [
      'I0519 00:26:12.942091       1 node_register.go:62] Registration Server started at: /registration/cinder.csi.openstack.org-reg.sock',
      'I0519 00:26:13.944620       1 main.go:120] Received NotifyRegistrationStatus call: &RegistrationStatus{PluginRegistered:true,Error:,}',
    ].join('\n');
    expect(registrarReading(text)).toMatch(/^the kubelet registered it/);
  });

  it('started and never answered (openebs/mayastor#1379) versus a log that ends before it started (csi-driver-nfs#918 as read)', () => {
    const unanswered = [
      'I0512 03:58:59.805352       1 node_register.go:53] Starting Registration Server at: /registration/io.openebs.csi-mayastor-reg.sock',
      'I0512 03:58:59.805489       1 node_register.go:62] Registration Server started at: /registration/io.openebs.csi-mayastor-reg.sock',
      'I0512 03:58:59.805551       1 node_register.go:92] Skipping HTTP server because endpoint is set to: ""',
    ].join('\n');
    expect(registrarReading(unanswered)).toContain('the kubelet has not called it back');
    const cut = [
      'I0528 03:22:19.505312       1 main.go:150] "Version" version="v2.13.0"',
      'I0528 03:22:19.505424       1 main.go:151] "Running node-driver-registrar" mode=""',
    ].join('\n');
    expect(registrarReading(cut)).toContain('whether the kubelet answered it is not seen');
    expect(registrarReading(undefined)).toContain('not read');
  });
});
