import { useEffect, useRef, useState } from 'react';
import type React from 'react';
import { Box, Text, useInput, useWindowSize } from 'ink';
import type { Difficulty } from '../training/record.js';
import { eachKeyPress } from './list/keyPresses.js';
import type { SelectItem } from './list/SelectList.js';
import { SelectList } from './list/SelectList.js';
import { useListSelection } from './list/useListSelection.js';
import { useTone } from './ThemeProvider.js';
import { useLineEditor } from './useLineEditor.js';

export interface HomeDrill {
  id: string;
  /** The page that opens the drill: all a trainee is told, as on call. */
  page: string;
  difficulty: Difficulty;
  runbook: string;
  runbookTitle: string;
}

export interface HomeRunbook {
  id: string;
  title: string;
  /** The symptom line, its inputs shown as `<name>`. */
  symptom: string;
}

/** The three ways to do a drill: `plumbline drill <id>`, `--guided`, `--free`. */
export type DrillMode = 'walk' | 'guided' | 'free';

export const drillModes: readonly { mode: DrillMode; line: string }[] = [
  { mode: 'walk', line: 'plumbline runs the checks and explains each' },
  { mode: 'guided', line: "you predict each check's outcome, then name the root cause; scored" },
  { mode: 'free', line: 'you choose the checks, layer by layer; scored' },
];

export type HomeChoice = { kind: 'drill'; id: string; mode: DrillMode } | { kind: 'runbook'; id: string };

type Entry = { kind: 'runbook'; runbook: HomeRunbook } | { kind: 'drill'; drill: HomeDrill };

const difficultyOrder: Record<Difficulty, number> = { easy: 0, medium: 1, hard: 2 };

/**
 * The entries in the order the screen lists them: runbooks first (what an
 * on-call engineer came for), then the drills grouped by the runbook they
 * practise, easiest first. A drill is named by its page and difficulty only:
 * its id and title name the cause.
 */
export function homeEntries(drills: readonly HomeDrill[], runbooks: readonly HomeRunbook[]): Entry[] {
  const order = new Map(runbooks.map((r, i) => [r.id, i]));
  const sorted = [...drills].sort(
    (a, b) =>
      (order.get(a.runbook) ?? order.size) - (order.get(b.runbook) ?? order.size) ||
      a.runbook.localeCompare(b.runbook) ||
      difficultyOrder[a.difficulty] - difficultyOrder[b.difficulty] ||
      a.page.localeCompare(b.page),
  );
  return [
    ...runbooks.map((runbook): Entry => ({ kind: 'runbook', runbook })),
    ...sorted.map((drill): Entry => ({ kind: 'drill', drill })),
  ];
}

