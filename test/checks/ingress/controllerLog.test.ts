import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

const generate = { controlPlanes: 1, workers: 2, podsPerWorker: 0, addons: true };
const params = {
  namespace: 'shop',
  service: 'web',
  host: 'shop.example.com',
  tlsSecret: 'shop-tls',
  controller: 'k8s.io/ingress-nginx',
};

// ingress.controller-log reads the controller's log through the drill's real API server, as kubectl logs does.
describe('ingress.controller-log on the drill', () => {
  let healthy: TestDrill;
  let blocked: TestDrill;
  beforeAll(async () => {
    [healthy, blocked] = await Promise.all([
      startTestDrill({ cluster: { generate, nodes: [] }, faults: [{ fault: 'service-app' }] }),
      startTestDrill({
        cluster: { generate, nodes: [] },
        faults: [{ fault: 'service-app' }, { fault: 'network-policy-namespace-only' }],
      }),
    ]);
  });
  afterAll(async () => Promise.all([healthy.close(), blocked.close()]));

  it('a controller that served the host: clean, with the requests it served', async () => {
    const r = await healthy.check('ingress.controller-log', params);
    expect(r.outcome).toBe('clean');
    expect(r.summary).toContain('served 6 requests to shop/web');
  });

  it('a controller a policy keeps out: upstream-failing, naming the pod address that timed out', async () => {
    const r = await blocked.check('ingress.controller-log', params);
    expect(r.outcome).toBe('upstream-failing');
    expect(r.facts.controllerLogDetail).toMatch(
      /^upstream timed out \(110: Operation timed out\) to http:\/\/10\.244\.1\.20[01]:8080\/$/,
    );
    expect(r.evidence.some((e) => e.value.includes('" 504 160 "-"'))).toBe(true);
  });

  it('without a controller it knows, it says it did not read and shows the command', async () => {
    const r = await healthy.check('ingress.controller-log', { ...params, controller: 'example.com/other' });
    expect(r.outcome).toBe('not-read');
    expect(r.evidence[0]?.value).toContain('kubectl logs');
  });
});
