import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCheck } from '../../../src/checks/registry.js';
import { runCheck } from '../../../src/engine/runCheck.js';
import { createDrillAccess } from '../../../src/nodeaccess/drill.js';
import { noNodeAccess } from '../../../src/nodeaccess/none.js';
import type { NodeAccess } from '../../../src/nodeaccess/types.js';
import { loadRunbookText } from '../../../src/runbook/load.js';
import type { LoadedRunbook } from '../../../src/runbook/load.js';
import { pod, startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

/** Declared checks, each used by one step so the runbook lints; the steps themselves are not walked here. */
const checks = `
  team.widget:
    type: kube
    layer: cluster
    title: the widget
    why: w
    params: { name: { description: the widget } }
    kube: { apiVersion: example.com/v1alpha1, kind: Widget, namespace: shop, name: "{{params.name}}" }
    rules:
      - { outcome: missing, when: "!found", summary: "widget {{params.name}} is not there" }
      - outcome: stuck
        when: object.status.phase == "Stuck"
        let: { why: object.status.message }
        summary: "widget {{params.name}} is stuck: {{why}}"
        evidence: [{ label: message, value: "{{why}}" }]
        facts: { widgetMessage: why }
      - { outcome: ready, when: object.status.phase == "Ready" }
  team.widgets:
    type: kube
    layer: cluster
    title: the widgets
    why: w
    kube: { apiVersion: example.com/v1alpha1, kind: Widget, namespace: shop, labelSelector: "tier=front", limit: 2 }
    rules:
      - { outcome: many, when: truncated, summary: "more than {{count}} widgets" }
      - { outcome: few, summary: "{{count}} widgets" }
  team.crash:
    type: kube
    layer: cluster
    title: reads a field the object lacks
    why: w
    kube: { apiVersion: example.com/v1alpha1, kind: Widget, namespace: shop, name: w1 }
    rules:
      - { outcome: big, when: object.spec.size > 3 }
      - { outcome: small }
  team.healthz:
    type: http
    layer: pod
    title: healthz
    why: w
    http: { from: cluster, namespace: shop, service: web, port: 80, path: /healthz }
    rules:
      - { outcome: failing, when: status >= 500, summary: "{{status}} {{body}}", facts: { failing: "json.checks.filter(k, json.checks[k] != 'ok').join(',')" } }
      - { outcome: ok }
  team.lonely:
    type: http
    layer: pod
    title: a service without endpoints
    why: w
    http: { from: cluster, namespace: shop, service: lonely, port: 80, path: /healthz }
    rules:
      - { outcome: unavailable, when: status == 503, summary: "{{body}}" }
      - { outcome: ok }
  team.local:
    type: http
    layer: pod
    title: a GET from here
    why: w
    params: { url: { description: the URL } }
    http: { url: "http://{{params.url}}", headers: { x-team: shop } }
    rules:
      - { outcome: slow, when: "status == 200 && headers['x-took'] == 'long'", summary: "{{latencyMs}}" }
      - { outcome: ok, when: status == 200, summary: "{{body}}" }
  team.logs:
    type: logs
    layer: pod
    title: the app's log
    why: w
    logs: { namespace: shop, pod: web-1, container: web, tailLines: 50 }
    rules:
      - { outcome: refused, when: "count(lines, 'connection refused') > 0", let: { first: "grep(lines, 'refused')[0]" }, facts: { refusedTo: "capture(first, 'dial tcp ([0-9.]+:[0-9]+)')" } }
      - { outcome: quiet }
  team.disk:
    type: host
    layer: host
    title: disk
    why: w
    params: { node: { description: the node } }
    host: { node: "{{params.node}}", argv: [df, -P, /var/lib/containerd] }
    rules:
      - outcome: full
        when: 'int(capture(lines[1], r"(\\d+)%")) >= 90'
        summary: "{{stdout}}"
      - { outcome: ok }
  team.age:
    type: kube
    layer: cluster
    title: how old the widget is
    why: w
    kube: { apiVersion: example.com/v1alpha1, kind: Widget, namespace: shop, name: w1 }
    rules:
      - { outcome: old, when: 'now - timestamp(object.metadata.creationTimestamp) > duration("26h")' }
      - { outcome: young }
  team.nothing:
    type: kube
    layer: cluster
    title: no rule decides
    why: w
    kube: { apiVersion: v1, kind: Service, namespace: shop, name: web }
    rules:
      - { outcome: odd, when: "!found" }
`;

/** One step per declared check, chained so each is reachable; every outcome goes on to the next. */
function runbookText(): string {
  const blocks = checks.split(/\n(?= {2}team\.)/).filter((b) => b.trim() !== '');
  const steps = blocks.map((block, i) => {
    const id = /^ {2}(team\.[a-z]+):/.exec(block)?.[1] ?? '';
    const layer = /\n {4}layer: ([a-z]+)/.exec(block)?.[1] ?? '';
    const outcomes = [...new Set([...block.matchAll(/outcome: ([a-z-]+)/g)].map((m) => m[1] ?? ''))];
    const to = i + 1 < blocks.length ? `s${i + 1}` : '$no-finding';
    const withs: Record<string, string> = {
      'team.disk': '{ node: worker-1 }',
      'team.widget': '{ name: w1 }',
      'team.local': '{ url: "127.0.0.1" }',
    };
    return `  s${i}:\n    type: check\n    layer: ${layer}\n    why: w\n    check: ${id}\n    with: ${withs[id] ?? '{}'}\n    next: { error: ${to}, ${outcomes.map((o) => `${o}: ${to}`).join(', ')} }`;
  });
  return `id: team\ntitle: T\nsymptom: s\nstart: s0\nchecks:${checks}\nsteps:\n${steps.join('\n')}\n`;
}

describe('declared checks against a drill cluster', () => {
  let drill: TestDrill;
  let loaded: LoadedRunbook;
  const run = (id: string, params: Record<string, string> = {}, nodes: NodeAccess = noNodeAccess) =>
    runCheck(
      { step: id, check: id, with: params, timeoutMs: 10_000, inputs: {}, facts: {}, phase: 'top-down' },
      AbortSignal.timeout(10_000),
      {
        kube: drill.kube,
        nodes,
        now: () => drill.now,
        lookup: loaded.lookup,
        recordRaw: true,
        onStart: () => undefined,
      },
    );

  beforeAll(async () => {
    loaded = loadRunbookText('runbooks/team.yaml', runbookText(), findCheck);
    drill = await startTestDrill({
      cluster: { generate: { controlPlanes: 1, workers: 1, podsPerWorker: 0, addons: false }, nodes: [] },
      objects: [
        {
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          metadata: { name: 'widgets.example.com' },
          spec: {
            group: 'example.com',
            names: { kind: 'Widget', plural: 'widgets', singular: 'widget' },
            scope: 'Namespaced',
            versions: [{ name: 'v1alpha1', served: true, storage: true }],
          },
        },
        ...['w1', 'w2', 'w3'].map((name) => ({
          apiVersion: 'example.com/v1alpha1',
          kind: 'Widget',
          metadata: { name, namespace: 'shop', labels: { tier: 'front' }, creationTimestamp: 'now-2d' },
          spec: {},
          status: { phase: 'Stuck', message: 'waiting for quota' },
        })),
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'web', namespace: 'shop' },
          spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
        },
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'lonely', namespace: 'shop' },
          spec: { selector: { app: 'lonely' }, ports: [{ port: 80 }] },
        },
        pod(
          'web-1',
          'shop',
          { nodeName: 'worker-1', containers: [{ name: 'web', image: 'web' }] },
          {
            phase: 'Running',
            containerStatuses: [
              { name: 'web', ready: true, restartCount: 0, image: 'web', state: { running: { startedAt: 'now-1h' } } },
            ],
          },
        ),
      ],
      logs: [
        {
          namespace: 'shop',
          pod: 'web-1',
          container: 'web',
          lines: ['starting', 'db: dial tcp 10.96.14.2:5432: connect: connection refused', 'retrying'],
        },
      ],
      http: [
        {
          namespace: 'shop',
          service: 'web',
          port: 80,
          path: '/healthz',
          status: 503,
          body: '{"checks":{"db":"down","cache":"ok"}}',
        },
      ],
    } as never);
  });
  afterAll(async () => drill.close());

  it('reads a custom resource the scenario defines a CRD for, and decides by its status', async () => {
    const out = await run('team.widget', { name: 'w1' });
    expect(out).toMatchObject({
      outcome: 'stuck',
      summary: 'widget w1 is stuck: waiting for quota',
      evidence: [{ label: 'message', value: 'waiting for quota' }],
      facts: { widgetMessage: 'waiting for quota' },
    });
    expect(out.raw).toContain('GET /apis/example.com/v1alpha1/namespaces/shop/widgets/w1 → 200');
    expect((await run('team.widget', { name: 'w9' })).outcome).toBe('missing');
  });

  it('lists with a label selector and a limit, and says when there were more', async () => {
    const out = await run('team.widgets');
    expect(out).toMatchObject({ outcome: 'many', summary: 'more than 2 widgets' });
    expect(out.raw).toContain('labelSelector=tier%3Dfront');
  });

  it('CEL that fails at run time ends in error with the expression and the value, never a crash', async () => {
    const out = await run('team.crash');
    expect(out.outcome).toBe('error');
    expect(out.summary).toBe('team.crash: rule 1 (big) when could not be evaluated: No such key: size');
    expect(out.evidence[0]).toEqual({ label: 'expression', value: 'object.spec.size > 3' });
    expect(out.evidence[1]?.label).toBe('object');
    expect(out.evidence[1]?.value).toContain('"name":"w1"');
  });

  it('an http GET from inside the cluster goes through the service proxy and the drill answers what the scenario declares', async () => {
    const out = await run('team.healthz');
    expect(out).toMatchObject({
      outcome: 'failing',
      summary: '503 {"checks":{"db":"down","cache":"ok"}}',
      facts: { failing: 'db' },
    });
    const lonely = await run('team.lonely');
    expect(lonely.outcome).toBe('unavailable');
    expect(lonely.summary).toContain('no endpoints available for service \\"lonely\\"');
  });

  it('an http GET from this machine is refused in a drill, which has no services here', async () => {
    const out = await run('team.local', { url: '127.0.0.1:1' }, createDrillAccess({ hosts: {} }));
    expect(out).toMatchObject({ outcome: 'error', facts: { errorKind: 'not-possible' } });
  });

  it('an http GET from this machine reads status, headers, body and latency', async () => {
    const server = createServer((req, res) => {
      res.setHeader('x-took', req.headers['x-team'] === 'shop' ? 'short' : 'none');
      res.end('all good');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const out = await run('team.local', { url: `127.0.0.1:${(server.address() as AddressInfo).port}` });
      expect(out).toMatchObject({ outcome: 'ok', summary: 'all good' });
      expect(out.raw).toMatch(/^HTTP\/1\.1 200 OK\n/);
    } finally {
      server.close();
    }
  });

  it("reads a container's log with regex helpers", async () => {
    const out = await run('team.logs');
    expect(out).toMatchObject({ outcome: 'refused', facts: { refusedTo: '10.96.14.2:5432' } });
  });

  it('runs a host argv through the node access (never a shell) and parses its output', async () => {
    const nodes = createDrillAccess({
      hosts: {
        'worker-1': {
          'df -P /var/lib/containerd': {
            stdout:
              'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 41152736 39094080 2058656 95% /\n',
          },
        },
      },
    });
    const out = await run('team.disk', { node: 'worker-1' }, nodes);
    expect(out.outcome).toBe('full');
    expect(out.summary).toContain('95% /');
  });

  it("CEL sees the walk's clock as now, for ages", async () => {
    expect((await run('team.age')).outcome).toBe('old');
  });

  it('when no rule decides, the check says so and ends in error', async () => {
    const out = await run('team.nothing');
    expect(out).toMatchObject({ outcome: 'error', facts: { errorKind: 'no-rule' } });
    expect(out.summary).toContain('no rule decided');
  });
});
