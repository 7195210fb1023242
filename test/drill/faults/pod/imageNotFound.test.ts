import { describe, expect, it } from 'vitest';
import { faultDrill, hasKubectl, rows } from './faultDrill.js';

describe('fault image-not-found', () => {
  const d = faultDrill('image-not-found', [{ fault: 'image-not-found' }]);
  const pod = 'api-';

  it('pod.status and pod.image-pull name the missing image', async () => {
    const list = await d.t.kube.listPods({ namespace: 'shop' });
    const name = list.find((p) => p.metadata?.name?.startsWith(pod))?.metadata?.name ?? '';
    expect(name).toMatch(/^api-[bcdfghjklmnpqrstvwxz2456789]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const status = await d.t.check('pod.status', { namespace: 'shop', name });
    expect(status.outcome).toBe('image-pull');
    const pull = await d.t.check('pod.image-pull', { namespace: 'shop', name });
    expect(pull.outcome).toBe('image-not-found');
    expect(pull.facts).toMatchObject({
      image: 'registry.example.com/shop/api:3.2.0',
      registry: 'registry.example.com',
      waitingReason: 'ImagePullBackOff',
    });
    const owner = await d.t.check('pod.owner', { namespace: 'shop', name });
    expect(owner.facts).toMatchObject({ controller: 'Deployment/api', readyReplicas: 0 });
  });

  it.runIf(hasKubectl)('kubectl shows ImagePullBackOff and the kubelet pull events', async () => {
    const get = await d.kubectl('get', 'pods', '-n', 'shop');
    expect(get.stderr).toBe('');
    const row = rows(get.stdout).find((r) => r.NAME?.startsWith(pod));
    expect(row).toMatchObject({ READY: '0/1', STATUS: 'ImagePullBackOff', RESTARTS: '0' });
    const describe = await d.kubectl('describe', 'pod', '-n', 'shop', row?.NAME ?? '');
    const out = describe.stdout;
    expect(out).toMatch(/^Status:\s+Pending$/m);
    expect(out).toMatch(/^Controlled By:\s+ReplicaSet\/api-\w{10}$/m);
    expect(out).toMatch(/^ {4}State:\s+Waiting\n {6}Reason:\s+ImagePullBackOff$/m);
    expect(out).toMatch(
      /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned shop\/api-\S+ to worker-1/,
    );
    expect(out).toMatch(
      /Warning\s+Failed\s+\S+ \(x\d+ over \S+\)\s+kubelet\s+Failed to pull image "registry\.example\.com\/shop\/api:3\.2\.0": rpc error: code = NotFound desc = failed to pull and unpack image "registry\.example\.com\/shop\/api:3\.2\.0": failed to resolve reference "registry\.example\.com\/shop\/api:3\.2\.0": registry\.example\.com\/shop\/api:3\.2\.0: not found/,
    );
    expect(out).toMatch(
      /Normal\s+BackOff\s+\S+ \(x\d+ over \S+\)\s+kubelet\s+Back-off pulling image "registry\.example\.com\/shop\/api:3\.2\.0"/,
    );
    expect(out).toMatch(/Warning\s+Failed\s+\S+ \(x\d+ over \S+\)\s+kubelet\s+Error: ImagePullBackOff/);
    const deploy = rows((await d.kubectl('get', 'deployment', 'api', '-n', 'shop')).stdout)[0];
    expect(deploy).toMatchObject({ NAME: 'api', READY: '0/1', 'UP-TO-DATE': '1', AVAILABLE: '0' });
  });
});
