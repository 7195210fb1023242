import { z } from 'zod';
import { objectUid, safeSuffix } from '../../generate/ids.js';
import { defaultTolerations, runningPod } from '../../generate/pods.js';
import type { ContainerInput, LayoutNode } from '../../generate/pods.js';
import { podTemplate } from '../../generate/controllers.js';
import { rolledOutDeployment } from '../../objects/apps.js';
import type { KubeObject } from '../../types.js';
import { namedNamespace, service } from '../../objects/core.js';
import { defineFault } from '../types.js';
import type { FaultContext } from '../types.js';
import { controllerLogTarget, healthyControllerLog } from './controllerLog.js';
import { syncService, tlsSecret } from './support.js';
import type { Json } from '../../apiserver/json.js';

const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

const params = z.object({
  namespace: z.string().default('shop'),
  name: z.string().default('web'),
  replicas: z.number().int().min(1).max(20).default(2),
  /** The nodes the pods run on, in turn (default: the first worker). */
  nodes: z.array(z.string()).default([]),
  clusterIP: z.string().default('10.96.41.7'),
  port: z.number().int().default(80),
  containerPort: z.number().int().default(8080),
  /** The Ingress host; empty: no Ingress, IngressClass or controller. */
  host: z.string().default('shop.example.com'),
  /** The Ingress's TLS Secret name; empty: no TLS. */
  tlsSecret: z.string().default('shop-tls'),
  /** The ingress-nginx controller Service's ClusterIP. */
  controllerIP: z.string().default('10.96.180.20'),
});
type Params = z.infer<typeof params>;

function layoutOf(ctx: FaultContext, name: string): LayoutNode {
  const nodes = ctx.list('Node');
  const index = nodes.findIndex((n) => n.metadata.name === name);
  const node = nodes[index] ?? ctx.fail(`the cluster has no node ${name}`);
  const ip = ((obj(node.status).addresses as Json[] | undefined) ?? []).find((a) => a.type === 'InternalIP')?.address;
  const role =
    node.metadata.labels?.['node-role.kubernetes.io/control-plane'] !== undefined ? 'control-plane' : 'worker';
  return { name, role, ip: typeof ip === 'string' ? ip : '10.0.0.1', heartbeatAgeSeconds: 0, index };
}

/** A pod address in the node's pod CIDR, clear of the ones generation hands out from the bottom. */
function podIP(ctx: FaultContext, node: string, n: number): string {
  const given = obj(ctx.find('Node', undefined, node)?.spec).podCIDR;
  const cidr = typeof given === 'string' ? given : '10.244.1.0/24';
  const base = cidr.split('/')[0]?.split('.') ?? ['10', '244', '1', '0'];
  return `${base[0]}.${base[1]}.${base[2]}.${200 + n}`;
}

export function appLabels(p: Pick<Params, 'name'>): Record<string, string> {
  return { app: p.name, 'app.kubernetes.io/part-of': p.name };
}

