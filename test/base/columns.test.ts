import { describe, expect, it } from 'vitest';
import { formatColumns, padCell } from '../../src/base/columns.js';

describe('formatColumns', () => {
  it('sizes each column by its widest cell, whatever that is', () => {
    expect(
      formatColumns([
        ['pod.status', 'pod', 'Pod status'],
        ['host.kube-proxy-rules-on-node', 'host', 'kube-proxy rules'],
      ]),
    ).toEqual([
      'pod.status                     pod   Pod status',
      'host.kube-proxy-rules-on-node  host  kube-proxy rules',
    ]);
  });

  it('measures cells as the terminal draws them: CJK takes two columns, colour none', () => {
    const lines = formatColumns([
      ['数据库', 'x'],
      ['\u001b[1mdb\u001b[22m', 'y'],
      ['abcdefg', 'z'],
    ]);
    expect(lines).toEqual(['数据库   x', '\u001b[1mdb\u001b[22m       y', 'abcdefg  z']);
  });

  it('right-aligns the columns asked for, indents, and leaves no trailing spaces', () => {
    expect(
      formatColumns(
        [
          ['SCENARIO', 'N', ''],
          ['a', '12', ''],
        ],
        { indent: '  ', align: ['left', 'right'] },
      ),
    ).toEqual(['  SCENARIO   N', '  a         12']);
  });

  it('pads one cell by terminal width', () => {
    expect(padCell('数据', 6)).toBe('数据  ');
    expect(padCell('toolong', 3)).toBe('toolong');
  });
});
