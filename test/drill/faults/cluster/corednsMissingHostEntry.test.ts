import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDrill } from '../../../helpers/drill.js';
import { kubectlAvailable, warnIfKubectlMissing } from '../../../helpers/kubectl.js';
import { drillWith, kubectlOn } from './support.js';

warnIfKubectlMissing('coredns-missing-host-entry fault');

describe.skipIf(!kubectlAvailable())('fault coredns-missing-host-entry', () => {
  let d: TestDrill;
  let kubectl: ReturnType<typeof kubectlOn>;

  beforeAll(async () => {
    d = await drillWith([{ fault: 'coredns-missing-host-entry', name: 'rancher.corp.example', ip: '10.20.0.5' }]);
    kubectl = kubectlOn(d);
  });
  afterAll(() => d.close());

  it('has a Corefile whose hosts block falls through and lacks the name', async () => {
    const r = await kubectl('get', 'configmap', 'coredns', '-n', 'kube-system', '-o', 'jsonpath={.data.Corefile}');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/ {4}hosts \{\n {7}10\.0\.0\.60 harbor\.example\.cn\n {7}fallthrough\n {4}\}\n/);
    expect(r.stdout).not.toContain('rancher.corp.example');
    expect(r.stdout).toContain('forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }');
    const cm = await d.kube.readConfigMap('kube-system', 'coredns');
    expect(cm.data?.Corefile).toBe(r.stdout);
  });

  it('logs the failed lookups down the search path, the last one forwarded upstream', async () => {
    const r = await kubectl('logs', '-n', 'kube-system', '-l', 'k8s-app=kube-dns', '--tail', '-1');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(
      /\[INFO\] 10\.244\.2\.17:\d+ - \d+ "A IN rancher\.corp\.example\.cattle-system\.svc\.cluster\.local\. udp 70 false 512" NXDOMAIN qr,aa,rd \d+ [\d.]+s/,
    );
    expect(r.stdout).toMatch(
      /\[INFO\] 10\.244\.2\.17:\d+ - \d+ "A IN rancher\.corp\.example\. udp 38 false 512" NXDOMAIN qr,rd,ra \d+ [\d.]+s/,
    );
    expect(r.stdout).toContain('[INFO] Reloading complete');
    expect(r.stdout).toContain('CoreDNS-1.11.3');
  });

  it('creates the kube-dns Service and coredns Deployment kubeadm would have', async () => {
    const svc = await d.kube.readService('kube-system', 'kube-dns');
    expect(svc.spec?.clusterIP).toBe('10.96.0.10');
    const deploy = await kubectl(
      'get',
      'deploy',
      'coredns',
      '-n',
      'kube-system',
      '-o',
      'jsonpath={.status.readyReplicas}/{.spec.replicas}',
    );
    expect(deploy.stdout).toBe('2/2');
    const ep = await d.kube.readEndpoints('kube-system', 'kube-dns');
    expect(ep.subsets?.[0]?.addresses).toHaveLength(2);
  });

  it('answers /etc/hosts on the nodes with the name the pods cannot resolve', () => {
    const answer = d.drill.hosts['worker-1']?.['cat /etc/hosts'];
    expect(answer && !Array.isArray(answer) ? (answer as { stdout: string }).stdout : '').toContain(
      '10.20.0.5\trancher.corp.example',
    );
  });
});