/** Entries whose shown words contain every word typed (never the drill's id: it names the cause). */
export function filterEntries(entries: readonly Entry[], query: string): Entry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...entries];
  return entries.filter((e) => {
    const hay = (
      e.kind === 'runbook'
        ? `${e.runbook.id} ${e.runbook.title} ${e.runbook.symptom} runbook`
        : `${e.drill.page} ${e.drill.difficulty} ${e.drill.runbookTitle} ${e.drill.runbook} drill`
    ).toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** Rows the home screen needs besides the list: title, filter, detail, footer, and one spare so the frame never fills the terminal. */
const chromeRows = 5;

/**
 * The screen `plumbline` opens on. ↑/↓ j/k PgUp/PgDn Home/End move, `/` filters
 * (typing narrows, ⏎ or ↓ back to the list, esc clears), ⏎ chooses, q leaves.
 * Enter on a drill asks for its mode first (1/2/3 or ↑/↓ and Enter; esc back).
 */
export function Home({
  drills,
  runbooks,
  onChoose,
}: {
  drills: readonly HomeDrill[];
  runbooks: readonly HomeRunbook[];
  onChoose: (choice: HomeChoice | null) => void;
}): React.JSX.Element {
  const tone = useTone();
  const { rows } = useWindowSize();
  const room = Math.max(3, rows - chromeRows);
  const all = homeEntries(drills, runbooks);
  // The query and the typing flag live in refs too: a burst of keys reads what the key before it left.
  const queryRef = useRef('');
  const typingRef = useRef(false);
  const [query, setQueryState] = useState('');
  const [typing, setTypingState] = useState(false);
  const setQuery = (q: string) => {
    queryRef.current = q;
    setQueryState(q);
  };
  const setTyping = (t: boolean) => {
    typingRef.current = t;
    setTypingState(t);
  };
  const shown = filterEntries(all, query);
  const list = useListSelection({ count: shown.length, page: room - 1 });
  // The filter is typed in the shared line editor: ⏎ keeps it, esc clears it.
  const editor = useLineEditor({
    isActive: typing,
    onSubmit: () => setTyping(false),
    onCancel: () => {
      setQuery('');
      setTyping(false);
      list.select(0);
    },
  });
  useEffect(() => {
    if (!typing || editor.text === queryRef.current) return;
    setQuery(editor.text);
    list.select(0);
  });
  const [asking, setAsking] = useState<HomeDrill | null>(null);
  const askingRef = useRef<HomeDrill | null>(null);
  const modes = useListSelection({ count: drillModes.length, page: drillModes.length });
  const chosen = useRef(false);

  const choose = (c: HomeChoice | null) => {
    if (chosen.current) return;
    chosen.current = true;
    onChoose(c);
  };
  const ask = (d: HomeDrill | null) => {
    askingRef.current = d;
    setAsking(d);
    modes.select(0);
  };

  const pressOnList = (input: string, key: Parameters<Parameters<typeof useInput>[0]>[1]) => {
    const entries = filterEntries(all, queryRef.current);
    if (typingRef.current) {
      // The editor has the text; ↓ leaves it for the list, the arrows and pages move.
      if (key.downArrow) setTyping(false);
      list.press(input, key, { letters: false, count: entries.length });
      return;
    }
    if (list.press(input, key, { count: entries.length })) return;
    if (input === '/' && !key.ctrl) {
      editor.clear();
      setQuery('');
      setTyping(true);
      return;
    }
    if (key.return) {
      const e = entries[list.current(entries.length) ?? -1];
      if (!e) return;
      if (e.kind === 'drill') ask(e.drill);
      else choose({ kind: 'runbook', id: e.runbook.id });
      return;
    }
    if (key.escape && queryRef.current) {
      setQuery('');
      list.select(0);
      return;
    }
    if (input === 'q' || key.escape) choose(null);
  };

  useInput((input, key) => {
    if (chosen.current) return;
    if (key.ctrl && input === 'c') {
      choose(null);
      return;
    }
    eachKeyPress(input, key, (i, k) => {
      if (chosen.current) return;
      const drill = askingRef.current;
      if (!drill) {
        pressOnList(i, k);
        return;
      }
      if (modes.press(i, k)) return;
      const picked = /^[1-9]$/.test(i)
        ? drillModes[Number(i) - 1]
        : k.return
          ? drillModes[modes.current() ?? 0]
          : undefined;
      if (picked) choose({ kind: 'drill', id: drill.id, mode: picked.mode });
      else if (k.escape) ask(null);
      else if (i === 'q') choose(null);
    });
  });

  if (asking) return <ModeChoice drill={asking} selected={modes.selected ?? 0} />;

  const runbookWidth = Math.max(0, ...runbooks.map((r) => r.id.length));
  const items: SelectItem[] = shown.map((e) =>
    e.kind === 'runbook'
      ? {
          id: `runbook:${e.runbook.id}`,
          group: 'Runbooks (walk one on your current kube context)',
          row: (on) => (
            <>
              <Text {...(on ? tone('strong') : {})}>{e.runbook.id.padEnd(runbookWidth)}</Text>
              {'  '}
              <Text {...tone('muted')}>{e.runbook.title}</Text>
            </>
          ),
        }
      : {
          id: `drill:${e.drill.id}`,
          group: `Drills: ${e.drill.runbookTitle}`,
          row: (on) => (
            <>
              <Text {...tone('muted')}>{e.drill.difficulty.padEnd(6)}</Text>{' '}
              <Text {...(on ? tone('strong') : {})}>{e.drill.page}</Text>
            </>
          ),
        },
  );
  const current = shown[list.selected ?? -1];

  return (
    <Box flexDirection="column">
      <Text {...tone('accent')} wrap="truncate-end">
        plumbline: walk a runbook on your cluster, or practise on a drill
      </Text>
      <Text wrap="truncate-end">
        {typing || query ? (
          <>
            <Text {...tone('muted')}>filter: </Text>
            {query}
            {typing ? <Text inverse> </Text> : null}
            <Text {...tone('muted')}>
              {' '}
              ({shown.length} of {all.length})
            </Text>
          </>
        ) : (
          <Text {...tone('muted')}>
            {runbooks.length} runbooks, {drills.length} drills · / to filter
          </Text>
        )}
      </Text>
      <SelectList
        items={items}
        selected={list.selected}
        rows={room}
        empty={all.length === 0 ? 'no drills or runbooks are installed' : `nothing matches “${query}”`}
      />
      <Text wrap="truncate-end">
        {current?.kind === 'drill' ? (
          <>
            <Text {...tone('muted')}>page: </Text>
            {current.drill.page}
          </>
        ) : current?.kind === 'runbook' ? (
          <>
            <Text {...tone('muted')}>symptom: </Text>
            {current.runbook.symptom}
          </>
        ) : (
          ' '
        )}
      </Text>
      <Text wrap="truncate-end">
        {typing ? (
          <>
            <Text {...tone('accent')}>type</Text> to filter <Text {...tone('muted')}>·</Text>{' '}
            <Text {...tone('accent')}>⏎</Text> done <Text {...tone('muted')}>·</Text>{' '}
            <Text {...tone('accent')}>esc</Text> clear
          </>
        ) : (
          <>
            <Text {...tone('accent')}>↑↓ j/k PgUp/PgDn</Text> move <Text {...tone('muted')}>·</Text>{' '}
            <Text {...tone('accent')}>⏎</Text> {current?.kind === 'runbook' ? 'show how to run it' : 'start'}{' '}
            <Text {...tone('muted')}>·</Text> <Text {...tone('accent')}>/</Text> filter{' '}
            <Text {...tone('muted')}>·</Text> <Text {...tone('accent')}>q</Text> quit
          </>
        )}
      </Text>
    </Box>
  );
}

/** The mode question for one drill: the three modes, one line each. */
function ModeChoice({ drill, selected }: { drill: HomeDrill; selected: number }): React.JSX.Element {
  const tone = useTone();
  const nameWidth = Math.max(...drillModes.map((m) => m.mode.length));
  const items: SelectItem[] = drillModes.map((m, i) => ({
    id: m.mode,
    row: (on) => (
      <>
        <Text {...tone('accent')}>{i + 1}</Text> <Text {...(on ? tone('strong') : {})}>{m.mode.padEnd(nameWidth)}</Text>
        {'  '}
        <Text {...tone('muted')}>{m.line}</Text>
      </>
    ),
  }));
  return (
    <Box flexDirection="column">
      <Text {...tone('accent')} wrap="truncate-end">
        plumbline: how do you want to do this drill?
      </Text>
      <Text wrap="wrap">
        <Text {...tone('muted')}>page: </Text>
        {drill.page}
      </Text>
      <Text {...tone('muted')} wrap="truncate-end">
        {drill.difficulty} · runbook: {drill.runbookTitle}
      </Text>
      <Text> </Text>
      <SelectList items={items} selected={selected} rows={drillModes.length} />
      <Text> </Text>
      <Text {...tone('muted')} wrap="truncate-end">
        scored drills are kept: plumbline drill --history shows your progress
      </Text>
      <Text wrap="truncate-end">
        <Text {...tone('accent')}>1/2/3</Text> or <Text {...tone('accent')}>↑/↓ ⏎</Text> start{' '}
        <Text {...tone('muted')}>·</Text> <Text {...tone('accent')}>esc</Text> back to the list{' '}
        <Text {...tone('muted')}>·</Text> <Text {...tone('accent')}>q</Text> quit
      </Text>
    </Box>
  );
}
