import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findCheck } from '../../src/checks/registry.js';
import type { SessionEvent } from '../../src/engine/events.js';
import { Session } from '../../src/engine/session.js';
import { createDrillAccess } from '../../src/nodeaccess/drill.js';
import { loadRunbookText } from '../../src/runbook/load.js';
import { App } from '../../src/ui/App.js';
import { startTestDrill } from '../helpers/drill.js';
import type { TestDrill } from '../helpers/drill.js';
import { renderUi, waitForContent } from '../helpers/render.js';

const serviceOutcomes = [...(findCheck('host.kubelet-service')?.outcomes ?? []), 'error'];

const runbookText = `id: restart-kubelet
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
    why: A kubelet stuck after a runtime hiccup often recovers on restart.
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
    next: { ${serviceOutcomes.map((o) => `${o}: restarted`).join(', ')} }
  restarted: { type: diagnosis, layer: host, title: The kubelet was restarted and runs, why: w, chain: [c], fix: [f] }
  not-restarted: { type: diagnosis, layer: host, title: The kubelet was left as it was, why: w, chain: [c], fix: [f] }
  restart-failed: { type: diagnosis, layer: host, title: The restart failed, why: w, chain: [c], fix: [f] }
`;

describe('the action confirmation prompt', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { nodes: [{ name: 'worker-1' }] } as never,
      hosts: { 'worker-1': { 'systemctl restart kubelet': { stdout: '' } } },
    });
  });
  afterAll(() => t.close());

  function start(allowMutations: boolean) {
    const runbook = loadRunbookText('runbooks/restart.yaml', runbookText, findCheck);
    const session = new Session({
      runbook,
      inputs: { node: 'worker-1' },
      kube: t.kube,
      mode: 'drill',
      auto: true,
      allowMutations,
      nodes: createDrillAccess({ hosts: t.drill.hosts }),
    });
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    const header = {
      runbookTitle: 'Restart the kubelet',
      target: 'test',
      mode: 'drill' as const,
      page: 'worker-1 is NotReady',
      kubeconfigPath: null,
      transcriptPath: '/tmp/t.jsonl',
    };
    const ui = renderUi(
      <App session={session} header={header} startedAt={new Date()} onExit={vi.fn()} color={false} />,
      { columns: 100 },
    );
    return { session, events, ui };
  }

  it('shows the full command, the node and that the drill is simulated, and waits for y or n', async () => {
    const { session, events, ui } = start(true);
    const frame = await waitForContent(ui.lastFrame, 'Run it?');
    expect(frame).toContain('Restart the kubelet on worker-1');
    expect(frame).toContain('This runs on node worker-1:');
    expect(frame).toContain('$ systemctl restart kubelet');
    expect(frame).toContain('Drill: the cluster is simulated; nothing real changes.');
    expect(frame).toContain('y run it · n don’t run');
    // n is "don't run" here, not "note".
    expect(frame).not.toContain('n note');
    expect(events.some((e) => e.type === 'action.executed')).toBe(false);
    session.stop('quit');
    ui.unmount();
  });

  it('n declines: nothing runs, the walk takes the declined branch', async () => {
    const { session, events, ui } = start(true);
    await waitForContent(ui.lastFrame, 'Run it?');
    ui.stdin.write('n');
    const frame = await waitForContent(ui.lastFrame, 'The kubelet was left as it was');
    expect(frame).toContain('declined: not run: declined');
    expect(events.filter((e) => e.type === 'action.declined')).toEqual([
      {
        type: 'action.declined',
        step: 'restart',
        by: 'user',
        reason: 'not run: declined',
        command: 'systemctl restart kubelet',
      },
    ]);
    expect(events.some((e) => e.type === 'action.executed' || e.type === 'note')).toBe(false);
    session.stop('quit');
    ui.unmount();
  });

  it('y runs it on the node, then shows what the verify check found', async () => {
    const { session, events, ui } = start(true);
    await waitForContent(ui.lastFrame, 'Run it?');
    ui.stdin.write('y');
    const frame = await waitForContent(ui.lastFrame, 'The kubelet was restarted and runs');
    expect(frame).toContain('done: verify kubelet-service → running: kubelet service is');
    expect(events.find((e) => e.type === 'action.confirmed')).toEqual({
      type: 'action.confirmed',
      step: 'restart',
      by: 'user',
    });
    expect(events.find((e) => e.type === 'action.executed')).toMatchObject({ ok: true, exitCode: 0 });
    session.stop('quit');
    ui.unmount();
  });

  it('read-only: no prompt; the step says it was not run and how to rerun', async () => {
    const { session, events, ui } = start(false);
    const frame = await waitForContent(ui.lastFrame, 'The kubelet was left as it was');
    expect(frame).toContain('declined: not run: read-only (rerun with --allow-mutations)');
    expect(events.find((e) => e.type === 'action.declined')).toMatchObject({
      by: 'read-only',
      command: 'systemctl restart kubelet',
    });
    session.stop('quit');
    ui.unmount();
  });
});
