import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

// The drill's probe pod answers by src/kube's rules: DNS names, the node's kube-proxy rules, NetworkPolicies, declared ports.
const generate = { controlPlanes: 1, workers: 2, podsPerWorker: 0, addons: true };
const allow = { allowMutations: true, timeoutMs: 40_000 };

describe('service.probe on the drill', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { generate, nodes: [] },
      faults: [{ fault: 'service-app' }, { fault: 'kube-proxy-not-syncing', node: 'worker-2' }],
    });
  });
  afterAll(() => t.close());

  it('from a node whose kube-proxy rules are stale: the pod answers, the ClusterIP does not; the probe pod is deleted', async () => {
    const r = await t.check(
      'service.probe',
      { namespace: 'shop', service: 'web', node: 'worker-2', timeoutSeconds: '30' },
      allow,
    );
    expect(r.outcome).toBe('clusterip-fails');
    expect(r.facts).toMatchObject({ probeNode: 'worker-2', failedLeg: 'clusterip', failure: 'timeout' });
    expect(r.evidence.map((e) => `${e.label}: ${e.value}`)).toEqual(
      expect.arrayContaining([
        'dns: web.shop.svc.cluster.local ok',
        'clusterip: 10.96.41.7:80 failed: timeout',
        'pod: 10.244.1.200:8080 ok',
      ]),
    );
    const left = await t.kube.listPods({ namespace: 'shop', labelSelector: 'plumbline.dev/probe=true' });
    expect(left.filter((p) => !p.metadata?.deletionTimestamp)).toEqual([]);
  });

  it('from a healthy node every leg answers, the ingress controller too', async () => {
    const r = await t.check(
      'service.probe',
      {
        namespace: 'shop',
        service: 'web',
        node: 'worker-1',
        timeoutSeconds: '30',
        host: 'shop.example.com',
        controllerNamespace: 'ingress-nginx',
      },
      allow,
    );
    expect(r.outcome).toBe('reaches');
    expect(r.evidence.map((e) => `${e.label}: ${e.value}`)).toContain('ingress: 10.96.180.20:80/shop.example.com ok');
  });

  it('read-only it does not run, says so and shows the command', async () => {
    const r = await t.check('service.probe', { namespace: 'shop', service: 'web' });
    expect(r.outcome).toBe('not-run');
    expect(r.summary).toContain('--allow-mutations');
    expect(r.evidence[0]?.value).toContain('kubectl run plumbline-probe-web -n shop');
  });
});

describe('service.network-policy and service.endpoints on the drill', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { generate, nodes: [] },
      faults: [{ fault: 'service-app' }, { fault: 'network-policy-default-deny', allowFrom: 'frontend' }],
    });
  });
  afterAll(() => t.close());

  it('names the default-deny policy and the client it stops; a frontend pod gets through', async () => {
    const denied = await t.check('service.network-policy', { namespace: 'shop', service: 'web' });
    expect(denied.outcome).toBe('denied');
    expect(denied.facts).toMatchObject({
      policyName: 'default-deny-ingress',
      deniedAt: 'ingress',
      policies: 'default-deny-ingress, allow-frontend-to-web',
    });
    expect(String(denied.facts.deniedBecause)).not.toContain('admits port');
    const allowed = await t.check('service.network-policy', {
      namespace: 'shop',
      service: 'web',
      fromLabels: 'app=frontend',
    });
    expect(allowed).toMatchObject({ outcome: 'allowed', facts: { allowedBy: 'allow-frontend-to-web' } });
  });

  it('the probe pod is stopped by the same policy: the pod leg times out', async () => {
    const r = await t.check(
      'service.probe',
      { namespace: 'shop', service: 'web', node: 'worker-1', timeoutSeconds: '30' },
      allow,
    );
    expect(r).toMatchObject({ outcome: 'pod-fails', facts: { failure: 'timeout' } });
  });

  it('lists the ready endpoints and their node', async () => {
    const r = await t.check('service.endpoints', { namespace: 'shop', service: 'web' });
    expect(r).toMatchObject({
      outcome: 'ready',
      facts: { readyEndpoints: 2, endpointNodes: 'worker-1', endpointIPs: '10.244.1.200,10.244.1.201' },
    });
  });
});

