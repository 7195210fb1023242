/**
 * POSIX shell quoting, for the two places a string meets a shell: the remote
 * command ssh hands to the login shell, and the copyable command shown in
 * manual mode. Local execution never goes through a shell.
 */

// Characters no POSIX shell (sh, dash, bash, zsh) treats specially anywhere in a word.
const safeWord = /^[A-Za-z0-9_@+,./:-][A-Za-z0-9_@+=,./:-]*$/;

// Words that change meaning in command position even when they contain nothing special.
const reserved = new Set(['!', '{', '}', '[[', ']]', 'case', 'coproc', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'for', 'function', 'if', 'in', 'select', 'then', 'time', 'until', 'while']);

/** One argument as a single literal shell word: bare when safe, else in single quotes with `'` → `'\''`. */
export function quoteArg(arg: string, commandPosition = false): string {
  const bare = arg !== '' && safeWord.test(arg) && !(commandPosition && (arg.includes('=') || reserved.has(arg)));
  return bare ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The argv as one shell command line that runs exactly this argv, whatever the arguments contain. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((a, i) => quoteArg(a, i === 0)).join(' ');
}

/** A value put inside a single-quoted word someone else wrote (`-o jsonpath='...{x}...'`): its `'` closes, escapes and reopens. */
export function quoteInside(value: string): string {
  return value.replaceAll("'", `'\\''`);
}
