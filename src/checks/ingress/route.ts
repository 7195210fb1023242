import { z } from 'zod';
import { KubeError } from '../../kube/errors.js';
import type { KubeClient } from '../../kube/client.js';
import { quoteArg } from '../../nodeaccess/quote.js';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence } from '../types.js';
import { clusterName, hostOf } from '../../kube/dnsNames.js';
import { listIngresses, portText, servicePorts } from '../service/objects.js';
import type { HttpRouteView, IngressBackendService, IngressView } from '../service/objects.js';

const outcomes = ['routed', 'none', 'host-not-routed', 'backend-port-wrong', 'backend-missing'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  namespace: z.string().min(1),
  service: z.string().min(1),
  /** The host (or URL) clients use from outside, if they do. */
  host: z.string().default(''),
});
type Params = z.infer<typeof params>;

/** HTTPRoutes are a CRD: a cluster without the Gateway API answers 404 for the whole group, which is "no routes". */
async function listHttpRoutes(kube: KubeClient, namespace: string): Promise<HttpRouteView[]> {
  try {
    return await kube.listJson<HttpRouteView>(
      `/apis/gateway.networking.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/httproutes`,
      { maxItems: 500 },
    );
  } catch (err) {
    if (err instanceof KubeError && err.kind === 'not-found') return [];
    throw err;
  }
}

interface Route {
  kind: 'Ingress' | 'HTTPRoute';
  name: string;
  host: string;
  backend: string;
  /** The backend's port as written (number or name). */
  port: string;
  className: string;
  tlsSecret: string;
  gateway?: string;
}

function ingressClass(ing: IngressView): string {
  return ing.spec?.ingressClassName ?? ing.metadata.annotations?.['kubernetes.io/ingress.class'] ?? '(default)';
}

function ingressRoutes(ing: IngressView): Route[] {
  const out: Route[] = [];
  const tlsFor = (host: string) =>
    ing.spec?.tls?.find((t) => (t.hosts ?? []).includes(host) || (host === '*' && (t.hosts ?? []).length === 0))
      ?.secretName ?? '';
  const add = (host: string, svc: IngressBackendService | undefined) => {
    if (!svc) return;
    out.push({
      kind: 'Ingress',
      name: ing.metadata.name,
      host,
      backend: svc.name,
      port: svc.port?.name ?? String(svc.port?.number ?? ''),
      className: ingressClass(ing),
      tlsSecret: tlsFor(host),
    });
  };
  for (const rule of ing.spec?.rules ?? [])
    for (const path of rule.http?.paths ?? []) add(rule.host ?? '*', path.backend.service);
  add('*', ing.spec?.defaultBackend?.service);
  return out;
}

function httpRoutes(r: HttpRouteView): Route[] {
  const hosts = r.spec?.hostnames?.length ? r.spec.hostnames : ['*'];
  const gateway = r.spec?.parentRefs?.[0]?.name ?? '';
  return (r.spec?.rules ?? []).flatMap((rule) =>
    (rule.backendRefs ?? [])
      .filter((b) => (b.kind ?? 'Service') === 'Service')
      .flatMap((b) =>
        hosts.map((host) => ({
          kind: 'HTTPRoute' as const,
          name: r.metadata.name,
          host,
          backend: b.name,
          port: String(b.port ?? ''),
          className: gateway,
          tlsSecret: '',
          gateway,
        })),
      ),
  );
}

const command = (p: Params) =>
  `kubectl get ingress,httproute -n ${quoteArg(p.namespace)} -o wide; kubectl describe ingress -n ${quoteArg(p.namespace)}`;

/**
 * The way in from outside: the Ingress rule (or Gateway API HTTPRoute) for
 * the host, and whether its backend names this Service on a port the
 * Service has. A backend port the Service lacks makes the controller answer
 * 503 while the Service itself works.
 */
