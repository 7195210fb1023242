import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

// The drill's simulated scheduler and kubelets decide, from the cluster's state, whether a created pod runs.
const generate = { controlPlanes: 1, workers: 2, podsPerWorker: 0, addons: true };
const allow = { allowMutations: true, timeoutMs: 30_000 };

describe('node.test-pod on a healthy node and on one whose kubelet is down', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { generate, nodes: [] },
      faults: [{ fault: 'kubelet-service-failed', node: 'worker-2' }],
    });
  });
  afterAll(() => t.close());

  it('runs on a healthy node, and deletes its pod afterwards', async () => {
    const r = await t.check('node.test-pod', { node: 'worker-1', timeoutSeconds: '20' }, allow);
    expect(r.outcome).toBe('runs');
    expect(r.facts).toMatchObject({ testPodNode: 'worker-1', testPodPhase: 'Running' });
    expect(r.command).toContain(
      "kubectl run plumbline-test-worker-1 -n default --image=registry.k8s.io/pause:3.10 --restart=Never --overrides='",
    );
    const left = await t.kube.listPods({ labelSelector: 'plumbline.dev/test-pod=true' });
    expect(left.filter((p) => !p.metadata?.deletionTimestamp)).toEqual([]);
  });

  it('is scheduled to a node whose kubelet is down but never starts there', async () => {
    const r = await t.check('node.test-pod', { node: 'worker-2', timeoutSeconds: '5' }, allow);
    expect(r.outcome).toBe('not-started');
    expect(r.summary).toContain('scheduled to worker-2 but did not start within 5s');
  });

  it('does not run at all read-only: says so and shows the command', async () => {
    const r = await t.check('node.test-pod', { node: 'worker-1' });
    expect(r.outcome).toBe('not-run');
    expect(r.summary).toContain('--allow-mutations');
    expect(r.evidence[0]?.value).toContain('kubectl run plumbline-test-worker-1');
  });
});

describe('node.test-pod when the scheduler is down, or creating pods is forbidden', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { generate, nodes: [] },
      faults: [{ fault: 'scheduler-down' }],
      api: { user: 'oncall', denials: [{ verb: 'create', resource: 'pods', namespace: 'locked' }], faults: [] },
    });
  });
  afterAll(() => t.close());

  it('is never scheduled without a scheduler', async () => {
    const r = await t.check('node.test-pod', { node: 'worker-1', timeoutSeconds: '5' }, allow);
    expect(r.outcome).toBe('not-scheduled');
    expect(r.summary).toContain('is kube-scheduler running?');
  });

  it('a 403 on create is the error outcome naming what it needed', async () => {
    const r = await t.check('node.test-pod', { node: 'worker-1', namespace: 'locked', timeoutSeconds: '5' }, allow);
    expect(r.outcome).toBe('error');
    expect(r.summary).toContain('cannot create resource "pods"');
  });
});
