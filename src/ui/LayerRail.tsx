import { memo } from 'react';
import type React from 'react';
import { Box, Text } from 'ink';
import { layers } from '../checks/types.js';
import type { Layer } from '../checks/types.js';
import type { Tone } from './ThemeProvider.js';
import { useTone } from './ThemeProvider.js';
import type { LayerVerdicts, Verdict } from './verdict.js';
import type { StepView } from './walkReducer.js';

export interface LayerRailProps {
  current: Layer | null;
  verdicts: LayerVerdicts;
}

export const verdictMark: Record<Verdict, { symbol: string; tone: Tone }> = {
  ok: { symbol: '✓', tone: 'ok' },
  finding: { symbol: '✗', tone: 'finding' },
  error: { symbol: '!', tone: 'error' },
};

/** A check that had nothing to look at: neither a pass nor a blind spot. */
const notApplicableMark: { symbol: string; tone: Tone } = { symbol: '–', tone: 'muted' };

/** A settled step's mark and outcome word, as the scrollback and the step list show them; `answered` names an ask step's answer. */
export function stepMark(step: StepView, answered: string): { mark: { symbol: string; tone: Tone }; outcome: string } {
  if (step.result?.notApplicable) return { mark: notApplicableMark, outcome: 'not applicable' };
  if (step.result) return { mark: verdictMark[step.result.verdict], outcome: step.result.outcome };
  return { mark: { symbol: '✓', tone: 'ok' }, outcome: step.answer ? answered : step.status };
}

/** pod · node · cluster · host: where the walk is, and what each layer it left concluded. */
/** Memoized: it changes only when a layer's verdict does, not on every session event. */
export const LayerRail = memo(function LayerRail({ current, verdicts }: LayerRailProps): React.JSX.Element {
  const tone = useTone();
  return (
    <Box>
      {layers.map((layer, i) => {
        const verdict = verdicts[layer];
        const sep = i > 0 ? <Text {...tone('muted')}> › </Text> : null;
        if (layer === current) {
          return (
            <Text key={layer}>
              {sep}
              <Text {...tone('accent')}>● {layer}</Text>
            </Text>
          );
        }
        if (verdict) {
          const mark = verdictMark[verdict];
          return (
            <Text key={layer}>
              {sep}
              <Text {...tone(mark.tone)}>
                {mark.symbol} {layer} {verdict}
              </Text>
            </Text>
          );
        }
        return (
          <Text key={layer}>
            {sep}
            <Text {...tone('muted')}>○ {layer}</Text>
          </Text>
        );
      })}
    </Box>
  );
});
