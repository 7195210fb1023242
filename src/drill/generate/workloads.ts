import type { KubeObject } from '../types.js';
import { persistentVolume, persistentVolumeClaim } from '../objects/core.js';
import type { GenContext } from './context.js';
import { deploymentFor, deploymentObjects, statefulSetObject, statefulSetPodLabels } from './controllers.js';
import type { DeploymentInput, StatefulSetInput } from './controllers.js';
import { controllerRef, hex64, objectUid, safeSuffix } from './ids.js';
import { defaultTolerations, frozen, runningPod } from './pods.js';
import { FillerEndpoints, FillerPods } from './filler.js';
import type { ContainerInput, LayoutNode } from './pods.js';
import { endpointObjects, serviceObject } from './services.js';
import type { ServiceInput } from './services.js';

/** Filler apps: pod (worker w, slot p) belongs to app-((w·podsPerWorker + p) mod 500). */
const fillerApps = 500;

const fillerPorts = frozen([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
const fillerResources = frozen({ limits: { memory: '128Mi' }, requests: { cpu: '50m', memory: '64Mi' } });
const fillerReadiness = frozen({
  httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
  timeoutSeconds: 1,
  periodSeconds: 10,
  successThreshold: 1,
  failureThreshold: 3,
});

/**
 * The filler workload in namespace `load`: Deployments app-N, each with one
 * ReplicaSet, its pods spread over the workers and a ClusterIP Service with
 * Endpoints and EndpointSlices over them. Pod names stay `app-N-<w>-<p>`
 * (base 36), which scenarios name.
 */
export function fillerWorkload(ctx: GenContext, podsPerWorker: number): void {
  const { t, out, workers } = ctx;
  const appCount = Math.min(fillerApps, workers.length * podsPerWorker);
  const apps = Array.from({ length: appCount }, (_, i) => {
    const name = `app-${i}`;
    const container: ContainerInput = {
      name: 'main',
      image: `registry.example.com/load/${name}:1.0`,
      ports: fillerPorts,
      resources: fillerResources,
      readinessProbe: fillerReadiness,
    };
    const deployment: DeploymentInput = {
      namespace: 'load',
      name,
      labels: { app: name },
      hash: safeSuffix(`load/${name}/template`, 10),
      created: t.load,
      progressed: t.loadReady,
      template: { labels: { app: name }, containers: [container] },
    };
    const { podLabels, podOwner } = deploymentFor(deployment);
    return { deployment, filler: { name, container, labels: frozen(podLabels), owner: frozen(podOwner) } };
  });
  // Each worker's filler pods take consecutive addresses after what earlier generation placed there.
  const firstHost = workers.map((n) => ctx.net.reserve(n, podsPerWorker));
  const filler = new FillerPods(
    'load',
    apps.map((a) => a.filler),
    workers,
    podsPerWorker,
    firstHost,
    t,
  );
  const services = apps.map((app): ServiceInput => ({
    namespace: 'load',
    name: app.deployment.name,
    labels: { app: app.deployment.name },
    clusterIP: ctx.ips.allocate('load', app.deployment.name),
    selector: { app: app.deployment.name },
    ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http', podPort: 8080 }],
    created: t.load,
  }));
  // Every filler pod is generated Running and Ready.
  apps.forEach((app, a) =>
    out.push(...deploymentObjects(app.deployment, { replicas: filler.countOf(a), ready: filler.countOf(a) })),
  );
  out.push(...services.map(serviceObject));
  ctx.virtual.push(
    filler,
    new FillerEndpoints('Endpoints', filler, services, t.loadReady),
    new FillerEndpoints('EndpointSlice', filler, services, t.loadReady),
  );
}

interface StatefulApp {
  name: string;
  image: string;
  port: { name: string; containerPort: number };
  storage: string;
  mountPath: string;
}

const statefulApps: StatefulApp[] = [
  {
    name: 'postgres',
    image: 'docker.io/library/postgres:16.4',
    port: { name: 'postgres', containerPort: 5432 },
    storage: '20Gi',
    mountPath: '/var/lib/postgresql/data',
  },
  {
    name: 'redis',
    image: 'docker.io/library/redis:7.4.1',
    port: { name: 'redis', containerPort: 6379 },
    storage: '5Gi',
    mountPath: '/data',
  },
  {
    name: 'rabbitmq',
    image: 'docker.io/library/rabbitmq:3.13.7',
    port: { name: 'amqp', containerPort: 5672 },
    storage: '10Gi',
    mountPath: '/var/lib/rabbitmq',
  },
];

const csiDriver = 'ebs.csi.aws.com';
const storageClass = 'gp3';

/**
 * A few StatefulSets in namespace `data`, three replicas each on workers
 * counted from the last, with a headless Service, a bound PVC and PV per
 * replica, and the VolumeAttachment that attaches each volume to its pod's node.
 */
export function statefulWorkloads(ctx: GenContext): void {
  const { t, out, workers } = ctx;
  if (workers.length === 0) return;
  const namespace = 'data';
  const created = t.at('now-30d');
  const started = t.at('now-30d+25s');
  statefulApps.forEach((app, k) => {
    const replicas = Math.min(3, workers.length);
    const labels = { app: app.name };
    const sts: StatefulSetInput = {
      namespace,
      name: app.name,
      labels,
      serviceName: app.name,
      replicas,
      revisionHash: safeSuffix(`${namespace}/${app.name}/revision`, 10),
      created,
      template: {
        labels,
        containers: [
          {
            name: app.name,
            image: app.image,
            ports: [{ ...app.port, protocol: 'TCP' }],
            resources: { limits: { memory: '1Gi' }, requests: { cpu: '250m', memory: '512Mi' } },
            readinessProbe: {
              tcpSocket: { port: app.port.name },
              timeoutSeconds: 1,
              periodSeconds: 10,
              successThreshold: 1,
              failureThreshold: 3,
            },
            volumeMounts: [{ name: 'data', mountPath: app.mountPath }],
          },
        ],
      },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data', creationTimestamp: null },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: app.storage } },
            storageClassName: storageClass,
            volumeMode: 'Filesystem',
          },
          status: { phase: 'Pending' },
        },
      ],
    };
    const owner = controllerRef('apps/v1', 'StatefulSet', namespace, app.name);
    const pods: KubeObject[] = [];
    for (let j = 0; j < replicas; j++) {
      const node = workers[
        (((workers.length - 1 - (k * 3 + j)) % workers.length) + workers.length) % workers.length
      ] as LayoutNode;
      const name = `${app.name}-${j}`;
      const claim = `data-${name}`;
      pods.push(
        runningPod({
          namespace,
          name,
          node,
          podIP: ctx.net.next(node),
          labels: statefulSetPodLabels(sts, j),
          owner,
          containers: sts.template.containers,
          created,
          started,
          serviceAccountName: 'default',
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }],
          tolerations: defaultTolerations,
          hostname: name,
          subdomain: app.name,
          qosClass: 'Burstable',
        }),
      );
      out.push(...volumeFor(namespace, claim, labels, app.storage, node, created));
    }
    const service: ServiceInput = {
      namespace,
      name: app.name,
      labels,
      clusterIP: 'None',
      selector: labels,
      ports: [
        {
          name: app.port.name,
          port: app.port.containerPort,
          protocol: 'TCP',
          targetPort: app.port.containerPort,
          podPort: app.port.containerPort,
        },
      ],
      created,
    };
    out.push(statefulSetObject(sts, pods), ...pods, serviceObject(service), ...endpointObjects(service, pods, started));
  });
}

