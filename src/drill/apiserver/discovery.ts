import { createHash } from 'node:crypto';
import type { KubeObject } from '../types.js';
import { asArray, asNumber, asObject, asString } from './json.js';
import { bucketName, groupVersion, metricsResources } from './resources.js';
import type { ResourceRegistry } from './resources.js';
import type { ResourceDefinition } from './resourceDefinition.js';
import type { ObjectStore } from './store.js';

/** The Kubernetes release the drill cluster presents itself as. */
export const serverVersion = { major: '1', minor: '31', patch: 4 };

/**
 * version.Info as `/version` serves it. The commit is a digest of the version
 * string, not an upstream commit: clients only read gitVersion.
 */
export function versionInfo(): Record<string, string> {
  const gitVersion = `v${serverVersion.major}.${serverVersion.minor}.${serverVersion.patch}`;
  return {
    major: serverVersion.major,
    minor: serverVersion.minor,
    gitVersion,
    gitCommit: createHash('sha1').update(`plumbline-drill ${gitVersion}`).digest('hex'),
    gitTreeState: 'clean',
    buildDate: '2024-12-10T11:43:21Z',
    goVersion: 'go1.22.9',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

function apiResource(def: ResourceDefinition): Record<string, unknown>[] {
  const main: Record<string, unknown> = {
    name: def.resource,
    singularName: def.singular,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: def.verbs,
  };
  if (def.shortNames) main.shortNames = def.shortNames;
  if (def.categories) main.categories = def.categories;
  const subs = (def.subresources ?? []).map((s) => ({
    name: `${def.resource}/${s.name}`,
    singularName: '',
    namespaced: def.namespaced,
    kind: s.kind,
    verbs: s.verbs,
  }));
  return [main, ...subs];
}

/** `/api`: the legacy group's versions, and where clients reach the server. */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** An APIResourceList; the core list carries no apiVersion, the named groups' do (as upstream). */
export function apiResourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const defs = registry.groups().get(group)?.get(version);
  if (!defs) return undefined;
  return {
    kind: 'APIResourceList',
    ...(group ? { apiVersion: 'v1' } : {}),
    groupVersion: groupVersion({ group, version }),
    resources: defs.flatMap(apiResource),
  };
}

function apiGroup(group: string, versions: string[]): Record<string, unknown> {
  const gvs = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: gvs, preferredVersion: gvs[0] };
}

/** `/apis`: every named group (the core group lives at `/api`), then the aggregated ones, available or not. */
export function apiGroupList(
  registry: ResourceRegistry,
  aggregated: AggregatedVersion[] = [],
): Record<string, unknown> {
  const groups = [...registry.groups()]
    .filter(([g]) => g !== '')
    .map(([g, versions]) => apiGroup(g, [...versions.keys()]));
  for (const [g, versions] of byGroup(aggregated))
    groups.push(
      apiGroup(
        g,
        versions.map((v) => v.version),
      ),
    );
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** `/apis/{group}`: the aggregator answers it from its APIServices, whether or not the backend is up. */
export function apiGroupDocument(
  registry: ResourceRegistry,
  group: string,
  aggregated: AggregatedVersion[] = [],
): Record<string, unknown> | undefined {
  if (!group) return undefined;
  const versions = registry.groups().get(group);
  if (versions) return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, [...versions.keys()]) };
  const remote = byGroup(aggregated).get(group);
  return remote
    ? {
        kind: 'APIGroup',
        apiVersion: 'v1',
        ...apiGroup(
          group,
          remote.map((v) => v.version),
        ),
      }
    : undefined;
}

function discoveryResource(def: ResourceDefinition): Record<string, unknown> {
  return {
    resource: def.resource,
    responseKind: { group: def.group, version: def.version, kind: def.kind },
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.singular,
    verbs: def.verbs,
    ...(def.shortNames ? { shortNames: def.shortNames } : {}),
    ...(def.categories ? { categories: def.categories } : {}),
    ...(def.subresources
      ? {
          subresources: def.subresources.map((s) => ({
            subresource: s.name,
            responseKind: { group: def.group, version: def.version, kind: s.kind },
            verbs: s.verbs,
          })),
        }
      : {}),
  };
}

/**
 * The aggregator's discovery entry for an APIService's version: its backend's
 * resources while it answers; once its discovery fetch fails (an unavailable
 * APIService's proxy answers 503) the version stays listed, without
 * resources, as Stale (kube-aggregator handler_discovery.go syncAPIService).
 */
