import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCheck } from '../../src/checks/registry.js';
import type { SessionEvent } from '../../src/engine/events.js';
import { Session } from '../../src/engine/session.js';
import type { SessionOptions } from '../../src/engine/session.js';
import { textLines } from '../../src/engine/textLog.js';
import { KubeError } from '../../src/kube/errors.js';
import { createDrillAccess } from '../../src/nodeaccess/drill.js';
import { loadRunbookText } from '../../src/runbook/load.js';
import { readTranscript } from '../../src/transcript/read.js';
import { renderMarkdown } from '../../src/transcript/reportMarkdown.js';
import { TranscriptWriter } from '../../src/transcript/writer.js';
import { startTestDrill } from '../helpers/drill.js';
import type { TestDrill } from '../helpers/drill.js';
import { podStatusNextFlow } from '../helpers/podStatusStep.js';

const stsUid = '5b1c6f0e-2f0a-4c43-9d53-8a1f2a3b4c5d';

/**
 * StatefulSet `web` updates OnDelete: its template was fixed (image 2.14.2)
 * but web-0 still runs the old image and crash-loops until someone deletes it.
 */
const objects = [
  {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'shop', uid: stsUid, creationTimestamp: 'now-30d' },
    spec: {
      replicas: 1,
      serviceName: 'web',
      updateStrategy: { type: 'OnDelete' },
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'registry.example.com/shop/web:2.14.2' }] },
      },
    },
    status: { replicas: 1, readyReplicas: 0, currentReplicas: 1, updatedReplicas: 0 },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-0',
      namespace: 'shop',
      uid: '1f0e2d3c-4b5a-4968-8776-655443322110',
      creationTimestamp: 'now-2h',
      labels: { app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-0' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          name: 'web',
          uid: stsUid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      nodeName: 'worker-1',
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'web', image: 'registry.example.com/shop/web:2.14.1' }],
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        {
          name: 'web',
          ready: false,
          restartCount: 14,
          image: 'registry.example.com/shop/web:2.14.1',
          state: {
            waiting: {
              reason: 'CrashLoopBackOff',
              message:
                'back-off 5m0s restarting failed container=web pod=web-0_shop(1f0e2d3c-4b5a-4968-8776-655443322110)',
            },
          },
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: 'now-6m', finishedAt: 'now-6m' } },
        },
      ],
    },
  },
];

const podRunbook = `id: fix-web
title: Recreate a pod from its fixed template
symptom: pod {{inputs.pod}} in {{inputs.namespace}} crash-loops
inputs:
  - { name: namespace, description: ns }
  - { name: pod, description: pod }
start: pod-status
steps:
  pod-status:
    type: check
    layer: pod
    why: look at the pod
    check: pod.status
    with: { namespace: "{{inputs.namespace}}", name: "{{inputs.pod}}" }
    next: ${podStatusNextFlow({ 'crash-loop': 'recreate', running: 'fixed' }, '$incomplete')}
  recreate:
    type: action
    title: Delete {{inputs.pod}} so its StatefulSet recreates it from the fixed template
    layer: pod
    why: With updateStrategy OnDelete a StatefulSet applies a new template only to pods created after it; deleting the pod is the rollout.
    kube: { op: delete-pod, namespace: "{{inputs.namespace}}", name: "{{inputs.pod}}" }
    verify: pod-status
    verifyWithin: 20s
    next: { done: fixed, declined: delete-it-yourself, failed: still-broken }
  fixed: { type: diagnosis, layer: pod, title: fixed by recreating the pod, why: w, chain: [c], fix: [nothing left to do] }
  delete-it-yourself: { type: diagnosis, layer: pod, title: the pod runs an old template, why: w, chain: [c], fix: ["kubectl delete pod {{inputs.pod}} -n {{inputs.namespace}}"] }
  still-broken: { type: diagnosis, layer: pod, title: recreating did not help, why: w, chain: [c], fix: [f] }
`;

const serviceOutcomes = findCheck('host.kubelet-service')?.outcomes ?? [];

