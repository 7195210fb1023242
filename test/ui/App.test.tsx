import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startScenarioDrill } from '../helpers/drill.js';
import type { RunningDrill } from '../../src/drill/cluster.js';
import type { Scenario } from '../../src/drill/scenarioSchema.js';
import type { SessionEvent } from '../../src/engine/events.js';
import { Session } from '../../src/engine/session.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { LoadedRunbook } from '../../src/runbook/load.js';
import { App } from '../../src/ui/App.js';
import { keys, renderUi, sendInputAndWaitForChange, waitForContent } from '../helpers/render.js';

const transcriptPath = '/tmp/plumbline-test/workload-down.jsonl';

/** The live frame: from the header down (ink-testing-library puts the <Static> scrollback above it). */
const liveFrame = (frame: string) => frame.slice(Math.max(0, frame.lastIndexOf('plumbline · ')));

describe('App on the drill cluster', () => {
  let drill: RunningDrill;
  let kube: KubeClient;
  let runbook: LoadedRunbook;
  let scenario: Scenario;

  beforeAll(async () => {
    ({ scenario, drill, kube, runbook } = await startScenarioDrill('scenarios/pod-pending-node-selector.yaml'));
  });
  afterAll(() => drill.close());

  /** A real session in step mode on the drill, on screen at 80×24, not started: App starts it. */
  function walk(opts: { auto?: boolean; color?: boolean } = {}) {
    const session = new Session({
      runbook,
      inputs: scenario.inputs,
      kube,
      mode: 'drill',
      scenario: scenario.id,
      auto: opts.auto ?? false,
    });
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
    const ui = renderUi(
      <App session={session} header={header} startedAt={new Date()} onExit={onExit} color={opts.color ?? true} />,
    );
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
    expect(frame).toContain('⏎ run check · a auto mode · ? keys · q quit (transcript kept)');
    // The briefing says how the walk goes, before anything runs.
    expect(frame).toContain('Each step says why it looks there and the command behind it before it runs');
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
    const screen = liveFrame(frame);
    // Both checks listed in the history, one line each, their outcome first.
    expect(screen).toMatch(/^ {2}✗ pod +unscheduled · Is the pod there, and what state is each container in\?$/m);
    expect(screen).toMatch(/^ {2}✗ pod +node-selector · Why will the scheduler not place it\?$/m);
    expect(screen).toContain('DIAGNOSIS unschedulable-node-selector · pod layer');
    expect(screen).toContain("No node matches the pod's node selector (disktype=ssd)");
    expect(screen).toMatch(/ 1\. The pod requires nodes labelled disktype=ssd\./);
    expect(screen).toContain('✗ pod finding › ○ node › ○ cluster › ○ host');
    // The diagnosis does not fit 24 rows: the screen says so, and the keys keep working until q.
    expect(screen).toMatch(/… \d+ more lines?: e reads it all/);
    expect(screen).toContain('e read it all · ↑↓ steps · ? keys · q quit');
    // The frame stays shorter than the terminal, so Ink erases it in place and no copy reaches the scrollback.
    expect(screen.split('\n').length).toBeLessThanOrEqual(23);
    for (const line of frame.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);

    const result = await session.done;
    expect(result).toMatchObject({
      outcome: 'diagnosis',
      reason: 'finished',
      diagnosis: { id: 'unschedulable-node-selector' },
    });

    // e: the diagnosis in full, the transcript at its end.
    frame = liveFrame(await sendInputAndWaitForChange(stdin, lastFrame, 'e'));
    expect(frame).toContain("No node matches the pod's node selector (disktype=ssd)");
    frame = liveFrame(await sendInputAndWaitForChange(stdin, lastFrame, '\u001b[F'));
    expect(frame).toContain(`Transcript: ${transcriptPath}`);
    // esc back; ↑ selects the newest step, ⏎ opens it: why, command, evidence and the raw API answer.
    await sendInputAndWaitForChange(stdin, lastFrame, keys.escape);
    frame = liveFrame(await sendInputAndWaitForChange(stdin, lastFrame, '\u001b[A'));
    expect(frame).toMatch(/^› ✗ pod +node-selector · Why will the scheduler not place it\?$/m);
    frame = liveFrame(await sendInputAndWaitForChange(stdin, lastFrame, keys.enter));
    expect(frame).toMatch(/^Why will the scheduler not place it\? +1-\d+ of \d+$/m);
    expect(frame).toContain('A Pending pod with no node was refused by kube-scheduler.');
    expect(frame).toContain('$ kubectl get events -n shop --field-selector');
    expect(frame).toContain('✗ node-selector: 3 of 4 nodes do not match');
    expect(frame).toContain('nodeSelector: disktype=ssd');
    for (let i = 0; i < 3 && !liveFrame(lastFrame() ?? '').includes('Raw output'); i++)
      frame = liveFrame(await sendInputAndWaitForChange(stdin, lastFrame, '\u001b[6~'));
    expect(frame).toContain('Raw output');
    // Raw output keeps its indentation.
    expect(frame).toMatch(/^ {2}GET \/api\/v1\/namespaces\/shop\/pods\/web-0 → 200$/m);
    expect(frame).toMatch(/^ {4}"kind": "Pod",$/m);
    // ? lists every key of the screen, from the keymap.
    await sendInputAndWaitForChange(stdin, lastFrame, keys.escape);
    frame = liveFrame(await sendInputAndWaitForChange(stdin, lastFrame, '?'));
    expect(frame).toContain('Keys on this screen');
    expect(frame).toMatch(/^ {2}PgUp\/PgDn Home\/End +jump$/m);
    expect(frame).toMatch(/^ {2}\/ +filter steps$/m);
    await sendInputAndWaitForChange(stdin, lastFrame, '?');
    // / filters the history: typing narrows it.
    await sendInputAndWaitForChange(stdin, lastFrame, keys.escape);
    await sendInputAndWaitForChange(stdin, lastFrame, '/');
    frame = liveFrame(await sendInputAndWaitForChange(stdin, lastFrame, 'scheduler'));
    expect(frame).toContain('filter: scheduler  (1 of 2 steps)');
    expect(frame).not.toMatch(/unscheduled · Is the pod there/);
    expect(onExit).not.toHaveBeenCalled();
    stdin.write(keys.enter);
    stdin.write('q');
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
