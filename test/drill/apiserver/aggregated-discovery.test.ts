import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../../helpers/kubectl.js';
import type { KubectlResult } from '../../helpers/kubectl.js';
import { raw } from './harness.js';

warnIfKubectlMissing('aggregated APIs in discovery, with the real kubectl');

const aggregatedAccept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

interface DiscoveryList {
  items: {
    metadata: { name?: string };
    versions: {
      version: string;
      freshness?: string;
      resources?: { resource: string; responseKind: { kind: string }; scope: string; verbs: string[] }[];
    }[];
  }[];
}
interface GroupList {
  groups: { name: string; versions: { groupVersion: string }[]; preferredVersion: { groupVersion: string } }[];
}

/** The rows of `kubectl api-resources` whose APIVERSION column is `gv`, as "NAME NAMESPACED KIND". */
function apiResourcesOf(stdout: string, gv: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((cells) => cells.includes(gv))
    .map((cells) => [cells[0], ...cells.slice(-2)].join(' '));
}

const generated = { generate: { controlPlanes: 1, workers: 2, podsPerWorker: 0, addons: true } };

describe.skipIf(!kubectlAvailable())('an unavailable aggregated APIService (apiservice-unavailable)', () => {
  let d: TestDrill;
  const kubectl = (...args: string[]): Promise<KubectlResult> => runKubectl(d.drill.kubeconfigPath, args);

  beforeAll(async () => {
    d = await startTestDrill({
      cluster: generated,
      faults: [{ fault: 'apiservice-unavailable', reason: 'FailedDiscoveryCheck' }],
    });
  });
  afterAll(() => d.close());

  it('lists metrics.k8s.io/v1beta1 as Stale, without resources, in the aggregated document, and in /apis and /apis/metrics.k8s.io', async () => {
    const v2 = await raw(d.drill.server, '/apis', { accept: aggregatedAccept });
    expect(v2.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const metrics = (v2.json() as DiscoveryList).items.find((g) => g.metadata.name === 'metrics.k8s.io');
    expect(metrics?.versions).toEqual([{ version: 'v1beta1', freshness: 'Stale' }]);

    const legacy = (await raw(d.drill.server, '/apis')).json() as GroupList;
    expect(legacy.groups.at(-1)).toEqual({
      name: 'metrics.k8s.io',
      versions: [{ groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' }],
      preferredVersion: { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' },
    });
    // The aggregator serves /apis/<group> itself, from its APIServices.
    const group = await raw(d.drill.server, '/apis/metrics.k8s.io');
    expect([group.status, (group.json() as { kind: string }).kind]).toEqual([200, 'APIGroup']);
  });

  // kubectl 1.32 reads aggregated discovery. client-go turns a Stale version into a
  // StaleGroupVersionError and leaves it out of the group's versions, so the disk-cached
  // client never asks /apis/metrics.k8s.io/v1beta1 and memcache, which only retries
  // transient (5xx) errors, has nothing to log: against a 1.30+ apiserver the old
  // `memcache.go] couldn't get resource list for metrics.k8s.io/v1beta1` line is gone.
  it('get pods -A prints the pods, exits 0 and says nothing on stderr, as kubectl 1.32 does against aggregated discovery', async () => {
    const r = await kubectl('get', 'pods', '-A');
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(r.stdout).toMatch(/^kube-system\s+metrics-server-\S+\s+1\/1\s+Running/m);
  });

  it('api-resources exits 0 without metrics.k8s.io resources and without an error (kubectl never fetches a Stale version)', async () => {
    const r = await kubectl('api-resources');
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(apiResourcesOf(r.stdout, 'apiregistration.k8s.io/v1')).toEqual(['apiservices false APIService']);
    expect(r.stdout).not.toContain('metrics.k8s.io');
  });

  it('kubectl top and get --raw fail the way they do when the metrics API is down', async () => {
    const top = await kubectl('top', 'nodes');
    expect([top.exitCode, top.stderr]).toEqual([1, 'error: Metrics API not available\n']);
    const got = await kubectl('get', '--raw', '/apis/metrics.k8s.io/v1beta1');
    expect([got.exitCode, got.stderr]).toEqual([
      1,
      'Error from server (ServiceUnavailable): the server is currently unable to handle the request\n',
    ]);
  });
});

describe.skipIf(!kubectlAvailable())('an APIService written Available=False (no fault rule in front)', () => {
  let d: TestDrill;
  beforeAll(async () => {
    d = await startTestDrill({
      cluster: generated,
      objects: [
        {
          apiVersion: 'apiregistration.k8s.io/v1',
          kind: 'APIService',
          metadata: { name: 'v1beta1.metrics.k8s.io', creationTimestamp: 'now-30d' },
          spec: {
            group: 'metrics.k8s.io',
            version: 'v1beta1',
            service: { name: 'metrics-server', namespace: 'kube-system', port: 443 },
            groupPriorityMinimum: 100,
            versionPriority: 100,
          },
          status: {
            conditions: [
              {
                type: 'Available',
                status: 'False',
                reason: 'MissingEndpoints',
                message:
                  'endpoints for service/metrics-server in "kube-system" have no addresses with port name "https"',
                lastTransitionTime: 'now-10m',
              },
            ],
          },
        },
      ],
    });
  });
  afterAll(() => d.close());

  it("answers the group-version and its resources with the aggregator proxy's plain-text 503", async () => {
    for (const path of [
      '/apis/metrics.k8s.io/v1beta1',
      '/apis/metrics.k8s.io/v1beta1/nodes',
      '/apis/metrics.k8s.io/v1beta1/namespaces/kube-system/pods',
    ]) {
      const r = await raw(d.drill.server, path);
      expect([r.status, r.headers['content-type'], r.text]).toEqual([
        503,
        'text/plain; charset=utf-8',
        'service unavailable\n',
      ]);
    }
    const got = await runKubectl(d.drill.kubeconfigPath, ['get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes']);
    expect([got.exitCode, got.stderr]).toEqual([
      1,
      'Error from server (ServiceUnavailable): the server is currently unable to handle the request\n',
    ]);
  });
});

describe.skipIf(!kubectlAvailable())("the generated cluster's available metrics-server APIService", () => {
  let d: TestDrill;
  const kubectl = (...args: string[]): Promise<KubectlResult> => runKubectl(d.drill.kubeconfigPath, args);

  beforeAll(async () => {
    d = await startTestDrill({ cluster: generated });
  });
  afterAll(() => d.close());

  it('get pods leaves stderr empty', async () => {
    const r = await kubectl('get', 'pods', '-A');
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
  });

  it("discovery lists metrics-server's nodes and pods (get, list), Current", async () => {
    const v2 = (await raw(d.drill.server, '/apis', { accept: aggregatedAccept })).json() as DiscoveryList;
    const version = v2.items.find((g) => g.metadata.name === 'metrics.k8s.io')?.versions[0];
    expect(version?.freshness).toBe('Current');
    expect(version?.resources?.map((r) => [r.resource, r.responseKind.kind, r.scope, r.verbs.join(',')])).toEqual([
      ['nodes', 'NodeMetrics', 'Cluster', 'get,list'],
      ['pods', 'PodMetrics', 'Namespaced', 'get,list'],
    ]);
    const r = await kubectl('api-resources');
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(apiResourcesOf(r.stdout, 'metrics.k8s.io/v1beta1')).toEqual([
      'nodes false NodeMetrics',
      'pods true PodMetrics',
    ]);
    const list = (await raw(d.drill.server, '/apis/metrics.k8s.io/v1beta1')).json() as {
      kind: string;
      resources: { name: string }[];
    };
    expect([list.kind, list.resources.map((x) => x.name)]).toEqual(['APIResourceList', ['nodes', 'pods']]);
  });

  // The drill has no usage figures, so metrics-server answers as before its first scrape.
  it('serves no metrics: empty lists (kubectl top: metrics not available yet) and NotFound for one object', async () => {
    const top = await kubectl('top', 'nodes');
    expect([top.exitCode, top.stderr]).toEqual([1, 'error: metrics not available yet\n']);
    const nodes = await kubectl('get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes');
    expect(JSON.parse(nodes.stdout)).toEqual({
      kind: 'NodeMetricsList',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: {},
      items: [],
    });
    const one = await kubectl('get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/kube-system/pods/coredns');
    expect([one.exitCode, one.stderr]).toEqual([
      1,
      'Error from server (NotFound): podmetrics.metrics.k8s.io "coredns" not found\n',
    ]);
  });

  it('orders aggregated groups by groupPriorityMinimum, versions by versionPriority then kube version', async () => {
    const extra = (
      name: string,
      group: string,
      version: string,
      groupPriorityMinimum: number,
      versionPriority: number,
    ): { apiVersion: string; kind: string; [k: string]: unknown } => ({
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name },
      spec: {
        group,
        version,
        service: { name: 'adapter', namespace: 'monitoring', port: 443 },
        groupPriorityMinimum,
        versionPriority,
      },
      status: { conditions: [{ type: 'Available', status: 'True', reason: 'Passed', message: 'all checks passed' }] },
    });
    const o = await startTestDrill({
      cluster: generated,
      objects: [
        extra('v1beta1.custom.metrics.k8s.io', 'custom.metrics.k8s.io', 'v1beta1', 100, 100),
        extra('v1beta2.custom.metrics.k8s.io', 'custom.metrics.k8s.io', 'v1beta2', 100, 100),
        extra('v1beta1.external.metrics.k8s.io', 'external.metrics.k8s.io', 'v1beta1', 1000, 100),
      ],
    });
    try {
      const groups = ((await raw(o.drill.server, '/apis')).json() as GroupList).groups.slice(-3);
      expect(
        groups.map((g) => [g.name, g.versions.map((v) => v.groupVersion).join(','), g.preferredVersion.groupVersion]),
      ).toEqual([
        ['external.metrics.k8s.io', 'external.metrics.k8s.io/v1beta1', 'external.metrics.k8s.io/v1beta1'],
        [
          'custom.metrics.k8s.io',
          'custom.metrics.k8s.io/v1beta2,custom.metrics.k8s.io/v1beta1',
          'custom.metrics.k8s.io/v1beta2',
        ],
        ['metrics.k8s.io', 'metrics.k8s.io/v1beta1', 'metrics.k8s.io/v1beta1'],
      ]);
      // A backend the drill does not know: listed, Current, with no resources; its paths are not served.
      const v2 = (await raw(o.drill.server, '/apis', { accept: aggregatedAccept })).json() as DiscoveryList;
      expect(v2.items.find((g) => g.metadata.name === 'custom.metrics.k8s.io')?.versions).toEqual([
        { version: 'v1beta2', freshness: 'Current' },
        { version: 'v1beta1', freshness: 'Current' },
      ]);
      const r = await runKubectl(o.drill.kubeconfigPath, ['get', 'pods', '-A']);
      expect([r.exitCode, r.stderr]).toEqual([0, '']);
    } finally {
      await o.close();
    }
  });
});
