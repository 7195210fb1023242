import { bundledNames } from '../../assets.js';
import { checks } from '../../checks/registry.js';
import { UsageError } from '../args.js';

export function listCommand(what: string | undefined): number {
  switch (what) {
    case 'runbooks':
    case 'scenarios':
      for (const name of bundledNames(what)) process.stdout.write(`${name}\n`);
      return 0;
    case 'checks':
      for (const c of checks) process.stdout.write(`${c.id.padEnd(22)} ${c.layer.padEnd(8)} ${c.title}\n`);
      return 0;
    default:
      throw new UsageError('list runbooks|scenarios|checks');
  }
}
