import { describe, expect, it } from 'vitest';
import { findCheck } from '../../src/checks/registry.js';
import { startDrill } from '../../src/drill/cluster.js';
import { loadScenarioFile } from '../../src/drill/scenario.js';
import type { Scenario } from '../../src/drill/scenarioSchema.js';
import { Session } from '../../src/engine/session.js';
import { KubeClient } from '../../src/kube/client.js';
import { loadKubeConfig } from '../../src/kube/config.js';
import { createNodeAccess } from '../../src/nodeaccess/index.js';
import { resolveAsset } from '../../src/assets.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import { composableFaults, composeScenario, drawableScenarios, drawDrill } from '../../src/training/random.js';

/** Walks a scenario headless, as `plumbline test` does: every check at once, every question its default. */
async function diagnose(scenario: Scenario): Promise<string | null> {
  const runbook = await loadRunbookFile(resolveAsset('runbooks', scenario.runbook), findCheck);
  const drill = await startDrill(scenario);
  try {
    const kube = await KubeClient.create(await loadKubeConfig({ kubeconfig: drill.kubeconfigPath }));
    const session = new Session({
      runbook,
      inputs: scenario.inputs,
      kube,
      mode: 'drill',
      auto: true,
      answerDefaults: true,
      nodes: createNodeAccess('drill', { hosts: drill.hosts }),
    });
    session.start();
    const result = await session.done;
    return result.diagnosis?.id ?? null;
  } finally {
    await drill.close();
  }
}

describe('--random', () => {
  it('gives the same drill for the same seed, at every difficulty', async () => {
    for (const difficulty of ['easy', 'medium', 'hard'] as const) {
      const a = drawDrill({ seed: 42, difficulty });
      const b = drawDrill({ seed: 42, difficulty });
      expect(b.file).toBe(a.file);
      const [sa, sb] = await Promise.all([loadScenarioFile(a.file), loadScenarioFile(b.file)]);
      expect(sb.scenario).toEqual(sa.scenario);
    }
    expect(composeScenario(7, 'hard')).toEqual(composeScenario(7, 'hard'));
  });

  it('draws different drills for different seeds', () => {
    const ids = new Set(Array.from({ length: 20 }, (_, seed) => JSON.stringify(composeScenario(seed, 'easy').faults)));
    expect(ids.size).toBeGreaterThan(5);
  });

  it('composes one fault for easy and a red herring of the other family for hard, with an expected diagnosis', () => {
    const easy = composeScenario(3, 'easy');
    expect(easy.faults).toHaveLength(1);
    expect(easy.expect.diagnosis).toBe(composableFaults.find((f) => f.fault === easy.faults[0]?.fault)?.diagnosis);
    const hard = composeScenario(3, 'hard');
    expect(hard.faults).toHaveLength(2);
    const [real, herring] = hard.faults.map((f) => composableFaults.find((c) => c.fault === f.fault));
    expect(herring?.family).not.toBe(real?.family);
  });

  // Each on its own drill, at once: a walk mostly waits (systemd-dbus-hang's busctl answers after 5 s).
  it.concurrent.each(composableFaults.map((f) => [f.fault, f]))(
    'a drill composed from %s reaches its expected diagnosis headless, with a red herring too',
    async (_id, fault) => {
      const easy = composeScenario(11, 'easy', fault);
      expect(await diagnose(easy)).toBe(fault.diagnosis);
      const hard = composeScenario(11, 'hard', fault);
      expect(hard.faults).toHaveLength(2);
      expect(await diagnose(hard)).toBe(fault.diagnosis);
    },
  );
});

describe('medium draws', () => {
  it('only draw bundled scenarios with a root cause to name', async () => {
    const names = drawableScenarios();
    expect(names.length).toBeGreaterThan(3);
    expect(names.some((n) => n.startsWith('scale-'))).toBe(false);
    for (const n of names)
      expect((await loadScenarioFile(resolveAsset('scenarios', n))).scenario.expect.diagnosis).not.toBeNull();
  });
});
