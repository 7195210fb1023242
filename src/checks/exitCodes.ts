/** What a container's exit code says: runtimes report death by signal n as 128 + n. */

const signals: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  5: 'SIGTRAP',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  10: 'SIGUSR1',
  11: 'SIGSEGV',
  12: 'SIGUSR2',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
};

/** The signal behind an exit code above 128, e.g. 137 → SIGKILL; undefined for a plain exit. */
export function signalOf(exitCode: number): { number: number; name: string } | undefined {
  if (exitCode <= 128 || exitCode > 128 + 64) return undefined;
  const n = exitCode - 128;
  return { number: n, name: signals[n] ?? `signal ${n}` };
}

/** `137 = 128 + 9 (SIGKILL)`, `1`, `127 (command not found)`. */
export function describeExitCode(exitCode: number | undefined): string {
  // A pasted status (STATUS OOMKilled in kubectl get) can name the reason without the code.
  if (exitCode === undefined || exitCode === null) return 'not recorded';
  const sig = signalOf(exitCode);
  if (sig) return `${exitCode} = 128 + ${sig.number} (${sig.name})`;
  if (exitCode === 126) return '126 (command not executable)';
  if (exitCode === 127) return '127 (command not found)';
  return String(exitCode);
}
