import type { KubeObject } from '../types.js';
import { asNumber, asObject, asString, at } from './json.js';
import type { FieldReader, ResourceDefinition, Verb } from './resourceDefinition.js';
import { ageColumn, column, nameColumn } from './tables/columns.js';
import { since } from '../../kube/semantics/duration.js';
import { coreEventToV1, v1EventToCore } from './eventsV1.js';
import { apiServiceTable } from './tables/apiservices.js';
import { configMapTable, secretTable } from './tables/config.js';
import { csrTable } from './tables/csr.js';
import { endpointSliceTable, endpointsTable } from './tables/endpoints.js';
import { eventTable } from './tables/events.js';
import { cronJobTable, jobTable } from './tables/jobs.js';
import { leaseTable } from './tables/leases.js';
import { namespaceTable } from './tables/namespaces.js';
import { nodeTable } from './tables/nodes.js';
import { podTable } from './tables/pods.js';
import { serviceTable } from './tables/services.js';
import { persistentVolumeClaimTable, persistentVolumeTable, volumeAttachmentTable } from './tables/storage.js';
import { daemonSetTable, deploymentTable, replicaSetTable, statefulSetTable } from './tables/workloads.js';
import { networkingResources } from './networkingResources.js';

const str =
  (...path: string[]): FieldReader =>
  (obj) =>
    asString(at(obj, ...path));

/** Go formats a bool field as `true`/`false`, and an unset one as `false`. */
const bool =
  (...path: string[]): FieldReader =>
  (obj) =>
    at(obj, ...path) === true ? 'true' : 'false';

const metaFields: Record<string, FieldReader> = {
  'metadata.name': (obj) => obj.metadata.name,
  'metadata.namespace': (obj) => obj.metadata.namespace ?? '',
};

const coreUnsupported = (field: string): string => `field label not supported: ${field}`;

/** What every read-only resource serves. */
const read: Verb[] = ['get', 'list', 'watch'];
/** What a resource the drill lets clients change serves (PATCH, PUT). */
const readWrite: Verb[] = ['get', 'list', 'patch', 'update', 'watch'];

/** runtime.DefaultMetaV1FieldSelectorConversion's wording, for kinds without their own conversion. */
const defaultUnsupported = (field: string): string =>
  `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`;

