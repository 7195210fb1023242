import { createHash } from 'node:crypto';
import { groupVersion } from './resources.js';
import type { ResourceDefinition, ResourceRegistry } from './resources.js';

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
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** An APIResourceList; the core list carries no apiVersion, the named groups' do (as upstream). */
export function apiResourceList(registry: ResourceRegistry, group: string, version: string): Record<string, unknown> | undefined {
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

/** `/apis`: every named group (the core group lives at `/api`). */
export function apiGroupList(registry: ResourceRegistry): Record<string, unknown> {
  const groups = [...registry.groups()].filter(([g]) => g !== '').map(([g, versions]) => apiGroup(g, [...versions.keys()]));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroupDocument(registry: ResourceRegistry, group: string): Record<string, unknown> | undefined {
  const versions = registry.groups().get(group);
  if (!group || !versions) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, [...versions.keys()]) };
}

/**
 * Aggregated discovery (apidiscovery.k8s.io), the one-request form kubectl
 * asks for first: `/api` lists the core group, `/apis` the named ones.
 */
export function aggregatedDiscovery(registry: ResourceRegistry, legacy: boolean, version: 'v2' | 'v2beta1'): Record<string, unknown> {
  const items = [...registry.groups()]
    .filter(([g]) => (legacy ? g === '' : g !== ''))
    .map(([group, versions]) => ({
      metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
      versions: [...versions].map(([v, defs]) => ({
        version: v,
        resources: defs.map((def) => ({
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
        })),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}
