import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { eachKeyPress } from '../../../src/ui/list/keyPresses.js';
import { listLines, windowStart } from '../../../src/ui/list/SelectList.js';
import type { ListMove } from '../../../src/ui/list/selection.js';
import { listMoveFor, moveSelection } from '../../../src/ui/list/selection.js';
import { noKey } from '../../helpers/keys.js';

describe('moveSelection', () => {
  it.each<[number | null, ListMove, number, number | null]>([
    [null, 'down', 5, 0],
    [null, 'up', 5, 4],
    [0, 'up', 5, 0],
    [4, 'down', 5, 4],
    [1, 'page-down', 5, 4],
    [4, 'page-up', 5, 1],
    [null, 'page-down', 5, 2],
    [2, 'first', 5, 0],
    [2, 'last', 5, 4],
    [null, 'down', 0, null],
  ])('from %s, %s in a list of %i → %s (page 3)', (from, move, count, to) => {
    expect(moveSelection(from, move, count, 3)).toBe(to);
  });
});

describe('listMoveFor', () => {
  it('reads j/k only when letters are not being typed', () => {
    expect(listMoveFor('j', noKey, true)).toBe('down');
    expect(listMoveFor('j', noKey, false)).toBeUndefined();
    expect(listMoveFor('', { ...noKey, upArrow: true }, false)).toBe('up');
    expect(listMoveFor('', { ...noKey, pageDown: true }, false)).toBe('page-down');
    expect(listMoveFor('', { ...noKey, end: true }, true)).toBe('last');
  });
});

describe('eachKeyPress', () => {
  const presses = (input: string, key: Key = noKey) => {
    const out: string[] = [];
    eachKeyPress(input, key, (i, k) => out.push(k.return ? '⏎' : i));
    return out;
  };
  it('splits a burst of plain keys, Enter included, in order', () => {
    expect(presses('jj\r')).toEqual(['j', 'j', '⏎']);
    expect(presses('k')).toEqual(['k']);
  });
  it('keeps a key with ctrl, and a chunk holding other control characters, whole', () => {
    expect(presses('c', { ...noKey, ctrl: true })).toEqual(['c']);
    expect(presses('a\tb')).toEqual(['a\tb']);
  });
  it('splits by code point: CJK and emoji stay whole characters', () => {
    expect(presses('日本🙂')).toEqual(['日', '本', '🙂']);
  });
});

describe('the list window', () => {
  const items = Array.from({ length: 10 }, (_, i) => ({
    id: String(i),
    group: i < 5 ? 'a' : 'b',
    row: () => String(i),
  }));
  it('puts a header line before each group', () => {
    expect(listLines(items).map((l) => (l.kind === 'group' ? `[${l.text}]` : l.item.id))).toEqual([
      '[a]',
      '0',
      '1',
      '2',
      '3',
      '4',
      '[b]',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);
  });
  it('starts at the top while the selection fits, keeps its group header in view near it, and never runs past the end', () => {
    const lines = listLines(items);
    expect(windowStart(lines, 1, 5)).toBe(0);
    expect(windowStart(lines, 5, 5)).toBe(5);
    expect(windowStart(lines, 9, 5)).toBe(7);
    expect(windowStart(lines, null, 5)).toBe(0);
    // A history follows its newest entry while nothing is selected.
    expect(windowStart(lines, null, 5, 'end')).toBe(7);
  });
});