/** A claim bound to a dynamically provisioned CSI volume, attached to the node its pod runs on. */
function volumeFor(
  namespace: string,
  claim: string,
  labels: Record<string, string>,
  storage: string,
  node: LayoutNode,
  created: string,
): KubeObject[] {
  const claimUid = objectUid('PersistentVolumeClaim', namespace, claim);
  const pvName = `pvc-${claimUid}`;
  const volumeHandle = `vol-0${hex64(pvName).slice(0, 16)}`;
  const pvc = persistentVolumeClaim(
    {
      name: claim,
      namespace,
      uid: claimUid,
      creationTimestamp: created,
      labels,
      annotations: {
        'pv.kubernetes.io/bind-completed': 'yes',
        'pv.kubernetes.io/bound-by-controller': 'yes',
        'volume.beta.kubernetes.io/storage-provisioner': csiDriver,
        'volume.kubernetes.io/selected-node': node.name,
        'volume.kubernetes.io/storage-provisioner': csiDriver,
      },
      finalizers: ['kubernetes.io/pvc-protection'],
    },
    {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage } },
      storageClassName: storageClass,
      volumeMode: 'Filesystem',
      volumeName: pvName,
    },
    { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage } },
  );
  const pv = persistentVolume(
    {
      name: pvName,
      uid: objectUid('PersistentVolume', undefined, pvName),
      creationTimestamp: created,
      annotations: {
        'pv.kubernetes.io/provisioned-by': csiDriver,
        'volume.kubernetes.io/provisioner-deletion-secret-name': '',
        'volume.kubernetes.io/provisioner-deletion-secret-namespace': '',
      },
      finalizers: [
        'external-provisioner.volume.kubernetes.io/finalizer',
        'kubernetes.io/pv-protection',
        'external-attacher/ebs-csi-aws-com',
      ],
    },
    {
      accessModes: ['ReadWriteOnce'],
      capacity: { storage },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: claim, namespace, uid: claimUid },
      csi: {
        driver: csiDriver,
        fsType: 'ext4',
        volumeAttributes: { 'storage.kubernetes.io/csiProvisionerIdentity': '1700000000000-8081-ebs.csi.aws.com' },
        volumeHandle,
      },
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: storageClass,
      volumeMode: 'Filesystem',
    },
    { phase: 'Bound', lastPhaseTransitionTime: created },
  );
  // The attach/detach controller names attachments csi-<sha256(volume handle + attacher + node)>.
  const vaName = `csi-${hex64(`${volumeHandle}${csiDriver}${node.name}`)}`;
  const va: KubeObject = {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'VolumeAttachment',
    metadata: {
      name: vaName,
      uid: objectUid('VolumeAttachment', undefined, vaName),
      creationTimestamp: created,
      annotations: { 'csi.alpha.kubernetes.io/node-id': `i-0${hex64(node.name).slice(0, 16)}` },
      finalizers: ['external-attacher/ebs-csi-aws-com'],
    },
    spec: { attacher: csiDriver, nodeName: node.name, source: { persistentVolumeName: pvName } },
    status: { attached: true, attachmentMetadata: { devicePath: '/dev/xvdaa' } },
  };
  return [pvc, pv, va];
}
