import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActor, fromPromise } from 'xstate';
import { beforeEach, describe, expect, it } from 'vitest';
import { findCheck } from '../../src/checks/registry.js';
import { checkActorId, compileRunbook, endingOf, stateKey } from '../../src/runbook/compile.js';
import type { CheckInvocation, CheckOutput } from '../../src/runbook/compile.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import { InputError } from '../../src/base/source.js';
import { podStatusNextFlow } from '../helpers/podStatusStep.js';

/** A node runbook meant to be included: one check, a diagnosis, and its own ends. */
const nodeRunbook = `id: node-sub
title: Node
symptom: node {{inputs.node}} is not well
inputs:
  - { name: node, description: the node }
  - { name: note, description: optional words, required: false, default: none given }
start: ready
bottomUp: sweep
steps:
  ready:
    type: check
    layer: node
    why: the kubelet reports Ready
    check: node.ready
    with: { name: "{{inputs.node}}" }
    next: { ready: $no-finding, not-ready: broken, unknown: broken, not-found: $bottom-up, error: $incomplete }
  sweep:
    type: check
    layer: node
    why: the sweep
    check: node.ready
    with: { name: "{{inputs.node}}" }
    next: { ready: $no-finding, not-ready: broken, unknown: broken, not-found: $no-finding, error: $incomplete }
  broken:
    type: diagnosis
    layer: node
    title: node {{inputs.node}} is NotReady ({{inputs.note}})
    why: w
    chain: ["kubelet on {{inputs.node}} reports {{facts.nodeReadyReason}}"]
    fix: [restart it]
`;

function mainRunbook(opts: { include?: string; next?: Record<string, string>; extraSteps?: string } = {}): string {
  const next = podStatusNextFlow(
    { 'not-ready': 'nn', creating: 'nn.ready', error: '$incomplete', ...opts.next },
    'healthy',
  );
  return `id: main
title: Main
symptom: pod {{inputs.pod}} is down
inputs:
  - { name: namespace, description: ns }
  - { name: pod, description: pod }
include:
${
  opts.include ??
  `  - runbook: ./node-sub.yaml
    as: nn
    with: { node: "{{facts.nodeName}}" }
    onNoFinding: healthy
    onBottomUp: $no-finding`
}
start: pod-status
steps:
  pod-status:
    type: check
    layer: pod
    why: look at the pod
    check: pod.status
    with: { namespace: "{{inputs.namespace}}", name: "{{inputs.pod}}" }
    next: ${next}
  healthy:
    type: diagnosis
    layer: pod
    title: The node is fine
    why: w
    chain: [c]
    fix: [f]
${opts.extraSteps ?? ''}`;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plumbline-include-'));
  writeFileSync(join(dir, 'node-sub.yaml'), nodeRunbook);
});

async function load(text: string) {
  const file = join(dir, 'main.yaml');
  writeFileSync(file, text);
  return loadRunbookFile(file, findCheck);
}

async function problems(text: string): Promise<string[]> {
  try {
    await load(text);
  } catch (err) {
    if (err instanceof InputError) return err.message.split('\n').map((l) => l.replace(`${dir}/`, ''));
    throw err;
  }
  return [];
}

