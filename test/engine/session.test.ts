import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAsset } from '../../src/assets.js';
import { findCheck } from '../../src/checks/registry.js';
import { loadScenarioFile } from '../../src/drill/scenario.js';
import type { SessionEvent } from '../../src/engine/events.js';
import { Session } from '../../src/engine/session.js';
import { KubeClient } from '../../src/kube/client.js';
import { loadKubeConfig } from '../../src/kube/config.js';
import { loadRunbookFile, loadRunbookText } from '../../src/runbook/load.js';
import { startTestDrill } from '../helpers/drill.js';
import type { TestDrill } from '../helpers/drill.js';

describe('a session on the default drill', () => {
  let t: TestDrill;
  beforeAll(async () => {
    const { scenario } = await loadScenarioFile(resolveAsset('scenarios', 'pod-pending-node-selector'));
    t = await startTestDrill(scenario);
  });
  afterAll(() => t.close());

  const newSession = async (auto: boolean) => {
    const runbook = await loadRunbookFile(resolveAsset('runbooks', 'workload-down'), findCheck);
    const session = new Session({
      runbook,
      inputs: { namespace: 'shop', pod: 'web-0' },
      kube: t.kube,
      mode: 'drill',
      scenario: 'pod-pending-node-selector',
      auto,
    });
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    return { session, events };
  };

  it('walks to the diagnosis in auto mode, carrying facts from check to diagnosis', async () => {
    const { session, events } = await newSession(true);
    session.start();
    const result = await session.done;
    expect(result.outcome).toBe('diagnosis');
    expect(result.reason).toBe('finished');
    expect(result.diagnosis?.id).toBe('unschedulable-node-selector');
    expect(result.facts).toMatchObject({ phase: 'Pending', nodeSelector: 'disktype=ssd', owner: 'StatefulSet/web' });
    const start = events.find((e) => e.type === 'check.start' && e.step === 'pod-scheduling');
    expect(start).toMatchObject({ params: { namespace: 'shop', name: 'web-0' } });
    const enter = events.find((e) => e.type === 'step.enter' && e.step === 'pod-status');
    expect(enter).toMatchObject({ layer: 'pod', phase: 'top-down', kind: 'check' });
    expect(events.at(-1)).toEqual({ type: 'session.end', outcome: 'diagnosis', reason: 'finished' });
  });

  it('walks the same when its machine is prepared in a task before start (the TUI does)', async () => {
    const { session, events } = await newSession(true);
    session.prepare();
    await new Promise((resolve) => setImmediate(resolve));
    session.start();
    const result = await session.done;
    expect(result.diagnosis?.id).toBe('unschedulable-node-selector');
    expect(events.filter((e) => e.type === 'check.result').length).toBeGreaterThan(1);
    expect(events.at(-1)).toEqual({ type: 'session.end', outcome: 'diagnosis', reason: 'finished' });
  });

  it('waits before each check in step mode until told to proceed', async () => {
    const { session, events } = await newSession(false);
    session.start();
    expect(session.waitingOn).toEqual({ step: 'pod-status', kind: 'check' });
    expect(events.some((e) => e.type === 'check.start')).toBe(false);
    session.proceed();
    await until(() => session.waitingOn?.step === 'pod-scheduling');
    expect(events.filter((e) => e.type === 'check.result').map((e) => e.type === 'check.result' && e.outcome)).toEqual([
      'unscheduled',
    ]);
    session.proceed();
    const result = await session.done;
    expect(result.diagnosis?.id).toBe('unschedulable-node-selector');
  });

  it('stops on quit and says so in the last event', async () => {
    const { session, events } = await newSession(false);
    session.start();
    session.stop('quit');
    const result = await session.done;
    expect(result.reason).toBe('quit');
    expect(events.at(-1)).toEqual({ type: 'session.end', outcome: null, reason: 'quit' });
  });
});

describe('a session on a cluster that never answers', () => {
  let server: Server;
  let kubeconfig: string;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // Accepts connections and never replies: the API server that hangs.
    server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'plumbline-hang-')), 'kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: hang, context: {cluster: c, user: u}}]\ncurrent-context: hang\n`,
    );
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });

  it('times the check out as a delayed transition, takes the error branch and asks, answered by default', async () => {
    const runbook = loadRunbookText(
      'runbooks/hang.yaml',
      `id: hang
title: Hang
symptom: s
inputs: [{ name: pod, description: p }]
start: status
steps:
  status:
    type: check
    layer: pod
    why: w
    check: pod.status
    timeout: 300ms
    with: { namespace: default, name: "{{inputs.pod}}" }
    next: { not-found: done, unscheduled: done, image-pull: done, config-error: done, crash-loop: done, init-failed: done, initializing: done, restarting: done, creating: done, not-ready: done, running: done, completed: done, failed: done, terminating: done, node-lost: done, error: ask }
  ask:
    type: ask
    layer: pod
    why: w
    question: The API did not answer in time. Stop?
    choices: { stop: { label: Stop, next: $incomplete }, retry: { label: Retry, next: status } }
    default: stop
  done: { type: diagnosis, layer: pod, title: D, why: w, chain: [c], fix: [f] }
`,
      findCheck,
    );
    const kube = await KubeClient.create(await loadKubeConfig({ kubeconfig }));
    const session = new Session({
      runbook,
      inputs: { pod: 'x' },
      kube,
      mode: 'live',
      auto: true,
      answerDefaults: true,
    });
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    session.start();
    const result = await session.done;
    expect(result.outcome).toBe('incomplete');
    const res = events.find((e) => e.type === 'check.result');
    expect(res).toMatchObject({ outcome: 'error', summary: 'timed out after 0.3s', timedOut: true, durationMs: 300 });
    expect(events.find((e) => e.type === 'answer')).toMatchObject({ step: 'ask', choice: 'stop', by: 'default' });
    expect(result.path.map((p) => `${p.step}:${p.outcome}`)).toEqual(['status:error', 'ask:stop']);
  });
});

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
