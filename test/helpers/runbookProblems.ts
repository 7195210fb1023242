import { findCheck } from '../../src/checks/registry.js';
import { loadRunbookText } from '../../src/runbook/load.js';
import { InputError } from '../../src/base/source.js';

/** The problems a runbook text produces, as the CLI prints them (as if it were runbooks/x.yaml). */
export function problems(text: string): string[] {
  try {
    loadRunbookText('runbooks/x.yaml', text, findCheck);
  } catch (err) {
    if (err instanceof InputError) return err.message.split('\n');
    throw err;
  }
  return [];
}
