import type { Lease, LeaseSpec } from 'kubernetes-types/coordination/v1.js';
import type { Meta, Typed } from './meta.js';

export function lease(metadata: Meta, spec: LeaseSpec): Typed<Lease> {
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata, spec };
}
