import { useState } from 'react';
import type React from 'react';
import { Box, Text, useInput, useStdout } from 'ink';
import { useTone } from './ThemeProvider.js';

export interface HomeDrill {
  id: string;
  title: string;
  /** The page that opens the drill. */
  page: string;
}

export interface HomeRunbook {
  id: string;
  title: string;
  /** The symptom line, its inputs shown as `<name>`. */
  symptom: string;
}

export type HomeChoice = { kind: 'drill'; id: string } | { kind: 'runbook'; id: string };

type Entry = HomeChoice & { title: string; detail: string };

/** Lines the home screen needs besides the list: title, two section headers, the detail and the footer. */
const chromeRows = 7;

/**
 * The screen `plumbline` opens on: the drills and the runbooks, one list;
 * ↑/↓ or j/k select, Enter chooses, q or Esc leaves without choosing.
 */
export function Home({ drills, runbooks, onChoose }: { drills: readonly HomeDrill[]; runbooks: readonly HomeRunbook[]; onChoose: (choice: HomeChoice | null) => void }): React.JSX.Element {
  const tone = useTone();
  const { stdout } = useStdout();
  const entries: Entry[] = [
    ...drills.map((d): Entry => ({ kind: 'drill', id: d.id, title: d.title, detail: d.page })),
    ...runbooks.map((r): Entry => ({ kind: 'runbook', id: r.id, title: r.title, detail: r.symptom })),
  ];
  const [selected, setSelected] = useState(0);
  const [chosen, setChosen] = useState(false);

  useInput((input, key) => {
    if (chosen) return;
    // A held key or a fast terminal can deliver several j/k presses in one chunk.
    const moves = /^[jk]+$/.test(input) ? [...input].reduce((n, c) => n + (c === 'j' ? 1 : -1), 0) : 0;
    if (key.downArrow || moves > 0) setSelected((s) => Math.min(s + Math.max(moves, 1), entries.length - 1));
    else if (key.upArrow || moves < 0) setSelected((s) => Math.max(s + Math.min(moves, -1), 0));
    else if (key.return) {
      const e = entries[selected];
      if (!e) return;
      setChosen(true);
      onChoose({ kind: e.kind, id: e.id });
    } else if (input === 'q' || key.escape || (key.ctrl && input === 'c')) {
      setChosen(true);
      onChoose(null);
    }
  });

  // A window around the selection when the list is taller than the terminal.
  const room = Math.max(3, ((stdout as NodeJS.WriteStream).rows || 24) - chromeRows);
  const first = Math.min(Math.max(0, selected - Math.floor(room / 2)), Math.max(0, entries.length - room));
  const visible = entries.map((e, i) => ({ e, i })).slice(first, first + room);
  const idWidth = Math.max(0, ...entries.map((e) => e.id.length));
  const current = entries[selected];

  const row = ({ e, i }: { e: Entry; i: number }) => (
    <Text key={`${e.kind}:${e.id}`} wrap="truncate-end">
      <Text {...tone(i === selected ? 'accent' : 'muted')}>{i === selected ? '› ' : '  '}</Text>
      <Text {...(i === selected ? tone('strong') : {})}>{e.id.padEnd(idWidth)}</Text>
      {'  '}
      <Text {...tone('muted')}>{e.title}</Text>
    </Text>
  );
  const section = (kind: Entry['kind']) => visible.filter((v) => v.e.kind === kind);
  const drillRows = section('drill');
  const runbookRows = section('runbook');

  return (
    <Box flexDirection="column">
      <Text {...tone('accent')}>plumbline: pick a drill to practise, or a runbook to walk on your cluster</Text>
      {drillRows.length > 0 ? (
        <>
          <Text {...tone('strong')}>Drills (a simulated cluster with a fault)</Text>
          {drillRows.map(row)}
        </>
      ) : null}
      {runbookRows.length > 0 ? (
        <>
          <Text {...tone('strong')}>Runbooks (your current kube context)</Text>
          {runbookRows.map(row)}
        </>
      ) : null}
      {current ? (
        <Text wrap="truncate-end">
          <Text {...tone('muted')}>{current.kind === 'drill' ? 'page: ' : 'symptom: '}</Text>
          {current.detail}
        </Text>
      ) : (
        <Text {...tone('muted')}>no drills or runbooks are installed</Text>
      )}
      <Text wrap="truncate-end">
        <Text {...tone('accent')}>↑/↓ j/k</Text> select <Text {...tone('muted')}>·</Text> <Text {...tone('accent')}>⏎</Text>{' '}
        {current?.kind === 'runbook' ? 'show the command to run it' : 'start the drill'} <Text {...tone('muted')}>·</Text> <Text {...tone('accent')}>q</Text> quit
      </Text>
    </Box>
  );
}
