import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../types.js';
import type { Typed } from '../objects/meta.js';
import { namedNamespace } from '../objects/core.js';
import type { GenContext } from './context.js';
import { configMap, kubeVersion } from './context.js';
import { daemonSetObject, daemonSetPodLabels, deploymentFor, deploymentObjects } from './controllers.js';
import type { DaemonSetInput, DeploymentInput } from './controllers.js';
import { controllerRef, objectUid, uidFor } from './ids.js';
import { DaemonSetPods } from './daemonSetPods.js';
import { daemonSetTolerations, runningPod } from './pods.js';
import type { LayoutNode } from './pods.js';
import { endpointObjects, serviceObject } from './services.js';
import type { ServiceInput } from './services.js';

/** The Corefile `kubeadm init` writes (v1.31; later releases add a `cache` block). */
export const kubeadmCorefile = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

const kubeProxyKubeconfig = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: https://{{endpoint}}:6443
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token`;

const kubeProxyConfig = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: ""
  burst: 0
  contentType: ""
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: 10.64.0.0/10
configSyncPeriod: 0s
conntrack:
  maxPerCore: null
  min: null
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
detectLocalMode: ""
enableProfiling: false
healthzBindAddress: ""
hostnameOverride: ""
iptables:
  localhostNodePorts: null
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
kind: KubeProxyConfiguration
metricsBindAddress: ""
mode: ""
nodePortAddresses: null
oomScoreAdj: null
portRange: ""
showHiddenMetricsForAlphaFeatures: false
winkernel:
  enableDSR: false
  forwardHealthCheckVip: false
  networkName: ""
  rootHnsEndpointName: ""
  sourceVip: ""`;

function kubeProxy(ctx: GenContext): void {
  const { t, out, nodes } = ctx;
  const ds: DaemonSetInput = {
    namespace: 'kube-system',
    name: 'kube-proxy',
    labels: { 'k8s-app': 'kube-proxy' },
    revisionHash: '6c9f7d5d8b',
    created: t.cluster,
    template: {
      labels: { 'k8s-app': 'kube-proxy' },
      serviceAccountName: 'kube-proxy',
      priorityClassName: 'system-node-critical',
      hostNetwork: true,
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { operator: 'Exists' }],
      volumes: [
        { name: 'kube-proxy', configMap: { name: 'kube-proxy', defaultMode: 420 } },
        { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
        { name: 'lib-modules', hostPath: { path: '/lib/modules', type: '' } },
      ],
      containers: [
        {
          name: 'kube-proxy',
          image: `registry.k8s.io/kube-proxy:${kubeVersion}`,
          command: [
            '/usr/local/bin/kube-proxy',
            '--config=/var/lib/kube-proxy/config.conf',
            '--hostname-override=$(NODE_NAME)',
          ],
          env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }],
          securityContext: { privileged: true },
          volumeMounts: [
            { name: 'kube-proxy', mountPath: '/var/lib/kube-proxy' },
            { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
            { name: 'lib-modules', readOnly: true, mountPath: '/lib/modules' },
          ],
        },
      ],
    },
  };
  const podLabels = daemonSetPodLabels(ds);
  const owner = controllerRef('apps/v1', 'DaemonSet', ds.namespace, ds.name);
  const tolerations = daemonSetTolerations(ds.template.tolerations ?? [], true);
  const proxies = new DaemonSetPods({
    namespace: 'kube-system',
    names: nodes.map((n) => `kube-proxy-${kubeProxySuffix(n.name)}`),
    nodes,
    labels: podLabels,
    owner,
    created: t.cluster,
    serviceAccountName: 'kube-proxy',
    hostNetwork: true,
    pod: (n, name) => ({
      namespace: 'kube-system',
      name,
      node: n,
      podIP: n.ip,
      labels: podLabels,
      owner,
      containers: ds.template.containers,
      created: t.cluster,
      started: t.clusterStarted,
      serviceAccountName: 'kube-proxy',
      volumes: ds.template.volumes,
      tolerations,
      priorityClassName: 'system-node-critical',
      priority: 2000001000,
      hostNetwork: true,
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      qosClass: 'BestEffort',
    }),
  });
  // Every generated kube-proxy pod is Running and Ready: the DaemonSet's status counts them from their probes.
  out.push(
    daemonSetObject(
      ds,
      nodes.length,
      Array.from({ length: proxies.size }, (_, i) => proxies.probe(i)),
    ),
  );
  ctx.virtual.push(proxies);
  const endpoint = nodes.find((n) => n.role === 'control-plane')?.ip ?? nodes[0]?.ip ?? '10.0.0.11';
  out.push(
    configMap(
      'kube-system',
      'kube-proxy',
      t.cluster,
      { 'config.conf': kubeProxyConfig, 'kubeconfig.conf': kubeProxyKubeconfig.replace('{{endpoint}}', endpoint) },
      { labels: { app: 'kube-proxy' } },
    ),
  );
}

