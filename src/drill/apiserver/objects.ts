import type { KubeObject } from '../types.js';
import { groupVersion } from './resources.js';
import type { ResourceDefinition } from './resourceDefinition.js';

/** An object as a GET returns it: converted to the served version, `kind` and `apiVersion` first, as the apiserver encodes them. */
export function typed(def: ResourceDefinition, obj: KubeObject): KubeObject {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = def.convert ? def.convert.toServed(obj) : obj;
  return { kind: def.kind, apiVersion: groupVersion(def), ...rest };
}

/** A list item: typed lists (PodList) encode their items without `kind`/`apiVersion`. */
export function untyped(def: ResourceDefinition, obj: KubeObject): Omit<KubeObject, 'kind' | 'apiVersion'> {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = def.convert ? def.convert.toServed(obj) : obj;
  return rest;
}
