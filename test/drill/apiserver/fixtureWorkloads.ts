import type { KubeObject } from '../../../src/drill/types.js';

/**
 * The controllers, services, storage and APIServices around the fixture's
 * pods, in the namespaces the pods already use (so pod and namespace counts
 * stay as the other tests expect them).
 */

const ago = (now: Date, seconds: number): string =>
  new Date(now.getTime() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const d = 24 * 60 * 60;

function template(
  labels: Record<string, string>,
  containers: [string, string][],
  nodeSelector?: Record<string, string>,
): Record<string, unknown> {
  return {
    metadata: { labels },
    spec: {
      containers: containers.map(([name, image]) => ({ name, image })),
      ...(nodeSelector ? { nodeSelector } : {}),
    },
  };
}

function deployment(
  now: Date,
  namespace: string,
  name: string,
  age: number,
  replicas: number,
  ready: number,
  labels: Record<string, string>,
  containers: [string, string][],
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, creationTimestamp: ago(now, age), labels },
    spec: { replicas, selector: { matchLabels: labels }, template: template(labels, containers) },
    status: {
      replicas,
      updatedReplicas: replicas,
      ...(ready > 0 ? { readyReplicas: ready, availableReplicas: ready } : {}),
      ...(ready < replicas ? { unavailableReplicas: replicas - ready } : {}),
    },
  };
}

function statefulSet(
  now: Date,
  namespace: string,
  name: string,
  age: number,
  replicas: number,
  ready: number,
  containers: [string, string][],
): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace, creationTimestamp: ago(now, age) },
    spec: { replicas, serviceName: name, selector: { matchLabels: labels }, template: template(labels, containers) },
    status: {
      replicas,
      currentReplicas: replicas,
      ...(ready > 0 ? { readyReplicas: ready, availableReplicas: ready } : {}),
    },
  };
}

function service(now: Date, namespace: string, name: string, age: number, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, creationTimestamp: ago(now, age) },
    spec: { type: 'ClusterIP', ...spec },
  };
}

function apiService(
  now: Date,
  name: string,
  service: { namespace: string; name: string } | null,
  available: { status: string; reason: string; message: string },
): KubeObject {
  const [version = '', ...rest] = name.split('.');
  const group = rest.join('.');
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: {
      name,
      creationTimestamp: ago(now, 30 * d),
      ...(service ? {} : { labels: { 'kube-aggregator.kubernetes.io/automanaged': 'onstart' } }),
    },
    spec: {
      ...(group ? { group } : {}),
      version,
      ...(service ? { service: { ...service, port: 443 }, insecureSkipTLSVerify: true } : {}),
      groupPriorityMinimum: service ? 100 : 17800,
      versionPriority: service ? 100 : 15,
    },
    status: {
      conditions: [{ type: 'Available', ...available, lastTransitionTime: ago(now, service ? 9 * 60 : 30 * d) }],
    },
  };
}

const localAvailable = { status: 'True', reason: 'Local', message: 'Local APIServices are always available' };

