import type { Key } from 'ink';

/**
 * Calls `each` once per key in what Ink handed over. Ink splits escape
 * sequences (↓, PgDn) into their own calls but passes a run of plain keys that
 * arrived together ("jj⏎" from a fast typist or `tmux send-keys`) as one
 * string; a list must see them one by one, in order, or a burst acts on a
 * stale selection.
 */
export function eachKeyPress(input: string, key: Key, each: (input: string, key: Key) => void): void {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta || chars.some((c) => c !== '\r' && /\p{Cc}/u.test(c))) {
    each(input, key);
    return;
  }
  for (const c of chars) each(c === '\r' ? '' : c, { ...key, return: c === '\r' });
}
