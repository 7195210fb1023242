import { z } from 'zod';
import { namedNamespace } from '../../objects/core.js';
import { objectUid } from '../../generate/ids.js';
import type { KubeObject } from '../../types.js';
import { crashLoop, crashLoopEvents, crashLoopStatus } from '../cluster/support/pods.js';
import { defineFault } from '../types.js';
import { addControllerLines, tlsControllerLines } from './controllerFaults.js';
import { controllerLogTarget } from './controllerLog.js';
import { formerIPs, kubeProxyPod, staleRules } from './proxy.js';
import { appPods, needService, setReady, syncService, tlsSecret } from './support.js';
import type { Json } from '../../apiserver/json.js';

const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const app = { namespace: z.string().default('shop'), name: z.string().default('web') };

function withSpec(o: KubeObject, edit: (spec: Json) => Json): KubeObject {
  return { ...o, spec: edit(structuredClone(obj(o.spec))) };
}

export const serviceSelectorTypo = defineFault({
  id: 'service-selector-typo',
  title: "The Service's selector has a typo: it matches no pod",
  layer: 'pod',
  description:
    "Service `name`'s selector app=`value` (a typo of the pods' app label): its Endpoints have no subsets and its EndpointSlice no endpoints; the pods run Ready, unselected.",
  params: z.strictObject({ ...app, value: z.string().default('wbe') }),
  apply(ctx, p) {
    ctx.put(withSpec(needService(ctx, p), (s) => ({ ...s, selector: { app: p.value } })));
    syncService(ctx, p);
  },
});

/**
 * The pods run Ready and the Service selects them, but nothing wrote their
 * endpoints: kube-controller-manager (its EndpointSlice and Endpoints
 * controllers) was down or not leading when they came up. Pair it with a
 * controller-manager fault for the reason.
 */
export const endpointsNotWritten = defineFault({
  id: 'endpoints-not-written',
  title: "No EndpointSlice lists the app's Ready pods: the controllers never wrote them",
  layer: 'cluster',
  description:
    "Service `name`'s EndpointSlices and Endpoints are absent while its pods run Ready: the controllers in kube-controller-manager that write them were not running when the pods came up (pair with a controller-manager fault).",
  params: z.strictObject({ ...app }),
  apply(ctx, p) {
    needService(ctx, p);
    for (const slice of ctx
      .list('EndpointSlice', p.namespace)
      .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === p.name))
      ctx.remove('EndpointSlice', p.namespace, slice.metadata.name);
    ctx.remove('Endpoints', p.namespace, p.name);
  },
});

export const serviceTargetPortMismatch = defineFault({
  id: 'service-target-port-mismatch',
  title: "The Service's targetPort is not a port the pods serve",
  layer: 'pod',
  description:
    'Service `name` sends to targetPort `targetPort` (a number the container does not declare, or a name no container port has); the endpoints are listed, with that port or with none.',
  params: z.strictObject({ ...app, targetPort: z.union([z.number().int(), z.string()]).default(8081) }),
  apply(ctx, p) {
    ctx.put(
      withSpec(needService(ctx, p), (s) => ({
        ...s,
        ports: ((s.ports as Json[] | undefined) ?? []).map((x) => ({ ...x, targetPort: p.targetPort })),
      })),
    );
    syncService(ctx, p);
  },
});

export const servicePodsNotReady = defineFault({
  id: 'service-pods-not-ready',
  title: "The app's readiness probe fails: no pod is an endpoint",
  layer: 'pod',
  description:
    'Every pod of app `name` runs but is not Ready: its readiness probe gets HTTP 503 (kubelet Unhealthy events, unless `events` is false: expired); the EndpointSlice lists them as not ready, Endpoints under notReadyAddresses.',
  params: z.strictObject({ ...app, since: z.number().int().default(900), events: z.boolean().default(true) }),
  apply(ctx, p) {
    for (const pod of appPods(ctx, p)) {
      ctx.put(setReady(pod, false, ctx.at(`now-${p.since}s`)));
      const container = text(obj(((pod.spec as { containers?: Json[] }).containers ?? [])[0]).name) || p.name;
      if (p.events)
        ctx.event({
          about: pod,
          type: 'Warning',
          reason: 'Unhealthy',
          message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
          source: 'kubelet',
          host: text(obj(pod.spec).nodeName),
          count: Math.floor(p.since / 10),
          firstSeen: `now-${p.since}s`,
          lastSeen: 'now-4s',
        });
      if (p.events)
        ctx.log(p.namespace, pod.metadata.name, container, [
          `now-${p.since}s level=error msg="database connection failed: dial tcp 10.96.88.12:5432: connect: connection refused"`,
          'now-5s level=warn msg="health check failed: database unavailable" status=503',
        ]);
    }
    syncService(ctx, p);
  },
});