describe('include: another runbook as a sub-tree', () => {
  it('inlines the included steps under their prefix, inputs bound by with, its ends mapped, its unused sweep dropped', async () => {
    const { spec } = await load(mainRunbook());
    expect(Object.keys(spec.steps).sort()).toEqual(['healthy', 'nn.broken', 'nn.ready', 'pod-status']);
    const ready = spec.steps['nn.ready'];
    expect(ready).toMatchObject({ type: 'check', with: { name: '{{facts.nodeName}}' } });
    // $no-finding → onNoFinding, $bottom-up → onBottomUp, $incomplete → the including runbook's own.
    expect(ready?.type === 'check' && ready.next).toEqual({
      ready: 'healthy',
      'not-ready': 'nn.broken',
      unknown: 'nn.broken',
      'not-found': '$no-finding',
      error: '$incomplete',
    });
    // A target naming just the include is its start.
    const podStatus = spec.steps['pod-status'];
    expect(podStatus?.type === 'check' && podStatus.next['not-ready']).toBe('nn.ready');
    // An optional input nobody gave takes its default; facts stay facts.
    expect(spec.steps['nn.broken']).toMatchObject({
      title: 'node {{facts.nodeName}} is NotReady (none given)',
      chain: ['kubelet on {{facts.nodeName}} reports {{facts.nodeReadyReason}}'],
    });
  });

  it('compiles: the walk enters the included step and ends on its diagnosis', async () => {
    const { spec } = await load(mainRunbook());
    // Checks never finish by themselves here: the test finishes them with the outcome it wants.
    const machine = compileRunbook(spec).provide({
      actors: { runCheck: fromPromise<CheckOutput, CheckInvocation>(() => new Promise(() => undefined)) },
    });
    const actor = createActor(machine, { input: { inputs: { namespace: 'shop', pod: 'web-0' } } }).start();
    const finish = (step: string, outcome: string) => {
      actor.send({ type: 'CONTINUE' });
      actor.send({
        type: `xstate.done.actor.${checkActorId(step)}`,
        output: { outcome, summary: '', evidence: [], facts: {}, durationMs: 0 },
      } as never);
    };
    finish('pod-status', 'not-ready');
    expect(actor.getSnapshot().value).toEqual({ topDown: { [stateKey('nn.ready')]: 'waiting' } });
    finish('nn.ready', 'not-ready');
    expect(actor.getSnapshot().status).toBe('done');
    expect(endingOf(spec, actor.getSnapshot().value)).toEqual({ kind: 'diagnosis', diagnosis: 'nn.broken' });
    expect(actor.getSnapshot().context.path.map((p) => p.step)).toEqual(['pod-status', 'nn.ready']);
  });

  it('reports an unknown runbook at the include, with file:line:col', async () => {
    const include = `  - runbook: no-such-runbook\n    as: nn\n    with: { node: "{{facts.nodeName}}" }`;
    const out = await problems(mainRunbook({ include }));
    // include: is line 7; the entry's runbook key is on line 8.
    expect(out[0]).toMatch(/^main\.yaml:8:5: unknown runbook "no-such-runbook" \(no bundled runbook by that id/);
  });

  it('reports a target naming a step the included runbook does not have', async () => {
    const out = await problems(mainRunbook({ next: { running: 'nn.kubelet-service' } }));
    expect(out).toEqual([
      expect.stringMatching(
        /^main\.yaml:21:\d+: step "pod-status": outcome "running" goes to unknown step "nn\.kubelet-service" \(runbook \.\/node-sub\.yaml, included as "nn", has no step "kubelet-service"\)$/,
      ),
    ]);
  });

  it('reports a required input given no value, and a with key the runbook does not declare', async () => {
    const include = `  - runbook: ./node-sub.yaml\n    as: nn\n    with: { nodes: "{{facts.nodeName}}" }\n    onNoFinding: healthy\n    onBottomUp: $no-finding`;
    const out = await problems(mainRunbook({ include }));
    expect(out).toContain('main.yaml:10:13: include "nn": runbook node-sub has no input "nodes" (inputs: node, note)');
    expect(out).toContain(
      'main.yaml:10:5: include "nn": runbook node-sub needs input "node" (the node): give it in with',
    );
  });

  it('reports with values that refer to nothing this runbook has', async () => {
    const include = `  - runbook: ./node-sub.yaml\n    as: nn\n    with: { node: "{{inputs.host}}" }\n    onNoFinding: healthy\n    onBottomUp: $no-finding`;
    expect(await problems(mainRunbook({ include }))).toEqual([
      'main.yaml:10:13: include "nn": {{inputs.host}} is not a declared input of this runbook',
    ]);
  });

  it('reports a cycle of includes, wherever it closes', async () => {
    writeFileSync(
      join(dir, 'a.yaml'),
      `id: a\ntitle: A\nsymptom: s\ninclude:\n  - { runbook: ./b.yaml, as: b }\nstart: go\nsteps:\n  go: { type: ask, layer: pod, why: w, question: q, choices: { on: { label: on, next: b } }, default: on }\n`,
    );
    writeFileSync(
      join(dir, 'b.yaml'),
      `id: b\ntitle: B\nsymptom: s\ninclude:\n  - { runbook: ./a.yaml, as: a }\nstart: go\nsteps:\n  go: { type: ask, layer: pod, why: w, question: q, choices: { on: { label: on, next: a } }, default: on }\n`,
    );
    let message = '';
    try {
      await loadRunbookFile(join(dir, 'a.yaml'), findCheck);
    } catch (err) {
      message = err instanceof Error ? err.message : String(err);
    }
    expect(message).toContain(`${dir}/a.yaml:5:7: included runbook "./b.yaml" has errors:`);
    expect(message).toMatch(
      new RegExp(`${dir}/b\\.yaml:5:7: include cycle: \\S*a\\.yaml → \\S*b\\.yaml → \\S*a\\.yaml`),
    );
  });

  it('reports an include named like a step, and an onNoFinding to nowhere', async () => {
    const include = `  - runbook: ./node-sub.yaml\n    as: healthy\n    with: { node: "{{facts.nodeName}}" }\n    onNoFinding: nowhere\n    onBottomUp: $no-finding`;
    const out = await problems(
      mainRunbook({ include, next: { 'not-ready': 'healthy.ready', creating: 'healthy.ready' } }),
    );
    expect(out).toContain(
      'main.yaml:9:5: include "healthy": a step is already named "healthy"; targets could not tell them apart',
    );
    expect(out).toContain('main.yaml:11:5: include "healthy": onNoFinding goes to unknown step "nowhere"');
  });

  it('reports a structural problem an include creates, at the include: its $bottom-up with no bottomUp here', async () => {
    const include = `  - runbook: ./node-sub.yaml\n    as: nn\n    with: { node: "{{facts.nodeName}}" }`;
    const out = await problems(mainRunbook({ include }));
    expect(out).toContain(
      'main.yaml:9:5: include "nn" (runbook ./node-sub.yaml): step "nn.ready": outcome "not-found" goes to $bottom-up but the runbook has no bottomUp step',
    );
  });

  it('includes a bundled runbook by id', async () => {
    const include = `  - runbook: node-not-ready\n    as: nnr\n    with: { node: "{{facts.nodeName}}" }\n    onBottomUp: $no-finding`;
    const { spec } = await load(
      mainRunbook({ include, next: { 'not-ready': 'nnr', creating: 'nnr.kubelet-service' } }),
    );
    expect(spec.steps['nnr.node-ready']).toMatchObject({
      type: 'check',
      check: 'node.ready',
      with: { name: '{{facts.nodeName}}' },
    });
    expect(spec.steps['nnr.kubelet-service']).toMatchObject({ type: 'check', check: 'host.kubelet-service' });
  });
});
