import type { RunbookSpec } from '../runbook/schema.js';

/** What coverage needs of a scenario: the runbook it walks and the diagnosis it expects. */
export interface ScenarioExpectation {
  id: string;
  runbook: string;
  diagnosis: string | null;
}

export function diagnosisIds(spec: RunbookSpec): string[] {
  return Object.entries(spec.steps)
    .filter(([, step]) => step.type === 'diagnosis')
    .map(([id]) => id);
}

/**
 * Diagnoses of `runbookId` no scenario expects. An included runbook's
 * diagnosis (`nn.kubelet-stopped`) is also covered by a scenario of that
 * runbook expecting its own id (`kubelet-stopped`): the sub-tree is the same.
 */
export function uncoveredDiagnoses(
  runbookId: string,
  specs: ReadonlyMap<string, RunbookSpec>,
  scenarios: readonly ScenarioExpectation[],
): string[] {
  const spec = specs.get(runbookId);
  if (!spec) throw new Error(`unknown runbook "${runbookId}"`);
  return diagnosisIds(spec).filter((d) => !isCovered(runbookId, d, specs, scenarios));
}

function isCovered(
  runbookId: string,
  diagnosis: string,
  specs: ReadonlyMap<string, RunbookSpec>,
  scenarios: readonly ScenarioExpectation[],
): boolean {
  if (scenarios.some((s) => s.runbook === runbookId && s.diagnosis === diagnosis)) return true;
  const dot = diagnosis.indexOf('.');
  if (dot <= 0) return false;
  const included = specs.get(runbookId)?.include.find((inc) => inc.as === diagnosis.slice(0, dot));
  return (
    included !== undefined &&
    specs.has(included.runbook) &&
    isCovered(included.runbook, diagnosis.slice(dot + 1), specs, scenarios)
  );
}
