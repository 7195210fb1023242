import { KubeConfigError } from '../kube/config.js';
import { KubeError } from '../kube/errors.js';
import { InputError } from '../runbook/source.js';
import { UsageError } from './args.js';

/** Every error the user can act on becomes one line and an exit code; anything else is a bug, shown with its stack. */
export function reportFatal(err: unknown, usage = false): number {
  const say = (s: string) => process.stderr.write(`plumbline: ${s}\n`);
  if (usage || err instanceof UsageError) {
    say(`${(err as Error).message} (see plumbline --help)`);
    return 2;
  }
  if (err instanceof InputError) {
    for (const line of err.message.split('\n')) process.stderr.write(`${line}\n`);
    return 2;
  }
  if (err instanceof Error && err.name === 'UnknownAssetError') {
    say(err.message);
    return 2;
  }
  // By name: importing the scenario module here would load the drill on every start.
  if (err instanceof Error && err.name === 'ScenarioBuildError') {
    say(`scenario: ${err.message}`);
    return 2;
  }
  // By name, as above: a file plumbline must write (transcript, recording, report, kubeconfig) that it may not.
  if (err instanceof Error && err.name === 'PrivateFileError') {
    say(`cannot write ${err.message}`);
    return 2;
  }
  if (err instanceof KubeConfigError) {
    say(err.message);
    return 2;
  }
  if (err instanceof KubeError) {
    say(`${err.kind}: ${err.message}`);
    return 3;
  }
  say(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return 3;
}
