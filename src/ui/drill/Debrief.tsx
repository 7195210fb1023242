import type React from 'react';
import { Box, Text } from 'ink';
import { Section } from '../DiagnosisView.js';
import { formatElapsed } from '../text.js';
import { useTone } from '../ThemeProvider.js';
import type { Debrief as DebriefModel } from '../../training/debrief.js';

/** The end of a drill: the verdict, the score, the two paths side by side, the chain, the fix, what to read next. */
export function Debrief({ debrief: d, width }: { debrief: DebriefModel; width: number }): React.JSX.Element {
  const tone = useTone();
  const right = d.predictions.filter((p) => p.right === true).length;
  const wrong = d.predictions.filter((p) => p.right === false).length;
  const wrongPicks = d.picks.filter((p) => !p.correct);
  const half = Math.max(20, Math.floor((width - 4) / 2));
  const rows = Math.max(d.checksRun.length, d.shortestPath?.length ?? 0);
  return (
    <Box flexDirection="column">
      {/* One line: on an 80×24 screen the verdict must stay in view above a long chain and fix. */}
      <Text wrap="truncate-end">
        <Text {...tone(d.correct ? 'ok' : 'finding')}>{d.correct ? 'DEBRIEF ✓ correct' : 'DEBRIEF ✗ not found'}</Text>
        {d.expected ? ` · ${d.expected.id}: ${d.expected.title}` : ''}
      </Text>
      <Text>
        score <Text {...tone('strong')}>{d.score.total}</Text>/{d.maxScore} · time {formatElapsed(d.durationMs)} ·
        predictions {right} right, {wrong} wrong · hints {d.hints.length}
        {wrongPicks.length > 0 ? ` · wrong picks: ${wrongPicks.map((p) => p.id).join(', ')}` : ''}
      </Text>
      <Text {...tone('muted')} wrap="truncate-end">
        correctness {d.score.correctness} + efficiency {d.score.efficiency} + predictions {d.score.predictions} + time{' '}
        {d.score.time} − hints {d.score.hintPenalty}
      </Text>
      <Box>
        <Box width={half} flexDirection="column">
          <Text {...tone('strong')}>you ran ({d.checksRun.length})</Text>
          {Array.from({ length: rows }, (_, i) => {
            const s = d.checksRun[i];
            return (
              <Text key={i} wrap="truncate-end">
                {s ? `${i + 1}. ${s.step} → ${s.outcome ?? ''}` : ' '}
              </Text>
            );
          })}
        </Box>
        <Box width={half} flexDirection="column">
          <Text {...tone('strong')}>shortest path ({d.shortestPath?.length ?? '?'})</Text>
          {Array.from({ length: rows }, (_, i) => {
            const s = d.shortestPath?.[i];
            return (
              <Text key={i} wrap="truncate-end">
                {s ? `${i + 1}. ${s.step}` : ' '}
              </Text>
            );
          })}
        </Box>
      </Box>
      {d.chain.length > 0 ? (
        <Box marginTop={1} flexDirection="column">
          <Section title="causal chain" titleTone="strong" items={d.chain} width={width} numbered />
        </Box>
      ) : null}
      <Section title="fix" titleTone="strong" items={d.fix} width={width} />
      {d.readNext.length > 0 ? (
        <Box flexDirection="column">
          <Text {...tone('strong')}>read next</Text>
          {/* One line each, three at most: an 80×24 screen keeps the score in view; the report has them all. */}
          {d.readNext.slice(0, 3).map((r, i) => (
            <Text key={i} wrap="truncate-end" {...tone('muted')}>
              - {r}
            </Text>
          ))}
          {d.readNext.length > 3 ? (
            <Text {...tone('muted')}> … {d.readNext.length - 3} more in plumbline report</Text>
          ) : null}
        </Box>
      ) : null}
    </Box>
  );
}