const hostRunbook = `id: restart-kubelet
title: Restart the kubelet
symptom: node {{inputs.node}}
inputs:
  - { name: node, description: node }
start: restart
steps:
  restart:
    type: action
    title: Restart the kubelet on {{inputs.node}}
    layer: host
    why: A kubelet stuck after a runtime hiccup often recovers on restart; systemd keeps its configuration.
    node: "{{inputs.node}}"
    run: [systemctl, restart, kubelet]
    verify: kubelet-service
    next: { done: restarted, declined: not-restarted, failed: restart-failed }
  kubelet-service:
    type: check
    layer: host
    why: systemd knows whether the kubelet runs
    check: host.kubelet-service
    with: { node: "{{inputs.node}}" }
    next: { ${[...serviceOutcomes, 'error'].map((o) => `${o}: restarted`).join(', ')} }
  restarted: { type: diagnosis, layer: host, title: kubelet restarted, why: w, chain: [c], fix: [f] }
  not-restarted: { type: diagnosis, layer: host, title: not restarted, why: w, chain: [c], fix: [f] }
  restart-failed: { type: diagnosis, layer: host, title: the restart failed, why: w, chain: [c], fix: [f] }
`;

let t: TestDrill;
beforeAll(async () => {
  t = await startTestDrill({
    cluster: { generate: { controlPlanes: 1, workers: 2, podsPerWorker: 0, addons: false } },
    objects,
    hosts: {
      'worker-1': { 'systemctl restart kubelet': { stdout: '' } },
      'worker-2': {
        'systemctl restart kubelet': {
          stdout: '',
          stderr:
            'Job for kubelet.service failed because the control process exited with error code.\nSee "systemctl status kubelet.service" and "journalctl -xeu kubelet.service" for details.\n',
          exitCode: 1,
        },
      },
    },
  });
});
afterAll(() => t.close());

async function walk(runbookText: string, inputs: Record<string, string>, opts: Partial<SessionOptions>) {
  const runbook = loadRunbookText('runbooks/test.yaml', runbookText, findCheck);
  const session = new Session({
    runbook,
    inputs,
    kube: t.kube,
    mode: 'drill',
    auto: true,
    answerDefaults: true,
    verifyPollMs: 200,
    ...opts,
  });
  const events: SessionEvent[] = [];
  session.on((e) => events.push(e));
  session.start();
  const result = await session.done;
  return { result, events, text: events.flatMap(textLines) };
}

const ofType = <T extends SessionEvent['type']>(events: SessionEvent[], type: T) =>
  events.filter((e): e is Extract<SessionEvent, { type: T }> => e.type === type);

