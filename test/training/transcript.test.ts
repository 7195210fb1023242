import { describe, expect, it } from 'vitest';
import { parseTranscript } from '../../src/transcript/read.js';

const line = (seq: number, e: Record<string, unknown>) =>
  JSON.stringify({ v: 1, seq, t: '2026-11-25T10:00:00.000Z', ...e });

describe('drill events in a transcript', () => {
  it('are read beside the engine events, in order, and keep the seq check', () => {
    const text = [
      line(1, { type: 'drill.start', mode: 'guided', scenario: 's', seed: null, difficulty: null, hints: 2 }),
      line(2, { type: 'mode.change', auto: false }),
      line(3, {
        type: 'drill.prediction',
        step: 'pod-status',
        check: 'pod.status',
        layer: 'pod',
        predicted: 'running',
      }),
      line(4, { type: 'drill.hint', index: 1, text: 'look at the events' }),
      line(5, { type: 'drill.pick', diagnosis: 'x', correct: false }),
      line(4, { type: 'drill.reveal', diagnosis: 'y' }),
      line(7, {
        type: 'drill.prediction',
        step: 'pod-status',
        check: 'pod.status',
        layer: 'kernel',
        predicted: 'running',
      }),
    ].join('\n');
    const parsed = parseTranscript(`${text}\n`);
    expect(parsed.events.map((e) => e.type)).toEqual(['mode.change']);
    expect(parsed.drill.map((e) => e.type)).toEqual([
      'drill.start',
      'drill.prediction',
      'drill.hint',
      'drill.pick',
      'drill.reveal',
    ]);
    expect(parsed.problems).toEqual([
      'line 6: seq 4 does not follow seq 5 (lines reordered or two sessions in one file)',
      expect.stringMatching(/^line 7: drill\.prediction event layer: /),
    ]);
  });
});
