import {
  aggregatedDiscovery,
  aggregatedResourceList,
  aggregatedVersions,
  apiGroupDocument,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
} from './discovery.js';
import type { AggregatedVersion } from './discovery.js';
import { getObject, getPodLog, listObjects } from './handlers.js';
import { createObject, deleteObject } from './writes.js';
import { patchObject, updateObject } from './updates.js';
import type { HandlerContext, ResourceRequest } from './handlerContext.js';
import { health, singleCheck } from './health.js';
import { profileReply } from './pprof.js';
import type { HealthEndpoint } from './health.js';
import { negotiate } from './negotiate.js';
import type { MediaRange } from './negotiate.js';
import { jsonReply, textReply } from './reply.js';
import type { Reply } from './reply.js';
import type { ResourceRegistry } from './resources.js';
import type { ResourceDefinition } from './resourceDefinition.js';
import { ApiError, badRequest, methodNotSupported, notAcceptable, notFound, pathNotFound } from './status.js';

export interface RouterContext extends HandlerContext {
  registry: ResourceRegistry;
  /** host:port clients reach the server at, for `/api`'s serverAddressByClientCIDRs. */
  serverAddress: string;
}

export interface ApiRequest {
  method: string;
  /** Decoded path segments. */
  segments: string[];
  query: URLSearchParams;
  accept: MediaRange[];
  /** The request body (writes), as text. */
  body?: string;
  contentType?: string;
  /** Who is asking, as authentication named them. */
  user?: string;
}

