import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Meta, Typed } from './meta.js';

/** A slice with no endpoints serializes `endpoints: null`, as the controller writes it. */
export function endpointSlice(
  metadata: Meta,
  endpoints: readonly Endpoint[] | null,
  ports: readonly EndpointPort[] | null,
  addressType = 'IPv4',
): Typed<EndpointSlice> {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata,
    addressType,
    endpoints: endpoints as Endpoint[],
    ports: ports as EndpointPort[],
  };
}
