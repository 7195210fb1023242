import type React from 'react';
import { Text } from 'ink';
import { stepMark } from '../LayerRail.js';
import type { SelectItem } from '../list/SelectList.js';
import { useTone } from '../ThemeProvider.js';
import type { StepView } from '../walkReducer.js';

/** A finished step as the history lists it; `index` is its place in the walk. */
export interface HistoryEntry {
  step: StepView;
  index: number;
}

/** Entries whose step id, title, layer, outcome, summary or evidence contain every word typed. */
export function filterHistory(entries: readonly HistoryEntry[], query: string): HistoryEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...entries];
  return entries.filter(({ step }) => {
    const r = step.result;
    const hay = [
      step.step,
      step.title,
      step.layer,
      r?.outcome,
      r?.summary,
      ...(r?.evidence ?? []).map((e) => `${e.label} ${e.value}`),
      step.answer?.label,
      ...(step.notes ?? []),
    ]
      .filter(Boolean)
      .join(' ')
      .toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

function Row({ step, on }: { step: StepView; on: boolean }): React.JSX.Element {
  const tone = useTone();
  const { mark, outcome } = stepMark(step, step.answer?.label ?? '');
  return (
    <>
      <Text {...tone(mark.tone)}>{mark.symbol}</Text> <Text {...tone('muted')}>{step.layer.padEnd(7)}</Text>{' '}
      <Text {...tone(mark.tone)}>{outcome}</Text>
      <Text {...tone('muted')}> · </Text>
      <Text {...(on ? tone('strong') : {})}>{step.title}</Text>
      {step.notes?.length ? <Text {...tone('muted')}> (note)</Text> : null}
    </>
  );
}

/** The history as SelectList items: one line per finished step, its outcome before its title so a narrow screen keeps it. */
export function historyItems(entries: readonly HistoryEntry[]): SelectItem[] {
  return entries.map(({ step, index }) => ({ id: `${index}:${step.step}`, row: (on) => <Row step={step} on={on} /> }));
}
