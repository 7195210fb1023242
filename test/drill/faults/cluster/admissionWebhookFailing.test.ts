import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDrill } from '../../../helpers/drill.js';
import { kubectlAvailable, warnIfKubectlMissing } from '../../../helpers/kubectl.js';
import { drillWith, kubectlOn, row } from './support.js';

warnIfKubectlMissing('admission-webhook-failing fault');

const refusal =
  'Error creating: Internal error occurred: failed calling webhook "validate.policy.example.com": failed to call webhook: Post "https://policy-webhook.policy-system.svc:443/validate?timeout=10s": no endpoints available for service "policy-webhook"';

describe.skipIf(!kubectlAvailable())('fault admission-webhook-failing', () => {
  let d: TestDrill;
  let kubectl: ReturnType<typeof kubectlOn>;

  beforeAll(async () => {
    d = await drillWith([{ fault: 'admission-webhook-failing', deployment: 'shop/web', minutes: 25 }]);
    kubectl = kubectlOn(d);
  });
  afterAll(() => d.close());

  it('serves the ValidatingWebhookConfiguration to kubectl and client-node', async () => {
    const r = await kubectl('get', 'validatingwebhookconfigurations');
    expect(r.exitCode).toBe(0);
    expect(row(r.stdout, 'NAME', 'policy-webhook-validating')).toMatchObject({ WEBHOOKS: '1' });
    const [vwc] = await d.kube.listValidatingWebhookConfigurations();
    expect(vwc?.webhooks?.[0]).toMatchObject({
      name: 'validate.policy.example.com',
      failurePolicy: 'Fail',
      clientConfig: { service: { namespace: 'policy-system', name: 'policy-webhook', path: '/validate' } },
    });
  });

  it('leaves the webhook Service without endpoints', async () => {
    const r = await kubectl('get', 'endpoints', 'policy-webhook', '-n', 'policy-system');
    expect(row(r.stdout, 'NAME', 'policy-webhook')).toMatchObject({ ENDPOINTS: '<none>' });
  });

  it("refuses the ReplicaSet's pods: FailedCreate events with the apiserver's words, no pods", async () => {
    const ev = await kubectl('get', 'events', '-n', 'shop', '--field-selector', 'reason=FailedCreate');
    expect(ev.exitCode).toBe(0);
    expect(ev.stdout).toMatch(/Warning\s+FailedCreate\s+replicaset\/web-[a-z0-9]{10}\s+/);
    expect(ev.stdout).toContain(refusal);
    const deploy = await kubectl('get', 'deploy', 'web', '-n', 'shop');
    expect(row(deploy.stdout, 'NAME', 'web')).toMatchObject({ READY: '0/2', 'UP-TO-DATE': '0', AVAILABLE: '0' });
    const pods = await kubectl('get', 'pods', '-n', 'shop');
    expect(pods.stderr).toContain('No resources found in shop namespace.');
    const dep = await d.kube.readDeployment('shop', 'web');
    const conditions = Object.fromEntries((dep.status?.conditions ?? []).map((c) => [c.type, c]));
    expect(conditions.ReplicaFailure).toMatchObject({
      status: 'True',
      reason: 'FailedCreate',
      message: refusal.replace('Error creating: ', ''),
    });
    expect(conditions.Progressing).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
  });

  it("deadlocks the webhook's own Deployment the same way", async () => {
    const ev = await kubectl('get', 'events', '-n', 'policy-system');
    expect(ev.stdout).toContain(refusal);
    const deploy = await kubectl('get', 'deploy', '-n', 'policy-system');
    expect(row(deploy.stdout, 'NAME', 'policy-webhook')).toMatchObject({ READY: '0/1' });
  });
});
