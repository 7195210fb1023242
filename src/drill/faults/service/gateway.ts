import { z } from 'zod';
import { gatewayApiCrds } from '../../apiserver/gatewayApiCrds.js';
import { objectUid } from '../../generate/ids.js';
import { defineFault } from '../types.js';

/**
 * The app reached through the Gateway API instead of an Ingress: the
 * standard-channel CRDs, Envoy Gateway's GatewayClass, a Gateway in the app's
 * namespace and an HTTPRoute for the host to the app's Service. With
 * `programmed: false` nobody has programmed the Gateway (its controller is
 * not running: no address, Programmed False); with `backendPort` the route
 * names a port the Service does not have.
 */
export const gatewayApp = defineFault({
  id: 'gateway-app',
  title: 'The app is exposed through a Gateway and an HTTPRoute (Gateway API CRDs installed)',
  layer: 'cluster',
  description:
    "Installs the Gateway API v1.2.1 standard CRDs, GatewayClass `className` (Envoy Gateway's controller), Gateway `gateway` in `namespace` (HTTP listener on 80) and HTTPRoute `name` for `host` with backendRef Service `name` port `backendPort`. With `programmed: false` the Gateway has no address and Programmed is False (AddressNotAssigned), as when its controller does not run.",
  params: z.strictObject({
    namespace: z.string().default('shop'),
    name: z.string().default('web'),
    host: z.string().default('shop.example.com'),
    gateway: z.string().default('eg'),
    className: z.string().default('eg'),
    backendPort: z.number().int().default(80),
    programmed: z.boolean().default(true),
  }),
  apply(ctx, p) {
    for (const crd of gatewayApiCrds(ctx.at('now-60d')))
      if (!ctx.find('CustomResourceDefinition', undefined, crd.metadata.name)) ctx.put(crd);
    const accepted = ctx.at('now-60d');
    ctx.put({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: {
        name: p.className,
        uid: objectUid('GatewayClass', undefined, p.className),
        generation: 1,
        creationTimestamp: accepted,
      },
      spec: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' },
      status: {
        conditions: [
          {
            type: 'Accepted',
            status: 'True',
            reason: 'Accepted',
            message: 'Valid GatewayClass',
            observedGeneration: 1,
            lastTransitionTime: accepted,
          },
        ],
      },
    });
    const created = ctx.at('now-30d');
    const changed = ctx.at('now-40m');
    ctx.put({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: {
        name: p.gateway,
        namespace: p.namespace,
        uid: objectUid('Gateway', p.namespace, p.gateway),
        generation: 1,
        creationTimestamp: created,
      },
      spec: {
        gatewayClassName: p.className,
        listeners: [{ name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'Same' } } }],
      },
      status: p.programmed
        ? {
            addresses: [{ type: 'IPAddress', value: '192.0.2.20' }],
            conditions: [
              {
                type: 'Accepted',
                status: 'True',
                reason: 'Accepted',
                message: 'The Gateway has been scheduled by Envoy Gateway',
                observedGeneration: 1,
                lastTransitionTime: created,
              },
              {
                type: 'Programmed',
                status: 'True',
                reason: 'Programmed',
                message: 'Address assigned to the Gateway, 1/1 envoy replicas available',
                observedGeneration: 1,
                lastTransitionTime: created,
              },
            ],
          }
        : {
            conditions: [
              {
                type: 'Accepted',
                status: 'True',
                reason: 'Accepted',
                message: 'The Gateway has been scheduled by Envoy Gateway',
                observedGeneration: 1,
                lastTransitionTime: created,
              },
              {
                type: 'Programmed',
                status: 'False',
                reason: 'AddressNotAssigned',
                message: 'No addresses have been assigned to the Gateway',
                observedGeneration: 1,
                lastTransitionTime: changed,
              },
            ],
          },
    });
    ctx.put({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: {
        name: p.name,
        namespace: p.namespace,
        uid: objectUid('HTTPRoute', p.namespace, p.name),
        generation: 1,
        creationTimestamp: created,
      },
      spec: {
        parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: p.gateway }],
        hostnames: [p.host],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            backendRefs: [{ group: '', kind: 'Service', name: p.name, port: p.backendPort, weight: 1 }],
          },
        ],
      },
      status: {
        parents: [
          {
            parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: p.gateway },
            controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
            conditions: [
              {
                type: 'Accepted',
                status: 'True',
                reason: 'Accepted',
                message: 'Route is accepted',
                observedGeneration: 1,
                lastTransitionTime: created,
              },
              {
                type: 'ResolvedRefs',
                status: 'True',
                reason: 'ResolvedRefs',
                message: 'Resolved all the Object references for the Route',
                observedGeneration: 1,
                lastTransitionTime: created,
              },
            ],
          },
        ],
      },
    });
  },
});
