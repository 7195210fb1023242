import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../types.js';

/** Metadata as the drill writes it: a name is always set. */
export type Meta = ObjectMeta & KubeObject['metadata'];

/**
 * A kind from kubernetes-types as the drill serves it: apiVersion, kind and a
 * named metadata always set, and still a KubeObject the store can hold.
 */
export type Typed<T extends { apiVersion?: string; kind?: string }> = KubeObject &
  Omit<T, 'apiVersion' | 'kind' | 'metadata'> & {
    apiVersion: NonNullable<T['apiVersion']>;
    kind: NonNullable<T['kind']>;
    metadata: Meta;
  };

/**
 * A pod template's metadata as the API server prints it: an unset
 * metav1.Time marshals as `creationTimestamp: null`, which ObjectMeta's
 * string type cannot say.
 */
export type TemplateMeta = Omit<ObjectMeta, 'creationTimestamp'> & { creationTimestamp?: string | null };