describe('service.probe through the ingress controller on the drill', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { generate, nodes: [] },
      faults: [{ fault: 'service-app' }, { fault: 'network-policy-namespace-only', logged: false }],
    });
  });
  afterAll(() => t.close());

  it('a policy that admits only the app namespace: the probe (in shop) gets through, the controller gets a 504', async () => {
    const r = await t.check(
      'service.probe',
      {
        namespace: 'shop',
        service: 'web',
        timeoutSeconds: '30',
        host: 'https://shop.example.com/',
        controllerNamespace: 'ingress-nginx',
      },
      allow,
    );
    expect(r).toMatchObject({
      outcome: 'ingress-fails',
      facts: { failedLeg: 'ingress', failure: 'HTTP 504', probeHost: 'shop.example.com' },
    });
  });

  it('a host no Ingress has: the controller answers 404', async () => {
    const r = await t.check(
      'service.probe',
      {
        namespace: 'shop',
        service: 'web',
        timeoutSeconds: '30',
        host: 'other.example.com',
        controllerNamespace: 'ingress-nginx',
      },
      allow,
    );
    expect(r).toMatchObject({ outcome: 'ingress-fails', facts: { failure: 'HTTP 404' } });
  });
});

describe("service.network-policy: a rule on the Service's nodePort (projectcalico/felix#2836, its manifests verbatim)", () => {
  let t: TestDrill;
  beforeAll(async () => {
    const file = join(import.meta.dirname, '../../../scenarios/real/ri-calico-netpol-nodeport-2836.yaml');
    const real = parse(readFileSync(file, 'utf8')) as { cluster: unknown; objects: unknown[] };
    t = await startTestDrill({ cluster: real.cluster, objects: real.objects } as Parameters<typeof startTestDrill>[0]);
  });
  afterAll(() => t.close());

  it('says the policy admits the nodePort 30644, which admits nothing: the pods listen on 8080', async () => {
    const r = await t.check('service.network-policy', { namespace: 'lzf', service: 'kubia1' });
    expect(r.outcome).toBe('denied');
    expect(r.facts.policyName).toBe('lzf-access');
    expect(String(r.facts.deniedBecause)).toContain(
      "lzf-access admits port 30644, which is kubia1's nodePort: a policy's port is the pods' port (8080)",
    );
  });
});

describe('service.probe: the command shown behind it', () => {
  it('can be run as printed: the addresses it tries are read by kubectl, no <placeholder> left', async () => {
    const { serviceProbe } = await import('../../../src/checks/service/probe.js');
    const command = serviceProbe.command(
      serviceProbe.params.parse({
        namespace: 'shop',
        service: 'web',
        host: 'shop.example.com',
        controllerNamespace: 'ingress-nginx',
      }),
    );
    expect(command).not.toMatch(/<[^>]+>/);
    expect(command).toContain(
      "nc -zv -w 3 $(kubectl get service web -n shop -o jsonpath='{.spec.clusterIP} {.spec.ports[0].port}')",
    );
    expect(command).toContain(
      "nc -zv -w 3 $(kubectl get endpointslices -n shop -l kubernetes.io/service-name=web -o jsonpath='{.items[0].endpoints[0].addresses[0]} {.items[0].ports[0].port}')",
    );
    expect(command).toContain("--header 'Host: shop.example.com' http://$(kubectl get service -n ingress-nginx");
  });
});

describe('service.probe where no node takes its pod', () => {
  let t: TestDrill;
  beforeAll(async () => {
    // One tainted control-plane node and no worker: the probe pod stays Pending.
    t = await startTestDrill({
      cluster: { generate: { controlPlanes: 1, workers: 0, podsPerWorker: 0, addons: true }, nodes: [] },
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'mynginx', namespace: 'default' },
          spec: {
            type: 'NodePort',
            clusterIP: '10.96.112.54',
            selector: { app: 'mynginx' },
            ports: [{ port: 80, targetPort: 80, nodePort: 31380 }],
          },
        },
      ],
    });
  });
  afterAll(() => t.close());

  it("says its pod could not be scheduled, with the scheduler's reason, instead of timing out", async () => {
    const r = await t.check('service.probe', { namespace: 'default', service: 'mynginx', timeoutSeconds: '20' }, allow);
    expect(r.outcome).toBe('error');
    expect(r.facts.errorKind).toBe('unschedulable');
    expect(r.summary).toContain('the probe pod could not be scheduled');
    expect(r.summary).toContain('untolerated taint');
  });
});
