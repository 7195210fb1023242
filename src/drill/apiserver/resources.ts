import type { KubeObject } from '../types.js';
import { asObject, asString, at } from './json.js';
import type { TablePrinter } from './tables/columns.js';
import { eventTable } from './tables/events.js';
import { leaseTable } from './tables/leases.js';
import { namespaceTable } from './tables/namespaces.js';
import { nodeTable } from './tables/nodes.js';
import { podTable } from './tables/pods.js';

/** Verbs this server implements; discovery advertises only these, so clients never try what would fail. */
export type Verb = 'get' | 'list';

export type FieldReader = (obj: KubeObject) => string;

export interface SubresourceDefinition {
  name: string;
  kind: string;
  verbs: Verb[];
}

/**
 * One served resource: everything discovery, routing, selectors, indexes and
 * printing need to know about it. Serving a new resource is one entry here.
 */
export interface ResourceDefinition {
  group: string;
  version: string;
  /** Plural, lower case: the path segment (`pods`). */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: Verb[];
  shortNames?: string[];
  categories?: string[];
  subresources?: SubresourceDefinition[];
  /** Field selector labels the real apiserver accepts for this kind, with how each reads an object. */
  fields: Record<string, FieldReader>;
  /** Wording of the 400 for an unsupported field label (core kinds and the generic default differ). */
  unsupportedField: (field: string) => string;
  /** Fields the store indexes, so a selector pinning one skips the scan. */
  indexedFields?: string[];
  table?: TablePrinter;
}

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

/** runtime.DefaultMetaV1FieldSelectorConversion's wording, for kinds without their own conversion. */
const defaultUnsupported = (field: string): string => `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`;

export const resources: ResourceDefinition[] = [
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    verbs: ['get', 'list'],
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
    verbs: ['get', 'list'],
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
    verbs: ['get', 'list'],
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
    verbs: ['get', 'list'],
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
    verbs: ['get', 'list'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    table: leaseTable,
  },
];

/** The store bucket of a served resource: core resources by plural, others group-qualified. */
export function bucketName(def: Pick<ResourceDefinition, 'group' | 'resource'>): string {
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

  /** Group → versions → resources, in registration order (discovery keeps it). */
  groups(): Map<string, Map<string, ResourceDefinition[]>> {
    const out = new Map<string, Map<string, ResourceDefinition[]>>();
    for (const def of this.all) {
      const versions = out.get(def.group) ?? new Map<string, ResourceDefinition[]>();
      out.set(def.group, versions);
      versions.set(def.version, [...(versions.get(def.version) ?? []), def]);
    }
    return out;
  }
}
