import { useCallback, useRef, useState } from 'react';
import type { Key } from 'ink';
import { listMoveFor, moveSelection } from './selection.js';

export interface ListSelectionOptions {
  count: number;
  /** Rows a PgUp/PgDn moves. */
  page: number;
  /** Where the selection starts; null: nothing selected until the first move. */
  initial?: number | null;
}

export interface PressOptions {
  /** j/k move (false while letters are typed into a filter). */
  letters?: boolean;
  /** The list's length now, when a key before this one in the same burst changed it (a filter). */
  count?: number;
}

export interface ListSelection {
  /** The selected index for drawing (clamped to the list), or null. */
  selected: number | null;
  /** The selection as of the last key handled, even before React redraws: what Enter acts on. */
  current(count?: number): number | null;
  /** Applies one key press; true when it was a list key. */
  press(input: string, key: Key, opts?: PressOptions): boolean;
  select(index: number | null): void;
}

const clampTo = (i: number | null, count: number) => (i === null || count <= 0 ? null : Math.min(i, count - 1));

/**
 * One selection for every list. The index lives in a ref so keys that arrive
 * in one burst (↓ then ⏎) act in order on what the one before did; React state
 * only asks for the redraw.
 */
export function useListSelection({ count, page, initial = 0 }: ListSelectionOptions): ListSelection {
  const index = useRef<number | null>(initial);
  const [, redraw] = useState(0);
  const select = useCallback((i: number | null) => {
    index.current = i;
    redraw((v) => v + 1);
  }, []);
  const current = useCallback((n?: number) => clampTo(index.current, n ?? count), [count]);
  const press = useCallback(
    (input: string, key: Key, opts: PressOptions = {}) => {
      const move = listMoveFor(input, key, opts.letters ?? true);
      if (!move) return false;
      const n = opts.count ?? count;
      select(moveSelection(clampTo(index.current, n), move, n, page));
      return true;
    },
    [count, page, select],
  );
  return { selected: clampTo(index.current, count), current, press, select };
}
