import type { HostPathVolumeSource, Probe, Volume } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { KubeObject } from '../types.js';
import { lease as leaseObject } from '../objects/coordination.js';
import { endpoints } from '../objects/core.js';
import { endpointSlice } from '../objects/discovery.js';
import type { Typed } from '../objects/meta.js';
import type { GenContext } from './context.js';
import { kubeVersion } from './context.js';
import { hex64, nodeUid, objectUid, uidFor } from './ids.js';
import type { ContainerInput, LayoutNode } from './pods.js';
import { frozen, runningPod } from './pods.js';
import { serviceObject } from './services.js';

const staticTolerations = frozen([{ operator: 'Exists', effect: 'NoExecute' }]);

function hostPath(name: string, path: string, type: string): Volume & { hostPath: HostPathVolumeSource } {
  return { name, hostPath: { path, type } };
}

function httpProbe(
  host: string,
  path: string,
  port: number,
  opts: { initialDelaySeconds?: number; periodSeconds: number; timeoutSeconds: number; failureThreshold: number },
): Probe {
  return {
    httpGet: { host, path, port, scheme: port === 2381 ? 'HTTP' : 'HTTPS' },
    ...(opts.initialDelaySeconds === undefined ? {} : { initialDelaySeconds: opts.initialDelaySeconds }),
    timeoutSeconds: opts.timeoutSeconds,
    periodSeconds: opts.periodSeconds,
    successThreshold: 1,
    failureThreshold: opts.failureThreshold,
  };
}

interface StaticPod {
  container: ContainerInput;
  volumes: Volume[];
  annotations: Record<string, string>;
}

