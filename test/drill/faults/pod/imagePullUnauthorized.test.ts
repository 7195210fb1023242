import { describe, expect, it } from 'vitest';
import { faultDrill, hasKubectl, podName, rows } from './faultDrill.js';

describe('fault image-pull-unauthorized', () => {
  const d = faultDrill('image-pull-unauthorized', [
    { fault: 'image-pull-unauthorized' },
    {
      fault: 'image-pull-unauthorized',
      namespace: 'team',
      name: 'api',
      image: 'harbor.corp.example/team/api:2.3.1',
      style: 'denied',
      imagePullSecrets: ['harbor-robot'],
    },
  ]);

  it('pod.image-pull says the registry refused the credentials on a 401, and cannot tell a missing from a private repository on "pull access denied"', async () => {
    const billing = await podName(d, 'shop', 'app=billing');
    const pull = await d.t.check('pod.image-pull', { namespace: 'shop', name: billing });
    expect(pull.outcome).toBe('unauthorized');
    expect(pull.facts).toMatchObject({ registry: 'registry.example.com', imagePullSecrets: '' });
    expect(String(pull.facts.pullError)).toContain('failed to authorize: failed to fetch anonymous token');
    expect(pull.summary).toContain('the pod has no imagePullSecrets');
    const api = await podName(d, 'team', 'app=api');
    const denied = await d.t.check('pod.image-pull', { namespace: 'team', name: api });
    expect(denied.outcome).toBe('missing-or-private');
    expect(denied.facts).toMatchObject({ registry: 'harbor.corp.example', imagePullSecrets: 'harbor-robot' });
    expect(String(denied.facts.pullError)).toContain('insufficient_scope: authorization failed');
  });

  it.runIf(hasKubectl)('kubectl shows ImagePullBackOff and the 401 in the events', async () => {
    const name = await podName(d, 'shop', 'app=billing');
    const row = rows((await d.kubectl('get', 'pod', name, '-n', 'shop')).stdout)[0];
    expect(row).toMatchObject({ READY: '0/1', STATUS: 'ImagePullBackOff' });
    const out = (await d.kubectl('describe', 'pod', name, '-n', 'shop')).stdout;
    expect(out).toMatch(
      /Warning\s+Failed\s+.*kubelet\s+Failed to pull image "registry\.example\.com\/shop\/billing:4\.0\.0": rpc error: code = Unknown desc = failed to pull and unpack image "registry\.example\.com\/shop\/billing:4\.0\.0": failed to resolve reference "registry\.example\.com\/shop\/billing:4\.0\.0": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https:\/\/registry\.example\.com\/service\/token\?scope=repository%3Ashop%2Fbilling%3Apull&service=harbor-registry: 401 Unauthorized/,
    );
    const api = await podName(d, 'team', 'app=api');
    expect(
      (await d.kubectl('get', 'pod', api, '-n', 'team', '-o', 'jsonpath={.spec.imagePullSecrets[*].name}')).stdout,
    ).toBe('harbor-robot');
  });
});
