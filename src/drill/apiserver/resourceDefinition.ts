import type { KubeObject } from '../types.js';
import type { TablePrinter } from './tables/columns.js';

/** Verbs this server implements; discovery advertises only these, so clients never try what would fail. */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'delete' | 'patch' | 'update';

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
  /** Store index names for selector fields that differ (a converted view's `regarding.name` → `involvedObject.name`). */
  indexAliases?: Record<string, string>;
  table?: TablePrinter;
  /**
   * A second version of another resource's objects (events.k8s.io/v1 over
   * core events): stored once in `bucket`, converted on the way out. Field
   * readers, indexes and printers work on the stored form, as upstream's
   * work on the internal type.
   */
  convert?: {
    bucket: string;
    toServed: (stored: KubeObject) => KubeObject;
    toStored: (served: KubeObject) => KubeObject;
  };
}
