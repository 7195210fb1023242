import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startScenarioDrill } from '../helpers/drill.js';
import type { RunningDrill } from '../../src/drill/cluster.js';
import type { Scenario } from '../../src/drill/scenarioSchema.js';
import { Session } from '../../src/engine/session.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { LoadedRunbook } from '../../src/runbook/load.js';
import { bundledSignatureFiles, loadCatalog } from '../../src/signatures/catalog.js';
import { App } from '../../src/ui/App.js';
import { repoRoot } from '../helpers/cli.js';
import { renderUi, waitForContent } from '../helpers/render.js';

const duplicate = join(repoRoot, 'test', 'fixtures', 'signatures-broken', 'duplicate-id.yaml');

// exec format error (kuard#34): the runbook ends at the general "container exits on start", which the catalog
// names; with the catalog unreadable the general ending stands, and the screen says what was not checked.
describe('the TUI when the signature catalog does not load', () => {
  let drill: RunningDrill;
  let kube: KubeClient;
  let runbook: LoadedRunbook;
  let scenario: Scenario;

  beforeAll(async () => {
    ({ scenario, drill, kube, runbook } = await startScenarioDrill('scenarios/real/rl-exec-format-kuard-34.yaml'));
  });
  afterAll(() => drill.close());

  it('shows the note above the diagnosis it could not refine, with the file:line:col', async () => {
    const session = new Session({
      runbook,
      inputs: scenario.inputs,
      kube,
      mode: 'drill',
      scenario: scenario.id,
      auto: true,
      signatures: () => loadCatalog([...bundledSignatureFiles(), duplicate]),
    });
    const header = {
      runbookTitle: runbook.spec.title,
      target: `drill ${scenario.id}`,
      mode: 'drill' as const,
      page: scenario.page,
      kubeconfigPath: drill.kubeconfigPath,
      transcriptPath: '/tmp/plumbline-test/catalog.jsonl',
    };
    const ui = renderUi(<App session={session} header={header} startedAt={new Date()} onExit={vi.fn()} color />);
    const frame = await waitForContent(ui.lastFrame, 'DIAGNOSIS', 30_000);
    const result = await session.done;
    expect(result.diagnosis?.id).toBe('container-exits-on-start');
    expect(result.catalogError).toContain('duplicate-id.yaml:3:5: signature "coredns-loop-probe-timeout"');
    const flat = frame.replace(/\s+/g, ' ');
    expect(flat).toContain('the signature catalog could not be read: ');
    expect(flat).toContain('duplicate-id.yaml:3:5: signature "coredns-loop-probe-timeout" is also defined in');
    expect(flat).toContain('known causes from it were not checked');
    // Above the diagnosis: the 24 rows cut the diagnosis's end, never the note.
    expect(flat.indexOf('the signature catalog could not be read')).toBeLessThan(flat.indexOf('DIAGNOSIS'));
    // Read in full (e), the note comes first there too.
    ui.stdin.write('e');
    const paged = (await waitForContent(ui.lastFrame, 'j/k scroll', 10_000)).replace(/\s+/g, ' ');
    const full = paged.slice(paged.indexOf('DIAGNOSIS container-exits-on-start · pod layer'));
    expect(full).toContain('DIAGNOSIS container-exits-on-start · pod layer');
    expect(full).toContain('the signature catalog could not be read: ');
    expect(full.indexOf('known causes from it were not checked')).toBeLessThan(full.indexOf('Causal chain'));
    ui.unmount();
  });
});