function aggregatedVersionEntry(v: AggregatedVersion): Record<string, unknown> {
  if (!v.available) return { version: v.version, freshness: 'Stale' };
  // Go's omitempty drops an empty resources list (a backend whose resources the drill does not know).
  return {
    version: v.version,
    ...(v.resources.length > 0 ? { resources: v.resources.map(discoveryResource) } : {}),
    freshness: 'Current',
  };
}

/**
 * Aggregated discovery (apidiscovery.k8s.io), the one-request form kubectl
 * asks for first: `/api` lists the core group, `/apis` the named ones and
 * then the groups APIServices register.
 */
export function aggregatedDiscovery(
  registry: ResourceRegistry,
  legacy: boolean,
  version: 'v2' | 'v2beta1',
  aggregated: AggregatedVersion[] = [],
): Record<string, unknown> {
  const items: Record<string, unknown>[] = [...registry.groups()]
    .filter(([g]) => (legacy ? g === '' : g !== ''))
    .map(([group, versions]) => ({
      metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
      versions: [...versions].map(([v, defs]) => ({
        version: v,
        resources: defs.map(discoveryResource),
        freshness: 'Current',
      })),
    }));
  if (!legacy) {
    for (const [group, versions] of byGroup(aggregated))
      items.push({
        metadata: { name: group, creationTimestamp: null },
        versions: versions.map(aggregatedVersionEntry),
      });
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

/** One group-version an APIService with a backend Service registers (the aggregator proxies it). */
export interface AggregatedVersion {
  group: string;
  version: string;
  groupPriority: number;
  versionPriority: number;
  /** The APIService's Available condition is True: the aggregator proxies to it. */
  available: boolean;
  /** What the backend serves, where the drill knows (metrics-server's); none otherwise. */
  resources: ResourceDefinition[];
}

const apiServiceBucket = bucketName({ group: 'apiregistration.k8s.io', resource: 'apiservices' });

/** Resources the drill knows an aggregated backend to serve, by group/version. */
const knownBackends = new Map<string, ResourceDefinition[]>([['metrics.k8s.io/v1beta1', metricsResources]]);

function isAvailable(apiService: KubeObject): boolean {
  const conditions = asArray(asObject(apiService.status).conditions);
  return conditions.some((c) => c.type === 'Available' && c.status === 'True');
}

/** kube-version order (v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > other), as the aggregator sorts an APIService's versions. */
function versionRank(v: string): [number, number, number] {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return [0, 0, 0];
  const stability = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
  return [stability, Number(m[1]), Number(m[3] ?? 0)];
}

function compareVersions(a: string, b: string): number {
  const [ra, rb] = [versionRank(a), versionRank(b)];
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return (rb[i] ?? 0) - (ra[i] ?? 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The group-versions non-local APIServices (spec.service set) register, from
 * the store (a handful of objects, read per discovery request), in the
 * aggregator's order: groupPriorityMinimum high first, then group name;
 * versionPriority high first, then kube-version order. A group the drill
 * itself serves stays local.
 */
export function aggregatedVersions(store: ObjectStore, registry: ResourceRegistry): AggregatedVersion[] {
  const local = registry.groups();
  const out: AggregatedVersion[] = [];
  for (const svc of store.list(apiServiceBucket).items) {
    const spec = asObject(svc.spec);
    const group = asString(spec.group);
    const version = asString(spec.version);
    if (!spec.service || !group || !version || local.has(group)) continue;
    const available = isAvailable(svc);
    out.push({
      group,
      version,
      groupPriority: asNumber(spec.groupPriorityMinimum),
      versionPriority: asNumber(spec.versionPriority),
      available,
      resources: knownBackends.get(`${group}/${version}`) ?? [],
    });
  }
  return out.sort(
    (a, b) =>
      b.groupPriority - a.groupPriority ||
      (a.group < b.group ? -1 : a.group > b.group ? 1 : 0) ||
      b.versionPriority - a.versionPriority ||
      compareVersions(a.version, b.version),
  );
}

/** Aggregated versions by group, keeping their order. */
function byGroup(aggregated: AggregatedVersion[]): Map<string, AggregatedVersion[]> {
  const out = new Map<string, AggregatedVersion[]>();
  for (const v of aggregated) out.set(v.group, [...(out.get(v.group) ?? []), v]);
  return out;
}

/** `/apis/{group}/{version}` of an available aggregated group-version: its backend's APIResourceList. */
export function aggregatedResourceList(v: AggregatedVersion): Record<string, unknown> {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: `${v.group}/${v.version}`,
    resources: v.resources.flatMap(apiResource),
  };
}
