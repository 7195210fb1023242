import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDrill } from '../../../helpers/drill.js';
import { kubectlAvailable, warnIfKubectlMissing } from '../../../helpers/kubectl.js';
import { drillWith, kubectlOn, row } from './support.js';

warnIfKubectlMissing('apiserver-cert-expiry-errors fault');

describe.skipIf(!kubectlAvailable())('fault apiserver-cert-expiry-errors', () => {
  let d: TestDrill;
  let kubectl: ReturnType<typeof kubectlOn>;

  beforeAll(async () => {
    d = await drillWith([{ fault: 'apiserver-cert-expiry-errors', minutes: 40 }]);
    kubectl = kubectlOn(d);
  });
  afterAll(() => d.close());

  it('the apiserver rejects the expired client certificates, naming the expiry', async () => {
    const r = await kubectl('logs', '-n', 'kube-system', 'kube-apiserver-cp-1', '--tail', '4');
    expect(r.exitCode).toBe(0);
    const notAfter = new Date(d.now.getTime() - 40 * 60_000).toISOString().replace('.000Z', 'Z');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(line).toMatch(
        new RegExp(
          `^E\\d{4} [\\d:.]+ {7}1 authentication\\.go:73\\] "Unable to authenticate the request" err="\\[x509: certificate has expired or is not yet valid: current time \\S+Z is after ${notAfter}, verifying certificate SN=\\d+, SKID=, AKID=[0-9A-F:]+ failed: x509: certificate has expired or is not yet valid: current time \\S+Z is after ${notAfter}\\]"$`,
        ),
      );
    }
  });

  it('the components lost their leases, restarted once and keep getting Unauthorized', async () => {
    const pods = await kubectl('get', 'pods', '-n', 'kube-system');
    for (const name of ['kube-controller-manager-cp-1', 'kube-scheduler-cp-1']) {
      expect(row(pods.stdout, 'NAME', name)).toMatchObject({ READY: '1/1', STATUS: 'Running' });
      expect(row(pods.stdout, 'NAME', name)?.RESTARTS).toMatch(/^1 \(\d+m ago\)$/);
    }
    const prev = await kubectl('logs', '-n', 'kube-system', 'kube-controller-manager-cp-1', '--previous');
    expect(prev.stdout).toContain('error retrieving resource lock kube-system/kube-controller-manager: Unauthorized');
    expect(prev.stdout.trimEnd().split('\n').at(-1)).toMatch(/controllermanager\.go:\d+\] "leaderelection lost"$/);
    const cur = await kubectl('logs', '-n', 'kube-system', 'kube-scheduler-cp-1', '--tail', '1');
    expect(cur.stdout).toMatch(
      /leaderelection\.go:\d+\] error retrieving resource lock kube-system\/kube-scheduler: Unauthorized\n$/,
    );
    for (const component of ['kube-controller-manager', 'kube-scheduler']) {
      const lease = await d.kube.readLease('kube-system', component);
      expect(d.now.getTime() - new Date(lease.spec?.renewTime as unknown as string).getTime()).toBeGreaterThan(
        40 * 60_000,
      );
    }
  });

  it("kubectl's own credentials still work and /readyz is ok", async () => {
    const r = await d.kube.getRaw('/readyz');
    expect(r).toMatchObject({ status: 200, body: 'ok' });
  });
});
