import type { KubeObject } from '../types.js';
import type { ResourceDefinition } from './resourceDefinition.js';
import { SelectorError } from '../../kube/selectors/error.js';
import { parseFieldSelector } from '../../kube/selectors/fields.js';
import { parseLabelSelector } from '../../kube/selectors/labels.js';
import { badRequest } from './status.js';

/** What a list or watch selects: its scope, its selectors, and what an index lookup can pin. */
export interface Selection {
  /** The namespace the request is scoped to (path, or a pinned `metadata.namespace`). */
  namespace?: string;
  /** A name pinned with `metadata.name=`. */
  name?: string;
  /** Store index → value, for selector terms an index can answer. */
  indexed: Record<string, string>;
  /** Whether any label or field term filters (which makes remainingItemCount inexact upstream). */
  filtering: boolean;
  /** Label and field selectors. */
  filter: (obj: KubeObject) => boolean;
  /** Scope and selectors together, for events a watch must sift. */
  matches: (obj: KubeObject) => boolean;
}

export function parseSelection(
  def: ResourceDefinition,
  pathNamespace: string | undefined,
  query: URLSearchParams,
): Selection {
  const { fields, labels } = asBadRequest(() => ({
    fields: parseFieldSelector(query.get('fieldSelector'), (f) => Object.hasOwn(def.fields, f), def.unsupportedField),
    labels: parseLabelSelector(query.get('labelSelector')),
  }));
  const readers = def.fields;
  const indexed: Record<string, string> = {};
  for (const f of def.indexedFields ?? []) {
    const v = fields.pinned(f);
    if (v !== undefined) indexed[def.indexAliases?.[f] ?? f] = v;
  }
  const namespace = def.namespaced ? (pathNamespace ?? fields.pinned('metadata.namespace')) : undefined;
  const name = fields.pinned('metadata.name');
  const filter = (obj: KubeObject): boolean =>
    labels.matches(obj.metadata.labels) && fields.matches((f) => readers[f]?.(obj) ?? '');
  return {
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    indexed,
    filtering: fields.terms.length > 0 || labels.requirements.length > 0,
    filter,
    matches: (obj) => (namespace === undefined || obj.metadata.namespace === namespace) && filter(obj),
  };
}

/** A malformed selector is a 400 with the API server's message, as upstream answers it. */
function asBadRequest<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof SelectorError) throw badRequest(err.message);
    throw err;
  }
}