/** kube-proxy pods keep the names earlier drills gave them, which scenarios and tests may name. */
function kubeProxySuffix(node: string): string {
  return uidFor('kube-proxy', node).slice(0, 5);
}

/** Where Deployment replicas go: workers first (control planes are tainted), spread in order. */
function placeOn(ctx: GenContext, i: number): LayoutNode | undefined {
  const pool = ctx.workers.length > 0 ? ctx.workers : ctx.nodes;
  return pool.length > 0 ? pool[i % pool.length] : undefined;
}

interface AddonDeployment {
  deployment: DeploymentInput;
  podNames: string[];
  service: ServiceInput;
}

function addonDeployment(ctx: GenContext, a: AddonDeployment, firstSlot: number): void {
  const { t, out } = ctx;
  const { podLabels, podOwner } = deploymentFor(a.deployment);
  const pods: KubeObject[] = [];
  a.podNames.forEach((name, i) => {
    const node = placeOn(ctx, firstSlot + i);
    if (!node) return;
    pods.push(
      runningPod({
        namespace: a.deployment.namespace,
        name,
        node,
        podIP: ctx.net.next(node),
        labels: { ...podLabels },
        owner: podOwner,
        containers: a.deployment.template.containers,
        created: t.cluster,
        started: t.clusterStarted,
        serviceAccountName: a.deployment.template.serviceAccountName ?? 'default',
        ...(a.deployment.template.volumes ? { volumes: a.deployment.template.volumes } : {}),
        tolerations: [
          ...(a.deployment.template.tolerations ?? []),
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ],
        priorityClassName: 'system-cluster-critical',
        priority: 2000000000,
        ...(a.deployment.template.dnsPolicy ? { dnsPolicy: a.deployment.template.dnsPolicy } : {}),
        ...(a.deployment.template.nodeSelector ? { nodeSelector: a.deployment.template.nodeSelector } : {}),
        qosClass: 'Burstable',
      }),
    );
  });
  if (pods.length === 0) return;
  out.push(
    ...deploymentObjects(a.deployment, pods),
    ...pods,
    serviceObject(a.service),
    ...endpointObjects(a.service, pods, t.clusterStarted),
  );
}

function coreDNS(ctx: GenContext): void {
  const { t, out } = ctx;
  out.push(configMap('kube-system', 'coredns', t.cluster, { Corefile: kubeadmCorefile }));
  addonDeployment(
    ctx,
    {
      podNames: ['coredns-7c65d6cfc9-x8k2p', 'coredns-7c65d6cfc9-q7lmn'],
      deployment: {
        namespace: 'kube-system',
        name: 'coredns',
        labels: { 'k8s-app': 'kube-dns' },
        hash: '7c65d6cfc9',
        created: t.cluster,
        progressed: t.clusterStarted,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
        template: {
          labels: { 'k8s-app': 'kube-dns' },
          serviceAccountName: 'coredns',
          priorityClassName: 'system-cluster-critical',
          dnsPolicy: 'Default',
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    labelSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns'] }] },
                    topologyKey: 'kubernetes.io/hostname',
                  },
                },
              ],
            },
          },
          tolerations: [
            { key: 'CriticalAddonsOnly', operator: 'Exists' },
            { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
          ],
          volumes: [
            {
              name: 'config-volume',
              configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }], defaultMode: 420 },
            },
          ],
          containers: [
            {
              name: 'coredns',
              image: 'registry.k8s.io/coredns/coredns:v1.11.3',
              args: ['-conf', '/etc/coredns/Corefile'],
              ports: [
                { name: 'dns', containerPort: 53, protocol: 'UDP' },
                { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
                { name: 'liveness-probe', containerPort: 8080, protocol: 'TCP' },
                { name: 'readiness-probe', containerPort: 8181, protocol: 'TCP' },
              ],
              resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
              livenessProbe: {
                httpGet: { path: '/health', port: 'liveness-probe', scheme: 'HTTP' },
                initialDelaySeconds: 60,
                timeoutSeconds: 5,
                periodSeconds: 10,
                successThreshold: 1,
                failureThreshold: 5,
              },
              readinessProbe: {
                httpGet: { path: '/ready', port: 'readiness-probe', scheme: 'HTTP' },
                timeoutSeconds: 1,
                periodSeconds: 10,
                successThreshold: 1,
                failureThreshold: 3,
              },
              securityContext: {
                capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
              },
              volumeMounts: [{ name: 'config-volume', readOnly: true, mountPath: '/etc/coredns' }],
            },
          ],
        },
      },
      service: {
        namespace: 'kube-system',
        name: 'kube-dns',
        labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
        annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
        clusterIP: '10.96.0.10',
        selector: { 'k8s-app': 'kube-dns' },
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53, podPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53, podPort: 53 },
          { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153, podPort: 9153 },
        ],
        endpointPortOrder: ['dns-tcp', 'dns', 'metrics'],
        created: t.cluster,
      },
    },
    0,
  );
}

