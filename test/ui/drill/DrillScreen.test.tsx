import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startScenarioDrill } from '../../helpers/drill.js';
import type { RunningDrill } from '../../../src/drill/cluster.js';
import type { Scenario } from '../../../src/drill/scenarioSchema.js';
import { Session } from '../../../src/engine/session.js';
import type { KubeClient } from '../../../src/kube/client.js';
import type { LoadedRunbook } from '../../../src/runbook/load.js';
import { withDebrief } from '../../../src/training/debrief.js';
import type { DrillEvent } from '../../../src/training/events.js';
import { DrillTracker } from '../../../src/training/tracker.js';
import { bundledSignatureFiles, loadCatalog } from '../../../src/signatures/catalog.js';
import { repoRoot } from '../../helpers/cli.js';
import type { DrillOutcome } from '../../../src/training/tracker.js';
import { readTranscript } from '../../../src/transcript/read.js';
import { renderMarkdown } from '../../../src/transcript/reportMarkdown.js';
import { TranscriptWriter } from '../../../src/transcript/writer.js';
import { DrillScreen } from '../../../src/ui/drill/DrillScreen.js';
import { predictionKeys } from '../../../src/ui/drill/drillKeys.js';
import { keys, renderUi, sendInputAndWaitForChange, waitForContent } from '../../helpers/render.js';

