import { CustomObjectsApi, DiscoveryV1Api, KubeConfig, NetworkingV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/drill/types.js';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../../helpers/kubectl.js';
import type { KubectlResult } from '../../helpers/kubectl.js';
import { eventually } from './controllersFixture.js';
import { networkingFixture } from './fixtureNetworking.js';
import { startHarness } from './harness.js';
import type { Harness } from './harness.js';

warnIfKubectlMissing('drill API server serving EndpointSlices, Ingresses, NetworkPolicies and the Gateway API');

let h: Harness;
beforeAll(async () => {
  h = await startHarness(networkingFixture(), { simulationStepMs: 40, podTerminationMs: 40 });
});
afterAll(() => h.close());

/** The CRDs' creationTimestamp as `kubectl get crd` prints it (RFC 3339, UTC). */
const crdCreated = (): string => {
  const crd = h.server.store.get(
    'customresourcedefinitions.apiextensions.k8s.io',
    undefined,
    'gateways.gateway.networking.k8s.io',
  ) as KubeObject;
  return crd.metadata.creationTimestamp ?? '';
};

const kc = (): KubeConfig => {
  const k = new KubeConfig();
  k.loadFromString(h.kubeconfig);
  return k;
};

describe.skipIf(!kubectlAvailable())('kubectl on the new kinds', () => {
  const kubectl = (...args: string[]): Promise<KubectlResult> => runKubectl(h.kubeconfigPath, args);

  it('get endpointslices,ingress,netpol,gateway,httproute prints the columns a 1.31 cluster with Gateway API v1 CRDs prints', async () => {
    const r = await kubectl('get', 'endpointslices,ingress,netpol,gateway,httproute', '-n', 'shop');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'NAME                                       ADDRESSTYPE   PORTS   ENDPOINTS     AGE',
        'endpointslice.discovery.k8s.io/web-x7k2p   IPv4          8080    10.244.1.31   120m',
        '',
        'NAME                            CLASS   HOSTS              ADDRESS      PORTS     AGE',
        'ingress.networking.k8s.io/web   nginx   shop.example.com   192.0.2.10   80, 443   120m',
        '',
        'NAME                                                   POD-SELECTOR   AGE',
        'networkpolicy.networking.k8s.io/allow-ingress-nginx    app=web        10m',
        'networkpolicy.networking.k8s.io/default-deny-ingress   <none>         10m',
        '',
        'NAME                                   CLASS   ADDRESS      PROGRAMMED   AGE',
        'gateway.gateway.networking.k8s.io/eg   eg      192.0.2.20   True         120m',
        '',
        'NAME                                      HOSTNAMES              AGE',
        'httproute.gateway.networking.k8s.io/web   ["shop.example.com"]   120m',
        '',
      ].join('\n'),
    );
  });

  it('get ingressclass,gatewayclass: the cluster-scoped classes', async () => {
    const r = await kubectl('get', 'ingressclass,gatewayclass');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'NAME                                   CONTROLLER             PARAMETERS   AGE',
        'ingressclass.networking.k8s.io/nginx   k8s.io/ingress-nginx   <none>       30d',
        '',
        'NAME                                        CONTROLLER                                      ACCEPTED   AGE',
        'gatewayclass.gateway.networking.k8s.io/eg   gateway.envoyproxy.io/gatewayclass-controller   True       30d',
        '',
      ].join('\n'),
    );
  });

  it('get crd lists the Gateway API CRDs that serve gateway, httproute and gatewayclass', async () => {
    const r = await kubectl('get', 'crd');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'NAME                                       CREATED AT',
        `gatewayclasses.gateway.networking.k8s.io   ${crdCreated()}`,
        `gateways.gateway.networking.k8s.io         ${crdCreated()}`,
        `httproutes.gateway.networking.k8s.io       ${crdCreated()}`,
        '',
      ].join('\n'),
    );
    const columns = await kubectl(
      'get',
      'crd',
      'gateways.gateway.networking.k8s.io',
      '-o',
      'jsonpath={.spec.versions[0].additionalPrinterColumns[*].name}',
    );
    expect(columns.stdout).toBe('Class Address Programmed Age');
    const wide = await kubectl('get', 'gatewayclass', '-o', 'wide');
    expect(wide.stdout.split('\n')[0]).toBe(
      'NAME   CONTROLLER                                      ACCEPTED   AGE   DESCRIPTION',
    );
  });

  it('api-resources lists the short names kubectl users type (ing, netpol, gtw, gc)', async () => {
    const r = await kubectl('api-resources', '--api-group=networking.k8s.io');
    expect(r.stdout).toContain('ingresses         ing          networking.k8s.io/v1   true         Ingress');
    expect(r.stdout).toContain('networkpolicies   netpol       networking.k8s.io/v1   true         NetworkPolicy');
    const g = await kubectl('get', 'gateway-api', '-n', 'shop', '-o', 'name');
    expect(g.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'gateway.gateway.networking.k8s.io/eg',
      'gatewayclass.gateway.networking.k8s.io/eg',
      'httproute.gateway.networking.k8s.io/web',
    ]);
  });
});

