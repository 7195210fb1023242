import { describe, expect, it } from 'vitest';
import { faultDrill, hasKubectl, podName, rows } from './faultDrill.js';

describe('fault cloudpods-startup-step-failed', () => {
  const d = faultDrill('cloudpods-startup-step-failed', [
    { fault: 'cloudpods-startup-step-failed', node: 'worker-1', pod: 'default-host-nbd01' },
    { fault: 'cloudpods-startup-step-failed', node: 'worker-2', pod: 'default-host-qemu1', step: 'qemu' },
    { fault: 'cloudpods-startup-step-failed', node: 'worker-3', pod: 'default-host-ovs01', step: 'openvswitch' },
    { fault: 'cloudpods-startup-step-failed', node: 'cp-1', pod: 'default-host-kern1', step: 'kernel-params' },
  ]);
  const logs = (name: string) => d.t.check('pod.logs', { namespace: 'onecloud', name, container: 'host' });

  it('pod.status finds the host container crash-looping, pod.logs the step that failed', async () => {
    const s = await d.t.check('pod.status', { namespace: 'onecloud', name: 'default-host-nbd01' });
    expect(s.outcome).toBe('crash-loop');
    expect(s.facts).toMatchObject({
      container: 'host',
      notReadyContainers: 'host',
      owner: 'DaemonSet/default-host',
      nodeName: 'worker-1',
    });
    const nbd = await logs('default-host-nbd01');
    expect(nbd.outcome).toBe('missing-binary-or-module');
    expect(nbd.facts).toMatchObject({ logDetail: 'kernel module nbd' });
    expect(nbd.facts.logLine).toMatch(
      /^\[error \d{4}-\d\d-\d\d [\d:]{8} nbd\.Init\(nbd\.go:47\)\] modprobe: FATAL: Module nbd not found in directory \/lib\/modules\/6\.1\.0-28-amd64$/,
    );
    const qemu = await logs('default-host-qemu1');
    // The step fails on a missing binary, and the classifier names it.
    expect(qemu.outcome).toBe('missing-binary-or-module');
    expect(qemu.facts).toMatchObject({ logDetail: '/usr/local/qemu-4.2.0/bin/qemu-system-x86_64' });
    expect(qemu.facts.logLine).toMatch(
      /\] Host instance init error: detectHostInfo: exec: "\/usr\/local\/qemu-4\.2\.0\/bin\/qemu-system-x86_64": stat \S+: no such file or directory$/,
    );
    const ovs = await logs('default-host-ovs01');
    // openvswitch is not running on the host: a dependency the host agent cannot reach.
    expect(ovs.outcome).toBe('dependency-unreachable');
    expect(ovs.facts).toMatchObject({ logDetail: 'ovsdb unix:/var/run/openvswitch/db.sock' });
    expect(ovs.facts.logLine).toMatch(
      /Prepare host bridge "openvswitch": ovs-vsctl: unix:\/var\/run\/openvswitch\/db\.sock: database connection failed \(No such file or directory\)$/,
    );
    const kern = await logs('default-host-kern1');
    expect(kern.outcome).toBe('startup-step-failed');
    expect(kern.facts.logLine).toMatch(
      /\[fatal \d{4}-\d\d-\d\d [\d:]{8} hostman\.\(\*SHostService\)\.RunService\(host_services\.go:118\)\] Host instance init error: Prepare environment: Cannot initialize control group subsystem$/,
    );
    const last = await d.t.check('pod.last-termination', {
      namespace: 'onecloud',
      name: 'default-host-nbd01',
      container: 'host',
    });
    expect(last.facts).toMatchObject({ exitCode: 1, restartCount: 12 });
  });

  it.runIf(hasKubectl)('kubectl shows 2/3 CrashLoopBackOff per node, located by node name', async () => {
    const r = rows(
      (await d.kubectl('get', 'pods', '-n', 'onecloud', '-o', 'wide', '--field-selector', 'spec.nodeName=worker-1'))
        .stdout,
    );
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({
      NAME: 'default-host-nbd01',
      READY: '2/3',
      STATUS: 'CrashLoopBackOff',
      IP: '10.0.0.12',
      NODE: 'worker-1',
    });
    const log = await d.kubectl('logs', 'default-host-nbd01', '-n', 'onecloud', '-c', 'host', '--previous');
    expect(log.stdout).toMatch(
      /^\[info \d{6} [\d:]{8} options\.parseOptions\(options\.go:354\)\] Use configuration file: \/etc\/yunion\/host\.conf$/m,
    );
    expect(log.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^\[fatal \d{4}-\d\d-\d\d [\d:]{8} hostman\.\(\*SHostService\)\.RunService\(host_services\.go:118\)\] Storage manager init error: Failed to activate nbd device: exit status 1$/,
    );
    const ds = rows((await d.kubectl('get', 'daemonset', 'default-host', '-n', 'onecloud')).stdout)[0];
    expect(ds).toMatchObject({
      DESIRED: '4',
      CURRENT: '4',
      READY: '0',
      'NODE SELECTOR': 'onecloud.yunion.io/host=enable',
    });
  });
});

describe('fault sidecar-not-ready', () => {
  const d = faultDrill('sidecar-not-ready', [{ fault: 'sidecar-not-ready' }]);

  it('pod.status finds ovn-controller not ready; pod.probes and pod.logs say why', async () => {
    const name = await podName(d, 'onecloud', 'app=default-host');
    const s = await d.t.check('pod.status', { namespace: 'onecloud', name });
    expect(s.outcome).toBe('not-ready');
    expect(s.facts).toMatchObject({ notReadyContainers: 'ovn-controller', restartCount: 0 });
    const p = await d.t.check('pod.probes', { namespace: 'onecloud', name, container: 'ovn-controller' });
    expect(p.outcome).toBe('readiness-failing');
    expect(p.facts).toMatchObject({ eventMessage: 'Readiness probe failed: not connected' });
    const l = await d.t.check('pod.logs', { namespace: 'onecloud', name, container: 'ovn-controller' });
    expect(l.outcome).toBe('dependency-unreachable');
    expect(l.facts.logLine).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z\|\d{5}\|reconnect\|INFO\|tcp:10\.0\.0\.11:32242: connection attempt failed \(Connection refused\)$/,
    );
  });

  it.runIf(hasKubectl)('kubectl shows 2/3 Running and the readiness events', async () => {
    const row = rows((await d.kubectl('get', 'pods', '-n', 'onecloud')).stdout)[0];
    expect(row).toMatchObject({ READY: '2/3', STATUS: 'Running', RESTARTS: '0' });
    const out = (await d.kubectl('describe', 'pod', row?.NAME ?? '', '-n', 'onecloud')).stdout;
    expect(out).toMatch(
      /^ {4}Readiness:\s+exec \[sh -c status=\$\(ovn-appctl -t ovn-controller connection-status\); echo "\$status"; test "\$status" = connected\] delay=10s timeout=5s period=10s #success=1 #failure=3$/m,
    );
    expect(out).toMatch(
      /Warning\s+Unhealthy\s+\S+ \(x180 over \S+\)\s+kubelet\s+Readiness probe failed: not connected/,
    );
  });
});