/** The app's one container, as its pods and its Deployment's template both hold it. */
function appContainer(p: Params): ContainerInput {
  return {
    name: p.name,
    image: `registry.example.com/${p.namespace}/${p.name}:2.4.1`,
    ports: [{ name: 'http', containerPort: p.containerPort, protocol: 'TCP' }],
    readinessProbe: {
      httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
  };
}

function appPod(ctx: FaultContext, p: Params, node: string, i: number, hash: string, rsName: string): KubeObject {
  const name = `${rsName}-${safeSuffix(`${p.namespace}/${p.name}/${i}`, 5)}`;
  return runningPod({
    namespace: p.namespace,
    name,
    node: layoutOf(ctx, node),
    podIP: podIP(ctx, node, i),
    labels: { ...appLabels(p), 'pod-template-hash': hash },
    owner: {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: rsName,
      uid: objectUid('ReplicaSet', p.namespace, rsName),
      controller: true,
    },
    containers: [appContainer(p)],
    created: ctx.at('now-3d'),
    started: ctx.at('now-3d'),
    serviceAccountName: 'default',
    tolerations: defaultTolerations,
    qosClass: 'Burstable',
  });
}

/**
 * The app a Service fault breaks: Deployment `name` in `namespace` with its
 * ReplicaSet and Ready pods (named port http), a ClusterIP Service selecting
 * them (port → targetPort http) with Endpoints and EndpointSlices as the
 * controllers write them, and, with a host, an Ingress through the nginx
 * IngressClass, the ingress-nginx controller's pod and a valid TLS Secret.
 */
export const serviceApp = defineFault({
  id: 'service-app',
  title: 'A healthy web app behind a Service and an Ingress (the frame service faults break)',
  layer: 'pod',
  description:
    'Adds Deployment `name` (ReplicaSet, `replicas` Ready pods on `nodes`, container port http=`containerPort`), a ClusterIP Service on `clusterIP`:`port` → http with its Endpoints and EndpointSlice, and with `host` an Ingress (class nginx, TLS Secret `tlsSecret` valid for 60 more days), the nginx IngressClass and a Running ingress-nginx controller pod. Nothing is wrong until another fault breaks it.',
  params,
  apply(ctx, p) {
    const workers = ctx
      .list('Node')
      .filter((n) => n.metadata.labels?.['node-role.kubernetes.io/control-plane'] === undefined)
      .map((n) => n.metadata.name);
    const nodes = p.nodes.length > 0 ? p.nodes : workers.slice(0, 1);
    if (nodes.length === 0) ctx.fail('service-app needs a worker node');
    if (!ctx.find('Namespace', undefined, p.namespace))
      ctx.put(namedNamespace(p.namespace, objectUid('Namespace', undefined, p.namespace), ctx.at('now-30d')));
    const hash = safeSuffix(`${p.namespace}/${p.name}/template`, 10);
    const rsName = `${p.name}-${hash}`;
    const labels = appLabels(p);
    const { deployment, replicaSet } = rolledOutDeployment({
      namespace: p.namespace,
      name: p.name,
      labels,
      selector: labels,
      hash,
      template: (l) => podTemplate({ labels: l, containers: [appContainer(p)], serviceAccountName: 'default' }, l),
      created: ctx.at('now-30d'),
      replicaSetCreated: ctx.at('now-3d'),
      progressed: ctx.at('now-3d'),
      replicas: p.replicas,
      ready: p.replicas,
    });
    ctx.put(deployment);
    ctx.put(replicaSet);
    for (let i = 0; i < p.replicas; i++) ctx.put(appPod(ctx, p, nodes[i % nodes.length] ?? '', i, hash, rsName));
    ctx.put(
      service(
        {
          name: p.name,
          namespace: p.namespace,
          uid: objectUid('Service', p.namespace, p.name),
          creationTimestamp: ctx.at('now-30d'),
          labels,
        },
        {
          type: 'ClusterIP',
          clusterIP: p.clusterIP,
          clusterIPs: [p.clusterIP],
          ipFamilies: ['IPv4'],
          ipFamilyPolicy: 'SingleStack',
          internalTrafficPolicy: 'Cluster',
          sessionAffinity: 'None',
          selector: { app: p.name },
          ports: [{ name: 'http', port: p.port, protocol: 'TCP', targetPort: 'http' }],
        },
      ),
    );
    syncService(ctx, p);
    if (!p.host) return;
    ctx.put({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: {
        name: 'nginx',
        uid: objectUid('IngressClass', undefined, 'nginx'),
        creationTimestamp: ctx.at('now-90d'),
        annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
      },
      spec: { controller: 'k8s.io/ingress-nginx' },
    });
    const ctrlNode = workers[workers.length - 1] ?? nodes[0] ?? '';
    if (!ctx.find('Namespace', undefined, 'ingress-nginx'))
      ctx.put(namedNamespace('ingress-nginx', objectUid('Namespace', undefined, 'ingress-nginx'), ctx.at('now-90d')));
    const ctrlLabels = {
      'app.kubernetes.io/name': 'ingress-nginx',
      'app.kubernetes.io/component': 'controller',
      'app.kubernetes.io/instance': 'ingress-nginx',
    };
    ctx.put(
      runningPod({
        namespace: 'ingress-nginx',
        name: `ingress-nginx-controller-${safeSuffix('ingress-nginx/rs', 10)}-${safeSuffix('ingress-nginx/pod', 5)}`,
        node: layoutOf(ctx, ctrlNode),
        podIP: podIP(ctx, ctrlNode, 50),
        labels: ctrlLabels,
        containers: [
          {
            name: 'controller',
            image: 'registry.k8s.io/ingress-nginx/controller:v1.11.3',
            ports: [
              { name: 'http', containerPort: 80, protocol: 'TCP' },
              { name: 'https', containerPort: 443, protocol: 'TCP' },
            ],
          },
        ],
        created: ctx.at('now-90d'),
        started: ctx.at('now-90d'),
        serviceAccountName: 'ingress-nginx',
        tolerations: defaultTolerations,
        qosClass: 'Burstable',
      }),
    );
    // The controller's own Service: what outside traffic (and the probe's Ingress leg) connects to.
    ctx.put(
      service(
        {
          name: 'ingress-nginx-controller',
          namespace: 'ingress-nginx',
          uid: objectUid('Service', 'ingress-nginx', 'ingress-nginx-controller'),
          creationTimestamp: ctx.at('now-90d'),
          labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
        },
        {
          type: 'LoadBalancer',
          clusterIP: p.controllerIP,
          clusterIPs: [p.controllerIP],
          ipFamilies: ['IPv4'],
          ipFamilyPolicy: 'SingleStack',
          externalTrafficPolicy: 'Local',
          internalTrafficPolicy: 'Cluster',
          sessionAffinity: 'None',
          selector: {
            'app.kubernetes.io/name': 'ingress-nginx',
            'app.kubernetes.io/component': 'controller',
            'app.kubernetes.io/instance': 'ingress-nginx',
          },
          ports: [
            { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http', nodePort: 31080, appProtocol: 'http' },
            { name: 'https', port: 443, protocol: 'TCP', targetPort: 'https', nodePort: 31443, appProtocol: 'https' },
          ],
        },
        { loadBalancer: { ingress: [{ ip: '192.0.2.10', ipMode: 'VIP' }] } },
      ),
    );
    syncService(ctx, { namespace: 'ingress-nginx', name: 'ingress-nginx-controller' });
    const ctrl = controllerLogTarget(ctx);
    const endpoints = ctx
      .list('Pod', p.namespace)
      .filter((x) => x.metadata.labels?.['app.kubernetes.io/part-of'] === p.name)
      .map((x) => `${String(obj(x.status).podIP)}:${p.containerPort}`);
    if (ctrl)
      ctx.log(
        'ingress-nginx',
        ctrl.pod,
        ctrl.container,
        healthyControllerLog(ctx, {
          namespace: p.namespace,
          service: p.name,
          port: 'http',
          host: p.host,
          endpoints,
          client: '192.0.2.44',
        }),
      );
    ctx.put({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: p.name,
        namespace: p.namespace,
        uid: objectUid('Ingress', p.namespace, p.name),
        generation: 1,
        creationTimestamp: ctx.at('now-30d'),
      },
      spec: {
        ingressClassName: 'nginx',
        ...(p.tlsSecret ? { tls: [{ hosts: [p.host], secretName: p.tlsSecret }] } : {}),
        rules: [
          {
            host: p.host,
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: { service: { name: p.name, port: { name: 'http' } } } },
              ],
            },
          },
        ],
      },
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } },
    });
    if (p.tlsSecret)
      ctx.put(tlsSecret(ctx, p.namespace, p.tlsSecret, [p.host], new Date(ctx.now.getTime() + 60 * 86_400_000)));
  },
});
