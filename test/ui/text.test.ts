import { describe, expect, it } from 'vitest';
import { evidenceLines, formatDuration, formatElapsed, wrapText } from '../../src/ui/text.js';

describe('wrapText', () => {
  it.each<[string, string, number, string[]]>([
    ['short text stays one line', 'phase: Pending', 20, ['phase: Pending']],
    ['breaks at spaces', 'one two three four five', 10, ['one two', 'three four', 'five']],
    ['cuts a word longer than the line', 'sha256:0123456789abcdef', 10, ['sha256:012', '3456789abc', 'def']],
    ['keeps line breaks in the text', 'line one\nline two', 20, ['line one', 'line two']],
    ['an empty text is one empty line', '', 20, ['']],
    // Wide characters take two columns each: ten fit in twenty.
    ['measures CJK as two columns', 'ノードの準備ができていません です', 20, ['ノードの準備ができて', 'いません です']],
    ['never cuts an emoji or a flag apart', '🙂🙂🙂🙂🙂🇯🇵🇯🇵🇯🇵🇯🇵🇯🇵🇯🇵', 10, ['🙂🙂🙂🙂🙂', '🇯🇵🇯🇵🇯🇵🇯🇵🇯🇵', '🇯🇵']],
  ])('%s', (_name, text, width, expected) => {
    expect(wrapText(text, width)).toEqual(expected);
  });
});

describe('evidenceLines', () => {
  it('labels the first line of each item only', () => {
    expect(evidenceLines([{ label: 'message', value: 'a b c d e f g h i j k l' }], 16)).toEqual([
      { label: 'message:', text: ' a b c d' },
      { text: 'e f g h i j k l' },
    ]);
  });
});

describe('formatting', () => {
  it.each<[number, string]>([
    [0, '00:00'],
    [65_999, '01:05'],
    [3_723_000, '1:02:03'],
  ])('elapsed %d ms is %s', (ms, expected) => expect(formatElapsed(ms)).toBe(expected));

  it.each<[number, string]>([
    [14, '14 ms'],
    [1_500, '1.5 s'],
  ])('duration %d ms is %s', (ms, expected) => expect(formatDuration(ms)).toBe(expected));
});
