import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw, startHarness } from './harness.js';
import type { Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const tableAccept =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

interface TableBody {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string };
  columnDefinitions: { name: string; priority: number; format: string }[];
  rows: {
    cells: unknown[];
    object?: { kind?: string; apiVersion?: string; metadata?: { name?: string; namespace?: string } };
    conditions?: unknown[];
  }[];
}

describe('authentication', () => {
  it('answers a wrong token on a resource with the Unauthorized Status', async () => {
    const r = await raw(h.server, '/api/v1/pods', { token: 'wrong' });
    expect(r.status).toBe(401);
    expect(r.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  });

  it('treats no token as system:anonymous, whom RBAC forbids all but the public paths', async () => {
    const r = await raw(h.server, '/api/v1/pods', { token: null });
    expect(r.status).toBe(403);
    expect(r.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" at the cluster scope',
      reason: 'Forbidden',
      details: { kind: 'pods' },
      code: 403,
    });
    const api = await raw(h.server, '/apis', { token: null });
    expect([api.status, (api.json() as { message: string }).message]).toEqual([
      403,
      'forbidden: User "system:anonymous" cannot get path "/apis"',
    ]);
  });

  it('lets anonymous clients read version and health, but not with a wrong token', async () => {
    const version = await raw(h.server, '/version', { token: null });
    expect(version.status).toBe(200);
    expect(version.json()).toMatchObject({ major: '1', minor: '31', gitVersion: 'v1.31.4', platform: 'linux/amd64' });
    for (const path of ['/livez', '/readyz', '/healthz']) {
      const r = await raw(h.server, path, { token: null });
      expect([r.status, r.text]).toEqual([200, 'ok']);
    }
    expect((await raw(h.server, '/version', { token: 'wrong' })).status).toBe(401);
  });

  it('lists each health check with ?verbose', async () => {
    const r = await raw(h.server, '/livez?verbose&exclude=etcd');
    expect(r.status).toBe(200);
    const lines = r.text.trimEnd().split('\n');
    expect(lines[0]).toBe('[+]ping ok');
    expect(lines).toContain('[+]etcd excluded: ok');
    expect(lines.at(-1)).toBe('livez check passed');
    expect((await raw(h.server, '/readyz/ping')).text).toBe('ok');
  });
});

describe('discovery', () => {
  it('serves legacy discovery documents', async () => {
    const api = await raw(h.server, '/api', { accept: 'application/json' });
    expect(api.json()).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: new URL(h.server.url).host }],
    });
    const v1 = (await raw(h.server, '/api/v1')).json() as {
      kind: string;
      groupVersion: string;
      resources: Record<string, unknown>[];
    };
    expect(v1.kind).toBe('APIResourceList');
    expect(v1.groupVersion).toBe('v1');
    expect(v1.resources).toContainEqual({
      name: 'pods/log',
      singularName: '',
      namespaced: true,
      kind: 'Pod',
      verbs: ['get'],
    });
    expect(v1.resources).toContainEqual({
      name: 'nodes',
      singularName: 'node',
      namespaced: false,
      kind: 'Node',
      verbs: ['get', 'list', 'watch'],
      shortNames: ['no'],
    });
    const apis = (await raw(h.server, '/apis', { accept: 'application/json' })).json() as {
      kind: string;
      apiVersion: string;
      groups: { name: string }[];
    };
    expect([apis.kind, apis.apiVersion]).toEqual(['APIGroupList', 'v1']);
    // In kube-apiserver's group priority order; the fixture's metrics-server APIService (groupPriorityMinimum 100) last.
    expect(apis.groups.map((g) => g.name)).toEqual([
      'apiregistration.k8s.io',
      'apps',
      'events.k8s.io',
      'batch',
      'certificates.k8s.io',
      'networking.k8s.io',
      'storage.k8s.io',
      'admissionregistration.k8s.io',
      'apiextensions.k8s.io',
      'coordination.k8s.io',
      'discovery.k8s.io',
      'metrics.k8s.io',
    ]);
    expect(apis.groups).toContainEqual({
      name: 'coordination.k8s.io',
      versions: [{ groupVersion: 'coordination.k8s.io/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'coordination.k8s.io/v1', version: 'v1' },
    });
    expect((await raw(h.server, '/apis/coordination.k8s.io')).json()).toMatchObject({
      kind: 'APIGroup',
      name: 'coordination.k8s.io',
    });
    expect((await raw(h.server, '/apis/coordination.k8s.io/v1')).json()).toMatchObject({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'coordination.k8s.io/v1',
      resources: [
        { name: 'leases', singularName: 'lease', namespaced: true, kind: 'Lease', verbs: ['get', 'list', 'watch'] },
      ],
    });
  });

  it('serves aggregated discovery to clients that ask for it, as kubectl does', async () => {
    const accept =
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    const r = await raw(h.server, '/api', { accept });
    expect(r.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const body = r.json() as {
      kind: string;
      items: {
        versions: { version: string; resources: { resource: string; scope: string; subresources?: unknown[] }[] }[];
      }[];
    };
    expect(body.kind).toBe('APIGroupDiscoveryList');
    const pods = body.items[0]?.versions[0]?.resources.find((x) => x.resource === 'pods');
    expect(pods).toMatchObject({
      scope: 'Namespaced',
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      subresources: [{ subresource: 'log', verbs: ['get'] }],
    });
    const apis = (await raw(h.server, '/apis', { accept })).json() as { items: { metadata: { name: string } }[] };
    expect(apis.items.map((i) => i.metadata.name)).toEqual([
      'apiregistration.k8s.io',
      'apps',
      'events.k8s.io',
      'batch',
      'certificates.k8s.io',
      'networking.k8s.io',
      'storage.k8s.io',
      'admissionregistration.k8s.io',
      'apiextensions.k8s.io',
      'coordination.k8s.io',
      'discovery.k8s.io',
      'metrics.k8s.io',
    ]);
  });
});

