/**
 * POSIX shell quoting, for the two places a string meets a shell: the remote
 * command ssh hands to the login shell, and the copyable command shown in
 * manual mode. Local execution never goes through a shell.
 */

// Characters no POSIX shell (sh, dash, bash, zsh) treats specially anywhere in a word.
const safeWord = /^[A-Za-z0-9_@+,./:-][A-Za-z0-9_@+=,./:-]*$/;

// Words that change meaning in command position even when they contain nothing special.
const reserved = new Set([
  '!',
  '{',
  '}',
  '[[',
  ']]',
  'case',
  'coproc',
  'do',
  'done',
  'elif',
  'else',
  'esac',
  'fi',
  'for',
  'function',
  'if',
  'in',
  'select',
  'then',
  'time',
  'until',
  'while',
]);

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

/**
 * The command as lines no wider than `width` that a shell reads back as exactly
 * this argv, for a person to copy off the screen: a terminal's own wrap would
 * cut a word in two, so lines break between arguments with ` \` and the next
 * line indented. A single argument wider than a line is split into pieces,
 * each quoted on its own and joined by a backslash-newline (which the shell
 * removes before it reads words), the next piece starting at column 0 so no
 * indent lands inside the word. The command word itself is never split.
 */
export function commandLines(argv: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  const indent = '  ';
  const room = Math.max(width, 12);
  argv.forEach((arg, i) => {
    const word = quoteArg(arg, i === 0);
    const last = i === argv.length - 1;
    const sep = line === '' || line === indent ? '' : ' ';
    // Leave room for the ` \` a later break would add.
    const fits = (l: string) => l.length + (last ? 0 : 2) <= room;
    if (fits(line + sep + word)) {
      line += sep + word;
      return;
    }
    if (line.trim() !== '') {
      lines.push(`${line} \\`);
      line = indent;
      if (fits(line + word)) {
        line += word;
        return;
      }
    }
    if (i === 0) {
      line += word;
      return;
    }
    // Too long for any line: pieces, each a complete quoted word, joined by backslash-newline.
    let rest = arg;
    while (rest !== '') {
      // Two columns kept: the `\` here, or the ` \` of a break after the last piece.
      const piece = longestPiece(rest, room - line.length - 2);
      rest = rest.slice(piece.length);
      line += quoteArg(piece);
      if (rest === '') break;
      lines.push(`${line}\\`);
      line = '';
    }
  });
  lines.push(line);
  return lines;
}

/** The longest head of `s` whose quoted form fits in `columns`, ending after a `,` `/` `=` `:` where one is near the end. */
function longestPiece(s: string, columns: number): string {
  let n = s.length;
  while (n > 1 && quoteArg(s.slice(0, n)).length > columns) n--;
  if (n === s.length) return s;
  const head = s.slice(0, n);
  const at = Math.max(head.lastIndexOf(','), head.lastIndexOf('/'), head.lastIndexOf('='), head.lastIndexOf(':'));
  return at >= n / 2 ? s.slice(0, at + 1) : head;
}
