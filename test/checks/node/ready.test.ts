import { noNodeAccess } from '../../../src/nodeaccess/none.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

describe('node.ready on the drill cluster', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: {
        nodes: [
          { name: 'worker-1' },
          {
            name: 'worker-2',
            ready: 'False',
            readyReason: 'KubeletNotReady',
            readyMessage: 'PLEG is not healthy: pleg was last seen active 3m10s ago; threshold is 3m0s',
          },
          { name: 'worker-3', ready: 'Unknown', heartbeatAgeSeconds: 1260 },
          {
            name: 'worker-4',
            ready: 'False',
            readyReason: 'KubeletNotReady',
            readyMessage: '',
            containerRuntimeVersion: 'cri-o://1.28.2',
          },
        ] as never,
      },
    });
  });
  afterAll(() => t.close());

  it('reports a Ready node', async () => {
    const r = await t.check('node.ready', { name: 'worker-1' });
    expect(r.outcome).toBe('ready');
    expect(r.facts).toMatchObject({ nodeReady: 'True', nodeReadyReason: 'KubeletReady' });
  });

  it("reports NotReady with the kubelet's own message", async () => {
    const r = await t.check('node.ready', { name: 'worker-2' });
    expect(r.outcome).toBe('not-ready');
    expect(r.summary).toContain('PLEG is not healthy');
  });

  it('names the runtime unit the kubelet reports, so host checks ask the right service', async () => {
    const r = await t.check('node.ready', { name: 'worker-4' });
    expect(r.summary).toBe('node worker-4 is NotReady: KubeletNotReady');
    expect(r.facts.nodeRuntimeUnit).toBe('crio');
    expect((await t.check('node.ready', { name: 'worker-1' })).facts.nodeRuntimeUnit).toBe('containerd');
  });

  it('reports a silent kubelet as unknown, with the heartbeat age', async () => {
    const r = await t.check('node.ready', { name: 'worker-3' });
    expect(r.outcome).toBe('unknown');
    expect(r.summary).toContain('Kubelet stopped posting node status');
    expect(r.evidence).toContainEqual({ label: 'last heartbeat', value: '21m ago' });
    expect(r.facts.heartbeatAgeSeconds).toBe(1260);
  });

  it('reports a node that does not exist', async () => {
    const r = await t.check('node.ready', { name: 'worker-9' });
    expect(r.outcome).toBe('not-found');
  });

  it('cannot run without a node name and says which fact is missing', async () => {
    const { runCheck } = await import('../../../src/engine/runCheck.js');
    const r = await runCheck(
      {
        step: 's',
        check: 'node.ready',
        with: { name: '{{facts.nodeName}}' },
        timeoutMs: 5000,
        inputs: {},
        facts: {},
        phase: 'top-down',
      },
      AbortSignal.timeout(5000),
      { kube: t.kube, nodes: noNodeAccess, now: () => t.now, onStart: () => undefined },
    );
    expect(r.outcome).toBe('error');
    expect(r.summary).toBe('cannot run node.ready: fact "nodeName" is not known yet (no earlier check found it)');
  });
});