describe('objects and lists', () => {
  it('encodes a GET with kind first and list items without kind, as the apiserver does', async () => {
    const pod = await raw(h.server, '/api/v1/namespaces/shop/pods/web-0');
    expect(Object.keys(pod.json() as object).slice(0, 3)).toEqual(['kind', 'apiVersion', 'metadata']);
    const list = (await raw(h.server, '/api/v1/nodes')).json() as {
      kind: string;
      apiVersion: string;
      items: Record<string, unknown>[];
    };
    expect([list.kind, list.apiVersion]).toEqual(['NodeList', 'v1']);
    expect(list.items[0]).not.toHaveProperty('kind');
    expect(list.items[0]).toHaveProperty('metadata.name', 'cp-1');
  });

  it('answers unknown paths and resources with the NotFound Status', async () => {
    for (const path of [
      '/nothing',
      '/api/v2/pods',
      '/api/v1/widgets',
      '/api/v1/pods/web-0',
      '/apis/policy/v1/poddisruptionbudgets',
      '/apis/apps/v1/namespaces/shop/cronjobs',
      '/api/v1/namespaces/shop/pods/web-0/exec/x',
      '/api/v1/%E0%A4%A',
    ]) {
      const r = await raw(h.server, path);
      expect([path, r.status]).toEqual([path, 404]);
      expect(r.json()).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'the server could not find the requested resource',
        reason: 'NotFound',
        details: {},
        code: 404,
      });
    }
  });

  it('answers verbs it does not serve with MethodNotAllowed', async () => {
    const create = await raw(h.server, '/api/v1/nodes', { method: 'POST' });
    expect(create.status).toBe(405);
    expect(create.json()).toMatchObject({
      reason: 'MethodNotAllowed',
      message: 'create is not supported on resources of kind "nodes"',
      details: { kind: 'nodes' },
    });
    const del = await raw(h.server, '/api/v1/nodes/worker-1', { method: 'DELETE' });
    expect(del.json()).toMatchObject({ message: 'delete is not supported on resources of kind "nodes"' });
    const lease = await raw(h.server, '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/worker-1', {
      method: 'PUT',
    });
    expect(lease.json()).toMatchObject({
      message: 'update is not supported on resources of kind "leases.coordination.k8s.io"',
      details: { group: 'coordination.k8s.io', kind: 'leases' },
    });
    const allNamespaces = await raw(h.server, '/api/v1/pods', { method: 'POST' });
    expect([allNamespaces.status, (allNamespaces.json() as { reason: string }).reason]).toEqual([
      405,
      'MethodNotAllowed',
    ]);
    expect((await raw(h.server, '/version', { method: 'POST' })).status).toBe(405);
  });

  it('answers a request for only media types it cannot produce with 406', async () => {
    const r = await raw(h.server, '/api/v1/pods', { accept: 'application/vnd.kubernetes.protobuf' });
    expect(r.status).toBe(406);
    expect(r.json()).toMatchObject({ reason: 'NotAcceptable', code: 406 });
  });
});