describe('a guided drill on pod-pending-node-selector', () => {
  let drill: RunningDrill;
  let kube: KubeClient;
  let runbook: LoadedRunbook;
  let scenario: Scenario;
  let dir: string;

  beforeAll(async () => {
    ({ scenario, drill, kube, runbook } = await startScenarioDrill('scenarios/pod-pending-node-selector.yaml'));
    dir = mkdtempSync(join(tmpdir(), 'plumbline-drill-'));
  });
  afterAll(async () => {
    await drill.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A real session in step mode, the tracker and a transcript wired as the CLI wires them; the drill clock pinned. */
  function start(name: string, signatures?: () => ReturnType<typeof loadCatalog>) {
    const transcriptPath = join(dir, `${name}.jsonl`);
    const transcript = TranscriptWriter.open(transcriptPath);
    const session = new Session({
      runbook,
      inputs: scenario.inputs,
      kube,
      mode: 'drill',
      scenario: scenario.id,
      auto: false,
    });
    const tracker = new DrillTracker({
      spec: runbook.spec,
      scenario,
      inputs: scenario.inputs,
      mode: 'guided',
      now: () => 1_000_000,
      ...(signatures ? { signatures } : {}),
    });
    const drillEvents: DrillEvent[] = [];
    session.on((e) => {
      transcript.write(e);
      tracker.observe(e);
    });
    tracker.on((e) => {
      transcript.write(e);
      drillEvents.push(e);
    });
    const finished: DrillOutcome[] = [];
    const onExit = vi.fn();
    const header = {
      runbookTitle: runbook.spec.title,
      target: scenario.page,
      page: scenario.page,
      kubeconfigPath: drill.kubeconfigPath,
      transcriptPath,
    };
    const ui = renderUi(
      <DrillScreen
        session={session}
        tracker={tracker}
        header={header}
        startedAt={new Date()}
        onFinished={(o) => finished.push(o)}
        onExit={onExit}
      />,
      { rows: 40 },
    );
    const keyFor = (step: string, outcome: string) => predictionKeys[tracker.choicesFor(step).indexOf(outcome)]!;
    return { session, tracker, transcript, transcriptPath, drillEvents, finished, onExit, ui, keyFor };
  }

  it('asks for a prediction before each check, scores it, takes a hint, records a wrong pick, and debriefs the right one', async () => {
    const { tracker, transcript, transcriptPath, drillEvents, finished, onExit, ui, keyFor } = start('correct');
    const { stdin, lastFrame } = ui;

    let frame = await waitForContent(lastFrame, 'Predict: what will pod.status find?');
    expect(frame).toContain('Page: pod web-0 in namespace shop is not starting');
    // The header names the drill by its page; the scenario id would name the cause.
    expect(frame).toContain('pod web-0 in namespace shop is not starting · drill · guided drill');
    expect(frame).not.toContain(scenario.id);
    expect(frame).toContain('1 not-found');
    // Nothing ran before the prediction.
    expect(frame).not.toContain('→ unscheduled');

    stdin.write(keyFor('pod-status', 'unscheduled'));
    frame = await waitForContent(lastFrame, 'Predict: what will pod.scheduling find?');
    // The verdict sits under the step's own lines, two columns in like its command.
    expect(frame).toMatch(/^ {2}✓ you predicted unscheduled: right$/m);

    // A wrong prediction: the taint, where it is the node selector.
    stdin.write(keyFor('pod-scheduling', 'taint'));
    frame = await waitForContent(lastFrame, 'What is the root cause?');
    expect(frame).toContain('✗ you predicted taint; it was node-selector');
    // The picker says the last finding again: in a 24-row terminal the finished steps have scrolled above it.
    expect(frame.slice(frame.indexOf('What is the root cause?')).replace(/\s+/g, ' ')).toMatch(
      /Last finding \(Why will the scheduler not place it\?\) → node-selector: .+; every finding is in the scrollback above\./,
    );
    // Nothing is preselected (the runbook's first diagnosis could be the answer): Enter alone picks nothing.
    expect(frame).toContain('search:   (type to narrow, ↓ to choose)');
    expect(frame.slice(frame.indexOf('What is the root cause?'))).not.toMatch(/^› /m);
    stdin.write(keys.enter);
    await new Promise((r) => setTimeout(r, 50));
    expect(drillEvents.some((e) => e.type === 'drill.pick')).toBe(false);
    // The runbook's verdict stays hidden until the trainee names it.
    expect(frame).not.toContain('DIAGNOSIS');

    // Hints cost points and show one at a time.
    expect(frame).not.toContain('hint 1/3');
    await sendInputAndWaitForChange(stdin, lastFrame, 'h');
    // In the picker keys are search text: the hint was typed, not taken.
    expect(lastFrame()).toContain('search: h');
    await sendInputAndWaitForChange(stdin, lastFrame, keys.backspace);

    // A wrong pick is recorded and the drill goes on.
    for (const c of 'taint') stdin.write(c);
    await waitForContent(lastFrame, 'search: taint');
    await sendInputAndWaitForChange(stdin, lastFrame, keys.enter);
    frame = await waitForContent(lastFrame, '✗ not ');
    expect(frame).toContain('1 wrong pick so far. Pick again.');

    for (const c of 'node selector') stdin.write(c);
    await waitForContent(lastFrame, 'search: node selector');
    stdin.write(keys.enter);
    frame = await waitForContent(lastFrame, 'DEBRIEF ✓ correct');
    expect(frame).toContain('unschedulable-node-selector');
    // 400 (one wrong pick) + 200 (two checks, the shortest path) + 100 (one of two predictions) + 100 (time, the clock pinned).
    expect(frame).toContain('score 800/1000');
    expect(frame).toContain('predictions 1 right, 1 wrong · hints 0 · wrong');
    expect(frame).toContain('picks: unschedulable-taint');
    expect(frame).toMatch(/you ran \(2\) +shortest path \(2\)/);
    expect(frame).toMatch(/1\. pod-status → unscheduled +1\. pod-status/);
    expect(frame).toContain('causal chain');
    // The scheduler's message wraps: its number marks the first line, the rest hang under the text.
    const chain = frame.slice(frame.indexOf('causal chain')).split('\n');
    const second = chain.findIndex((l) => /^ +2\. The scheduler found/.test(l));
    expect(second).toBeGreaterThan(0);
    expect(chain[second + 1]).toMatch(/^ {4}\S/);
    expect(frame).toContain('read next');

    expect(finished).toHaveLength(1);
    expect(finished[0]?.record).toMatchObject({
      correct: true,
      picks: ['unschedulable-taint', 'unschedulable-node-selector'],
      checksRun: ['pod-status', 'pod-scheduling'],
      shortestPath: ['pod-status', 'pod-scheduling'],
    });
    expect(drillEvents.map((e) => e.type)).toEqual([
      'drill.start',
      'drill.prediction',
      'drill.prediction',
      'drill.pick',
      'drill.pick',
      'drill.debrief',
    ]);
    expect(tracker.hintsUsed).toEqual([]);

    stdin.write(keys.enter);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalled());
    transcript.close();

    // The debrief is in the transcript, and the report renders it after the walk.
    const parsed = await readTranscript(transcriptPath);
    expect(parsed.problems).toEqual([]);
    const debrief = parsed.drill.findLast((e) => e.type === 'drill.debrief');
    expect(debrief?.type === 'drill.debrief' && debrief.debrief.score.total).toBe(800);
    const report = withDebrief(
      renderMarkdown(parsed.events),
      'markdown',
      debrief?.type === 'drill.debrief' ? debrief.debrief : undefined,
    );
    expect(report).toContain('## Drill debrief');
    expect(report).toContain('- Score: **800 / 1000**');
    expect(report).toContain(
      '| 2 | pod: Why will the scheduler not place it? | node-selector | pod: Why will the scheduler not place it? |',
    );
    expect(report).toContain('| pod-scheduling | taint | node-selector | wrong |');
  });

  // Two files with one id (test/fixtures/signatures-broken): the picker offers the runbook's own diagnoses and says the rest were not read.
  it('says, above the picker, that the signature catalog could not be read and where', async () => {
    const duplicate = join(repoRoot, 'test', 'fixtures', 'signatures-broken', 'duplicate-id.yaml');
    const { tracker, ui, keyFor } = start('catalog', () => loadCatalog([...bundledSignatureFiles(), duplicate]));
    const { stdin, lastFrame } = ui;
    await waitForContent(lastFrame, 'Predict: what will pod.status find?');
    stdin.write(keyFor('pod-status', 'unscheduled'));
    await waitForContent(lastFrame, 'Predict: what will pod.scheduling find?');
    stdin.write(keyFor('pod-scheduling', 'node-selector'));
    const frame = (await waitForContent(lastFrame, 'What is the root cause?')).replace(/\s+/g, ' ');
    expect(frame).toContain('the signature catalog could not be read: ');
    expect(frame).toContain('duplicate-id.yaml:3:5: signature "coredns-loop-probe-timeout" is also defined in');
    expect(frame).toContain('known causes from it were not checked');
    expect(tracker.diagnoses().map((d) => d.id)).toEqual(
      Object.entries(runbook.spec.steps).flatMap(([id, s]) => (s.type === 'diagnosis' ? [id] : [])),
    );
    ui.unmount();
  });

  it('charges for hints, and giving up shows the answer scored as not found', async () => {
    const { finished, ui, keyFor, drillEvents } = start('gave-up');
    const { stdin, lastFrame } = ui;
    await waitForContent(lastFrame, 'Predict: what will pod.status find?');
    let frame = await sendInputAndWaitForChange(stdin, lastFrame, 'h');
    expect(frame).toContain(`hint 1/3: ${scenario.hints[0]!.slice(0, 40)}`);
    expect(frame).toContain('h hint (2 left, −50 each)');
    frame = await sendInputAndWaitForChange(stdin, lastFrame, 'h');
    expect(frame).toContain(`hint 2/3: ${scenario.hints[1]!.slice(0, 40)}`);

    stdin.write(keyFor('pod-status', 'running'));
    await waitForContent(lastFrame, '✗ you predicted running; it was unscheduled');
    stdin.write(keyFor('pod-scheduling', 'node-selector'));
    await waitForContent(lastFrame, 'What is the root cause?');
    stdin.write(keys.escape);
    frame = await waitForContent(lastFrame, 'DEBRIEF ✗ not found');
    // Correctness, efficiency and time are 0; one prediction of two right: 100; two hints: −100.
    expect(frame).toContain('score 0/1000');
    expect(frame).toContain('hints 2');
    expect(finished[0]?.record).toMatchObject({ correct: false, picks: [], hintsUsed: 2 });
    expect(drillEvents.filter((e) => e.type === 'drill.hint')).toHaveLength(2);
    expect(drillEvents.some((e) => e.type === 'drill.reveal')).toBe(true);
  });

  it('e opens the last check in full mid-drill; keys sent in one write act in order: ↓↓⏎ picks what the second ↓ reached', async () => {
    const { finished, ui, keyFor, tracker } = start('burst');
    const { stdin, lastFrame } = ui;
    await waitForContent(lastFrame, 'Predict: what will pod.status find?');
    stdin.write(keyFor('pod-status', 'unscheduled'));
    await waitForContent(lastFrame, 'Predict: what will pod.scheduling find?');
    // e: the check that ran, in full; esc back to the prediction.
    let frame = await sendInputAndWaitForChange(stdin, lastFrame, 'e');
    expect(frame).toMatch(/^Is the pod there, and what state is each container in\? +1-\d+ of \d+$/m);
    expect(frame).toContain('$ kubectl get pod web-0 -n shop -o wide');
    frame = await sendInputAndWaitForChange(stdin, lastFrame, keys.escape);
    expect(frame).toContain('Predict: what will pod.scheduling find?');
    stdin.write(keyFor('pod-scheduling', 'node-selector'));
    await waitForContent(lastFrame, 'What is the root cause?');
    const order = tracker.diagnoses().map((d) => d.id);
    expect(order.indexOf('unschedulable-node-selector')).toBe(1);
    stdin.write('\u001b[B\u001b[B\r');
    await waitForContent(lastFrame, 'DEBRIEF ✓ correct');
    expect(finished[0]?.record).toMatchObject({ correct: true, picks: ['unschedulable-node-selector'] });
  });
});
