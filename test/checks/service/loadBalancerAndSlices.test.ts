import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

// The Service row of https://github.com/jenkins-x/jx/issues/8367 ("nginx ingress-nginx-controller LoadBalancer
// 10.106.184.250 <pending> 80:30411/TCP,443:30279/TCP 8m2s"), its controller pod Ready; once with its
// EndpointSlice and once without, as a cluster whose EndpointSlice controller wrote none.
const labels = { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' };
const svc = (name: string, created: string, status: Record<string, unknown> = { loadBalancer: {} }) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'nginx', creationTimestamp: created, labels },
  spec: {
    type: 'LoadBalancer',
    clusterIP: name === 'ingress-nginx-controller' ? '10.106.184.250' : '10.106.184.251',
    selector: labels,
    ports: [
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 80, nodePort: 30411 },
      { name: 'https', port: 443, protocol: 'TCP', targetPort: 443, nodePort: 30279 },
    ],
  },
  status,
});
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'ingress-nginx-controller-6b8d4f7c9-tx5mz',
    namespace: 'nginx',
    labels,
    creationTimestamp: 'now-8m',
  },
  spec: {
    nodeName: 'worker-1',
    containers: [
      {
        name: 'controller',
        image: 'registry.k8s.io/ingress-nginx/controller:v1.3.1',
        ports: [{ containerPort: 80 }, { containerPort: 443 }],
      },
    ],
  },
  status: {
    phase: 'Running',
    podIP: '10.244.1.12',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [
      {
        name: 'controller',
        image: 'x',
        imageID: '',
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: 'now-8m' } },
      },
    ],
  },
};
const slice = {
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: {
    name: 'ingress-nginx-controller-w7k9p',
    namespace: 'nginx',
    labels: { 'kubernetes.io/service-name': 'ingress-nginx-controller' },
  },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['10.244.1.12'], conditions: { ready: true }, nodeName: 'worker-1' }],
  ports: [{ port: 80, protocol: 'TCP', name: 'http' }],
};

describe('a LoadBalancer Service nothing gives an address, and Ready pods no slice lists', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { nodes: [{ name: 'worker-1' }] } as never,
      objects: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'nginx' } },
        svc('ingress-nginx-controller', 'now-8m2s'),
        svc('fresh', 'now-1m'),
        svc('served', 'now-8m', { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } }),
        svc('test1', 'now-10m'),
        // cluster-api-provider-aws#1008: the service controller's warning, verbatim.
        {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: 'test1.15ba8c0f3e2d1a90', namespace: 'nginx' },
          involvedObject: { apiVersion: 'v1', kind: 'Service', name: 'test1', namespace: 'nginx' },
          reason: 'CreatingLoadBalancerFailed',
          message:
            'Error creating load balancer (will retry): failed to ensure load balancer for service default/test1: could not find any suitable subnets for creating the ELB',
          source: { component: 'service-controller' },
          firstTimestamp: 'now-10m',
          lastTimestamp: 'now-1m',
          count: 6,
          type: 'Warning',
        },
        pod,
        slice,
      ] as never,
    });
  });
  afterAll(() => t.close());

  it('lb-pending after the grace period, with how long; ok while a load balancer may still be coming, and once it has an address', async () => {
    const r = await t.check('service.spec', { namespace: 'nginx', service: 'ingress-nginx-controller' });
    expect(r.outcome).toBe('lb-pending');
    expect(r.facts).toMatchObject({ pendingFor: '8m2s', serviceType: 'LoadBalancer', clusterIP: '10.106.184.250' });
    expect(r.summary).toBe(
      'ingress-nginx-controller is a LoadBalancer Service with no external address after 8m2s (EXTERNAL-IP pending); inside the cluster it answers on 10.106.184.250, ports http 80→80/TCP, https 443→443/TCP',
    );
    expect(r.facts).toMatchObject({ lbEventsRead: true });
    expect(r.facts.lbEvent).toBeUndefined();
    expect((await t.check('service.spec', { namespace: 'nginx', service: 'fresh' })).outcome).toBe('ok');
    expect((await t.check('service.spec', { namespace: 'nginx', service: 'served' })).outcome).toBe('ok');
  });

  it("lb-pending quotes the Service's newest warning: what the controller that should give the address says", async () => {
    const r = await t.check('service.spec', { namespace: 'nginx', service: 'test1' });
    expect(r.outcome).toBe('lb-pending');
    expect(r.facts.lbEvent).toBe(
      'CreatingLoadBalancerFailed: Error creating load balancer (will retry): failed to ensure load balancer for service default/test1: could not find any suitable subnets for creating the ELB',
    );
    expect(r.summary).toContain(
      "; the Service's last warning: CreatingLoadBalancerFailed: Error creating load balancer",
    );
  });

  it('Ready pods that no EndpointSlice lists are not "not Ready": ready-pods-unlisted', async () => {
    expect(
      (await t.check('service.endpoints', { namespace: 'nginx', service: 'ingress-nginx-controller' })).outcome,
    ).toBe('ready');
    const r = await t.check('service.endpoints', { namespace: 'nginx', service: 'served' });
    expect(r.outcome).toBe('ready-pods-unlisted');
    expect(r.facts).toMatchObject({ readyPod: 'ingress-nginx-controller-6b8d4f7c9-tx5mz', readyPods: 1 });
    expect(r.summary).toContain('though 1 matching pod(s) are Ready');
  });
});
