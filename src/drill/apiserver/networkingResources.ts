import type { ResourceDefinition } from './resourceDefinition.js';
import { gatewayClassTable, gatewayTable, httpRouteTable, ingressClassTable, ingressTable, networkPolicyTable } from './tables/networking.js';

const metaFields: ResourceDefinition['fields'] = {
  'metadata.name': (obj) => obj.metadata.name,
  'metadata.namespace': (obj) => obj.metadata.namespace ?? '',
};
const defaultUnsupported = (field: string): string => `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`;

/**
 * What a Service's traffic passes on its way in: networking.k8s.io's
 * Ingress, IngressClass and NetworkPolicy, and the Gateway API's Gateway,
 * HTTPRoute and GatewayClass as their CRDs (v1.0.0+) serve them. Read,
 * patched and replaced, as a trainee fixing a policy or a backend would.
 */
export const networkingResources: ResourceDefinition[] = [
  {
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'ingresses',
    singular: 'ingress',
    kind: 'Ingress',
    namespaced: true,
    verbs: ['get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['ing'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    table: ingressTable,
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'ingressclasses',
    singular: 'ingressclass',
    kind: 'IngressClass',
    namespaced: false,
    verbs: ['get', 'list', 'watch'],
    fields: { 'metadata.name': (obj) => obj.metadata.name },
    unsupportedField: defaultUnsupported,
    table: ingressClassTable,
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'networkpolicies',
    singular: 'networkpolicy',
    kind: 'NetworkPolicy',
    namespaced: true,
    verbs: ['get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['netpol'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    table: networkPolicyTable,
  },
  {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    resource: 'gatewayclasses',
    singular: 'gatewayclass',
    kind: 'GatewayClass',
    namespaced: false,
    verbs: ['get', 'list', 'watch'],
    shortNames: ['gc'],
    categories: ['gateway-api'],
    fields: { 'metadata.name': (obj) => obj.metadata.name },
    unsupportedField: defaultUnsupported,
    table: gatewayClassTable,
  },
  {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    resource: 'gateways',
    singular: 'gateway',
    kind: 'Gateway',
    namespaced: true,
    verbs: ['get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['gtw'],
    categories: ['gateway-api'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    table: gatewayTable,
  },
  {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    resource: 'httproutes',
    singular: 'httproute',
    kind: 'HTTPRoute',
    namespaced: true,
    verbs: ['get', 'list', 'patch', 'update', 'watch'],
    categories: ['gateway-api'],
    fields: metaFields,
    unsupportedField: defaultUnsupported,
    table: httpRouteTable,
  },
];
