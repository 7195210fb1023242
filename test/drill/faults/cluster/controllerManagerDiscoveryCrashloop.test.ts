import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDrill } from '../../../helpers/drill.js';
import { kubectlAvailable, warnIfKubectlMissing } from '../../../helpers/kubectl.js';
import { drillWith, kubectlOn, row } from './support.js';

warnIfKubectlMissing('controller-manager-discovery-crashloop fault');

describe.skipIf(!kubectlAvailable())('fault controller-manager-discovery-crashloop', () => {
  let d: TestDrill;
  let kubectl: ReturnType<typeof kubectlOn>;

  beforeAll(async () => {
    d = await drillWith([
      { fault: 'apiservice-unavailable' },
      { fault: 'controller-manager-discovery-crashloop', minutes: 45, starvedDeployment: 'db/mysql' },
    ]);
    kubectl = kubectlOn(d);
  });
  afterAll(() => d.close());

  it('shows kube-controller-manager in CrashLoopBackOff with restarts', async () => {
    const r = await kubectl('get', 'pods', '-n', 'kube-system');
    expect(r.exitCode).toBe(0);
    const kcm = row(r.stdout, 'NAME', 'kube-controller-manager-cp-1');
    expect(kcm).toMatchObject({ READY: '0/1', STATUS: 'CrashLoopBackOff' });
    expect(kcm?.RESTARTS).toMatch(/^\d+ \(\d+m\d*s? ago\)$|^\d+ \(\d+s ago\)$/);
    expect(Number(kcm?.RESTARTS?.split(' ')[0])).toBeGreaterThanOrEqual(10);
    expect(row(r.stdout, 'NAME', 'kube-scheduler-cp-1')).toMatchObject({ READY: '1/1', STATUS: 'Running' });
  });

  it('logs --previous end with the discovery failure, and so does the current log', async () => {
    for (const args of [['--previous'], []]) {
      const r = await kubectl('logs', '-n', 'kube-system', 'kube-controller-manager-cp-1', ...args);
      expect(r.exitCode).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines.at(-1)).toMatch(
        /^F\d{4} \d\d:\d\d:\d\d\.\d{6} {7}1 controllermanager\.go:174\] error starting controllers: failed to discover resources: unable to retrieve the complete list of server APIs: metrics\.k8s\.io\/v1beta1: the server is currently unable to handle the request$/,
      );
      expect(r.stdout).toContain('successfully acquired lease kube-system/kube-controller-manager');
    }
  });

  it('records the kubelet back-off events', async () => {
    const r = await kubectl(
      'get',
      'events',
      '-n',
      'kube-system',
      '--field-selector',
      'involvedObject.name=kube-controller-manager-cp-1',
    );
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(
      /Warning\s+BackOff\s+pod\/kube-controller-manager-cp-1\s+Back-off restarting failed container kube-controller-manager in pod kube-controller-manager-cp-1_kube-system\(/,
    );
    expect(r.stdout).toMatch(
      /Normal\s+Started\s+pod\/kube-controller-manager-cp-1\s+Started container kube-controller-manager/,
    );
  });

  it('leaves the leader Lease stale and the last termination exit code 255, as client-node reads them', async () => {
    const lease = await d.kube.readLease('kube-system', 'kube-controller-manager');
    const renewed = new Date(lease.spec?.renewTime as unknown as string).getTime();
    expect(d.now.getTime() - renewed).toBeGreaterThan((lease.spec?.leaseDurationSeconds ?? 15) * 1000);
    expect(lease.spec?.holderIdentity).toMatch(/^cp-1_[0-9a-f-]{36}$/);
    const pod = await d.kube.readPod('kube-system', 'kube-controller-manager-cp-1');
    const status = pod.status?.containerStatuses?.[0];
    expect(status?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(status?.lastState?.terminated?.exitCode).toBe(255);
    expect(status?.restartCount).toBeGreaterThanOrEqual(10);
  });

  it('starves the Deployment: its ReplicaSet wants a pod and none exists', async () => {
    const deploy = await kubectl('get', 'deploy', '-n', 'db');
    expect(row(deploy.stdout, 'NAME', 'mysql')).toMatchObject({ READY: '0/1', AVAILABLE: '0' });
    const rs = await kubectl('get', 'rs', '-n', 'db');
    expect(row(rs.stdout, 'NAME', /^mysql-[a-z0-9]{10}$/)).toMatchObject({ DESIRED: '1' });
    const pods = await kubectl('get', 'pods', '-n', 'db');
    expect(pods.stdout).toBe('');
    expect(pods.stderr).toContain('No resources found in db namespace.');
    const d2 = await d.kube.readDeployment('db', 'mysql');
    expect(d2.metadata?.generation).toBe(2);
    expect(d2.status?.observedGeneration).toBe(1);
  });
});
