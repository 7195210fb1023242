import type React from 'react';
import { Box, Text } from 'ink';
import { useTone } from '../ThemeProvider.js';
import type { InstructorModel } from '../../training/instructor.js';

/** The game master's screen: the answer and the shortest path, then the trainee's steps as they happen. */
export function InstructorView({
  model: m,
  transcript,
}: {
  model: InstructorModel;
  transcript: string;
}): React.JSX.Element {
  const tone = useTone();
  return (
    <Box flexDirection="column">
      <Text>
        <Text {...tone('accent')}>instructor</Text> · {m.scenario} ·{' '}
        <Text {...tone('muted')}>following {transcript}</Text>
      </Text>
      <Text>
        answer:{' '}
        <Text {...tone('strong')}>{m.expected ? `${m.expected.title} (${m.expected.id})` : 'none expected'}</Text>
      </Text>
      <Text wrap="wrap">
        shortest path:{' '}
        {m.shortestPath
          ? m.shortestPath
              .filter((p) => p.kind === 'check')
              .map((p) => p.step)
              .join(' → ')
          : 'unknown'}
      </Text>
      <Box flexDirection="column" marginTop={1}>
        {!m.started ? <Text {...tone('muted')}>waiting for the trainee to start…</Text> : null}
        {m.steps.map((s, i) => (
          <Text key={i} wrap="truncate-end">
            <Text {...tone(s.right === null ? 'muted' : s.right ? 'ok' : 'finding')}>
              {s.right === null ? '·' : s.right ? '✓' : '✗'}
            </Text>{' '}
            {s.step} → {s.outcome ?? 'running…'}
            {s.predicted ? <Text {...tone('muted')}> (predicted {s.predicted})</Text> : null}
            {s.onShortestPath ? null : <Text {...tone('error')}> off the shortest path</Text>}
          </Text>
        ))}
        {m.hints.length > 0 ? <Text>hints taken: {m.hints.length}</Text> : null}
        {m.picks.map((p, i) => (
          <Text key={`p${i}`} {...tone(p.correct ? 'ok' : 'finding')}>
            picked {p.diagnosis}: {p.correct ? 'right' : 'wrong'}
          </Text>
        ))}
        {m.walkEnded && !m.debrief ? (
          <Text {...tone('accent')}>the walk is over; the trainee is naming the root cause</Text>
        ) : null}
        {m.debrief ? (
          <Text {...tone('strong')}>
            debrief: {m.debrief.correct ? 'correct' : 'not found'}, score {m.debrief.score}/{m.debrief.maxScore}
          </Text>
        ) : null}
      </Box>
    </Box>
  );
}
