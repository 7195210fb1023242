import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findCheck } from '../../src/checks/registry.js';
import { startDrill } from '../../src/drill/cluster.js';
import type { RunningDrill } from '../../src/drill/cluster.js';
import { loadScenarioFile } from '../../src/drill/scenario.js';
import type { Scenario } from '../../src/drill/scenario.js';
import type { SessionEvent } from '../../src/engine/events.js';
import { Session } from '../../src/engine/session.js';
import { KubeClient } from '../../src/kube/client.js';
import { loadKubeConfig } from '../../src/kube/config.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import type { LoadedRunbook } from '../../src/runbook/load.js';
import { App } from '../../src/ui/App.js';
import { repoRoot } from '../helpers/cli.js';
import { keys, renderUi, sendInputAndWaitForChange, waitForContent } from '../helpers/render.js';

const transcriptPath = '/tmp/plumbline-test/workload-down.jsonl';

describe('App on the drill cluster', () => {
  let drill: RunningDrill;
  let kube: KubeClient;
  let runbook: LoadedRunbook;
  let scenario: Scenario;

  beforeAll(async () => {
    ({ scenario } = await loadScenarioFile(join(repoRoot, 'scenarios/pod-pending-node-selector.yaml')));
    drill = await startDrill(scenario);
    kube = await KubeClient.create(await loadKubeConfig({ kubeconfig: drill.kubeconfigPath }));
    runbook = await loadRunbookFile(join(repoRoot, 'runbooks/workload-down.yaml'), findCheck);
  });
  afterAll(() => drill.close());

  /** A real session in step mode on the drill, on screen at 80×24, not started: App starts it. */
  function walk(opts: { auto?: boolean; color?: boolean } = {}) {
    const session = new Session({ runbook, inputs: scenario.inputs, kube, mode: 'drill', scenario: scenario.id, auto: opts.auto ?? false });
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    const onExit = vi.fn();
    const header = {
      runbookTitle: runbook.spec.title,
      target: `drill ${scenario.id}`,
      mode: 'drill' as const,
      page: scenario.page,
      kubeconfigPath: drill.kubeconfigPath,
      transcriptPath,
    };
    const ui = renderUi(<App session={session} header={header} startedAt={new Date()} onExit={onExit} color={opts.color ?? true} />);
    return { session, events, onExit, ui };
  }

  it('walks step by step to the node selector diagnosis, one Enter per check', async () => {
    const { session, events, onExit, ui } = walk();
    const { stdin, lastFrame } = ui;

    // The briefing: the page, and the kubeconfig to use kubectl alongside.
    let frame = await waitForContent(lastFrame, 'Press ⏎ to run this check.');
    expect(frame).toContain('Page: pod web-0 in namespace shop is not starting');
    expect(frame).toContain(`export KUBECONFIG=${drill.kubeconfigPath}`);
    expect(frame).toContain('○ pod Is the pod there, and what state is each container in?');
    expect(frame).toContain('● pod › ○ node › ○ cluster › ○ host');
    expect(frame).toContain('⏎ run check · a auto mode · n note · q quit (transcript kept)');
    expect(events.filter((e) => e.type === 'session.start')).toHaveLength(1);
    expect(events.some((e) => e.type === 'check.start')).toBe(false);

    stdin.write(keys.enter);
    frame = await waitForContent(lastFrame, /→ unscheduled: /);
    expect(frame).toContain('$ kubectl get pod web-0 -n shop -o wide');
    expect(frame).toContain('phase: Pending');
    // The next check waits for its own Enter.
    expect(frame).toContain('○ pod Why will the scheduler not place it?');
    expect(session.waitingOn).toEqual({ step: 'pod-scheduling', kind: 'check' });

    stdin.write(keys.enter);
    frame = await waitForContent(lastFrame, 'DIAGNOSIS');
    // Both checks settled into the scrollback, compact.
    expect(frame).toMatch(/✗ pod +Is the pod there, and what state is each container in\?\n +unscheduled: /);
    expect(frame).toMatch(/✗ pod +Why will the scheduler not place it\?\n +node-selector: /);
    expect(frame).toContain('DIAGNOSIS unschedulable-node-selector · pod layer');
    expect(frame).toContain("No node matches the pod's node selector (disktype=ssd)");
    expect(frame).toMatch(/ 1\. The pod requires nodes labelled disktype=ssd\./);
    expect(frame).toMatch(/• {2}If a node should run it, give that node the labels the pod selects/);
    expect(frame).toContain(`Transcript: ${transcriptPath}`);
    expect(frame).toContain('✗ pod finding › ○ node › ○ cluster › ○ host');
    expect(frame).toContain('⏎ close · q quit');
    for (const line of frame.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);

    const result = await session.done;
    expect(result).toMatchObject({ outcome: 'diagnosis', reason: 'finished', diagnosis: { id: 'unschedulable-node-selector' } });
    expect(onExit).not.toHaveBeenCalled();
    stdin.write(keys.enter);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledTimes(1));
    if (process.env.PLUMBLINE_PRINT_FRAME) process.stdout.write(`\n${frame}\n`);
    ui.unmount();
  });

  it('a switches to auto mode and the walk completes without more keys', async () => {
    const { session, ui } = walk();
    await waitForContent(ui.lastFrame, 'Press ⏎ to run this check.');
    const frame = await sendInputAndWaitForChange(ui.stdin, ui.lastFrame, 'a');
    expect(frame).toMatch(/auto mode/);
    const result = await session.done;
    expect(session.isAuto).toBe(true);
    expect(result.diagnosis?.id).toBe('unschedulable-node-selector');
    await waitForContent(ui.lastFrame, 'DIAGNOSIS unschedulable-node-selector');
    ui.unmount();
  });

  it('q quits, keeping what was seen, and the session ends with reason quit', async () => {
    const { session, events, onExit, ui } = walk();
    await waitForContent(ui.lastFrame, 'Press ⏎ to run this check.');
    ui.stdin.write('q');
    const result = await session.done;
    expect(result.reason).toBe('quit');
    expect(onExit).toHaveBeenCalledTimes(1);
    expect(events.at(-1)).toEqual({ type: 'session.end', outcome: null, reason: 'quit' });
    ui.unmount();
  });

  it('Ctrl-C ends the walk as interrupted', async () => {
    const { session, onExit, ui } = walk();
    await waitForContent(ui.lastFrame, 'Press ⏎ to run this check.');
    ui.stdin.write(keys.ctrlC);
    expect((await session.done).reason).toBe('interrupted');
    expect(onExit).toHaveBeenCalledTimes(1);
    ui.unmount();
  });

  it('starts in auto mode when the session does, and ends on the diagnosis by itself', async () => {
    const { session, ui } = walk({ auto: true });
    const frame = await waitForContent(ui.lastFrame, 'DIAGNOSIS');
    expect(frame).toContain('auto mode');
    expect((await session.done).reason).toBe('finished');
    ui.unmount();
  });
});
