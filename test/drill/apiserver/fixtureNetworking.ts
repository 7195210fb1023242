import type { KubeObject } from '../../../src/drill/types.js';
import { gatewayApiCrds } from '../../../src/drill/apiserver/gatewayApiCrds.js';
import { controlPlaneFixture } from './controllersFixture.js';
import type { Fixture } from './fixture.js';

/**
 * Service `web` in shop over two pods (one Ready, one not), its
 * EndpointSlice as the controller last wrote it (web-2 not yet there), an
 * Ingress with TLS through the nginx IngressClass, a default-deny
 * NetworkPolicy and one that lets the ingress controller in, and the Gateway
 * API's GatewayClass, Gateway and HTTPRoute for the same host, served from
 * the Gateway API's CRDs as a cluster that installed them has them. On the
 * control-plane fixture, so the simulated controllers run.
 */

const ago = (now: Date, seconds: number): string =>
  new Date(now.getTime() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function webPod(now: Date, name: string, ip: string, ready: boolean): KubeObject {
  const status = ready ? 'True' : 'False';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      uid: `5d0c8e7a-1b2c-4d3e-8f40-${ip.replace(/\D/g, '').padStart(12, '0')}`,
      labels: { app: 'web' },
      creationTimestamp: ago(now, 3600),
    },
    spec: {
      nodeName: 'worker-1',
      containers: [
        { name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] },
      ],
    },
    status: {
      phase: 'Running',
      podIP: ip,
      hostIP: '10.0.0.21',
      conditions: [
        { type: 'Ready', status },
        { type: 'ContainersReady', status },
      ],
      containerStatuses: [
        {
          name: 'web',
          ready,
          restartCount: 0,
          image: 'nginx:1.27',
          imageID: '',
          started: true,
          state: { running: { startedAt: ago(now, 3500) } },
        },
      ],
    },
  };
}

export function networkingFixture(): Fixture {
  const fixture = controlPlaneFixture();
  const { now } = fixture;
  const created = ago(now, 2 * 3600);
  const svcUid = '8e2f1a3b-4c5d-4e6f-9a0b-1c2d3e4f5a6b';
  fixture.spec.objects.push(
    webPod(now, 'web-1', '10.244.1.31', true),
    webPod(now, 'web-2', '10.244.1.32', false),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop', uid: svcUid, creationTimestamp: created },
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.96.41.7',
        clusterIPs: ['10.96.41.7'],
        selector: { app: 'web' },
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }],
      },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'web-x7k2p',
        generateName: 'web-',
        namespace: 'shop',
        creationTimestamp: created,
        labels: {
          'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
          'kubernetes.io/service-name': 'web',
        },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svcUid, controller: true }],
      },
      addressType: 'IPv4',
      endpoints: [
        {
          addresses: ['10.244.1.31'],
          conditions: { ready: true, serving: true, terminating: false },
          nodeName: 'worker-1',
          targetRef: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
        },
      ],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: {
        name: 'nginx',
        creationTimestamp: ago(now, 30 * 86400),
        annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
      },
      spec: { controller: 'k8s.io/ingress-nginx' },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'shop', creationTimestamp: created },
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
        rules: [
          {
            host: 'shop.example.com',
            http: {
              paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }],
            },
          },
        ],
      },
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny-ingress', namespace: 'shop', creationTimestamp: ago(now, 600) },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-ingress-nginx', namespace: 'shop', creationTimestamp: ago(now, 600) },
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
            ports: [{ port: 'http' }],
          },
        ],
      },
    },
    ...gatewayApiCrds(ago(now, 60 * 86400)),
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: 'eg', creationTimestamp: ago(now, 30 * 86400) },
      spec: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' },
      status: {
        conditions: [
          {
            type: 'Accepted',
            status: 'True',
            reason: 'Accepted',
            message: 'Valid GatewayClass',
            lastTransitionTime: ago(now, 30 * 86400),
          },
        ],
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'eg', namespace: 'shop', creationTimestamp: created },
      spec: { gatewayClassName: 'eg', listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] },
      status: {
        addresses: [{ type: 'IPAddress', value: '192.0.2.20' }],
        conditions: [
          {
            type: 'Programmed',
            status: 'True',
            reason: 'Programmed',
            message: 'Address assigned to the Gateway, 1/1 envoy Deployment replicas available',
            lastTransitionTime: created,
          },
        ],
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web', namespace: 'shop', creationTimestamp: created },
      spec: {
        parentRefs: [{ name: 'eg' }],
        hostnames: ['shop.example.com'],
        rules: [{ backendRefs: [{ name: 'web', port: 80 }] }],
      },
    },
  );
  return fixture;
}
