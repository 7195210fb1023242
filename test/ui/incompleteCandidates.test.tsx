import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startScenarioDrill } from '../helpers/drill.js';
import type { RunningDrill } from '../../src/drill/cluster.js';
import type { Scenario } from '../../src/drill/scenarioSchema.js';
import { Session } from '../../src/engine/session.js';
import type { KubeClient } from '../../src/kube/client.js';
import { createDrillAccess } from '../../src/nodeaccess/drill.js';
import type { LoadedRunbook } from '../../src/runbook/load.js';
import { App } from '../../src/ui/App.js';
import { renderUi, sendInputAndWaitForChange, waitForContent } from '../helpers/render.js';

// kubernetes#61117: PLEG lines in the kubelet's journal, every other host command not collected.
describe('the TUI at the end of an incomplete walk whose lines a signature knows', () => {
  let drill: RunningDrill;
  let kube: KubeClient;
  let runbook: LoadedRunbook;
  let scenario: Scenario;

  beforeAll(async () => {
    ({ scenario, drill, kube, runbook } = await startScenarioDrill('scenarios/real/rn-pleg-alone-61117.yaml'));
  });
  afterAll(() => drill.close());

  it('says the signature as possible under the incomplete headline, never as DIAGNOSIS', async () => {
    const session = new Session({
      runbook,
      inputs: scenario.inputs,
      kube,
      nodes: createDrillAccess({ hosts: drill.hosts }),
      mode: 'drill',
      scenario: scenario.id,
      auto: true,
    });
    const header = {
      runbookTitle: runbook.spec.title,
      target: `drill ${scenario.id}`,
      mode: 'drill' as const,
      page: scenario.page,
      kubeconfigPath: drill.kubeconfigPath,
      transcriptPath: '/tmp/plumbline-test/pleg.jsonl',
    };
    const ui = renderUi(<App session={session} header={header} startedAt={new Date()} onExit={vi.fn()} color />);
    let frame = await waitForContent(ui.lastFrame, 'The walk could not finish', 30_000);
    expect((await session.done).outcome).toBe('incomplete');
    expect(frame).not.toContain('DIAGNOSIS');
    // Under the headline, where 24 rows never cut it.
    const flat = frame.replace(/\s+/g, ' ');
    expect(flat).toContain(
      "could not. Seen, and may explain it (not confirmed: the walk is incomplete): The kubelet's pod lifecycle loop (PLEG) is stuck: the container runtime does not answer in time (signature pleg-not-healthy)",
    );
    // e: the whole ending, with where to look next.
    frame = await sendInputAndWaitForChange(ui.stdin, ui.lastFrame, 'e');
    for (let i = 0; i < 10 && !frame.includes('look next:'); i++)
      frame = await sendInputAndWaitForChange(ui.stdin, ui.lastFrame, '\u001b[6~');
    expect(frame).toContain('look next:');
    expect(frame.replace(/\s+/g, ' ')).toContain('Compare with where pleg-not-healthy was learned');
    ui.unmount();
  });
});