export const networkPolicyDefaultDeny = defineFault({
  id: 'network-policy-default-deny',
  title: 'A default-deny NetworkPolicy isolates the app and nothing allows the clients in',
  layer: 'network',
  description:
    "NetworkPolicy default-deny-ingress (podSelector {}, policyTypes [Ingress]) in `namespace`, plus, with `allowFrom`, one that allows only pods labelled app=`allowFrom` to the app: every other client's connection to the app's pods times out.",
  params: z.strictObject({ ...app, allowFrom: z.string().default('') }),
  apply(ctx, p) {
    ctx.put({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: 'default-deny-ingress',
        namespace: p.namespace,
        uid: objectUid('NetworkPolicy', p.namespace, 'default-deny-ingress'),
        generation: 1,
        creationTimestamp: ctx.at('now-25m'),
      },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    });
    if (p.allowFrom) {
      const name = `allow-${p.allowFrom}-to-${p.name}`;
      ctx.put({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: {
          name,
          namespace: p.namespace,
          uid: objectUid('NetworkPolicy', p.namespace, name),
          generation: 1,
          creationTimestamp: ctx.at('now-25m'),
        },
        spec: {
          podSelector: { matchLabels: { app: p.name } },
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [{ podSelector: { matchLabels: { app: p.allowFrom } } }],
              ports: [{ protocol: 'TCP', port: 'http' }],
            },
          ],
        },
      });
    }
  },
});

export const kubeProxyDown = defineFault({
  id: 'kube-proxy-down',
  title: 'kube-proxy crash-loops on one node; its rules there are stale',
  layer: 'node',
  description:
    "kube-proxy on `node` is in CrashLoopBackOff (exit 1: it cannot read its kubeconfig's server); since the app's pods were replaced after it died, that node's iptables-save still DNATs the app's ClusterIP to the pods' former addresses.",
  params: z.strictObject({ ...app, node: z.string().min(1) }),
  apply(ctx, p) {
    const pod = kubeProxyPod(ctx, p.node);
    const loop = crashLoop(40 * 60, 2);
    ctx.put(crashLoopStatus(ctx, pod, 'kube-proxy', loop, 1));
    crashLoopEvents(ctx, pod, 'kube-proxy', loop);
    ctx.log(
      'kube-system',
      pod.metadata.name,
      'kube-proxy',
      [
        'now-2m E1206 21:50:12.118430       1 server.go:1039] "Failed to retrieve node info" err="Get \\"https://10.0.0.10:6443/api/v1/nodes/' +
          p.node +
          '\\": dial tcp 10.0.0.10:6443: connect: connection refused"',
        'now-2m E1206 21:50:12.118502       1 run.go:72] "command failed" err="error getting node: Get \\"https://10.0.0.10:6443/api/v1/nodes/' +
          p.node +
          '\\": dial tcp 10.0.0.10:6443: connect: connection refused"',
      ],
      true,
    );
    staleRules(ctx, p.node, p, formerIPs(ctx, p));
  },
});

