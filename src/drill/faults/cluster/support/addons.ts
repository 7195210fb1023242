import type { KubeObject } from '../../../types.js';
import type { FaultContext } from '../../types.js';
import { ago, klog, logLine } from './logs.js';
import { podNode, unreadyStatus } from './pods.js';
import { ensureDeployment, ensureService, podReady, syncEndpoints } from './workloads.js';
import type { ServicePort } from './workloads.js';
import { asRecord, str } from './json.js';
import type { Json } from './json.js';
import { kubeadmCorefile } from '../../../generate/addons.js';
import { configMap as configMapObject } from '../../../objects/core.js';

/** The metrics-server's Service as components-v0.7.2.yaml declares it: port 443 → the pod's named `https` port (10250). */
export const metricsServerPorts: ServicePort[] = [
  { name: 'https', port: 443, targetPort: 'https', containerPort: 10250 },
];
const metricsServerIP = '10.96.142.37';

/** The metrics-server pod the generator made, or the scenario error saying it is missing. */
export function metricsServerPod(ctx: FaultContext): KubeObject {
  return (
    ctx.list('Pod', 'kube-system').find((p) => p.metadata.labels?.['k8s-app'] === 'metrics-server') ??
    ctx.fail('the cluster has no metrics-server pod (generate add-ons)')
  );
}

/**
 * What the metrics-server manifest puts around its pod: the Deployment and
 * ReplicaSet, the probes and port on the container, the Service the
 * APIService points at and its endpoints.
 */
export function ensureMetricsServer(ctx: FaultContext): { pod: KubeObject; service: KubeObject } {
  let pod = metricsServerPod(ctx);
  const spec = asRecord(pod.spec);
  const [container] = (spec.containers as Json[] | undefined) ?? [];
  if (container && !container.readinessProbe) {
    pod = structuredClone(pod);
    const c = ((pod.spec as Json).containers as Json[])[0] as Json;
    c.args = [
      '--cert-dir=/tmp',
      '--secure-port=10250',
      '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
      '--kubelet-use-node-status-port',
      '--metric-resolution=15s',
    ];
    c.ports = [{ containerPort: 10250, name: 'https', protocol: 'TCP' }];
    c.readinessProbe = {
      httpGet: { path: '/readyz', port: 'https', scheme: 'HTTPS' },
      initialDelaySeconds: 20,
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    };
    c.livenessProbe = {
      httpGet: { path: '/livez', port: 'https', scheme: 'HTTPS' },
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    };
    ctx.put(pod);
  }
  const created = pod.metadata.creationTimestamp ?? ctx.at('now-90d');
  const labels = { 'k8s-app': 'metrics-server' };
  const ready = podReady(pod) ? 1 : 0;
  ensureDeployment(ctx, {
    namespace: 'kube-system',
    name: 'metrics-server',
    labels,
    image: 'registry.k8s.io/metrics-server/metrics-server:v0.7.2',
    container: 'metrics-server',
    replicas: 1,
    readyReplicas: ready,
    currentReplicas: 1,
    created,
    hash: pod.metadata.labels?.['pod-template-hash'] ?? '6d94bc8694',
    priorityClassName: 'system-cluster-critical',
    extraTemplate: { serviceAccountName: 'metrics-server' },
  });
  const service = ensureService(ctx, {
    namespace: 'kube-system',
    name: 'metrics-server',
    clusterIP: metricsServerIP,
    selector: labels,
    ports: metricsServerPorts,
    labels,
    created,
  });
  return { pod, service };
}

/** The metrics-server Service's cluster IP (the aggregator dials it, not the pod). */
export function serviceIP(service: KubeObject): string {
  return str(asRecord(service.spec).clusterIP) || metricsServerIP;
}

/**
 * The metrics-server's readiness failing: its /readyz says `[-]metric-storage-ready failed`
 * until a scrape cycle stores metrics. The kubelet reports the probe's 500 and
 * the endpoints controller moves the pod to notReadyAddresses.
 */
export function metricsServerUnready(ctx: FaultContext, sinceSeconds: number): KubeObject {
  const { pod, service } = ensureMetricsServer(ctx);
  const updated = podReady(pod) ? unreadyStatus(ctx, pod, 'metrics-server', sinceSeconds) : pod;
  ctx.put(updated);
  const ev = ctx.event({
    about: updated,
    source: 'kubelet',
    host: podNode(updated),
    type: 'Warning',
    reason: 'Unhealthy',
    message: 'Readiness probe failed: HTTP probe failed with statuscode: 500',
    firstSeen: `now-${sinceSeconds}s`,
    lastSeen: 'now-4s',
    count: Math.max(1, Math.floor(sinceSeconds / 10)),
  });
  (ev.involvedObject as Json).fieldPath = 'spec.containers{metrics-server}';
  syncEndpoints(ctx, service, metricsServerPorts);
  const deployment = ctx.find('Deployment', 'kube-system', 'metrics-server');
  if (deployment) ctx.put(unavailable(deployment, ctx.at(`now-${sinceSeconds}s`)));
  const rs = ctx.list('ReplicaSet', 'kube-system').find((r) => r.metadata.name.startsWith('metrics-server-'));
  if (rs) ctx.put({ ...rs, status: { ...asRecord(rs.status), readyReplicas: 0, availableReplicas: 0 } });
  return updated;
}