describe('server-side printing', () => {
  it('returns a Table with the pod columns and PartialObjectMetadata rows', async () => {
    const r = await raw(h.server, '/api/v1/namespaces/shop/pods?limit=2', { accept: tableAccept });
    expect(r.headers['content-type']).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
    const t = r.json() as TableBody;
    expect([t.kind, t.apiVersion]).toEqual(['Table', 'meta.k8s.io/v1']);
    expect(t.columnDefinitions.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Ready', 0],
      ['Status', 0],
      ['Restarts', 0],
      ['Age', 0],
      ['IP', 1],
      ['Node', 1],
      ['Nominated Node', 1],
      ['Readiness Gates', 1],
    ]);
    expect(t.columnDefinitions[0]?.format).toBe('name');
    expect(t.rows[0]?.cells).toEqual([
      'api-7d9c5b-x2x4k',
      '1/1',
      'Running',
      '0',
      '3d4h',
      '10.244.1.5',
      'worker-1',
      '<none>',
      '<none>',
    ]);
    expect(t.rows[0]?.object).toMatchObject({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { name: 'api-7d9c5b-x2x4k', namespace: 'shop' },
    });
    expect(t.metadata.continue).toBeTruthy();
  });

  it('carries the full object, or none, as includeObject asks', async () => {
    const full = (
      await raw(h.server, '/api/v1/namespaces/shop/pods/migrate-8xk2z?includeObject=Object', { accept: tableAccept })
    ).json() as TableBody;
    expect(full.rows).toHaveLength(1);
    expect(full.rows[0]?.object).toMatchObject({ kind: 'Pod', apiVersion: 'v1', spec: { nodeName: 'worker-1' } });
    expect(full.rows[0]?.conditions).toEqual([
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ]);
    const none = (await raw(h.server, '/api/v1/nodes?includeObject=None', { accept: tableAccept })).json() as TableBody;
    expect(none.rows[0]).not.toHaveProperty('object');
    const bad = await raw(h.server, '/api/v1/nodes?includeObject=All', { accept: tableAccept });
    expect([bad.status, (bad.json() as { message: string }).message]).toEqual([
      400,
      'unrecognized includeObject value: "All"',
    ]);
  });

  it('prints events and nodes in wide form, leaving kubectl to hide priority columns', async () => {
    const ev = (await raw(h.server, '/api/v1/namespaces/default/events', { accept: tableAccept })).json() as TableBody;
    expect(ev.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).toEqual([
      'Last Seen',
      'Type',
      'Reason',
      'Object',
      'Message',
    ]);
    expect(ev.rows[0]?.cells).toEqual([
      '9m',
      'Normal',
      'NodeNotReady',
      'node/worker-2',
      '',
      'node-controller',
      'Node worker-2 status is now: NodeNotReady',
      '9m',
      1,
      'worker-2.nodenotready',
    ]);
    const v1beta1 = (
      await raw(h.server, '/api/v1/nodes/worker-3', { accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io' })
    ).json() as TableBody;
    expect(v1beta1.apiVersion).toBe('meta.k8s.io/v1beta1');
    expect(v1beta1.rows[0]?.cells.slice(0, 5)).toEqual([
      'worker-3',
      'Ready,SchedulingDisabled',
      '<none>',
      '3d4h',
      'v1.31.4',
    ]);
  });
});

describe('continue tokens', () => {
  it('are base64url JSON in the apiserver encoding, resuming after the last key', async () => {
    const page = (await raw(h.server, '/api/v1/namespaces/load/pods?limit=3')).json() as {
      metadata: { continue: string; resourceVersion: string };
    };
    const token = JSON.parse(Buffer.from(page.metadata.continue, 'base64url').toString()) as unknown;
    expect(token).toEqual({ v: 'meta.k8s.io/v1', rv: Number(page.metadata.resourceVersion), start: 'load-02\u0000' });
  });

  it('refuses a resourceVersion alongside continue, and tokens it did not make', async () => {
    const page = (await raw(h.server, '/api/v1/pods?limit=3')).json() as { metadata: { continue: string } };
    const both = await raw(h.server, `/api/v1/pods?limit=3&resourceVersion=5&continue=${page.metadata.continue}`);
    expect([both.status, (both.json() as { message: string }).message]).toEqual([
      400,
      'specifying resource version is not allowed when using continue',
    ]);
    const forged = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 3, start: '../secrets/x' })).toString(
      'base64url',
    );
    const escape = await raw(h.server, `/api/v1/pods?limit=3&continue=${forged}`);
    expect([escape.status, (escape.json() as { message: string }).message]).toEqual([
      400,
      'invalid continue token: continue key is not valid: ../secrets/x',
    ]);
    const version = Buffer.from(JSON.stringify({ v: 'v2', rv: 3, start: 'a' })).toString('base64url');
    expect(((await raw(h.server, `/api/v1/pods?continue=${version}`)).json() as { message: string }).message).toBe(
      'invalid continue token: continue key is not valid: server does not recognize this encoded version v2',
    );
  });

  it('expire with 410 after compaction, offering an inconsistent continuation', async () => {
    const fresh = await startHarness();
    try {
      const first = (await raw(fresh.server, '/api/v1/pods?limit=5')).json() as {
        metadata: { continue: string };
        items: { metadata: { name: string } }[];
      };
      fresh.server.store.compact();
      const expired = await raw(fresh.server, `/api/v1/pods?limit=5&continue=${first.metadata.continue}`);
      expect(expired.status).toBe(410);
      const status = expired.json() as {
        reason: string;
        code: number;
        metadata: { continue: string };
        message: string;
      };
      expect([status.reason, status.code]).toEqual(['Expired', 410]);
      expect(status.message).toMatch(
        /^The provided continue parameter is too old to display a consistent list result\./,
      );
      const rest = (await raw(fresh.server, `/api/v1/pods?limit=100&continue=${status.metadata.continue}`)).json() as {
        items: { metadata: { name: string } }[];
      };
      const all = (await raw(fresh.server, '/api/v1/pods')).json() as { items: { metadata: { name: string } }[] };
      expect([...first.items, ...rest.items].map((p) => p.metadata.name)).toEqual(
        all.items.map((p) => p.metadata.name),
      );
    } finally {
      await fresh.close();
    }
  });
});

