import { bundledNames, realScenarioNames, resolveAsset } from '../../assets.js';
import { checks } from '../../checks/registry.js';
import type { AnyCheck } from '../../checks/types.js';
import type { CliArgs } from '../args.js';
import { UsageError } from '../usageError.js';
import { printObject } from '../output.js';
import { columnWidth, formatColumns, padCell } from '../../base/columns.js';

/** `plumbline list runbooks|scenarios|checks|faults`: a table, or every field with -o json|yaml. */
export async function listCommand(what: string | undefined, args: Pick<CliArgs, 'output'>): Promise<number> {
  const rows = await listRows(what);
  if (args.output !== 'text') printObject(rows.objects, args.output);
  else process.stdout.write(rows.text.map((l) => `${l}\n`).join(''));
  return 0;
}

async function listRows(what: string | undefined): Promise<{ objects: unknown[]; text: string[] }> {
  switch (what) {
    case 'runbooks': {
      const { homeLists, runCommandFor } = await import('./home.js');
      const { runbooks } = await homeLists();
      const objects = runbooks.map((r) => ({
        id: r.id,
        title: r.title,
        symptom: r.symptom,
        inputs: r.inputs.map((i) => ({
          name: i.name,
          description: i.description,
          required: i.required,
          ...(i.default !== undefined ? { default: i.default } : {}),
          ...(i.pick ? { pick: i.pick } : {}),
        })),
        run: runCommandFor(r),
        // Where it comes from: a runbook on the runbook path wins over a bundled one of the same id.
        from: r.from,
        file: r.file,
        ...(r.shadows ? { hides: r.shadows } : {}),
      }));
      const width = columnWidth(runbooks.map((r) => r.id));
      // The id first on each line: `list runbooks | cut -d' ' -f1` and kubectl-plugin callers read the names.
      const text = runbooks.flatMap((r) => [
        `${padCell(r.id, width)}  ${r.title}`,
        `${' '.repeat(width)}  symptom: ${r.symptom}`,
        `${' '.repeat(width)}  ${runCommandFor(r)}`,
        ...(r.from === 'bundled'
          ? []
          : [`${' '.repeat(width)}  from: ${r.file} (${r.from})${r.shadows ? `, hides ${r.shadows}` : ''}`]),
      ]);
      return { objects, text };
    }
    case 'scenarios': {
      const { loadScenarioFile } = await import('../../drill/scenario.js');
      const objects = [];
      // The real-world corpus is listed as real/<id>, the name `plumbline drill` takes.
      for (const name of [...bundledNames('scenarios'), ...realScenarioNames()]) {
        const { scenario } = await loadScenarioFile(resolveAsset('scenarios', name));
        objects.push({
          id: name.startsWith('real/') ? name : scenario.id,
          title: scenario.title,
          runbook: scenario.runbook,
          expect: scenario.expect.diagnosis,
          page: scenario.page,
        });
      }
      return { objects, text: formatColumns(objects.map((r) => [r.id, r.title])) };
    }
    case 'checks':
      return {
        objects: checks.map((c) => ({
          id: c.id,
          layer: c.layer,
          title: c.title,
          outcomes: c.outcomes,
          healthy: c.healthy,
          command: commandTemplate(c),
          why: c.why,
          facts: c.facts,
        })),
        text: formatColumns(checks.map((c) => [c.id, c.layer, c.title])),
      };
    case 'faults': {
      const { faultCatalog } = await import('../../drill/faults/catalog.js');
      return {
        objects: faultCatalog.map((f) => ({ id: f.id, layer: f.layer, title: f.title, description: f.description })),
        text: formatColumns(faultCatalog.map((f) => [f.id, f.layer, f.title])),
      };
    }
    default:
      throw new UsageError('list runbooks|scenarios|checks|faults', 'list');
  }
}

/** The check's command with each parameter as a `<name>` placeholder, as a reference card shows it. */
export function commandTemplate(c: AnyCheck): string {
  const shape = (c.params as { shape?: Record<string, unknown> }).shape ?? {};
  const placeholders = Object.fromEntries(Object.keys(shape).map((k) => [k, `<${k}>`]));
  const parsed = c.params.safeParse(placeholders);
  const command = c.command.bind(c) as (params: unknown) => string;
  try {
    // The command quotes each value for a shell; a reference card shows the placeholders bare.
    return command(parsed.success ? parsed.data : placeholders).replace(/'(<[A-Za-z]+>)'/g, '$1');
  } catch {
    return '';
  }
}
