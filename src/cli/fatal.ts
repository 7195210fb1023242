import { KubeConfigError } from '../kube/config.js';
import { KubeError } from '../kube/errors.js';
import { InputError } from '../base/source.js';
import { loadExtraPatterns, redactText } from '../base/redact.js';
import { UsageError } from './usageError.js';

/** Every error the user can act on becomes one line and an exit code; anything else is a bug, shown with its stack. */
export function reportFatal(err: unknown, usage = false): number {
  // A message may quote what failed: a kubeconfig's server URL with its password, an exec plugin's own words.
  const say = (s: string) => process.stderr.write(`plumbline: ${redactStderr(s)}\n`);
  if (usage || err instanceof UsageError) {
    const command = err instanceof UsageError ? err.command : undefined;
    say(
      command === null
        ? (err as Error).message
        : `${(err as Error).message} (see plumbline${command ? ` ${command}` : ''} --help)`,
    );
    return 2;
  }
  if (err instanceof InputError) {
    for (const line of err.message.split('\n')) process.stderr.write(`${redactStderr(line)}\n`);
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

/** Text for stderr with secrets redacted, house patterns (PLUMBLINE_REDACT) included when they load. */
export function redactStderr(s: string): string {
  let extra: RegExp[] = [];
  try {
    extra = loadExtraPatterns(process.env);
  } catch {
    // The error being reported may be that very variable; the built-in rules still apply.
  }
  return redactText(s, extra);
}
