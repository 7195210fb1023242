import { useEffect, useRef, useState } from 'react';
import type { Key } from 'ink';
import type { KeyCommand } from '../keys.js';
import { moveSelection } from '../list/selection.js';
import type { ListSelection } from '../list/useListSelection.js';
import { useLineEditor } from '../useLineEditor.js';
import { useListSelection } from '../list/useListSelection.js';
import type { PagerDoc } from './pagerLines.js';
import type { HistoryEntry } from './StepHistory.js';
import { filterHistory } from './StepHistory.js';

export type BrowseView = 'main' | 'pager' | 'help';

/** What `e` opens: a step of the history, or a document the screen makes (the diagnosis). */
export type PagerTarget = { kind: 'step'; index: number } | { kind: 'doc'; name: string };

export interface Browse {
  view: BrowseView;
  query: string;
  typing: boolean;
  /** The history after the filter. */
  shown: HistoryEntry[];
  list: ListSelection;
  target: PagerTarget | null;
  offset: number;
  /** The view as of the last key, before React redraws (a burst of keys). */
  viewNow(): BrowseView;
  typingNow(): boolean;
  selectedNow(): boolean;
  /** While a filter is typed, a key is its text: true when the key was taken. */
  typeFilter(input: string, key: Key): boolean;
  /**
   * Handles the browsing commands (open, move, back, filter, help); false for
   * the others. `fallback` is what `e` opens with no row selected.
   */
  handle(
    command: KeyCommand,
    opts: { fallback: PagerTarget | null; doc: (t: PagerTarget) => PagerDoc | null; pagerRows: number },
  ): boolean;
}

/**
 * History, filter, pager and help for a walk screen: the finished steps listed
 * (↑/↓ select, / filters), one opened in full (⏎ or e, esc back), `?` over it.
 * State is in refs as well as React state, so a burst of keys acts in order.
 */
export function useBrowse(entries: readonly HistoryEntry[], page: number): Browse {
  const [view, setViewState] = useState<BrowseView>('main');
  const viewRef = useRef<BrowseView>('main');
  const setView = (v: BrowseView) => {
    viewRef.current = v;
    setViewState(v);
  };
  const [typing, setTypingState] = useState(false);
  const typingRef = useRef(false);
  const setTyping = (t: boolean) => {
    typingRef.current = t;
    setTypingState(t);
  };
  // The filter is typed in the shared line editor: ⏎ keeps it, esc clears it. The applied query outlives the typing.
  const [query, setQueryState] = useState('');
  const queryRef = useRef('');
  const setQuery = (q: string) => {
    queryRef.current = q;
    setQueryState(q);
  };
  const editor = useLineEditor({
    isActive: typing,
    onSubmit: () => setTyping(false),
    onCancel: () => {
      setQuery('');
      setTyping(false);
      list.select(null);
    },
  });
  useEffect(() => {
    if (!typing || editor.text === queryRef.current) return;
    setQuery(editor.text);
    list.select(null);
  });
  const [target, setTargetState] = useState<PagerTarget | null>(null);
  const targetRef = useRef<PagerTarget | null>(null);
  const [offset, setOffsetState] = useState(0);
  const offsetRef = useRef(0);
  const setOffset = (o: number) => {
    offsetRef.current = o;
    setOffsetState(o);
  };
  const shown = filterHistory(entries, query);
  const list = useListSelection({ count: shown.length, page, initial: null });
  const shownNow = () => filterHistory(entries, queryRef.current);

  const open = (t: PagerTarget | null, doc: (t: PagerTarget) => PagerDoc | null) => {
    if (!t || !doc(t)) return;
    targetRef.current = t;
    setTargetState(t);
    setOffset(0);
    setView('pager');
  };

  return {
    view,
    query,
    typing,
    shown,
    list,
    target,
    offset,
    viewNow: () => viewRef.current,
    typingNow: () => typingRef.current,
    selectedNow: () => list.current(shownNow().length) !== null,
    typeFilter(input, key) {
      if (!typingRef.current) return false;
      // The editor has the text; the arrows still move through what it matches.
      if (key.upArrow || key.downArrow) list.press(input, key, { letters: false, count: shownNow().length });
      return true;
    },
    handle(command, { fallback, doc, pagerRows }) {
      const v = viewRef.current;
      switch (command.type) {
        case 'open': {
          const now = shownNow();
          const at = list.current(now.length);
          const entry = at === null ? undefined : now[at];
          open(entry ? { kind: 'step', index: entry.index } : fallback, doc);
          return true;
        }
        case 'move': {
          if (v === 'pager') {
            const current = targetRef.current ? doc(targetRef.current) : null;
            const last = current ? Math.max(0, current.lines.length - (pagerRows - 1)) : 0;
            const moved =
              moveSelection(Math.min(offsetRef.current, last), command.move, last + 1, Math.max(1, pagerRows - 2)) ?? 0;
            setOffset(moved);
            return true;
          }
          const n = shownNow().length;
          // Nothing selected: ↑ starts at the newest step, the one just above the current.
          list.select(moveSelection(list.current(n), command.move, n, page));
          return true;
        }
        case 'back':
          if (v !== 'main') setView('main');
          else if (list.current(shownNow().length) !== null) list.select(null);
          else if (queryRef.current) {
            setQuery('');
            list.select(null);
          }
          return true;
        case 'filter':
          editor.clear();
          setQuery('');
          setTyping(true);
          return true;
        case 'help':
          setView(v === 'help' ? 'main' : 'help');
          return true;
        default:
          return false;
      }
    },
  };
}