describe('client-node reads the new kinds', () => {
  it('NetworkingV1Api, DiscoveryV1Api and CustomObjectsApi', async () => {
    const net = kc().makeApiClient(NetworkingV1Api);
    const ing = await net.readNamespacedIngress({ namespace: 'shop', name: 'web' });
    expect(ing.spec?.rules?.[0]?.http?.paths[0]?.backend.service?.port?.name).toBe('http');
    const pols = await net.listNamespacedNetworkPolicy({ namespace: 'shop' });
    expect(pols.items.map((p) => p.metadata?.name)).toEqual(['allow-ingress-nginx', 'default-deny-ingress']);
    const classes = await net.listIngressClass();
    expect(classes.items.map((c) => c.spec?.controller)).toEqual(['k8s.io/ingress-nginx']);
    const slices = await kc()
      .makeApiClient(DiscoveryV1Api)
      .listNamespacedEndpointSlice({ namespace: 'shop', labelSelector: 'kubernetes.io/service-name=web' });
    expect(slices.items).toHaveLength(1);
    const route = (await kc().makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      namespace: 'shop',
      plural: 'httproutes',
      name: 'web',
    })) as KubeObject;
    expect((route.spec as { hostnames: string[] }).hostnames).toEqual(['shop.example.com']);
  });
});

describe('the simulated EndpointSlice controller keeps slices in step with pod readiness', () => {
  it('a pod turning Ready joins the slice as ready; a pod whose label goes leaves it', async () => {
    const discovery = kc().makeApiClient(DiscoveryV1Api);
    const pod = h.server.store.get('pods', 'shop', 'web-2') as KubeObject;
    const status = pod.status as { conditions: { type: string; status: string }[] };
    h.server.store.put('pods', {
      ...pod,
      status: { ...status, conditions: status.conditions.map((c) => ({ ...c, status: 'True' })) },
    });
    const both = await eventually(async () => {
      const s = (
        await discovery.listNamespacedEndpointSlice({
          namespace: 'shop',
          labelSelector: 'kubernetes.io/service-name=web',
        })
      ).items[0];
      return s?.endpoints?.length === 2 ? s : undefined;
    }, 'web-2 in the slice');
    expect((both.endpoints ?? []).map((e) => [e.addresses[0], e.conditions?.ready])).toEqual([
      ['10.244.1.31', true],
      ['10.244.1.32', true],
    ]);
    expect(both.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);

    const ready = h.server.store.get('pods', 'shop', 'web-2') as KubeObject;
    h.server.store.put('pods', { ...ready, metadata: { ...ready.metadata, labels: { app: 'web-canary' } } });
    const one = await eventually(async () => {
      const s = (
        await discovery.listNamespacedEndpointSlice({
          namespace: 'shop',
          labelSelector: 'kubernetes.io/service-name=web',
        })
      ).items[0];
      return s?.endpoints?.length === 1 ? s : undefined;
    }, 'web-2 out of the slice');
    expect(one.endpoints?.[0]?.targetRef?.name).toBe('web-1');
  });

  it('a Service whose named targetPort no pod declares gets endpoints without ports (PORTS <unset>), and no Endpoints subsets', async () => {
    const svc = h.server.store.get('services', 'shop', 'web') as KubeObject;
    const spec = svc.spec as { ports: Record<string, unknown>[] };
    h.server.store.put('services', {
      ...svc,
      spec: { ...spec, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'web' }] },
    });
    await eventually(() => {
      const ep = h.server.store.get('endpoints', 'shop', 'web');
      return ep && !ep.subsets ? ep : undefined;
    }, 'Endpoints without subsets');
    if (kubectlAvailable()) {
      const r = await runKubectl(h.kubeconfigPath, [
        'get',
        'endpointslices',
        '-n',
        'shop',
        '-l',
        'kubernetes.io/service-name=web',
        '--no-headers',
      ]);
      expect(r.stdout).toMatch(/^web-x7k2p\s+IPv4\s+<unset>\s+10\.244\.1\.31\s+/);
    }
  });
});
