import type { KubeObject } from '../types.js';
import type { ResourceDefinition } from './resourceDefinition.js';
import { creationTimestampDescription, nameColumn } from './tables/columns.js';
import { crdTable } from './tables/crdColumns.js';
import type { PrinterColumn } from './tables/crdColumns.js';

/** The objects of a List as its items. */
function flatten(objects: readonly KubeObject[]): KubeObject[] {
  return objects.flatMap((o) =>
    o.kind.endsWith('List') && Array.isArray(o.items) ? flatten(o.items as KubeObject[]) : [o],
  );
}

const metaFields = {
  'metadata.name': (obj: KubeObject) => obj.metadata.name,
  'metadata.namespace': (obj: KubeObject) => obj.metadata.namespace ?? '',
};

/** runtime.DefaultMetaV1FieldSelectorConversion's wording: custom resources take only the metadata fields. */
const unsupported = (field: string): string =>
  `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`;

/** The CustomResourceDefinitions themselves (`kubectl get crd`). */
export const crdResource: ResourceDefinition = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  kind: 'CustomResourceDefinition',
  namespaced: false,
  verbs: ['get', 'list', 'watch'],
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  fields: metaFields,
  unsupportedField: unsupported,
  // rest.NewDefaultTableConvertor, which apiextensions-apiserver uses for CRDs themselves: Name and Created At (RFC 3339).
  table: {
    columns: [
      nameColumn,
      { name: 'Created At', type: 'date', format: '', description: creationTimestampDescription, priority: 0 },
    ],
    row: (o) => ({ cells: [o.metadata.name, o.metadata.creationTimestamp ?? null] }),
  },
};

interface CrdSpec {
  group?: unknown;
  scope?: unknown;
  names?: { plural?: unknown; singular?: unknown; kind?: unknown; shortNames?: unknown; categories?: unknown };
  versions?: { name?: unknown; served?: unknown; additionalPrinterColumns?: unknown }[];
}

function printerColumns(v: unknown): PrinterColumn[] {
  if (!Array.isArray(v)) return [];
  return v.filter(
    (c): c is PrinterColumn =>
      typeof c === 'object' &&
      c !== null &&
      typeof (c as PrinterColumn).name === 'string' &&
      typeof (c as PrinterColumn).jsonPath === 'string' &&
      typeof (c as PrinterColumn).type === 'string',
  );
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;

/**
 * The resources a scenario's CustomResourceDefinitions make the server serve,
 * one per served version, as the apiextensions-apiserver does once a CRD is
 * established: a CRD pasted into a scenario is what makes its objects readable.
 */
export function crdResources(objects: readonly KubeObject[]): ResourceDefinition[] {
  const out: ResourceDefinition[] = [];
  for (const o of flatten(objects)) {
    if (o.apiVersion !== 'apiextensions.k8s.io/v1' || o.kind !== 'CustomResourceDefinition') continue;
    const spec = (o.spec ?? {}) as CrdSpec;
    const { group, names } = spec;
    if (typeof group !== 'string' || typeof names?.plural !== 'string' || typeof names.kind !== 'string') continue;
    for (const v of spec.versions ?? []) {
      if (typeof v.name !== 'string' || v.served === false) continue;
      const shortNames = strings(names.shortNames);
      const columns = printerColumns(v.additionalPrinterColumns);
      const categories = strings(names.categories);
      out.push({
        group,
        version: v.name,
        resource: names.plural,
        singular: typeof names.singular === 'string' ? names.singular : names.kind.toLowerCase(),
        kind: names.kind,
        namespaced: spec.scope !== 'Cluster',
        // A trainee fixes a route or a Gateway's status in place, as with any object.
        verbs: ['get', 'list', 'patch', 'update', 'watch'],
        ...(shortNames ? { shortNames } : {}),
        ...(categories ? { categories } : {}),
        fields: metaFields,
        unsupportedField: unsupported,
        ...(columns.length > 0 ? { table: crdTable(columns) } : {}),
      });
    }
  }
  return out;
}