describe('robustness', () => {
  it('survives garbage on the wire and keeps serving', async () => {
    const { port } = new URL(h.server.url);
    await new Promise<void>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: Number(port), ca: h.server.certificateAuthority }, () => {
        socket.write('NOT HTTP AT ALL\r\n\r\n');
      });
      socket.on('data', () => undefined);
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    expect((await raw(h.server, '/api/v1/namespaces/shop/pods/web-0')).status).toBe(200);
  });

  it('answers malformed selectors and parameters with 400 or 422, never a crash', async () => {
    const cases: [string, number, string][] = [
      ['/api/v1/pods?labelSelector=a%20in', 400, "unable to parse requirement: found '' expected: '('"], // sic: upstream has no comma here
      ['/api/v1/pods?labelSelector=!', 400, "unable to parse requirement: found '', expected: identifier"],
      [
        '/api/v1/pods?fieldSelector=spec.nodeName',
        400,
        "invalid selector: 'spec.nodeName'; can't understand 'spec.nodeName'",
      ],
      ['/api/v1/pods?fieldSelector=spec.nodeName%3Da%5Cb', 400, 'invalid field selector: invalid escape sequence: \\b'],
      ['/api/v1/pods?limit=ten', 400, 'limit: strconv.ParseInt: parsing "ten": invalid syntax'],
      [
        '/api/v1/namespaces/shop/pods/web-0/log?tailLines=-1',
        422,
        'PodLogOptions "web-0" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
      ],
      ['/api/v1/nodes?fieldSelector=metadata.namespace%3Dx', 400, 'field label not supported: metadata.namespace'],
      [
        '/apis/coordination.k8s.io/v1/leases?fieldSelector=spec.holderIdentity%3Dx',
        400,
        '"spec.holderIdentity" is not a known field selector: only "metadata.name", "metadata.namespace"',
      ],
    ];
    for (const [path, status, message] of cases) {
      const r = await raw(h.server, path);
      expect([path, r.status, (r.json() as { message: string }).message]).toEqual([path, status, message]);
    }
  });

  it('matches escaped commas in field selector values', async () => {
    const r = (await raw(h.server, '/api/v1/pods?fieldSelector=metadata.name%3Dweb-0%5C%2Cx')).json() as {
      items: unknown[];
    };
    expect(r.items).toEqual([]);
  });
});
