import { describe, expect, it } from 'vitest';
import { faultDrill, hasKubectl, rows } from './faultDrill.js';

describe('fault pvc-unbound', () => {
  const d = faultDrill('pvc-unbound', [
    { fault: 'pvc-unbound' },
    { fault: 'pvc-unbound', namespace: 'logs', name: 'loki', cause: 'provisioner-down', storageClass: 'ceph-rbd' },
  ]);

  it("pod.scheduling sees the unbound claim and pod.volumes the claim's own event", async () => {
    const s = await d.t.check('pod.scheduling', { namespace: 'db', name: 'postgres-0' });
    expect(s.outcome).toBe('unbound-pvc');
    expect(s.facts.schedulerMessage).toBe(
      '0/4 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.',
    );
    const v = await d.t.check('pod.volumes', { namespace: 'db', name: 'postgres-0' });
    expect(v.outcome).toBe('pvc-pending');
    expect(v.facts).toMatchObject({
      claim: 'data-postgres-0',
      pvcPhase: 'Pending',
      storageClass: 'fast-ssd',
      eventReason: 'ProvisioningFailed',
      eventMessage: 'storageclass.storage.k8s.io "fast-ssd" not found',
    });
    const loki = await d.t.check('pod.volumes', { namespace: 'logs', name: 'loki-0' });
    expect(loki.facts).toMatchObject({ eventReason: 'ExternalProvisioning' });
    expect(String(loki.facts.eventMessage)).toMatch(
      /^Waiting for a volume to be created either by the external provisioner 'rbd\.csi\.ceph\.com' or manually by the system administrator\./,
    );
  });

  it.runIf(hasKubectl)('kubectl shows the Pending claim and pod', async () => {
    const pvc = rows((await d.kubectl('get', 'pvc', '-n', 'db')).stdout)[0];
    expect(pvc).toMatchObject({ NAME: 'data-postgres-0', STATUS: 'Pending', STORAGECLASS: 'fast-ssd' });
    const out = (await d.kubectl('describe', 'pvc', 'data-postgres-0', '-n', 'db')).stdout;
    expect(out).toMatch(/^Used By:\s+postgres-0$/m);
    expect(out).toMatch(
      /Warning\s+ProvisioningFailed\s+\S+ \(x\d+ over \S+\)\s+persistentvolume-controller\s+storageclass\.storage\.k8s\.io "fast-ssd" not found/,
    );
    expect(rows((await d.kubectl('get', 'pod', 'postgres-0', '-n', 'db')).stdout)[0]).toMatchObject({
      READY: '0/1',
      STATUS: 'Pending',
    });
  });
});

describe('fault volume-multi-attach', () => {
  const d = faultDrill('volume-multi-attach', [{ fault: 'volume-multi-attach', from: 'worker-3', to: 'worker-1' }]);

  it('pod.volumes finds the attachment on the dead node; pod.status says the pod is being created', async () => {
    const v = await d.t.check('pod.volumes', { namespace: 'db', name: 'mysql-0' });
    expect(v.outcome).toBe('attached-elsewhere');
    expect(v.facts).toMatchObject({
      claim: 'data-mysql-0',
      pvcPhase: 'Bound',
      nodeName: 'worker-1',
      attachedNode: 'worker-3',
      attachedNodeReady: 'Unknown',
      eventReason: 'FailedAttachVolume',
    });
    expect(String(v.facts.eventMessage)).toMatch(
      /^Multi-Attach error for volume "pvc-[0-9a-f-]{36}" Volume is already exclusively attached to one node and can't be attached to another$/,
    );
    const s = await d.t.check('pod.status', { namespace: 'db', name: 'mysql-0' });
    expect(s.outcome).toBe('creating');
    expect(s.facts).toMatchObject({
      nodeName: 'worker-1',
      waitingReason: 'ContainerCreating',
      owner: 'StatefulSet/mysql',
    });
  });

  it.runIf(hasKubectl)('kubectl shows ContainerCreating, the dead node, the attachment and the events', async () => {
    expect(rows((await d.kubectl('get', 'pod', 'mysql-0', '-n', 'db', '-o', 'wide')).stdout)[0]).toMatchObject({
      READY: '0/1',
      STATUS: 'ContainerCreating',
      IP: '<none>',
      NODE: 'worker-1',
    });
    expect(rows((await d.kubectl('get', 'node', 'worker-3')).stdout)[0]).toMatchObject({ STATUS: 'NotReady' });
    const va = rows((await d.kubectl('get', 'volumeattachments')).stdout);
    expect(va).toHaveLength(1);
    expect(va[0]).toMatchObject({ ATTACHER: 'rbd.csi.ceph.com', NODE: 'worker-3', ATTACHED: 'true' });
    expect(va[0]?.NAME).toMatch(/^csi-[0-9a-f]{64}$/);
    const out = (await d.kubectl('describe', 'pod', 'mysql-0', '-n', 'db')).stdout;
    expect(out).toMatch(/^ {2}PodReadyToStartContainers\s+False\s*$/m);
    expect(out).toMatch(
      /Warning\s+FailedAttachVolume\s+\S+\s+attachdetach-controller\s+Multi-Attach error for volume "pvc-\S+" Volume is already exclusively attached to one node and can't be attached to another/,
    );
    expect(out).toMatch(
      /Warning\s+FailedMount\s+\S+ \(x\d+ over \S+\)\s+kubelet\s+Unable to attach or mount volumes: unmounted volumes=\[data\], unattached volumes=\[data\], failed to process volumes=\[\]: context deadline exceeded/,
    );
  });
});