export const kubeProxyNotSyncing = defineFault({
  id: 'kube-proxy-not-syncing',
  title: 'kube-proxy runs on one node but stopped syncing its rules',
  layer: 'host',
  description:
    "kube-proxy on `node` is Running and Ready, but every sync fails (iptables-restore: the xtables lock is held); its iptables-save keeps the app's ClusterIP pointing at the pods' former addresses.",
  params: z.strictObject({ ...app, node: z.string().min(1) }),
  apply(ctx, p) {
    const pod = kubeProxyPod(ctx, p.node);
    ctx.log('kube-system', pod.metadata.name, 'kube-proxy', [
      'now-20m E1206 21:32:40.551203       1 proxier.go:1525] "Failed to execute iptables-restore" err="exit status 4: Another app is currently holding the xtables lock. Perhaps you want to use the -w option?"',
      'now-20m I1206 21:32:40.551290       1 proxier.go:810] "Sync failed" retryingTime="30s"',
      'now-30s E1206 21:52:10.030112       1 proxier.go:1525] "Failed to execute iptables-restore" err="exit status 4: Another app is currently holding the xtables lock. Perhaps you want to use the -w option?"',
    ]);
    staleRules(ctx, p.node, p, formerIPs(ctx, p));
  },
});

export const cniAgentDown = defineFault({
  id: 'cni-agent-down',
  title: 'The CNI agent (flannel) crash-loops on one node',
  layer: 'network',
  description:
    "Flannel's DaemonSet runs a pod on every node (namespace kube-flannel, app=flannel); the one on `node` is in CrashLoopBackOff (it cannot find its subnet lease). Pod traffic to and from that node is not carried.",
  params: z.strictObject({ node: z.string().min(1) }),
  apply(ctx, p) {
    if (!ctx.find('Namespace', undefined, 'kube-flannel'))
      ctx.put(namedNamespace('kube-flannel', objectUid('Namespace', undefined, 'kube-flannel'), ctx.at('now-90d')));
    for (const proxy of ctx.list('Pod', 'kube-system').filter((x) => x.metadata.labels?.['k8s-app'] === 'kube-proxy')) {
      const node = text(obj(proxy.spec).nodeName);
      const name = `kube-flannel-ds-${proxy.metadata.name.slice(-5)}`;
      const pod: KubeObject = {
        ...structuredClone(proxy),
        metadata: {
          name,
          namespace: 'kube-flannel',
          uid: objectUid('Pod', 'kube-flannel', name),
          creationTimestamp: proxy.metadata.creationTimestamp ?? ctx.at('now-90d'),
          labels: { app: 'flannel', 'k8s-app': 'flannel', tier: 'node' },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'DaemonSet',
              name: 'kube-flannel-ds',
              uid: objectUid('DaemonSet', 'kube-flannel', 'kube-flannel-ds'),
              controller: true,
            },
          ],
        },
      };
      const spec = obj(pod.spec);
      spec.containers = [{ name: 'kube-flannel', image: 'docker.io/flannel/flannel:v0.25.7' }];
      const status = obj(pod.status);
      status.containerStatuses = [
        {
          name: 'kube-flannel',
          image: 'docker.io/flannel/flannel:v0.25.7',
          imageID: '',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: ctx.at('now-30d') } },
        },
      ];
      if (node !== p.node) {
        ctx.put(pod);
        continue;
      }
      const loop = crashLoop(30 * 60, 3);
      ctx.put(crashLoopStatus(ctx, pod, 'kube-flannel', loop, 1));
      crashLoopEvents(ctx, pod, 'kube-flannel', loop);
      ctx.log(
        'kube-flannel',
        name,
        'kube-flannel',
        [
          'now-1m I1206 21:51:02.311512       1 main.go:212] CLI flags config: {etcdEndpoints:http://127.0.0.1:4001,http://127.0.0.1:2379 etcdPrefix:/coreos.com/network etcdKeyfile: etcdCertfile: etcdCAFile: etcdUsername: etcdPassword: version:false kubeSubnetMgr:true kubeApiUrl: kubeAnnotationPrefix:flannel.alpha.coreos.com kubeConfigFile: iface:[] ifaceRegex:[] ipMasq:true ifaceCanReach: subnetFile:/run/flannel/subnet.env publicIP: publicIPv6: subnetLeaseRenewMargin:60 healthzIP:0.0.0.0 healthzPort:0 iptablesResyncSeconds:5 iptablesForwardRules:true netConfPath:/etc/kube-flannel/net-conf.json setNodeNetworkUnavailable:true}',
          `now-1m E1206 21:51:02.402215       1 main.go:359] Error registering network: failed to acquire lease: node "${p.node}" pod cidr not assigned`,
        ],
        true,
      );
    }
  },
});

