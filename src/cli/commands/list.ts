import { bundledNames, resolveAsset } from '../../assets.js';
import { checks } from '../../checks/registry.js';
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
      for (const name of bundledNames('scenarios')) {
        const { scenario } = await loadScenarioFile(resolveAsset('scenarios', name));
        rows.push({ id: scenario.id, title: scenario.title, runbook: scenario.runbook, expect: scenario.expect.diagnosis, page: scenario.page });
      }
      if (json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else for (const r of rows) process.stdout.write(`${r.id.padEnd(32)} ${r.title}\n`);
      return 0;
    }
    case 'checks':
      if (json) process.stdout.write(`${JSON.stringify(checks.map((c) => ({ id: c.id, layer: c.layer, title: c.title, outcomes: c.outcomes, healthy: c.healthy, facts: c.facts })), null, 2)}\n`);
      else for (const c of checks) process.stdout.write(`${c.id.padEnd(26)} ${c.layer.padEnd(8)} ${c.title}\n`);
      return 0;
    default:
      throw new UsageError('list runbooks|scenarios|checks');
  }
}