/** The four kubeadm static pods of one control-plane node, with the flags and probes kubeadm writes. */
function staticPods(n: LayoutNode, controlPlanes: readonly LayoutNode[]): Record<string, StaticPod> {
  const ip = n.ip;
  const certs = [
    hostPath('ca-certs', '/etc/ssl/certs', 'DirectoryOrCreate'),
    hostPath('etc-ca-certificates', '/etc/ca-certificates', 'DirectoryOrCreate'),
    hostPath('k8s-certs', '/etc/kubernetes/pki', 'DirectoryOrCreate'),
    hostPath('usr-local-share-ca-certificates', '/usr/local/share/ca-certificates', 'DirectoryOrCreate'),
    hostPath('usr-share-ca-certificates', '/usr/share/ca-certificates', 'DirectoryOrCreate'),
  ];
  const certMounts = certs.map((v) => ({
    name: v.name,
    mountPath: v.hostPath.path,
    readOnly: true,
  }));
  const image = (component: string) => `registry.k8s.io/${component}:${kubeVersion}`;
  return {
    'kube-apiserver': {
      annotations: { 'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${ip}:6443` },
      volumes: certs,
      container: {
        name: 'kube-apiserver',
        image: image('kube-apiserver'),
        command: [
          'kube-apiserver',
          `--advertise-address=${ip}`,
          '--allow-privileged=true',
          '--authorization-mode=Node,RBAC',
          '--client-ca-file=/etc/kubernetes/pki/ca.crt',
          '--enable-admission-plugins=NodeRestriction',
          '--enable-bootstrap-token-auth=true',
          '--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt',
          '--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt',
          '--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key',
          '--etcd-servers=https://127.0.0.1:2379',
          '--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt',
          '--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key',
          '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
          '--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt',
          '--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key',
          '--requestheader-allowed-names=front-proxy-client',
          '--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt',
          '--requestheader-extra-headers-prefix=X-Remote-Extra-',
          '--requestheader-group-headers=X-Remote-Group',
          '--requestheader-username-headers=X-Remote-User',
          '--secure-port=6443',
          '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
          '--service-account-key-file=/etc/kubernetes/pki/sa.pub',
          '--service-account-signing-key-file=/etc/kubernetes/pki/sa.key',
          '--service-cluster-ip-range=10.96.0.0/12',
          '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt',
          '--tls-private-key-file=/etc/kubernetes/pki/apiserver.key',
        ],
        resources: { requests: { cpu: '250m' } },
        livenessProbe: httpProbe(ip, '/livez', 6443, {
          initialDelaySeconds: 10,
          periodSeconds: 10,
          timeoutSeconds: 15,
          failureThreshold: 8,
        }),
        readinessProbe: httpProbe(ip, '/readyz', 6443, { periodSeconds: 1, timeoutSeconds: 15, failureThreshold: 3 }),
        startupProbe: httpProbe(ip, '/livez', 6443, {
          initialDelaySeconds: 10,
          periodSeconds: 10,
          timeoutSeconds: 15,
          failureThreshold: 24,
        }),
        volumeMounts: certMounts,
      },
    },
    etcd: {
      annotations: { 'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://${ip}:2379` },
      volumes: [
        hostPath('etcd-certs', '/etc/kubernetes/pki/etcd', 'DirectoryOrCreate'),
        hostPath('etcd-data', '/var/lib/etcd', 'DirectoryOrCreate'),
      ],
      container: {
        name: 'etcd',
        image: 'registry.k8s.io/etcd:3.5.15-0',
        command: [
          'etcd',
          `--advertise-client-urls=https://${ip}:2379`,
          '--cert-file=/etc/kubernetes/pki/etcd/server.crt',
          '--client-cert-auth=true',
          '--data-dir=/var/lib/etcd',
          '--experimental-initial-corrupt-check=true',
          '--experimental-watch-progress-notify-interval=5s',
          `--initial-advertise-peer-urls=https://${ip}:2380`,
          `--initial-cluster=${controlPlanes.map((c) => `${c.name}=https://${c.ip}:2380`).join(',')}`,
          '--key-file=/etc/kubernetes/pki/etcd/server.key',
          `--listen-client-urls=https://127.0.0.1:2379,https://${ip}:2379`,
          '--listen-metrics-urls=http://127.0.0.1:2381',
          `--listen-peer-urls=https://${ip}:2380`,
          `--name=${n.name}`,
          '--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt',
          '--peer-client-cert-auth=true',
          '--peer-key-file=/etc/kubernetes/pki/etcd/peer.key',
          '--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
          '--snapshot-count=10000',
          '--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
        ],
        resources: { requests: { cpu: '100m', memory: '100Mi' } },
        livenessProbe: httpProbe('127.0.0.1', '/livez', 2381, {
          initialDelaySeconds: 10,
          periodSeconds: 10,
          timeoutSeconds: 15,
          failureThreshold: 8,
        }),
        readinessProbe: httpProbe('127.0.0.1', '/readyz', 2381, {
          periodSeconds: 1,
          timeoutSeconds: 15,
          failureThreshold: 3,
        }),
        startupProbe: httpProbe('127.0.0.1', '/readyz', 2381, {
          initialDelaySeconds: 10,
          periodSeconds: 10,
          timeoutSeconds: 15,
          failureThreshold: 24,
        }),
        volumeMounts: [
          { name: 'etcd-data', mountPath: '/var/lib/etcd' },
          { name: 'etcd-certs', mountPath: '/etc/kubernetes/pki/etcd' },
        ],
      },
    },
    'kube-controller-manager': {
      annotations: {},
      volumes: [
        ...certs,
        hostPath('flexvolume-dir', '/usr/libexec/kubernetes/kubelet-plugins/volume/exec', 'DirectoryOrCreate'),
        hostPath('kubeconfig', '/etc/kubernetes/controller-manager.conf', 'FileOrCreate'),
      ],
      container: {
        name: 'kube-controller-manager',
        image: image('kube-controller-manager'),
        command: [
          'kube-controller-manager',
          '--allocate-node-cidrs=true',
          '--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf',
          '--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf',
          '--bind-address=127.0.0.1',
          '--client-ca-file=/etc/kubernetes/pki/ca.crt',
          '--cluster-cidr=10.64.0.0/10',
          '--cluster-name=kubernetes',
          '--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt',
          '--cluster-signing-key-file=/etc/kubernetes/pki/ca.key',
          '--controllers=*,bootstrapsigner,tokencleaner',
          '--kubeconfig=/etc/kubernetes/controller-manager.conf',
          '--leader-elect=true',
          '--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt',
          '--root-ca-file=/etc/kubernetes/pki/ca.crt',
          '--service-account-private-key-file=/etc/kubernetes/pki/sa.key',
          '--service-cluster-ip-range=10.96.0.0/12',
          '--use-service-account-credentials=true',
        ],
        resources: { requests: { cpu: '200m' } },
        livenessProbe: httpProbe('127.0.0.1', '/healthz', 10257, {
          initialDelaySeconds: 10,
          periodSeconds: 10,
          timeoutSeconds: 15,
          failureThreshold: 8,
        }),
        startupProbe: httpProbe('127.0.0.1', '/healthz', 10257, {
          initialDelaySeconds: 10,
          periodSeconds: 10,
          timeoutSeconds: 15,
          failureThreshold: 24,
        }),
        volumeMounts: [
          ...certMounts,
          { name: 'flexvolume-dir', mountPath: '/usr/libexec/kubernetes/kubelet-plugins/volume/exec' },
          { name: 'kubeconfig', mountPath: '/etc/kubernetes/controller-manager.conf', readOnly: true },
        ],
      },
    },
    'kube-scheduler': {
      annotations: {},
      volumes: [hostPath('kubeconfig', '/etc/kubernetes/scheduler.conf', 'FileOrCreate')],
      container: {
        name: 'kube-scheduler',
        image: image('kube-scheduler'),
        command: [
          'kube-scheduler',
          '--authentication-kubeconfig=/etc/kubernetes/scheduler.conf',
          '--authorization-kubeconfig=/etc/kubernetes/scheduler.conf',
          '--bind-address=127.0.0.1',
          '--kubeconfig=/etc/kubernetes/scheduler.conf',
          '--leader-elect=true',
        ],
        resources: { requests: { cpu: '100m' } },
        livenessProbe: httpProbe('127.0.0.1', '/healthz', 10259, {
          initialDelaySeconds: 10,
          periodSeconds: 10,
          timeoutSeconds: 15,
          failureThreshold: 8,
        }),
        startupProbe: httpProbe('127.0.0.1', '/healthz', 10259, {
          initialDelaySeconds: 10,
          periodSeconds: 10,
          timeoutSeconds: 15,
          failureThreshold: 24,
        }),
        volumeMounts: [{ name: 'kubeconfig', mountPath: '/etc/kubernetes/scheduler.conf', readOnly: true }],
      },
    },
  };
}

/**
 * Control-plane static pods (mirror pods owned by their Node, as the kubelet
 * creates them), the leader-election Leases, and the `kubernetes` Service
 * with the API servers as its endpoints.
 */
export function controlPlane(ctx: GenContext): void {
  const { t, out } = ctx;
  const controlPlanes = ctx.nodes.filter((n) => n.role === 'control-plane');
  const seen = t.cluster.replace('Z', '.000000000Z');
  for (const n of controlPlanes) {
    const pods = staticPods(n, controlPlanes);
    for (const component of ['kube-apiserver', 'etcd', 'kube-controller-manager', 'kube-scheduler']) {
      const sp = pods[component];
      if (!sp) continue;
      const hash = hex64(`${n.name}/${component}`).slice(0, 32);
      out.push(
        runningPod({
          namespace: 'kube-system',
          name: `${component}-${n.name}`,
          node: n,
          podIP: n.ip,
          labels: { component, tier: 'control-plane' },
          annotations: {
            ...sp.annotations,
            'kubernetes.io/config.hash': hash,
            'kubernetes.io/config.mirror': hash,
            'kubernetes.io/config.seen': seen,
            'kubernetes.io/config.source': 'file',
          },
          owner: { apiVersion: 'v1', kind: 'Node', name: n.name, uid: nodeUid(n.name), controller: true },
          containers: [sp.container],
          created: t.cluster,
          started: t.clusterStarted,
          volumes: sp.volumes,
          tolerations: staticTolerations,
          priorityClassName: 'system-node-critical',
          priority: 2000001000,
          hostNetwork: true,
          qosClass: 'Burstable',
        }),
      );
    }
  }
  const first = controlPlanes[0] ?? ctx.nodes[0];
  if (first) {
    for (const leader of ['kube-controller-manager', 'kube-scheduler']) {
      out.push(lease('kube-system', leader, `${first.name}_${uidFor('leader', leader)}`, t.renew, 15, t.cluster));
    }
  }

  const apiServers = controlPlanes.length > 0 ? controlPlanes : ctx.nodes.slice(0, 1);
  out.push(
    serviceObject({
      namespace: 'default',
      name: 'kubernetes',
      labels: { component: 'apiserver', provider: 'kubernetes' },
      clusterIP: '10.96.0.1',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443, podPort: 6443 }],
      created: t.cluster,
    }),
  );
  // The API servers' own reconciler writes these, not the endpoints controllers: no pods, no owner.
  const addresses = apiServers.map((n) => ({ ip: n.ip }));
  out.push(
    endpoints(
      {
        name: 'kubernetes',
        namespace: 'default',
        uid: objectUid('Endpoints', 'default', 'kubernetes'),
        creationTimestamp: t.cluster,
        labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
      },
      [{ addresses, ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
    ),
  );
  out.push(
    endpointSlice(
      {
        name: 'kubernetes',
        namespace: 'default',
        uid: objectUid('EndpointSlice', 'default', 'kubernetes'),
        generation: 1,
        creationTimestamp: t.cluster,
        labels: { 'kubernetes.io/service-name': 'kubernetes' },
      },
      apiServers.map((n) => ({ addresses: [n.ip], conditions: { ready: true } })),
      [{ name: 'https', port: 6443, protocol: 'TCP' }],
    ),
  );
}

export function lease(
  namespace: string,
  name: string,
  holder: string,
  renewTime: string,
  durationSeconds: number,
  created: string,
  owner?: KubeObject['metadata']['ownerReferences'],
): Typed<Lease> {
  return leaseObject(
    {
      name,
      namespace,
      uid: objectUid('Lease', namespace, name),
      creationTimestamp: created,
      ...(owner ? { ownerReferences: owner } : {}),
    },
    {
      holderIdentity: holder,
      leaseDurationSeconds: durationSeconds,
      renewTime: renewTime.replace('Z', '.000000Z'),
    },
  );
}