export const headlessPortDiffers = defineFault({
  id: 'service-headless-port-differs',
  title: 'The Service is headless, with a port that differs from its targetPort',
  layer: 'pod',
  description:
    "Service `name` has clusterIP None and port `port` → targetPort http (8080): its name resolves to the pods' IPs and clients calling `port` reach the pods where nothing listens.",
  params: z.strictObject({ ...app }),
  apply(ctx, p) {
    ctx.put(withSpec(needService(ctx, p), (s) => ({ ...s, clusterIP: 'None', clusterIPs: ['None'] })));
    syncService(ctx, p);
  },
});

export const ingressNoController = defineFault({
  id: 'ingress-class-no-controller',
  title: "The Ingress's class has no controller running",
  layer: 'cluster',
  description:
    'Ingress `name` names IngressClass `className`, which exists (controller k8s.io/ingress-nginx) but no ingress-nginx controller pod runs (its Deployment scaled to 0); the Ingress has no address.',
  params: z.strictObject({ ...app, className: z.string().default('nginx') }),
  apply(ctx, p) {
    for (const pod of ctx.list('Pod', 'ingress-nginx')) ctx.remove('Pod', 'ingress-nginx', pod.metadata.name);
    const ing = ctx.need('Ingress', p.namespace, p.name);
    ctx.put({ ...withSpec(ing, (s) => ({ ...s, ingressClassName: p.className })), status: { loadBalancer: {} } });
  },
});

export const ingressBackendPortWrong = defineFault({
  id: 'ingress-backend-port-wrong',
  title: "The Ingress's backend names a port the Service does not have",
  layer: 'cluster',
  description:
    'Ingress `name` sends its host to Service `name` port `port` (a number the Service lacks; the container port, say): ingress-nginx has no upstream and answers 503.',
  params: z.strictObject({ ...app, port: z.number().int().default(8080) }),
  apply(ctx, p) {
    const ing = ctx.need('Ingress', p.namespace, p.name);
    ctx.put(
      withSpec(ing, (s) => ({
        ...s,
        rules: ((s.rules as Json[] | undefined) ?? []).map((r) => ({
          ...r,
          http: {
            paths: ((obj(r.http).paths as Json[] | undefined) ?? []).map((x) => ({
              ...x,
              backend: { service: { name: p.name, port: { number: p.port } } },
            })),
          },
        })),
      })),
    );
  },
});

export const ingressTlsBroken = defineFault({
  id: 'ingress-tls-broken',
  title: "The Ingress's TLS Secret is missing, expired or for another host",
  layer: 'cluster',
  description:
    'The TLS Secret `secret` in `namespace` is `state`: missing (deleted), expired (its certificate ended `expiredDaysAgo` days ago) or wrong-host (its certificate names `otherHost`).',
  params: z.strictObject({
    namespace: z.string().default('shop'),
    secret: z.string().default('shop-tls'),
    host: z.string().default('shop.example.com'),
    state: z.enum(['missing', 'expired', 'wrong-host']),
    expiredDaysAgo: z.number().int().default(3),
    otherHost: z.string().default('staging.example.com'),
  }),
  apply(ctx, p) {
    if (controllerLogTarget(ctx)) addControllerLines(ctx, tlsControllerLines(ctx, p));
    if (p.state === 'missing') ctx.remove('Secret', p.namespace, p.secret);
    else if (p.state === 'expired')
      ctx.put(
        tlsSecret(ctx, p.namespace, p.secret, [p.host], new Date(ctx.now.getTime() - p.expiredDaysAgo * 86_400_000)),
      );
    else ctx.put(tlsSecret(ctx, p.namespace, p.secret, [p.otherHost], new Date(ctx.now.getTime() + 60 * 86_400_000)));
  },
});
