import { describe, expect, it } from 'vitest';
import { faultDrill } from './helpers.js';

describe('fault stray-control-plane-services', () => {
  const d = faultDrill([{ fault: 'stray-control-plane-services', node: 'worker-3' }]);

  it('the control-plane-services check finds the three units enabled and running on the worker', async () => {
    const r = await d.host('host.control-plane-services', { node: 'worker-3' });
    expect(r.outcome).toBe('stray-services');
    expect(r.facts).toMatchObject({
      strayServices: 'kube-apiserver,kube-controller-manager,kube-scheduler',
      strayActiveServices: 'kube-apiserver,kube-controller-manager,kube-scheduler',
      strayEnabledServices: 'kube-apiserver,kube-controller-manager,kube-scheduler',
    });
    expect(r.evidence).toContainEqual({ label: 'kube-apiserver.service', value: 'active (running), enabled' });
  });

  it('their processes and ports are on the host; the real control plane node is clean', async () => {
    const ps = await d.run('worker-3', 'ps -eo pid,etimes,args');
    expect(ps.stdout).toMatch(
      /^ +\d+ +\d+ \/usr\/local\/bin\/kube-apiserver --advertise-address=10\.0\.0\.\d+ .*--etcd-servers=https:\/\/10\.0\.0\.11:2379/m,
    );
    const ss = await d.run('worker-3', 'ss -ltnp');
    expect(ss.stdout).toMatch(/^LISTEN 0 +4096 +\*:6443 +\*:\* +users:\(\("kube-apiserver",pid=\d+,fd=3\)\)/m);
    expect(ss.stdout).toMatch(/127\.0\.0\.1:10257 .*"kube-controller"/);
    expect((await d.host('host.listening-ports', { node: 'worker-3', port: 6443 })).outcome).toBe('listening');
    expect((await d.host('host.control-plane-services', { node: 'cp-1' })).outcome).toBe('none');
    expect((await d.host('host.control-plane-services', { node: 'worker-1' })).outcome).toBe('none');
  });

  it('nothing on the API side changes: the worker stays Ready', async () => {
    expect(await d.kubectl('get', 'node', 'worker-3')).toMatch(/^worker-3\s+Ready\s/m);
  });
});