const discoveryTypes = ['application/json', 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'];

function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

/** Non-resource paths answer GET only. */
function readOnly(req: ApiRequest, answer: () => Reply): Reply {
  if (req.method !== 'GET') throw methodNotAllowed();
  return answer();
}

function discovery(req: ApiRequest, legacyBody: () => unknown, aggregated: (v: 'v2' | 'v2beta1') => unknown): Reply {
  const rep = negotiate(req.accept, { discovery: true });
  if (!rep) throw notAcceptable(discoveryTypes);
  if (rep.kind === 'discovery') {
    return jsonReply(aggregated(rep.version), {
      contentType: `application/json;g=apidiscovery.k8s.io;v=${rep.version};as=APIGroupDiscoveryList`,
      headers: { Vary: 'Accept' },
    });
  }
  return jsonReply(legacyBody(), { headers: { Vary: 'Accept' } });
}

function healthReply(endpoint: HealthEndpoint, req: ApiRequest): Reply {
  const [, ...rest] = req.segments;
  const r = rest.length === 0 ? health(endpoint, req.query) : singleCheck(endpoint, rest.join('/'));
  if (!r) throw pathNotFound();
  return textReply(r.body, r.status);
}

/** The verb a method names on a collection or on one object, as RBAC and errors call it. */
function verbOf(method: string, collection: boolean): string {
  switch (method) {
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return collection ? 'deletecollection' : 'delete';
    default:
      return method.toLowerCase();
  }
}

function resource(ctx: RouterContext, req: ApiRequest, group: string, version: string, path: string[]): Reply {
  let rest = path;
  if (rest[0] === 'watch' && rest.length >= 2) {
    // The deprecated /watch/ paths: a watch of the collection, or of one object by a name selector.
    if (req.method !== 'GET') throw methodNotAllowed();
    rest = rest.slice(1);
    const nested = rest[0] === 'namespaces' && rest.length >= 3;
    const name = nested ? rest[3] : rest[1];
    if (name === undefined || (nested ? rest.length > 4 : rest.length > 2))
      return resourceRequest(ctx, { ...req, query: watchQuery(req.query) }, group, version, rest);
    const query = watchQuery(req.query);
    query.set(
      'fieldSelector',
      [`metadata.name=${name.replace(/[\\,=]/g, '\\$&')}`, req.query.get('fieldSelector') ?? '']
        .filter((x) => x !== '')
        .join(','),
    );
    return resourceRequest(ctx, { ...req, query }, group, version, nested ? rest.slice(0, 3) : rest.slice(0, 1));
  }
  return resourceRequest(ctx, req, group, version, rest);
}

/**
 * An object name that cannot be one path segment, refused as the apiserver's
 * storage key functions do (NamespaceKeyFunc, IsValidPathSegmentName): 400.
 */
function refuseInvalidName(name: string): void {
  const problems = [
    ...['.', '..'].filter((bad) => name === bad).map((bad) => `may not be '${bad}'`),
    ...['/', '%'].filter((bad) => name.includes(bad)).map((bad) => `may not contain '${bad}'`),
  ];
  if (problems.length > 0) throw badRequest(`Name parameter invalid: ${JSON.stringify(name)}: ${problems.join(';')}`);
}

function watchQuery(query: URLSearchParams): URLSearchParams {
  const q = new URLSearchParams(query);
  q.set('watch', 'true');
  return q;
}

function resourceRequest(ctx: RouterContext, req: ApiRequest, group: string, version: string, rest: string[]): Reply {
  let def: ResourceDefinition | undefined;
  let namespace: string | undefined;
  let tail: string[];
  const nested =
    rest[0] === 'namespaces' && rest.length >= 3 ? ctx.registry.find(group, version, rest[2] ?? '') : undefined;
  if (nested?.namespaced && rest[1]) {
    def = nested;
    namespace = rest[1];
    tail = rest.slice(3);
  } else {
    def = ctx.registry.find(group, version, rest[0] ?? '');
    tail = rest.slice(1);
    // A namespaced resource outside /namespaces/{ns} is only its all-namespaces collection.
    if (def?.namespaced && tail.length > 0) throw pathNotFound();
  }
  if (
    def?.group === '' &&
    def.resource === 'services' &&
    namespace !== undefined &&
    tail[1] === 'proxy' &&
    tail[0] !== undefined
  ) {
    return serviceProxy(ctx, req, namespace, tail[0], `/${tail.slice(2).join('/')}`);
  }
  if (!def || tail.length > 2) throw pathNotFound();

  const r: ResourceRequest = {
    query: req.query,
    accept: req.accept,
    body: req.body ?? '',
    contentType: req.contentType ?? '',
  };
  const [name, sub] = tail;
  if (name !== undefined) refuseInvalidName(name);
  const unsupported = (collection: boolean): ApiError =>
    methodNotSupported({ group: def.group, resource: def.resource }, verbOf(req.method, collection));
  if (name === undefined) {
    if (req.method === 'GET') return listObjects(ctx, def, namespace, r);
    if (req.method === 'POST' && def.verbs.includes('create')) {
      // Creating goes through /namespaces/{ns}/ for a namespaced resource; its all-namespaces path has no POST.
      if (def.namespaced && namespace === undefined) throw methodNotAllowed();
      return createObject(ctx, def, namespace, r);
    }
    throw unsupported(true);
  }
  if (sub === undefined) {
    if (req.method === 'GET') return getObject(ctx, def, namespace, name, r);
    if (req.method === 'DELETE' && def.verbs.includes('delete')) return deleteObject(ctx, def, namespace, name, r);
    if (req.method === 'PATCH' && def.verbs.includes('patch')) return patchObject(ctx, def, namespace, name, r);
    if (req.method === 'PUT' && def.verbs.includes('update')) return updateObject(ctx, def, namespace, name, r);
    throw unsupported(false);
  }
  const subresource = def.subresources?.find((s) => s.name === sub);
  if (!subresource) throw pathNotFound();
  if (req.method !== 'GET')
    throw methodNotSupported({ group: def.group, resource: `${def.resource}/${sub}` }, verbOf(req.method, false));
  if (def.group === '' && def.resource === 'pods' && sub === 'log' && namespace !== undefined)
    return getPodLog(ctx, def, namespace, name, r);
  throw pathNotFound();
}

/**
 * A GET through the API server's service proxy. The drill runs no workloads:
 * a service answers only what the scenario's `http:` says it does. A service
 * that is not there is NotFound; one whose endpoints have no ready address is
 * the proxy's 503 "no endpoints available"; anything else is a 503 saying the
 * scenario gave no answer, never a made-up 200.
 */
function serviceProxy(
  ctx: RouterContext,
  req: ApiRequest,
  namespace: string,
  nameAndPort: string,
  path: string,
): Reply {
  // `[scheme:]name[:port]`, as the proxy path names a service.
  const parts = nameAndPort.split(':');
  const [name, port] = parts.length === 3 ? [parts[1] ?? '', parts[2]] : [parts[0] ?? '', parts[1]];
  if (req.method !== 'GET')
    throw methodNotSupported({ group: '', resource: 'services/proxy' }, verbOf(req.method, false));
  if (!ctx.store.get('services', namespace, name)) throw notFound({ group: '', resource: 'services' }, name);
  const answer = (ctx.serviceProxy ?? []).find(
    (a) =>
      a.namespace === namespace &&
      a.service === name &&
      a.path === path &&
      (a.port === undefined || port === undefined || a.port === port),
  );
  if (answer)
    return {
      status: answer.status,
      contentType: answer.headers?.['content-type'] ?? answer.headers?.['Content-Type'] ?? 'text/plain; charset=utf-8',
      body: answer.body,
      ...(answer.headers ? { headers: answer.headers } : {}),
    };
  const ready = readyEndpoints(ctx, namespace, name);
  const message =
    ready === 0
      ? `no endpoints available for service "${name}"`
      : `the drill's scenario gives no answer for GET ${path} on service ${namespace}/${name} (a drill runs no workloads; add it under http:)`;
  throw new ApiError(503, 'ServiceUnavailable', message, {});
}

/** Ready addresses behind a service, from its EndpointSlices or, without any, its Endpoints. */
function readyEndpoints(ctx: RouterContext, namespace: string, service: string): number {
  const slices = ctx.store.list('endpointslices.discovery.k8s.io', {
    namespace,
    filter: (s) => s.metadata.labels?.['kubernetes.io/service-name'] === service,
  }).items;
  if (slices.length > 0) {
    return slices.reduce(
      (n: number, s) =>
        n +
        ((s.endpoints as { conditions?: { ready?: boolean } }[] | undefined) ?? []).filter(
          (e) => e.conditions?.ready !== false,
        ).length,
      0,
    );
  }
  const ep = ctx.store.get('endpoints', namespace, service) as { subsets?: { addresses?: unknown[] }[] } | undefined;
  return (ep?.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
}

/**
 * A request the aggregator proxies to an APIService's backend. While the
 * APIService is not Available its proxy refuses everything with http.Error's
 * plain-text 503 (handler_proxy.go), which client-go reports as "the server
 * is currently unable to handle the request". An available metrics-server
 * has scraped nothing the drill could report: lists are empty (kubectl top:
 * "metrics not available yet") and one object is NotFound, as metrics-server
 * answers before its first scrape.
 */
function aggregatedRequest(ctx: RouterContext, req: ApiRequest, v: AggregatedVersion, rest: string[]): Reply {
  if (!v.available) return textReply('service unavailable\n', 503, { 'X-Content-Type-Options': 'nosniff' });
  if (rest.length === 0) return readOnly(req, () => jsonReply(aggregatedResourceList(v)));
  const nested = rest[0] === 'namespaces' && rest.length >= 3;
  const [plural, objectName, ...extra] = nested ? rest.slice(2) : rest;
  const def = v.resources.find((d) => d.resource === plural && (nested ? d.namespaced : true));
  if (!def || extra.length > 0 || (def.namespaced && !nested && objectName !== undefined)) throw pathNotFound();
  // metrics-server names its resources after the kinds (nodemetrics, podmetrics) in errors.
  const metricsResource = { group: def.group, resource: def.kind.toLowerCase() };
  if (req.method !== 'GET') throw methodNotSupported(metricsResource, verbOf(req.method, objectName === undefined));
  const nodeMetrics = def.kind === 'NodeMetrics' ? (ctx.nodeMetrics ?? {}) : {};
  const metricsOf = (name: string) => {
    const usage = nodeMetrics[name];
    // As metrics-server writes NodeMetrics: the scrape's time and window, usage in nanocores and Ki.
    return (
      usage && {
        kind: 'NodeMetrics',
        apiVersion: `${v.group}/${v.version}`,
        metadata: { name, creationTimestamp: ctx.now().toISOString() },
        timestamp: new Date(ctx.now().getTime() - 10_000).toISOString(),
        window: '10.1s',
        usage,
      }
    );
  };
  if (objectName !== undefined) {
    const one = metricsOf(objectName);
    if (!one) throw notFound(metricsResource, objectName);
    return jsonReply(one);
  }
  if (req.query.get('watch') === 'true' || req.query.get('watch') === '1')
    throw methodNotSupported(metricsResource, 'watch');
  return jsonReply({
    kind: `${def.kind}List`,
    apiVersion: `${v.group}/${v.version}`,
    metadata: {},
    items: Object.keys(nodeMetrics).map(metricsOf),
  });
}

/** The kubelet's profile through the node proxy: a node that is not there is NotFound; a silent kubelet cannot be reached. */
function nodeProfile(ctx: RouterContext, node: string, req: ApiRequest): Reply {
  const obj = ctx.store.get('nodes', undefined, node) as
    | { status?: { conditions?: { type: string; status: string }[]; addresses?: { type: string; address: string }[] } }
    | undefined;
  if (!obj) throw notFound({ group: '', resource: 'nodes' }, node);
  const ready = obj.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  if (ready === 'Unknown') {
    const ip = obj.status?.addresses?.find((x) => x.type === 'InternalIP')?.address ?? node;
    throw new ApiError(
      503,
      'ServiceUnavailable',
      `error trying to reach service: dial tcp ${ip}:10250: i/o timeout`,
      {},
    );
  }
  return profileReply(ctx, `kubelet/${node}`, req.query);
}

/**
 * Maps a request to its handler by the apiserver's path layout:
 * `/api/v1/...` for the core group, `/apis/{group}/{version}/...` for the
 * others, `/namespaces/{ns}/` before namespaced resources.
 */
export function route(ctx: RouterContext, req: ApiRequest): Reply {
  const s = req.segments;
  const [root, a, b] = s;
  switch (root) {
    case 'version':
      if (s.length === 1) return readOnly(req, () => jsonReply(versionInfo()));
      break;
    case 'livez':
    case 'readyz':
    case 'healthz':
      return readOnly(req, () => healthReply(root, req));
    case 'debug':
      if (s.length === 3 && a === 'pprof' && b === 'profile')
        return readOnly(req, () => profileReply(ctx, 'apiserver', req.query));
      break;
    case 'api':
      if (s.length === 1) {
        return readOnly(req, () =>
          discovery(
            req,
            () => apiVersions(ctx.serverAddress),
            (v) => aggregatedDiscovery(ctx.registry, true, v),
          ),
        );
      }
      if (s.length === 2) {
        const list = apiResourceList(ctx.registry, '', a ?? '');
        if (list) return readOnly(req, () => jsonReply(list));
        break;
      }
      // The node proxy to the kubelet's own pprof handler (/api/v1/nodes/<node>/proxy/debug/pprof/profile).
      if (a === 'v1' && s[2] === 'nodes' && s[4] === 'proxy' && s.slice(5).join('/') === 'debug/pprof/profile')
        return readOnly(req, () => nodeProfile(ctx, s[3] ?? '', req));
      if (apiResourceList(ctx.registry, '', a ?? '')) return resource(ctx, req, '', a ?? '', s.slice(2));
      break;
    case 'apis': {
      // APIServices are a handful of objects; read them per request so a changed condition shows at once.
      const aggregated = (): AggregatedVersion[] => aggregatedVersions(ctx.store, ctx.registry);
      if (s.length === 1) {
        return readOnly(req, () =>
          discovery(
            req,
            () => apiGroupList(ctx.registry, aggregated()),
            (v) => aggregatedDiscovery(ctx.registry, false, v, aggregated()),
          ),
        );
      }
      if (s.length === 2) {
        const group = apiGroupDocument(ctx.registry, a ?? '', ctx.registry.groups().has(a ?? '') ? [] : aggregated());
        if (group) return readOnly(req, () => jsonReply(group));
        break;
      }
      if (a && apiResourceList(ctx.registry, a, b ?? '')) {
        if (s.length === 3) return readOnly(req, () => jsonReply(apiResourceList(ctx.registry, a, b ?? '')));
        return resource(ctx, req, a, b ?? '', s.slice(3));
      }
      const remote = aggregated().find((v) => v.group === a && v.version === b);
      if (remote) return aggregatedRequest(ctx, req, remote, s.slice(3));
      break;
    }
    default:
      break;
  }
  throw pathNotFound();
}
