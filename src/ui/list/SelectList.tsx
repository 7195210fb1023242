import type React from 'react';
import { Box, Text } from 'ink';
import { useTone } from '../ThemeProvider.js';

export interface SelectItem {
  /** Stable and unique: the React key. */
  id: string;
  /** Items with the same group sit under one header line; a change of group starts a new one. */
  group?: string;
  /** The row after the selection marker, for the item selected or not. */
  row: (selected: boolean) => React.ReactNode;
}

export interface SelectListProps {
  items: readonly SelectItem[];
  selected: number | null;
  /** Screen rows the list may take, group headers included. */
  rows: number;
  /** What to say when there is nothing to list. */
  empty?: string;
  /** With nothing selected, show the list's end (a history: the newest) rather than its start. */
  follow?: 'start' | 'end';
}

type Line = { kind: 'group'; text: string } | { kind: 'item'; item: SelectItem; index: number };

/** The lines a list draws: a header before each group, then its items. */
export function listLines(items: readonly SelectItem[]): Line[] {
  const lines: Line[] = [];
  let group: string | undefined;
  items.forEach((item, index) => {
    if (item.group !== undefined && item.group !== group) lines.push({ kind: 'group', text: item.group });
    group = item.group;
    lines.push({ kind: 'item', item, index });
  });
  return lines;
}

/** The first line shown: a window of `rows` around the selection, its group header kept in view when it fits. */
export function windowStart(
  lines: readonly Line[],
  selected: number | null,
  rows: number,
  follow: 'start' | 'end' = 'start',
): number {
  if (lines.length <= rows) return 0;
  if (selected === null) return follow === 'end' ? lines.length - rows : 0;
  const at = lines.findIndex((l) => l.kind === 'item' && l.index === selected);
  const header = at > 0 && lines[at - 1]?.kind === 'group' ? at - 1 : at;
  const centred = Math.max(0, at - Math.floor(rows / 2));
  return Math.min(Math.max(0, lines.length - rows), at - header < rows ? Math.min(centred, header) : centred);
}

/** The one list every screen uses (home, the root-cause picker, the free drill's checks, the walk's history): a window that follows the selection. */
export function SelectList({ items, selected, rows, empty, follow = 'start' }: SelectListProps): React.JSX.Element {
  const tone = useTone();
  const lines = listLines(items);
  const first = windowStart(lines, selected, Math.max(1, rows), follow);
  const shown = lines.slice(first, first + Math.max(1, rows));
  if (items.length === 0) return <Text {...tone('muted')}>{empty ?? 'nothing to list'}</Text>;
  return (
    <Box flexDirection="column">
      {shown.map((line, i) =>
        line.kind === 'group' ? (
          <Text key={`group:${first + i}`} {...tone('strong')} wrap="truncate-end">
            {line.text}
          </Text>
        ) : (
          <Text key={line.item.id} wrap="truncate-end">
            <Text {...tone(line.index === selected ? 'accent' : 'muted')}>{line.index === selected ? '› ' : '  '}</Text>
            {line.item.row(line.index === selected)}
          </Text>
        ),
      )}
    </Box>
  );
}