function metricsServer(ctx: GenContext): void {
  const { t, out } = ctx;
  const before = out.length;
  addonDeployment(
    ctx,
    {
      podNames: ['metrics-server-6d94bc8694-vz5t2'],
      deployment: {
        namespace: 'kube-system',
        name: 'metrics-server',
        labels: { 'k8s-app': 'metrics-server' },
        hash: '6d94bc8694',
        created: t.cluster,
        progressed: t.clusterStarted,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
        template: {
          labels: { 'k8s-app': 'metrics-server' },
          serviceAccountName: 'metrics-server',
          priorityClassName: 'system-cluster-critical',
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          volumes: [{ name: 'tmp-dir', emptyDir: {} }],
          containers: [
            {
              name: 'metrics-server',
              image: 'registry.k8s.io/metrics-server/metrics-server:v0.7.2',
              args: [
                '--cert-dir=/tmp',
                '--secure-port=10250',
                '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
                '--kubelet-use-node-status-port',
                '--metric-resolution=15s',
              ],
              ports: [{ name: 'https', containerPort: 10250, protocol: 'TCP' }],
              resources: { requests: { cpu: '100m', memory: '200Mi' } },
              livenessProbe: {
                httpGet: { path: '/livez', port: 'https', scheme: 'HTTPS' },
                timeoutSeconds: 1,
                periodSeconds: 10,
                successThreshold: 1,
                failureThreshold: 3,
              },
              readinessProbe: {
                httpGet: { path: '/readyz', port: 'https', scheme: 'HTTPS' },
                initialDelaySeconds: 20,
                timeoutSeconds: 1,
                periodSeconds: 10,
                successThreshold: 1,
                failureThreshold: 3,
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                runAsUser: 1000,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [{ name: 'tmp-dir', mountPath: '/tmp' }],
            },
          ],
        },
      },
      service: {
        namespace: 'kube-system',
        name: 'metrics-server',
        labels: { 'k8s-app': 'metrics-server' },
        clusterIP: ctx.ips.allocate('kube-system', 'metrics-server'),
        selector: { 'k8s-app': 'metrics-server' },
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 'https', podPort: 10250 }],
        created: t.cluster,
      },
    },
    2,
  );
  if (out.length === before) return;
  out.push({
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: {
      name: 'v1beta1.metrics.k8s.io',
      uid: objectUid('APIService', undefined, 'v1beta1.metrics.k8s.io'),
      creationTimestamp: t.cluster,
      labels: { 'k8s-app': 'metrics-server' },
    },
    spec: {
      service: { name: 'metrics-server', namespace: 'kube-system', port: 443 },
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      insecureSkipTLSVerify: true,
      groupPriorityMinimum: 100,
      versionPriority: 100,
    },
    status: {
      conditions: [
        {
          type: 'Available',
          status: 'True',
          lastTransitionTime: t.clusterStarted,
          reason: 'Passed',
          message: 'all checks passed',
        },
      ],
    },
  });
}

/** kube-proxy on every node; CoreDNS and metrics-server on the first workers, each with its Service and endpoints. */
export function addons(ctx: GenContext): void {
  kubeProxy(ctx);
  coreDNS(ctx);
  metricsServer(ctx);
}

/** The description the root-CA publisher writes on every kube-root-ca.crt. */
const rootCADescription =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

/** Namespace objects, each with the kube-root-ca.crt ConfigMap the root-CA publisher keeps in it. */
export function namespaces(ctx: GenContext, names: { name: string; created: string }[], caPem: string): void {
  for (const { name, created } of names) {
    ctx.out.push(namedNamespace(name, objectUid('Namespace', undefined, name), created));
    ctx.out.push(
      configMap(
        name,
        'kube-root-ca.crt',
        created,
        { 'ca.crt': caPem },
        { annotations: { 'kubernetes.io/description': rootCADescription } },
      ),
    );
  }
}

/**
 * The root-CA publisher's work for namespaces a fault or a scenario added: every namespace of a real cluster
 * holds kube-root-ca.crt, so a pod's projected service-account volume never finds it missing there. Done only
 * when the cluster has a CA published already (a generated cluster).
 */
export function publishRootCA(objects: KubeObject[]): void {
  const held = new Set<string>();
  let ca: string | undefined;
  const named: KubeObject[] = [];
  for (const o of objects) {
    if (o.kind === 'Namespace') named.push(o);
    else if (o.kind === 'ConfigMap' && o.metadata?.name === 'kube-root-ca.crt' && o.metadata.namespace) {
      held.add(o.metadata.namespace);
      ca ??= (o as Typed<ConfigMap>).data?.['ca.crt'];
    }
  }
  if (ca === undefined) return;
  for (const ns of named) {
    const name = ns.metadata?.name;
    if (!name || held.has(name)) continue;
    held.add(name);
    objects.push(
      configMap(
        name,
        'kube-root-ca.crt',
        ns.metadata?.creationTimestamp ?? '',
        { 'ca.crt': ca },
        { annotations: { 'kubernetes.io/description': rootCADescription } },
      ),
    );
  }
}