export const ingressRoute = defineCheck({
  id: 'ingress.route',
  layer: 'cluster',
  title: 'Does an Ingress or HTTPRoute send the host to this Service, on a port it has?',
  why: 'Outside traffic reaches a Service only through a rule for its host; the rule names the Service and a port, and a port the Service does not have (or another Service) is a 503 from the controller however healthy the pods are.',
  params,
  outcomes,
  healthy: ['routed', 'none'],
  facts: [
    'routeKind',
    'ingressName',
    'ingressClass',
    'ingressHost',
    'tlsSecret',
    'backendPort',
    'backendService',
    'gateway',
    'servicePorts',
    'routeVia',
  ],
  sets: {
    routed: ['routeKind', 'ingressName', 'ingressClass', 'ingressHost', 'tlsSecret', 'routeVia'],
    'backend-port-wrong': ['routeKind', 'ingressName', 'backendPort', 'servicePorts'],
    'backend-missing': ['routeKind', 'ingressName', 'backendService', 'ingressHost'],
    'host-not-routed': ['ingressHost'],
  },
  command,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const [ingresses, routes] = await Promise.all([
      listIngresses(ctx.kube, p.namespace),
      listHttpRoutes(ctx.kube, p.namespace),
    ]);
    const all = [...ingresses.flatMap(ingressRoutes), ...routes.flatMap(httpRoutes)];
    const asked = hostOf(p.host);
    const inCluster = clusterName(asked);
    // A cluster name (web, web.shop, web.shop.svc...) or an address is no Ingress host: only the rules for the Service count.
    const host =
      !asked ||
      /^[\d.]+$|:/.test(asked) ||
      (inCluster && (!inCluster.namespace || inCluster.qualified || inCluster.service === p.service))
        ? ''
        : asked;
    const evidence: Evidence[] = [
      {
        label: `rules in ${p.namespace}`,
        value:
          all.length === 0
            ? 'no Ingress or HTTPRoute'
            : all
                .slice(0, 6)
                .map((r) => `${r.kind} ${r.name}: ${r.host} → ${r.backend}:${r.port}`)
                .join('; '),
      },
    ];
    const forHost = host
      ? all.filter((r) => r.host === host || (r.host.startsWith('*.') && host.endsWith(r.host.slice(1))))
      : [];
    const candidates = host ? forHost : all.filter((r) => r.backend === p.service);
    if (candidates.length === 0) {
      if (host)
        return {
          outcome: 'host-not-routed',
          summary: `no Ingress or HTTPRoute in ${p.namespace} has a rule for ${host}`,
          evidence,
          facts: { ingressHost: host },
        };
      return {
        outcome: 'none',
        summary: `no Ingress or HTTPRoute in ${p.namespace} sends traffic to ${p.service}: it is reached from inside the cluster only`,
        evidence,
        facts: {},
      };
    }
    const route = candidates.find((r) => r.backend === p.service) ?? candidates[0];
    if (!route) return { outcome: 'none', summary: 'no rule', evidence, facts: {} };
    const base = { routeKind: route.kind, ingressName: route.name, ingressHost: route.host };
    if (route.backend !== p.service) {
      const other = await ifExists(ctx.kube.readService(p.namespace, route.backend));
      if (!other)
        return {
          outcome: 'backend-missing',
          summary: `${route.kind} ${route.name} sends ${route.host} to Service ${route.backend}, which does not exist`,
          evidence,
          facts: { ...base, backendService: route.backend },
        };
    }
    const svc = await ifExists(ctx.kube.readService(p.namespace, route.backend));
    if (!svc)
      return {
        outcome: 'backend-missing',
        summary: `${route.kind} ${route.name} sends ${route.host} to Service ${route.backend}, which does not exist`,
        evidence,
        facts: { ...base, backendService: route.backend },
      };
    const ports = servicePorts(svc);
    const portsText = ports.map(portText).join(', ');
    if (route.port && !ports.some((x) => String(x.port) === route.port || x.name === route.port)) {
      return {
        outcome: 'backend-port-wrong',
        summary: `${route.kind} ${route.name} sends ${route.host} to ${route.backend} port ${route.port}, which the Service does not have (it has ${portsText}): the controller has no upstream and answers 503`,
        evidence: [...evidence, { label: `Service ${route.backend} ports`, value: portsText }],
        facts: { ...base, backendPort: route.port, servicePorts: portsText },
      };
    }
    return {
      outcome: 'routed',
      summary: `${route.kind} ${route.name} sends ${route.host} to ${route.backend}:${route.port || ports[0]?.port || ''}${route.kind === 'Ingress' ? ` through class ${route.className}` : ` through Gateway ${route.gateway ?? ''}`}${route.tlsSecret ? `, TLS from Secret ${route.tlsSecret}` : ''}`,
      evidence,
      facts: {
        ...base,
        ingressClass: route.className,
        routeVia:
          route.kind === 'Ingress' ? `IngressClass ${route.className}` : `Gateway ${route.gateway ?? route.className}`,
        tlsSecret: route.tlsSecret || '(none)',
        ...(route.gateway ? { gateway: route.gateway } : {}),
      },
    };
  },
});
