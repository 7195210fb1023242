import { bundledNames, realScenarioNames, resolveAsset } from '../../assets.js';
import { checks } from '../../checks/registry.js';
import type { AnyCheck } from '../../checks/types.js';
import type { CliArgs } from '../args.js';
import { UsageError } from '../args.js';

export async function listCommand(what: string | undefined, args: Pick<CliArgs, 'output'>): Promise<number> {
  const json = args.output === 'json';
  switch (what) {
    case 'runbooks':
      for (const name of bundledNames('runbooks')) process.stdout.write(`${name}\n`);
      return 0;
    case 'scenarios': {
      const { loadScenarioFile } = await import('../../drill/scenario.js');
      const rows = [];
      // The real-world corpus is listed as real/<id>, the name `plumbline drill` takes.
      for (const name of [...bundledNames('scenarios'), ...realScenarioNames()]) {
        const { scenario } = await loadScenarioFile(resolveAsset('scenarios', name));
        rows.push({ id: name.startsWith('real/') ? name : scenario.id, title: scenario.title, runbook: scenario.runbook, expect: scenario.expect.diagnosis, page: scenario.page });
      }
      if (json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else for (const r of rows) process.stdout.write(`${r.id.padEnd(32)} ${r.title}\n`);
      return 0;
    }
    case 'checks':
      if (json) {
        const rows = checks.map((c) => ({ id: c.id, layer: c.layer, title: c.title, outcomes: c.outcomes, healthy: c.healthy, command: commandTemplate(c), why: c.why, facts: c.facts }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else for (const c of checks) process.stdout.write(`${c.id.padEnd(26)} ${c.layer.padEnd(8)} ${c.title}\n`);
      return 0;
    case 'faults': {
      const { faultCatalog } = await import('../../drill/faults/catalog.js');
      if (json) process.stdout.write(`${JSON.stringify(faultCatalog.map((f) => ({ id: f.id, layer: f.layer, title: f.title, description: f.description })), null, 2)}\n`);
      else for (const f of faultCatalog) process.stdout.write(`${f.id.padEnd(40)} ${f.layer.padEnd(8)} ${f.title}\n`);
      return 0;
    }
    default:
      throw new UsageError('list runbooks|scenarios|checks|faults');
  }
}

/** The check's command with each parameter as a `<name>` placeholder, as a reference card shows it. */
function commandTemplate(c: AnyCheck): string {
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
