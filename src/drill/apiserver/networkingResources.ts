import type { ResourceDefinition } from './resourceDefinition.js';
import { ingressClassTable, ingressTable, networkPolicyTable } from './tables/networking.js';

const metaFields: ResourceDefinition['fields'] = {
  'metadata.name': (obj) => obj.metadata.name,
  'metadata.namespace': (obj) => obj.metadata.namespace ?? '',
};
const defaultUnsupported = (field: string): string =>
  `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`;

/**
 * What a Service's traffic passes on its way in: networking.k8s.io's
 * Ingress, IngressClass and NetworkPolicy. Read, patched and replaced, as a
 * trainee fixing a policy or a backend would. (The Gateway API's kinds are
 * CRDs: gatewayApiCrds.ts registers them through apiextensions.k8s.io.)
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
];
