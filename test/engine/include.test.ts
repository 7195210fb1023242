import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCheck } from '../../src/checks/registry.js';
import type { SessionEvent } from '../../src/engine/events.js';
import { Session } from '../../src/engine/session.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import { pod, startTestDrill } from '../helpers/drill.js';
import type { TestDrill } from '../helpers/drill.js';
import { podStatusNextFlow } from '../helpers/podStatusStep.js';

/** A node runbook reused by a pod runbook: the walk crosses into it with the pod's node as its input. */
const nodeRunbook = `id: node-sub
title: Node
symptom: node {{inputs.node}} is not well
inputs:
  - { name: node, description: the node }
start: ready
steps:
  ready:
    type: check
    title: Is {{inputs.node}} Ready?
    layer: node
    why: the kubelet reports Ready
    check: node.ready
    with: { name: "{{inputs.node}}" }
    next: { ready: $no-finding, not-ready: broken, unknown: broken, not-found: $incomplete, error: $incomplete }
  broken:
    type: diagnosis
    layer: node
    title: node {{inputs.node}} is NotReady
    why: w
    chain: ["the kubelet on {{inputs.node}} says {{facts.nodeReadyReason}}"]
    fix: ["look at the kubelet on {{inputs.node}}"]
`;

const mainRunbook = `id: main
title: Main
symptom: pod {{inputs.pod}} is down
inputs:
  - { name: namespace, description: ns }
  - { name: pod, description: pod }
include:
  - runbook: ./node-sub.yaml
    as: node
    with: { node: "{{facts.nodeName}}" }
    onNoFinding: node-fine
start: pod-status
steps:
  pod-status:
    type: check
    layer: pod
    why: look at the pod
    check: pod.status
    with: { namespace: "{{inputs.namespace}}", name: "{{inputs.pod}}" }
    next: ${podStatusNextFlow({ 'not-ready': 'node' }, '$incomplete')}
  node-fine:
    type: diagnosis
    layer: pod
    title: the node of {{inputs.pod}} is fine
    why: w
    chain: [c]
    fix: [f]
`;

const notReadyPod = (name: string, node: string) =>
  pod(
    name,
    'shop',
    { nodeName: node },
    {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        {
          name: 'main',
          ready: false,
          started: true,
          restartCount: 0,
          image: 'registry.example.com/app:1.0',
          state: { running: { startedAt: 'now-20m' } },
        },
      ],
    },
  );

let t: TestDrill;
let file: string;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-include-walk-'));
  writeFileSync(join(dir, 'node-sub.yaml'), nodeRunbook);
  file = join(dir, 'main.yaml');
  writeFileSync(file, mainRunbook);
  t = await startTestDrill({
    cluster: {
      nodes: [
        {
          name: 'worker-1',
          ready: 'False',
          readyReason: 'KubeletNotReady',
          readyMessage: 'container runtime network not ready',
        },
        { name: 'worker-2' },
      ],
    } as never,
    objects: [notReadyPod('web-0', 'worker-1'), notReadyPod('api-0', 'worker-2')] as never,
  });
});
afterAll(() => t.close());

async function walk(podName: string) {
  const runbook = await loadRunbookFile(file, findCheck);
  const session = new Session({
    runbook,
    inputs: { namespace: 'shop', pod: podName },
    kube: t.kube,
    mode: 'drill',
    auto: true,
    answerDefaults: true,
  });
  const events: SessionEvent[] = [];
  session.on((e) => events.push(e));
  session.start();
  return { result: await session.done, events };
}

describe('a walk through an included runbook, on the drill', () => {
  it('crosses into the included steps with the fact as their input and ends on the included diagnosis', async () => {
    const { result, events } = await walk('web-0');
    expect(result.path.map((p) => [p.step, p.outcome])).toEqual([
      ['pod-status', 'not-ready'],
      ['node.ready', 'not-ready'],
    ]);
    const enter = events.find((e) => e.type === 'step.enter' && e.step === 'node.ready');
    expect(enter).toMatchObject({ kind: 'check', layer: 'node', title: 'Is worker-1 Ready?', check: 'node.ready' });
    expect(enter?.type === 'step.enter' && enter.command).toMatch(/^kubectl get node worker-1 /);
    expect(events.find((e) => e.type === 'check.start' && e.step === 'node.ready')).toMatchObject({
      params: { name: 'worker-1' },
    });
    expect(result.diagnosis).toMatchObject({
      id: 'node.broken',
      title: 'node worker-1 is NotReady',
      chain: ['the kubelet on worker-1 says KubeletNotReady'],
      fix: ['look at the kubelet on worker-1'],
    });
  });

  it('the included runbook finding nothing goes where the include says', async () => {
    const { result } = await walk('api-0');
    expect(result.path.map((p) => [p.step, p.outcome])).toEqual([
      ['pod-status', 'not-ready'],
      ['node.ready', 'ready'],
    ]);
    expect(result.outcome).toBe('diagnosis');
    expect(result.diagnosis).toMatchObject({ id: 'node-fine', title: 'the node of api-0 is fine' });
  });
});
