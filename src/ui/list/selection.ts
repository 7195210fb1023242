import type { Key } from 'ink';

/** How a key moves a list's selection. */
export type ListMove = 'up' | 'down' | 'page-up' | 'page-down' | 'first' | 'last';

/**
 * The move a key asks for: arrows, PgUp/PgDn, Home/End, and j/k when letters
 * are not being typed into a filter.
 */
export function listMoveFor(input: string, key: Key, letters: boolean): ListMove | undefined {
  if (key.upArrow || (letters && input === 'k' && !key.ctrl && !key.meta)) return 'up';
  if (key.downArrow || (letters && input === 'j' && !key.ctrl && !key.meta)) return 'down';
  if (key.pageUp) return 'page-up';
  if (key.pageDown) return 'page-down';
  if (key.home) return 'first';
  if (key.end) return 'last';
  return undefined;
}

/**
 * The selection after a move, kept inside the list; null is "nothing
 * selected yet" (the first ↓ selects the first item, the first ↑ the last).
 */
export function moveSelection(index: number | null, move: ListMove, count: number, page: number): number | null {
  if (count <= 0) return null;
  const last = count - 1;
  const step = Math.max(1, page);
  const clamp = (i: number) => Math.min(last, Math.max(0, i));
  switch (move) {
    case 'first':
      return 0;
    case 'last':
      return last;
    case 'up':
      return index === null ? last : clamp(index - 1);
    case 'down':
      return index === null ? 0 : clamp(index + 1);
    case 'page-up':
      return index === null ? 0 : clamp(index - step);
    case 'page-down':
      return index === null ? clamp(step - 1) : clamp(index + step);
  }
}
