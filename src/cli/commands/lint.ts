import { bundledNames, realScenarioNames, resolveAsset } from '../../assets.js';
import { findCheck } from '../../checks/registry.js';
import { bundledCatalog, bundledSignatureFiles, duplicateIds, loadSignatureSource } from '../../signatures/catalog.js';
import type { CompiledSignature } from '../../signatures/catalog.js';
import { buildCluster, loadScenarioSource, ScenarioBuildError } from '../../drill/scenario.js';
import { resolveTime } from '../../drill/relativeTime.js';
import { loadRunbookFile, loadRunbookSource } from '../../runbook/load.js';
import { formatProblem, InputError, readYamlSource } from '../../base/source.js';
import type { SourceProblem, YamlSource } from '../../base/source.js';

/** Lints runbooks and scenarios: prints every problem as file:line:col, exit 2 if there is any. */
export async function lintCommand(files: string[]): Promise<number> {
  const targets =
    files.length > 0
      ? files
      : [
          ...bundledNames('runbooks').map((n) => resolveAsset('runbooks', n)),
          ...[...bundledNames('scenarios'), ...realScenarioNames()].map((n) => resolveAsset('scenarios', n)),
          ...bundledSignatureFiles(),
        ];
  let problems = 0;
  // The catalog is one namespace across its files: an id twice makes a walk unable to read it.
  const signatures: CompiledSignature[] = [];
  for (const file of targets) {
    try {
      const source = await readYamlSource(file);
      if (isScenario(source)) await lintScenario(source);
      else if (isSignatures(source)) signatures.push(...loadSignatureSource(source));
      else loadRunbookSource(source, findCheck);
      process.stdout.write(`${file}: ok\n`);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems += err.problems.length;
      process.stdout.write(`${err.message}\n`);
    }
  }
  for (const p of duplicateIds(signatures)) {
    problems++;
    process.stdout.write(`${formatProblem(p)}\n`);
  }
  if (problems > 0) process.stderr.write(`${problems} problem${problems === 1 ? '' : 's'}\n`);
  return problems > 0 ? 2 : 0;
}

/** A signature catalog file: its top level is `signatures:` (docs/signatures.md). */
function isSignatures(source: YamlSource): boolean {
  return typeof source.data === 'object' && source.data !== null && 'signatures' in source.data;
}

function isScenario(source: YamlSource): boolean {
  return typeof source.data === 'object' && source.data !== null && 'page' in source.data;
}

/** A scenario must name a runbook that exists, give its inputs, and expect a diagnosis that runbook has. */
async function lintScenario(source: YamlSource): Promise<void> {
  const { scenario } = await loadScenarioSource(source);
  const problems: SourceProblem[] = [];
  try {
    const runbook = await loadRunbookFile(resolveAsset('runbooks', scenario.runbook), findCheck);
    for (const input of runbook.spec.inputs) {
      if (input.required && input.default === undefined && !(input.name in scenario.inputs))
        problems.push(source.problem(['inputs'], `input "${input.name}" of runbook ${runbook.spec.id} is not given`));
    }
    for (const k of Object.keys(scenario.inputs)) {
      if (!runbook.spec.inputs.some((i) => i.name === k))
        problems.push(source.problem(['inputs', k], `runbook ${runbook.spec.id} has no input "${k}"`));
    }
    for (const [stepId, choice] of Object.entries(scenario.answers)) {
      const step = Object.hasOwn(runbook.spec.steps, stepId) ? runbook.spec.steps[stepId] : undefined;
      if (step?.type !== 'ask')
        problems.push(
          source.problem(['answers', stepId], `runbook ${runbook.spec.id} has no question step "${stepId}"`),
        );
      else if (!Object.hasOwn(step.choices, choice))
        problems.push(
          source.problem(
            ['answers', stepId],
            `question "${stepId}" has no choice "${choice}" (it has ${Object.keys(step.choices).join(', ')})`,
          ),
        );
    }
    const expected = scenario.expect.diagnosis;
    // A scenario may expect a runbook's diagnosis, or a catalog signature that decides a generic ending.
    if (
      expected !== null &&
      runbook.spec.steps[expected]?.type !== 'diagnosis' &&
      catalogIds()?.has(expected) === false
    ) {
      problems.push(
        source.problem(
          ['expect', 'diagnosis'],
          `runbook ${runbook.spec.id} has no diagnosis "${expected}", and no signature has that id`,
        ),
      );
    }
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    problems.push(
      source.problem(
        ['runbook'],
        `runbook "${scenario.runbook}" does not load: ${err.problems[0]?.message ?? err.message}`,
      ),
    );
  }
  // A time that looks relative but does not parse would be served as is, and break every check reading it.
  for (const [path, value] of strings(scenario.objects, ['objects'])) {
    if (/^now[-+]/.test(value) && resolveTime(value, new Date()) === undefined)
      problems.push(source.problem(path, `"${value}" is not a relative time (write now-5m, now-2d-3h or now-4m10s)`));
  }
  // Faults are checked against the cluster they edit (a node they name must exist), so build it.
  if (scenario.faults.length > 0) {
    try {
      buildCluster(scenario, new Date());
    } catch (err) {
      if (!(err instanceof ScenarioBuildError)) throw err;
      problems.push(source.problem(['faults', err.faultIndex], err.message));
    }
  }
  if (problems.length > 0) throw new InputError(problems);
}

/**
 * The bundled catalog's ids; null when it does not load: its files' problems are said where they are, and a
 * scenario naming a signature is then neither refused nor blamed on its runbook.
 */
function catalogIds(): Set<string> | null {
  try {
    return new Set(bundledCatalog().map((s) => s.id));
  } catch (err) {
    if (err instanceof InputError) return null;
    throw err;
  }
}

/** Every string in a YAML value, with its path. */
function* strings(value: unknown, path: (string | number)[]): Generator<[(string | number)[], string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, [...path, i]);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* strings(v, [...path, k]);
}
