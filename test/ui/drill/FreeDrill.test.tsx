import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startScenarioDrill } from '../../helpers/drill.js';
import type { RunningDrill } from '../../../src/drill/cluster.js';
import type { Scenario } from '../../../src/drill/scenarioSchema.js';
import type { SessionEvent } from '../../../src/engine/events.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { createNodeAccess } from '../../../src/nodeaccess/index.js';
import type { LoadedRunbook } from '../../../src/runbook/load.js';
import { FreeSession } from '../../../src/training/free.js';
import { DrillTracker } from '../../../src/training/tracker.js';
import type { DrillOutcome } from '../../../src/training/tracker.js';
import { DrillScreen } from '../../../src/ui/drill/DrillScreen.js';
import { predictionKeys } from '../../../src/ui/drill/drillKeys.js';
import { keys, renderUi, sendInputAndWaitForChange, waitForContent } from '../../helpers/render.js';

describe('a free drill on pod-pending-node-selector', () => {
  let drill: RunningDrill;
  let kube: KubeClient;
  let runbook: LoadedRunbook;
  let scenario: Scenario;

  beforeAll(async () => {
    ({ scenario, drill, kube, runbook } = await startScenarioDrill('scenarios/pod-pending-node-selector.yaml'));
  });
  afterAll(() => drill.close());

  it('lets the trainee pick checks layer by layer, then name the root cause, and debriefs it', async () => {
    const session = new FreeSession({
      runbook,
      inputs: scenario.inputs,
      kube,
      nodes: createNodeAccess('drill', { hosts: drill.hosts }),
      scenario: scenario.id,
      page: scenario.page,
    });
    const tracker = new DrillTracker({
      spec: runbook.spec,
      scenario,
      inputs: scenario.inputs,
      mode: 'free',
      now: () => 5_000,
    });
    const events: SessionEvent[] = [];
    session.on((e) => {
      events.push(e);
      tracker.observe(e);
    });
    const finished: DrillOutcome[] = [];
    const onExit = vi.fn();
    const header = {
      runbookTitle: runbook.spec.title,
      target: scenario.id,
      page: scenario.page,
      kubeconfigPath: drill.kubeconfigPath,
      transcriptPath: '/tmp/x.jsonl',
    };
    const free = {
      choices: () => session.choices(),
      run: (step: string) => void session.run(step),
      declare: () => session.declare(),
    };
    const { stdin, lastFrame } = renderUi(
      <DrillScreen
        session={session}
        tracker={tracker}
        header={header}
        startedAt={new Date()}
        free={free}
        onFinished={(o) => finished.push(o)}
        onExit={onExit}
      />,
      { rows: 40 },
    );
    const keyFor = (step: string) => predictionKeys[session.choices()[0]!.steps.findIndex((s) => s.step === step)]!;

    let frame = await waitForContent(lastFrame, 'Which check next?');
    expect(frame).toContain('Free drill: pick the checks yourself');
    expect(frame).toContain('[pod]');
    expect(frame).toContain(
      `${keyFor('pod-status')} Is the pod there, and what state is each container in? (pod.status)`,
    );
    // Moving to the node layer lists its checks; back to pod.
    frame = await sendInputAndWaitForChange(stdin, lastFrame, '\u001b[C');
    expect(frame).toContain('[node]');
    await sendInputAndWaitForChange(stdin, lastFrame, '\u001b[D');

    stdin.write(keyFor('pod-status'));
    await waitForContent(lastFrame, /→ unscheduled: /);
    await waitForContent(lastFrame, 'Which check next?');
    // ↓ to the scheduling check and ⏎, in one write: the arrows select, Enter runs what they reached.
    const at = session.choices()[0]!.steps.findIndex((s) => s.step === 'pod-scheduling');
    stdin.write(`${'\u001b[B'.repeat(at)}\r`);
    await waitForContent(lastFrame, /→ node-selector: /);
    await waitForContent(lastFrame, 'Which check next?');

    stdin.write('d');
    await waitForContent(lastFrame, 'What is the root cause?');
    for (const c of 'selector') stdin.write(c);
    await waitForContent(lastFrame, 'search: selector');
    stdin.write(keys.enter);
    frame = await waitForContent(lastFrame, 'DEBRIEF ✓ correct');
    // Right first time, on the shortest path, within par, no hints: the prediction share follows efficiency.
    expect(frame).toContain('score 1000/1000');
    expect(frame).toMatch(/you ran \(2\) +shortest path \(2\)/);
    expect(finished[0]?.record).toMatchObject({
      mode: 'free',
      correct: true,
      checksRun: ['pod-status', 'pod-scheduling'],
      predictions: [],
    });
    expect(events.map((e) => e.type)).toEqual([
      'session.start',
      'step.enter',
      'check.start',
      'check.result',
      'step.enter',
      'check.start',
      'check.result',
      'session.end',
    ]);
    // The transcript keeps what each check read, as a walk's does: the pod, then the scheduler's events.
    const raws = events.flatMap((e) => (e.type === 'check.result' && e.raw && 'text' in e.raw ? [e.raw.text] : []));
    expect(raws).toHaveLength(2);
    expect(raws[0]).toMatch(/^GET \/api\/v1\/namespaces\/shop\/pods\/web-0 → 200\n/);
    expect(raws[1]).toContain('FailedScheduling');
  });
});