describe('an action step, headless', () => {
  it('read-only: declined, the exact command shown for the user to run, the pod untouched', async () => {
    const before = await t.kube.readPod('shop', 'web-0');
    const { result, events, text } = await walk(
      podRunbook,
      { namespace: 'shop', pod: 'web-0' },
      { allowMutations: false, mode: 'live' },
    );
    expect(ofType(events, 'action.proposed')).toEqual([
      {
        type: 'action.proposed',
        step: 'recreate',
        target: 'kube',
        node: null,
        argv: null,
        command: 'kubectl delete pod web-0 -n shop',
        allowed: false,
        simulated: false,
        verify: 'pod-status',
      },
    ]);
    expect(ofType(events, 'action.declined')).toEqual([
      {
        type: 'action.declined',
        step: 'recreate',
        by: 'read-only',
        reason: 'not run: read-only (rerun with --allow-mutations)',
        command: 'kubectl delete pod web-0 -n shop',
      },
    ]);
    expect(ofType(events, 'action.executed')).toEqual([]);
    expect(text).toContain('  not run: read-only (rerun with --allow-mutations)');
    expect(text).toContain('    to do it yourself: kubectl delete pod web-0 -n shop');
    expect(result.diagnosis?.id).toBe('delete-it-yourself');
    expect(result.path.map((p) => [p.step, p.outcome])).toEqual([
      ['pod-status', 'crash-loop'],
      ['recreate', 'declined'],
    ]);
    expect((await t.kube.readPod('shop', 'web-0')).metadata?.uid).toBe(before.metadata?.uid);
  });

  it('allowed but without --yes: declined, as no one can confirm', async () => {
    const { result, events } = await walk(podRunbook, { namespace: 'shop', pod: 'web-0' }, { allowMutations: true });
    const declined = ofType(events, 'action.declined')[0];
    expect(declined?.by).toBe('no-confirmation');
    expect(declined?.reason).toContain('--allow-mutations --yes');
    expect(ofType(events, 'action.proposed')[0]).toMatchObject({ allowed: true, simulated: true });
    expect(result.diagnosis?.id).toBe('delete-it-yourself');
  });

  it('--allow-mutations --yes on a drill: the pod is deleted through the API, recreated by its StatefulSet, and the verify check confirms it', async () => {
    const before = await t.kube.readPod('shop', 'web-0');
    const { result, events, text } = await walk(
      podRunbook,
      { namespace: 'shop', pod: 'web-0' },
      { allowMutations: true, confirmActions: 'yes' },
    );
    expect(ofType(events, 'action.confirmed')).toEqual([{ type: 'action.confirmed', step: 'recreate', by: '--yes' }]);
    expect(ofType(events, 'action.executed')[0]).toMatchObject({
      step: 'recreate',
      ran: true,
      ok: true,
      status: 200,
      output: 'pod "web-0" deleted\n',
    });
    const verified = ofType(events, 'action.verified');
    expect(verified).toHaveLength(1);
    expect(verified[0]).toMatchObject({
      step: 'recreate',
      verifyStep: 'pod-status',
      check: 'pod.status',
      outcome: 'running',
      ok: true,
      command: 'kubectl get pod web-0 -n shop -o wide',
    });
    expect(result.diagnosis?.id).toBe('fixed');
    expect(result.path.map((p) => [p.step, p.outcome])).toEqual([
      ['pod-status', 'crash-loop'],
      ['recreate', 'done'],
    ]);
    // A new pod by the same name, from the fixed template.
    const after = await t.kube.readPod('shop', 'web-0');
    expect(after.metadata?.uid).not.toBe(before.metadata?.uid);
    expect(after.spec?.containers[0]?.image).toBe('registry.example.com/shop/web:2.14.2');
    expect(text).toContain('  ! action: kubectl delete pod web-0 -n shop');
    expect(text).toContain('    (drill: the cluster is simulated; nothing real changes)');

    // The transcript keeps every action event, and the postmortem lists the action with its confirmation and verification.
    const path = join(mkdtempSync(join(tmpdir(), 'plumbline-actions-')), 't.jsonl');
    const writer = TranscriptWriter.open(path);
    for (const e of events) writer.write(e);
    writer.close();
    const parsed = await readTranscript(path);
    expect(parsed.problems).toEqual([]);
    expect(parsed.events.map((e) => e.type).filter((x) => x.startsWith('action.'))).toEqual([
      'action.proposed',
      'action.confirmed',
      'action.executed',
      'action.verified',
    ]);
    const report = renderMarkdown(parsed.events);
    expect(report).toContain('## Fix and verification');
    expect(report).toContain('- `kubectl delete pod web-0 -n shop` (drill cluster): confirmed by `--yes`');
    expect(report).toMatch(/\n {2}- result: ran: HTTP 200 \(\d+/);
    expect(report).toMatch(
      /\n {2}- verification: `kubectl get pod web-0 -n shop -o wide` → `running`( after \d+ tries)?: .*; fixed/,
    );
    // Confirmed by a flag, not a person: the timeline does not say a human did it.
    expect(report).toMatch(/\| default \| `recreate` \(pod\) \| confirmed the fix \|/);
    expect(report).toContain('Taken path: `pod-status` (crash-loop) → `recreate` (done) → `fixed`');
  });

  it('a patch: the exact kubectl command, JSON on the wire, the object changed', async () => {
    const patchRunbook = podRunbook
      .replace('start: pod-status', 'start: recreate')
      .replace(
        'kube: { op: delete-pod, namespace: "{{inputs.namespace}}", name: "{{inputs.pod}}" }',
        'kube: { op: patch, resource: statefulset, namespace: "{{inputs.namespace}}", name: web, patchType: merge, patch: "spec: {template: {metadata: {annotations: {fixed-by: plumbline}}}}" }',
      );
    const { events } = await walk(
      patchRunbook,
      { namespace: 'shop', pod: 'web-0' },
      { allowMutations: true, confirmActions: 'yes' },
    );
    expect(ofType(events, 'action.proposed')[0]?.command).toBe(
      `kubectl patch statefulset web -n shop --type merge -p '{"spec":{"template":{"metadata":{"annotations":{"fixed-by":"plumbline"}}}}}'`,
    );
    expect(ofType(events, 'action.executed')[0]).toMatchObject({
      ok: true,
      status: 200,
      output: 'statefulset.apps/web patched\n',
    });
    const sts = await t.kube.readStatefulSet('shop', 'web');
    expect(sts.spec?.template.metadata?.annotations).toEqual({ 'fixed-by': 'plumbline' });
  });

  it("a delete the API refuses takes the failed branch with the server's message", async () => {
    const { result, events } = await walk(
      podRunbook.replace('start: pod-status', 'start: recreate'),
      { namespace: 'shop', pod: 'nope-0' },
      { allowMutations: true, confirmActions: 'yes' },
    );
    expect(ofType(events, 'action.executed')[0]).toMatchObject({
      ok: false,
      status: 404,
      output: 'Error from server (NotFound): pods "nope-0" not found\n',
    });
    expect(ofType(events, 'action.verified')).toEqual([]);
    expect(result.diagnosis?.id).toBe('still-broken');
    await expect(t.kube.readPod('shop', 'nope-0')).rejects.toBeInstanceOf(KubeError);
  });
});

describe('names that are not one path segment', () => {
  // A delete of ".." was sent as DELETE /api/v1/namespaces/shop/ while the screen showed kubectl delete pod .. -n shop.
  it.each([
    ['..', 'shop'],
    ['.', 'shop'],
    ['web-0/../web-1', 'shop'],
    ['web%2F0', 'shop'],
    ['web-0', '..'],
  ])('pod %j in %j: nothing is sent, the action fails with why', async (pod, namespace) => {
    const before = t.kube.apiStats.requests;
    const { result, events } = await walk(
      podRunbook.replace('start: pod-status', 'start: recreate'),
      { namespace, pod },
      { allowMutations: true, confirmActions: 'yes' },
    );
    expect(ofType(events, 'action.executed')[0]).toMatchObject({
      ran: false,
      ok: false,
      error: expect.stringMatching(/^cannot run: the (pod name|namespace) may not (be|contain)/) as unknown,
    });
    expect(t.kube.apiStats.requests).toBe(before);
    expect(result.diagnosis?.id).toBe('still-broken');
  });
});

describe('a host action through drill node access', () => {
  const nodes = () => createDrillAccess({ hosts: t.drill.hosts });

  it('runs the argv on the node, then verifies with the kubelet service check', async () => {
    const { result, events } = await walk(
      hostRunbook,
      { node: 'worker-1' },
      { allowMutations: true, confirmActions: 'yes', nodes: nodes() },
    );
    expect(ofType(events, 'action.proposed')[0]).toMatchObject({
      target: 'host',
      node: 'worker-1',
      argv: ['systemctl', 'restart', 'kubelet'],
      command: 'systemctl restart kubelet',
    });
    expect(ofType(events, 'action.executed')[0]).toMatchObject({ ran: true, ok: true, exitCode: 0 });
    expect(ofType(events, 'action.verified')[0]).toMatchObject({
      verifyStep: 'kubelet-service',
      check: 'host.kubelet-service',
      outcome: 'running',
      ok: true,
      attempts: 1,
    });
    expect(result.diagnosis?.id).toBe('restarted');
  });

  it('a command that fails on the node takes the failed branch with its output, and nothing is verified', async () => {
    const { result, events, text } = await walk(
      hostRunbook,
      { node: 'worker-2' },
      { allowMutations: true, confirmActions: 'yes', nodes: nodes() },
    );
    const executed = ofType(events, 'action.executed')[0];
    expect(executed).toMatchObject({ ran: true, ok: false, exitCode: 1, error: 'exit status 1' });
    expect(executed?.output).toContain('Job for kubelet.service failed');
    expect(ofType(events, 'action.verified')).toEqual([]);
    expect(result.diagnosis?.id).toBe('restart-failed');
    expect(text).toContain('  failed: exit status 1');
    expect(text).toContain('      Job for kubelet.service failed because the control process exited with error code.');
  });

  it('a node the drill does not have: could not run', async () => {
    const { result, events } = await walk(
      hostRunbook,
      { node: 'worker-9' },
      { allowMutations: true, confirmActions: 'yes', nodes: nodes() },
    );
    const executed = ofType(events, 'action.executed')[0];
    expect(executed).toMatchObject({ ran: false, ok: false });
    expect(executed?.error).toMatch(/^unreachable: /);
    expect(result.diagnosis?.id).toBe('restart-failed');
  });
});
