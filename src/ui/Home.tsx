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

/** The three ways to do a drill: `plumbline drill <id>`, `--guided`, `--free`. */
export type DrillMode = 'walk' | 'guided' | 'free';

export const drillModes: readonly { mode: DrillMode; line: string }[] = [
  { mode: 'walk', line: 'plumbline runs the checks and explains each' },
  { mode: 'guided', line: "you predict each check's outcome, then name the root cause; scored" },
  { mode: 'free', line: 'you choose the checks, layer by layer; scored' },
];

export type HomeChoice = { kind: 'drill'; id: string; mode: DrillMode } | { kind: 'runbook'; id: string };

type Entry = { kind: HomeChoice['kind']; id: string; title: string; detail: string };

/** Lines the home screen needs besides the list: title, two section headers, the detail and the footer. */
const chromeRows = 7;

/**
 * The screen `plumbline` opens on: the drills and the runbooks, one list;
 * ↑/↓ or j/k select, Enter chooses, q or Esc leaves without choosing.
 * Enter on a drill asks for its mode first (1/2/3 or ↑/↓ and Enter; Esc back to the list).
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
  // The drill whose mode is being asked for, and the mode selected; null while on the list.
  const [asking, setAsking] = useState<Entry | null>(null);
  const [modeIndex, setModeIndex] = useState(0);

  const choose = (c: HomeChoice | null) => {
    setChosen(true);
    onChoose(c);
  };

  useInput((input, key) => {
    if (chosen) return;
    // A held key or a fast terminal can deliver several j/k presses in one chunk.
    const moves = /^[jk]+$/.test(input) ? [...input].reduce((n, c) => n + (c === 'j' ? 1 : -1), 0) : 0;
    const last = asking ? drillModes.length - 1 : entries.length - 1;
    const move = asking ? setModeIndex : setSelected;
    if (key.downArrow || moves > 0) move((s) => Math.min(s + Math.max(moves, 1), last));
    else if (key.upArrow || moves < 0) move((s) => Math.max(s + Math.min(moves, -1), 0));
    else if (asking) {
      const picked = /^[1-9]$/.test(input) ? drillModes[Number(input) - 1] : key.return ? drillModes[modeIndex] : undefined;
      if (picked) choose({ kind: 'drill', id: asking.id, mode: picked.mode });
      else if (key.escape) setAsking(null);
      else if (input === 'q' || (key.ctrl && input === 'c')) choose(null);
    } else if (key.return) {
      const e = entries[selected];
      if (!e) return;
      if (e.kind === 'drill') {
        setModeIndex(0);
        setAsking(e);
      } else choose({ kind: 'runbook', id: e.id });
    } else if (input === 'q' || key.escape || (key.ctrl && input === 'c')) choose(null);
  });

  if (asking) return <ModeChoice drill={asking} selected={modeIndex} />;

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
        {current?.kind === 'runbook' ? 'show the command to run it' : 'choose how to do the drill'} <Text {...tone('muted')}>·</Text> <Text {...tone('accent')}>q</Text> quit
      </Text>
    </Box>
  );
}

/** The mode question for one drill: the three modes, one line each. */
function ModeChoice({ drill, selected }: { drill: Entry; selected: number }): React.JSX.Element {
  const tone = useTone();
  const nameWidth = Math.max(...drillModes.map((m) => m.mode.length));
  return (
    <Box flexDirection="column">
      <Text {...tone('accent')} wrap="truncate-end">
        plumbline: how do you want to do {drill.id}?
      </Text>
      <Text wrap="truncate-end">
        <Text {...tone('strong')}>{drill.title}</Text>
      </Text>
      <Text wrap="truncate-end">
        <Text {...tone('muted')}>page: </Text>
        {drill.detail}
      </Text>
      <Text> </Text>
      {drillModes.map((m, i) => (
        <Text key={m.mode} wrap="truncate-end">
          <Text {...tone(i === selected ? 'accent' : 'muted')}>{i === selected ? '› ' : '  '}</Text>
          <Text {...tone('accent')}>{i + 1}</Text> <Text {...(i === selected ? tone('strong') : {})}>{m.mode.padEnd(nameWidth)}</Text>
          {'  '}
          <Text {...tone('muted')}>{m.line}</Text>
        </Text>
      ))}
      <Text> </Text>
      <Text {...tone('muted')} wrap="truncate-end">
        scored drills are kept: plumbline drill --history shows your progress
      </Text>
      <Text wrap="truncate-end">
        <Text {...tone('accent')}>1/2/3</Text> or <Text {...tone('accent')}>↑/↓ ⏎</Text> start <Text {...tone('muted')}>·</Text>{' '}
        <Text {...tone('accent')}>esc</Text> back to the list <Text {...tone('muted')}>·</Text> <Text {...tone('accent')}>q</Text> quit
      </Text>
    </Box>
  );
}
