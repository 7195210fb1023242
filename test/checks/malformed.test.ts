import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pod, startTestDrill } from '../helpers/drill.js';
import type { TestDrill } from '../helpers/drill.js';

/**
 * Objects whose fields have the wrong types (a hand-made scenario, a proxy that
 * rewrites answers) reach checks only through the client, which says the
 * object is malformed and which field: the check's outcome is an error that
 * names it, never a TypeError from client-node ("data is not iterable") or
 * from the check itself. Seeded straight into the drill's store, so the
 * server's own refusal of such writes does not stop them.
 */
describe('checks on malformed objects', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      objects: [
        pod('flat', 'shop', { containers: { name: 'app', image: 'nginx' } }, { phase: 'Pending' }),
        pod(
          'odd-status',
          'shop',
          { nodeName: 'worker-1' },
          { phase: 'Running', conditions: { type: 'Ready', status: 'True' }, containerStatuses: 'running' },
        ),
        pod(
          'odd-labels',
          'shop',
          { nodeName: 'worker-1' },
          {
            phase: 'Running',
            containerStatuses: [
              { name: 'main', ready: true, restartCount: 'many', state: { running: { startedAt: 'now-1h' } } },
            ],
          },
        ),
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: 'odd-node', creationTimestamp: 'now-10d', labels: { zone: 3 } },
          spec: {},
          status: { conditions: 'Ready' },
        },
      ] as never,
    });
  });
  afterAll(() => t.close());

  it.each([
    [
      'flat',
      'spec.containers: json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container',
    ],
    [
      'odd-status',
      'status.conditions: json: cannot unmarshal object into Go struct field PodStatus.status.conditions of type []v1.PodCondition',
    ],
    [
      'odd-labels',
      'status.containerStatuses[0].restartCount: json: cannot unmarshal string into Go struct field ContainerStatus.status.containerStatuses.restartCount of type int32',
    ],
  ])('pod.status on %s: an error that says the pod is malformed, and where', async (name, where) => {
    const out = await t.check('pod.status', { namespace: 'shop', name });
    expect(out.outcome).toBe('error');
    expect(out.facts.errorKind).toBe('malformed');
    expect(out.summary).toBe(`malformed: the API server sent a Pod shop/${name} that is malformed: ${where}`);
    expect(out.summary).not.toMatch(/is not iterable|is not a function|Cannot read prop/);
  });

  it('a malformed node: node.ready says so instead of failing inside client-node', async () => {
    const out = await t.check('node.ready', { name: 'odd-node' });
    expect(out.outcome).toBe('error');
    expect(out.facts.errorKind).toBe('malformed');
    expect(out.summary).toMatch(
      /^malformed: the API server sent a Node odd-node that is malformed: metadata\.labels\[zone\]: json: cannot unmarshal number/,
    );
  });

  it('a list holding malformed pods: node.pods names the first', async () => {
    const out = await t.check('node.pods', { name: 'worker-1' });
    expect(out.outcome).toBe('error');
    expect(out.facts.errorKind).toBe('malformed');
    expect(out.summary).toMatch(
      /^malformed: the API server sent a Pod shop\/odd-(status|labels) that is malformed: status\./,
    );
  });

  it('events of a healthy pod in the same namespace still read', async () => {
    const out = await t.check('pod.events', { namespace: 'shop', name: 'odd-labels' });
    expect(out.facts.errorKind).not.toBe('internal');
  });
});
