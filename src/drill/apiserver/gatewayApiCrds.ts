import type { KubeObject } from '../types.js';

/**
 * The Gateway API's standard-channel CRDs as v1.2.1's install manifest
 * (standard-install.yaml) registers them: group, names, scope and the v1
 * version's additionalPrinterColumns, which is what discovery, `kubectl get
 * crd` and the tables read. The validation schema is left open (the real
 * one is thousands of lines; the drill does not validate writes), and only
 * v1 is served (the manifest also serves v1beta1).
 */
const bundle = {
  'gateway.networking.k8s.io/bundle-version': 'v1.2.1',
  'gateway.networking.k8s.io/channel': 'standard',
};

interface CrdInput {
  plural: string;
  singular: string;
  kind: string;
  scope: 'Namespaced' | 'Cluster';
  shortNames?: string[];
  columns: { name: string; type: string; jsonPath: string; priority?: number }[];
}

const crds: CrdInput[] = [
  {
    plural: 'gatewayclasses',
    singular: 'gatewayclass',
    kind: 'GatewayClass',
    scope: 'Cluster',
    shortNames: ['gc'],
    columns: [
      { name: 'Controller', type: 'string', jsonPath: '.spec.controllerName' },
      { name: 'Accepted', type: 'string', jsonPath: '.status.conditions[?(@.type=="Accepted")].status' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      { name: 'Description', type: 'string', jsonPath: '.spec.description', priority: 1 },
    ],
  },
  {
    plural: 'gateways',
    singular: 'gateway',
    kind: 'Gateway',
    scope: 'Namespaced',
    shortNames: ['gtw'],
    columns: [
      { name: 'Class', type: 'string', jsonPath: '.spec.gatewayClassName' },
      { name: 'Address', type: 'string', jsonPath: '.status.addresses[*].value' },
      { name: 'Programmed', type: 'string', jsonPath: '.status.conditions[?(@.type=="Programmed")].status' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
  },
  {
    plural: 'httproutes',
    singular: 'httproute',
    kind: 'HTTPRoute',
    scope: 'Namespaced',
    columns: [
      { name: 'Hostnames', type: 'string', jsonPath: '.spec.hostnames' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
  },
];

/** The three CRDs, established, created at `created`. */
export function gatewayApiCrds(created: string): KubeObject[] {
  return crds.map((c) => {
    const name = `${c.plural}.gateway.networking.k8s.io`;
    const names = {
      plural: c.plural,
      singular: c.singular,
      kind: c.kind,
      listKind: `${c.kind}List`,
      categories: ['gateway-api'],
      ...(c.shortNames ? { shortNames: c.shortNames } : {}),
    };
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name, annotations: { ...bundle }, creationTimestamp: created, generation: 1 },
      spec: {
        group: 'gateway.networking.k8s.io',
        names,
        scope: c.scope,
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            additionalPrinterColumns: c.columns,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
            subresources: { status: {} },
          },
        ],
      },
      status: {
        acceptedNames: names,
        conditions: [
          {
            type: 'NamesAccepted',
            status: 'True',
            reason: 'NoConflicts',
            message: 'no conflicts found',
            lastTransitionTime: created,
          },
          {
            type: 'Established',
            status: 'True',
            reason: 'InitialNamesAccepted',
            message: 'the initial names have been accepted',
            lastTransitionTime: created,
          },
        ],
        storedVersions: ['v1'],
      },
    };
  });
}