export function workloadObjects(now: Date): KubeObject[] {
  return [
    deployment(now, 'kube-system', 'coredns', 30 * d, 2, 2, { 'k8s-app': 'kube-dns' }, [
      ['coredns', 'registry.k8s.io/coredns/coredns:v1.11.3'],
    ]),
    deployment(now, 'kube-system', 'metrics-server', 30 * d, 1, 0, { 'k8s-app': 'metrics-server' }, [
      ['metrics-server', 'registry.k8s.io/metrics-server/metrics-server:v0.7.2'],
    ]),
    deployment(now, 'shop', 'api', 9 * d, 1, 1, { app: 'api' }, [['app', 'registry.example.com/app:1.0']]),
    deployment(now, 'shop', 'worker', 2 * 60 * 60, 1, 0, { app: 'worker' }, [['app', 'registry.example.com/app:1.0']]),
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'coredns-7db6d8ff4d',
        namespace: 'kube-system',
        creationTimestamp: ago(now, 30 * d),
        labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '7db6d8ff4d' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'coredns',
            uid: '3f2b7f0e-8a55-4c1a-9d0e-6b2f5b9a7c11',
            controller: true,
          },
        ],
      },
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '7db6d8ff4d' } },
        template: template({ 'k8s-app': 'kube-dns', 'pod-template-hash': '7db6d8ff4d' }, [
          ['coredns', 'registry.k8s.io/coredns/coredns:v1.11.3'],
        ]),
      },
      status: { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2 },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {
        name: 'kube-proxy',
        namespace: 'kube-system',
        creationTimestamp: ago(now, 30 * d),
        labels: { 'k8s-app': 'kube-proxy' },
      },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
        template: template({ 'k8s-app': 'kube-proxy' }, [['kube-proxy', 'registry.k8s.io/kube-proxy:v1.31.4']], {
          'kubernetes.io/os': 'linux',
        }),
      },
      status: {
        desiredNumberScheduled: 4,
        currentNumberScheduled: 4,
        numberReady: 3,
        updatedNumberScheduled: 4,
        numberAvailable: 3,
        numberUnavailable: 1,
        numberMisscheduled: 0,
      },
    },
    statefulSet(now, 'shop', 'cart', 10 * 60, 1, 0, [['app', 'registry.example.com/app:1.0']]),
    statefulSet(now, 'db', 'mysql', 30 * d, 1, 0, [
      ['mysql', 'registry.example.com/mysql:1.0'],
      ['metrics', 'registry.example.com/metrics:1.0'],
    ]),

    service(now, 'default', 'kubernetes', 30 * d, {
      clusterIP: '10.96.0.1',
      clusterIPs: ['10.96.0.1'],
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
    }),
    service(now, 'kube-system', 'kube-dns', 30 * d, {
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    }),
    service(now, 'kube-system', 'metrics-server', 30 * d, {
      clusterIP: '10.96.140.12',
      clusterIPs: ['10.96.140.12'],
      selector: { 'k8s-app': 'metrics-server' },
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 'https' }],
    }),
    service(now, 'shop', 'web', 9 * d, {
      type: 'NodePort',
      clusterIP: '10.96.41.7',
      clusterIPs: ['10.96.41.7'],
      selector: { app: 'web' },
      ports: [{ port: 80, nodePort: 30080, protocol: 'TCP', targetPort: 8080 }],
    }),
    service(now, 'shop', 'redis', 9 * d, {
      clusterIP: '10.96.12.4',
      clusterIPs: ['10.96.12.4'],
      selector: { app: 'redis' },
      ports: [{ port: 6379, protocol: 'TCP', targetPort: 6379 }],
    }),

    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'kubernetes', namespace: 'default', creationTimestamp: ago(now, 30 * d) },
      subsets: [{ addresses: [{ ip: '10.0.0.10' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
    },
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'kube-dns', namespace: 'kube-system', creationTimestamp: ago(now, 30 * d) },
      subsets: [
        {
          addresses: [
            {
              ip: '10.244.0.2',
              nodeName: 'cp-1',
              targetRef: { kind: 'Pod', namespace: 'kube-system', name: 'coredns-7db6d8ff4d-7kb9x' },
            },
          ],
          ports: [
            { name: 'dns-tcp', port: 53, protocol: 'TCP' },
            { name: 'dns', port: 53, protocol: 'UDP' },
            { name: 'metrics', port: 9153, protocol: 'TCP' },
          ],
        },
      ],
    },
    // metrics-server has no ready pod: its endpoints are empty, which is what MissingEndpoints reports.
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'metrics-server', namespace: 'kube-system', creationTimestamp: ago(now, 30 * d) },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'kube-dns-6x8kq',
        namespace: 'kube-system',
        creationTimestamp: ago(now, 30 * d),
        labels: { 'kubernetes.io/service-name': 'kube-dns' },
      },
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['10.244.0.2'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'cp-1' },
      ],
      ports: [
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'metrics', port: 9153, protocol: 'TCP' },
      ],
    },

    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app-config', namespace: 'shop', creationTimestamp: ago(now, 9 * d) },
      data: { 'redis.host': 'redis.shop.svc', 'log.level': 'info' },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db-credentials', namespace: 'db', creationTimestamp: ago(now, 30 * d) },
      type: 'Opaque',
      data: {
        username: Buffer.from('app').toString('base64'),
        password: Buffer.from('s3cr3t-drill').toString('base64'),
      },
    },

    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: 'data-mysql-0',
        namespace: 'db',
        creationTimestamp: ago(now, 30 * d),
        labels: { app: 'mysql' },
      },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '10Gi' } },
        storageClassName: 'standard',
        volumeMode: 'Filesystem',
        volumeName: 'pvc-4b9e1c2a-7d1f-4e0b-9a8c-2f6d5e3b1a90',
      },
      status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } },
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'scratch', namespace: 'shop', creationTimestamp: ago(now, 10 * 60) },
      spec: {
        accessModes: ['ReadWriteMany', 'ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
        storageClassName: 'nfs',
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Pending' },
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pvc-4b9e1c2a-7d1f-4e0b-9a8c-2f6d5e3b1a90', creationTimestamp: ago(now, 30 * d) },
      spec: {
        capacity: { storage: '10Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: 'standard',
        volumeMode: 'Filesystem',
        claimRef: { kind: 'PersistentVolumeClaim', namespace: 'db', name: 'data-mysql-0' },
        csi: { driver: 'disk.csi.example.com', volumeHandle: 'vol-0a1b2c3d' },
      },
      status: { phase: 'Bound' },
    },
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'VolumeAttachment',
      metadata: {
        name: 'csi-8d1e5f0c2b7a4e6d9c3b1a0f5e7d2c4b6a8e0f1d3c5b7a9e2d4f6b8c0a1e3d5f',
        creationTimestamp: ago(now, 10 * d),
      },
      spec: {
        attacher: 'disk.csi.example.com',
        nodeName: 'worker-2',
        source: { persistentVolumeName: 'pvc-4b9e1c2a-7d1f-4e0b-9a8c-2f6d5e3b1a90' },
      },
      status: { attached: true },
    },

    apiService(now, 'v1.', null, localAvailable),
    apiService(now, 'v1.apps', null, localAvailable),
    apiService(now, 'v1.coordination.k8s.io', null, localAvailable),
    apiService(
      now,
      'v1beta1.metrics.k8s.io',
      { namespace: 'kube-system', name: 'metrics-server' },
      {
        status: 'False',
        reason: 'MissingEndpoints',
        message: 'endpoints for service/metrics-server in "kube-system" have no addresses with port name "https"',
      },
    ),
  ];
}