function unavailable(deployment: KubeObject, since: string): KubeObject {
  const status = asRecord(deployment.status);
  const conditions = (Array.isArray(status.conditions) ? (status.conditions as Json[]) : []).map((c) =>
    c.type === 'Available'
      ? {
          type: 'Available',
          status: 'False',
          lastUpdateTime: since,
          lastTransitionTime: since,
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        }
      : c,
  );
  return {
    ...deployment,
    status: { ...status, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 1, conditions },
  };
}

/** The startup lines metrics-server v0.7.2 prints, at `startedAgo`. */
export function metricsServerStartup(ctx: FaultContext, startedAgo: number): string[] {
  let step = 0;
  const at = (d: number, text: (m: ReturnType<typeof ago>) => string) => {
    const m = ago(ctx, startedAgo - d - 0.002 * step++, `ms-start-${step}`, 2);
    return logLine(m, text(m));
  };
  return [
    at(0, (m) => klog('I', m, 'serving.go:374', 'Generated self-signed cert (/tmp/apiserver.crt, /tmp/apiserver.key)')),
    at(1, (m) => klog('I', m, 'handler.go:275', 'Adding GroupVersion metrics.k8s.io v1beta1 to ResourceManager')),
    at(1, (m) => klog('I', m, 'requestheader_controller.go:172', 'Starting RequestHeaderAuthRequestController')),
    at(1, (m) =>
      klog('I', m, 'shared_informer.go:313', 'Waiting for caches to sync for RequestHeaderAuthRequestController'),
    ),
    at(1, (m) =>
      klog(
        'I',
        m,
        'configmap_cafile_content.go:205',
        '"Starting controller" name="client-ca::kube-system::extension-apiserver-authentication::client-ca-file"',
      ),
    ),
    at(1, (m) => klog('I', m, 'secure_serving.go:213', 'Serving securely on [::]:10250')),
    at(1, (m) => klog('I', m, 'tlsconfig.go:243', '"Starting DynamicServingCertificateController"')),
    at(2, (m) => klog('I', m, 'shared_informer.go:320', 'Caches are synced for RequestHeaderAuthRequestController')),
  ];
}

/** kube-dns's Service as kubeadm creates it (10.96.0.10 in the default service CIDR). */
export const kubeDnsPorts: ServicePort[] = [
  { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
  { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' },
  { name: 'metrics', port: 9153, targetPort: 9153, protocol: 'TCP' },
];

/** kubeadm v1.31's default Corefile, as the generator writes it. */
export const defaultCorefile = kubeadmCorefile;

/** The CoreDNS pods the generator made (kubeadm's `coredns` Deployment). */
export function coreDnsPods(ctx: FaultContext): KubeObject[] {
  const pods = ctx.list('Pod', 'kube-system').filter((p) => p.metadata.labels?.['k8s-app'] === 'kube-dns');
  if (pods.length === 0) ctx.fail('the cluster has no CoreDNS pods (generate add-ons)');
  return pods;
}

/** What kubeadm's CoreDNS add-on creates around the pods: ConfigMap, Deployment, ReplicaSet, the kube-dns Service and its endpoints. */
export function ensureCoreDns(ctx: FaultContext): { pods: KubeObject[]; configMap: KubeObject } {
  const pods = coreDnsPods(ctx);
  const created = pods[0]?.metadata.creationTimestamp ?? ctx.at('now-90d');
  const labels = { 'k8s-app': 'kube-dns' };
  const configMap =
    ctx.find('ConfigMap', 'kube-system', 'coredns') ??
    configMapObject(
      { name: 'coredns', namespace: 'kube-system', creationTimestamp: created },
      { Corefile: defaultCorefile },
    );
  ctx.put(configMap);
  ensureDeployment(ctx, {
    namespace: 'kube-system',
    name: 'coredns',
    labels,
    image: 'registry.k8s.io/coredns/coredns:v1.11.3',
    container: 'coredns',
    replicas: pods.length,
    readyReplicas: pods.filter(podReady).length,
    currentReplicas: pods.length,
    created,
    hash: pods[0]?.metadata.labels?.['pod-template-hash'] ?? '7c65d6cfc9',
    priorityClassName: 'system-cluster-critical',
    extraTemplate: { serviceAccountName: 'coredns', dnsPolicy: 'Default' },
  });
  ensureService(ctx, {
    namespace: 'kube-system',
    name: 'kube-dns',
    clusterIP: '10.96.0.10',
    selector: labels,
    ports: kubeDnsPorts,
    labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
    created,
  });
  return { pods, configMap };
}
