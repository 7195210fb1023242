import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledNames, realScenarioNames, resolveAsset } from '../../src/assets.js';
import { findCheck } from '../../src/checks/registry.js';
import { loadScenarioFile } from '../../src/drill/scenario.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import type { RunbookSpec } from '../../src/runbook/schema.js';
import { diagnosisIds, uncoveredDiagnoses } from '../../src/runbook-graph/coverage.js';
import type { ScenarioExpectation } from '../../src/runbook-graph/coverage.js';
import { reachability } from '../../src/runbook-graph/paths.js';
import { bundledCatalog } from '../../src/signatures/catalog.js';

const runbookNames = bundledNames('runbooks');
const specs = new Map<string, RunbookSpec>();
for (const name of runbookNames)
  specs.set(name, (await loadRunbookFile(resolveAsset('runbooks', name), findCheck)).spec);
const scenarios: ScenarioExpectation[] = [];
// The real-world corpus counts too: a real case that expects a diagnosis proves it.
for (const name of [...bundledNames('scenarios'), ...realScenarioNames()]) {
  const { scenario } = await loadScenarioFile(resolveAsset('scenarios', name));
  scenarios.push({ id: scenario.id, runbook: scenario.runbook, diagnosis: scenario.expect.diagnosis });
}

/**
 * Diagnoses no scenario proves yet, one file per runbook (test/coverage/uncovered/<runbook>.txt).
 * The list must be exact: a new uncovered diagnosis fails, and so does a listed one a scenario now covers.
 */
function knownUncovered(runbook: string): string[] {
  const file = join(import.meta.dirname, 'uncovered', `${runbook}.txt`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

describe.each(runbookNames)('bundled runbook %s', (name) => {
  const spec = specs.get(name) as RunbookSpec;

  it('has a scenario expecting each of its diagnoses', () => {
    const uncovered = uncoveredDiagnoses(name, specs, scenarios);
    const known = knownUncovered(name);
    const fresh = uncovered.filter((d) => !known.includes(d));
    const nowCovered = known.filter((d) => !uncovered.includes(d));
    expect(fresh, `runbook ${name}: no bundled scenario expects diagnosis ${fresh.join(', ')}`).toEqual([]);
    expect(
      nowCovered,
      `runbook ${name}: scenarios now cover ${nowCovered.join(', ')}: remove them from test/coverage/uncovered/${name}.txt`,
    ).toEqual([]);
  });

  // Walked through the compiled xstate machine with xstate/graph, every outcome of every check and every choice.
  const walk = reachability(spec);

  it('reaches every diagnosis through its compiled machine', () => {
    const unreached = diagnosisIds(spec).filter((d) => !walk.diagnoses.has(d));
    expect(unreached, `runbook ${name}: no walk of the machine ends on ${unreached.join(', ')}`).toEqual([]);
  });

  it('can end in a final state from every state a walk reaches', () => {
    expect(walk.stuck, `runbook ${name}: a walk entering ${walk.stuck.join(', ')} can never end`).toEqual([]);
  });
});

// A catalog signature is a diagnosis too: at a generic ending the strongest one seen decides.
const signatureIds = new Set(bundledCatalog().map((s) => s.id));

it('every scenario names a bundled runbook and a diagnosis it has (its own, or a catalog signature)', () => {
  const wrong = scenarios.filter(
    (s) =>
      !specs.get(s.runbook) ||
      (s.diagnosis !== null &&
        specs.get(s.runbook)?.steps[s.diagnosis]?.type !== 'diagnosis' &&
        !signatureIds.has(s.diagnosis)),
  );
  expect(wrong.map((s) => `${s.id}: ${s.runbook} / ${String(s.diagnosis)}`)).toEqual([]);
});