export const resources: ResourceDefinition[] = [
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['po'],
    categories: ['all'],
    subresources: [{ name: 'log', kind: 'Pod', verbs: ['get'] }],
    fields: {
      ...metaFields,
      'spec.nodeName': str('spec', 'nodeName'),
      'spec.restartPolicy': str('spec', 'restartPolicy'),
      'spec.schedulerName': str('spec', 'schedulerName'),
      'spec.serviceAccountName': str('spec', 'serviceAccountName'),
      'spec.hostNetwork': bool('spec', 'hostNetwork'),
      'status.phase': str('status', 'phase'),
      'status.podIP': str('status', 'podIP'),
      'status.nominatedNodeName': str('status', 'nominatedNodeName'),
    },
    unsupportedField: coreUnsupported,
    indexedFields: ['spec.nodeName'],
    table: podTable,
  },
  {
    group: '',
    version: 'v1',
    resource: 'nodes',
    singular: 'node',
    kind: 'Node',
    namespaced: false,
    verbs: ['get', 'list', 'watch'],
    shortNames: ['no'],
    fields: { 'metadata.name': (obj) => obj.metadata.name, 'spec.unschedulable': bool('spec', 'unschedulable') },
    unsupportedField: coreUnsupported,
    table: nodeTable,
  },
  {
    group: '',
    version: 'v1',
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    verbs: ['get', 'list', 'watch'],
    shortNames: ['ev'],
    fields: {
      ...metaFields,
      'involvedObject.kind': str('involvedObject', 'kind'),
      'involvedObject.namespace': str('involvedObject', 'namespace'),
      'involvedObject.name': str('involvedObject', 'name'),
      'involvedObject.uid': str('involvedObject', 'uid'),
      'involvedObject.apiVersion': str('involvedObject', 'apiVersion'),
      'involvedObject.resourceVersion': str('involvedObject', 'resourceVersion'),
      'involvedObject.fieldPath': str('involvedObject', 'fieldPath'),
      reason: str('reason'),
      reportingComponent: str('reportingComponent'),
      source: (obj) => asString(asObject(obj.source).component),
      type: str('type'),
    },
    unsupportedField: coreUnsupported,
    // "Events of this pod" is the common question; it should not cost a scan of every event.
    indexedFields: ['involvedObject.name'],
    table: eventTable,
  },
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    verbs: ['get', 'list', 'watch'],
    shortNames: ['ns'],
    fields: { 'metadata.name': (obj) => obj.metadata.name, 'status.phase': str('status', 'phase') },
    unsupportedField: coreUnsupported,
    table: namespaceTable,
  },
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    resource: 'leases',
    singular: 'lease',
    kind: 'Lease',
    namespaced: true,
    verbs: ['get', 'list', 'watch'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    table: leaseTable,
  },
  {
    group: '',
    version: 'v1',
    resource: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    verbs: read,
    shortNames: ['svc'],
    categories: ['all'],
    fields: {
      ...metaFields,
      'spec.clusterIP': str('spec', 'clusterIP'),
      'spec.type': (obj) => asString(at(obj, 'spec', 'type')) || 'ClusterIP',
    },
    unsupportedField: coreUnsupported,
    table: serviceTable,
  },
  {
    group: '',
    version: 'v1',
    resource: 'endpoints',
    singular: 'endpoints',
    kind: 'Endpoints',
    namespaced: true,
    verbs: read,
    shortNames: ['ep'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    table: endpointsTable,
  },
  {
    group: '',
    version: 'v1',
    resource: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    verbs: readWrite,
    shortNames: ['cm'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    table: configMapTable,
  },
  {
    group: '',
    version: 'v1',
    resource: 'secrets',
    singular: 'secret',
    kind: 'Secret',
    namespaced: true,
    verbs: read,
    fields: { ...metaFields, type: str('type') },
    unsupportedField: coreUnsupported,
    table: secretTable,
  },
  {
    group: '',
    version: 'v1',
    resource: 'persistentvolumeclaims',
    singular: 'persistentvolumeclaim',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    verbs: read,
    shortNames: ['pvc'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    table: persistentVolumeClaimTable,
  },
  {
    group: '',
    version: 'v1',
    resource: 'persistentvolumes',
    singular: 'persistentvolume',
    kind: 'PersistentVolume',
    namespaced: false,
    verbs: read,
    shortNames: ['pv'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    table: persistentVolumeTable,
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    verbs: readWrite,
    shortNames: ['deploy'],
    categories: ['all'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    table: deploymentTable,
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    verbs: readWrite,
    shortNames: ['rs'],
    categories: ['all'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    table: replicaSetTable,
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
    namespaced: true,
    verbs: readWrite,
    shortNames: ['sts'],
    categories: ['all'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    table: statefulSetTable,
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'daemonsets',
    singular: 'daemonset',
    kind: 'DaemonSet',
    namespaced: true,
    verbs: readWrite,
    shortNames: ['ds'],
    categories: ['all'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    table: daemonSetTable,
  },
  {
    group: 'batch',
    version: 'v1',
    resource: 'jobs',
    singular: 'job',
    kind: 'Job',
    namespaced: true,
    verbs: readWrite,
    categories: ['all'],
    // pkg/apis/batch/v1's field label conversion: Job is the one batch kind with its own.
    fields: { ...metaFields, 'status.successful': (obj) => String(asNumber(asObject(obj.status).succeeded)) },
    unsupportedField: (field) => `field label "${field}" not supported for batchv1.Job`,
    table: jobTable,
  },
  {
    group: 'batch',
    version: 'v1',
    resource: 'cronjobs',
    singular: 'cronjob',
    kind: 'CronJob',
    namespaced: true,
    verbs: readWrite,
    shortNames: ['cj'],
    categories: ['all'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    table: cronJobTable,
  },
  {
    group: 'storage.k8s.io',
    version: 'v1',
    resource: 'volumeattachments',
    singular: 'volumeattachment',
    kind: 'VolumeAttachment',
    namespaced: false,
    verbs: read,
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    table: volumeAttachmentTable,
  },
  {
    group: 'certificates.k8s.io',
    version: 'v1',
    resource: 'certificatesigningrequests',
    singular: 'certificatesigningrequest',
    kind: 'CertificateSigningRequest',
    namespaced: false,
    verbs: read,
    shortNames: ['csr'],
    fields: { ...metaFields, 'spec.signerName': str('spec', 'signerName') },
    unsupportedField: defaultUnsupported,
    table: csrTable,
  },
  {
    group: 'apiregistration.k8s.io',
    version: 'v1',
    resource: 'apiservices',
    singular: 'apiservice',
    kind: 'APIService',
    namespaced: false,
    verbs: read,
    categories: ['api-extensions'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    table: apiServiceTable,
  },
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    resource: 'validatingwebhookconfigurations',
    singular: 'validatingwebhookconfiguration',
    kind: 'ValidatingWebhookConfiguration',
    namespaced: false,
    verbs: read,
    categories: ['api-extensions'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    // printValidatingWebhook: NAME, WEBHOOKS, AGE.
    table: {
      columns: [
        nameColumn,
        column('Webhooks', 'Webhooks indicates the number of webhooks in the configuration.', { type: 'integer' }),
        ageColumn,
      ],
      row: (o, now) => ({
        cells: [
          o.metadata.name,
          Array.isArray(o.webhooks) ? o.webhooks.length : 0,
          since(o.metadata.creationTimestamp, now),
        ],
      }),
    },
  },
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    resource: 'mutatingwebhookconfigurations',
    singular: 'mutatingwebhookconfiguration',
    kind: 'MutatingWebhookConfiguration',
    namespaced: false,
    verbs: read,
    categories: ['api-extensions'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    // printMutatingWebhook: NAME, WEBHOOKS, AGE, as for the validating kind.
    table: {
      columns: [
        nameColumn,
        column('Webhooks', 'Webhooks indicates the number of webhooks in the configuration.', { type: 'integer' }),
        ageColumn,
      ],
      row: (o, now) => ({
        cells: [
          o.metadata.name,
          Array.isArray(o.webhooks) ? o.webhooks.length : 0,
          since(o.metadata.creationTimestamp, now),
        ],
      }),
    },
  },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    resource: 'endpointslices',
    singular: 'endpointslice',
    kind: 'EndpointSlice',
    namespaced: true,
    verbs: read,
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    table: endpointSliceTable,
  },
  {
    group: 'events.k8s.io',
    version: 'v1',
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    verbs: read,
    shortNames: ['ev'],
    // pkg/apis/events/v1's field label conversion, onto the stored core event.
    fields: {
      ...metaFields,
      reason: str('reason'),
      'regarding.kind': str('involvedObject', 'kind'),
      'regarding.namespace': str('involvedObject', 'namespace'),
      'regarding.name': str('involvedObject', 'name'),
      'regarding.uid': str('involvedObject', 'uid'),
      'regarding.apiVersion': str('involvedObject', 'apiVersion'),
      'regarding.resourceVersion': str('involvedObject', 'resourceVersion'),
      'regarding.fieldPath': str('involvedObject', 'fieldPath'),
      reportingController: str('reportingComponent'),
      source: (obj) => asString(asObject(obj.source).component),
      type: str('type'),
    },
    unsupportedField: coreUnsupported,
    indexedFields: ['regarding.name'],
    indexAliases: { 'regarding.name': 'involvedObject.name' },
    table: eventTable,
    convert: { bucket: 'events', toServed: coreEventToV1, toStored: v1EventToCore },
  },
  ...networkingResources,
];

/**
 * What metrics-server serves under metrics.k8s.io/v1beta1, for discovery of an
 * available v1beta1.metrics.k8s.io APIService. Not in `resources`: the group
 * exists only while an APIService registers it.
 */
export const metricsResources: ResourceDefinition[] = [
  {
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    resource: 'nodes',
    singular: '',
    kind: 'NodeMetrics',
    namespaced: false,
    verbs: ['get', 'list'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
  },
  {
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    resource: 'pods',
    singular: '',
    kind: 'PodMetrics',
    namespaced: true,
    verbs: ['get', 'list'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
  },
];

/** The order kube-apiserver lists API groups in (its APIService group priorities, highest first). */
const groupPriority = [
  '',
  'apiregistration.k8s.io',
  'apps',
  'events.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'flowcontrol.apiserver.k8s.io',
];

/** The store bucket of a served resource: core resources by plural, others group-qualified; a converted view shares its source's. */
export function bucketName(def: Pick<ResourceDefinition, 'group' | 'resource' | 'convert'>): string {
  if (def.convert) return def.convert.bucket;
  return def.group ? `${def.resource}.${def.group}` : def.resource;
}

export function groupVersion(def: Pick<ResourceDefinition, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** Resource lookups by path segment and by the kind objects declare. */
export class ResourceRegistry {
  private readonly byPath = new Map<string, ResourceDefinition>();
  private readonly byKind = new Map<string, ResourceDefinition>();

  constructor(readonly all: ResourceDefinition[] = resources) {
    for (const def of all) {
      this.byPath.set(`${groupVersion(def)}/${def.resource}`, def);
      this.byKind.set(`${groupVersion(def)}/${def.kind}`, def);
    }
  }

  find(group: string, version: string, resource: string): ResourceDefinition | undefined {
    return this.byPath.get(`${groupVersion({ group, version })}/${resource}`);
  }

  forObject(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): ResourceDefinition | undefined {
    return this.byKind.get(`${obj.apiVersion}/${obj.kind}`);
  }

  /**
   * Group → versions → resources: groups in kube-apiserver's discovery
   * priority order (the core group, then apiregistration, apps, events ...),
   * resources sorted by name as its route installer lists them.
   */
  groups(): Map<string, Map<string, ResourceDefinition[]>> {
    const out = new Map<string, Map<string, ResourceDefinition[]>>();
    const rank = (g: string): number => (groupPriority.includes(g) ? groupPriority.indexOf(g) : groupPriority.length);
    const sorted = [...this.all].sort(
      (a, b) => rank(a.group) - rank(b.group) || (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0),
    );
    for (const def of sorted) {
      const versions = out.get(def.group) ?? new Map<string, ResourceDefinition[]>();
      out.set(def.group, versions);
      versions.set(def.version, [...(versions.get(def.version) ?? []), def]);
    }
    return out;
  }
}
