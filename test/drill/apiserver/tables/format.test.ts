import { describe, expect, it } from 'vitest';
import {
  accessModes,
  formatLabels,
  formatLabelSelector,
  labelSelectorString,
  listWithMore,
} from '../../../../src/drill/apiserver/tables/format.js';

describe('printer formatting helpers', () => {
  it.each([
    [{}, '<none>'],
    [{ b: '2', a: '1' }, 'a=1,b=2'],
  ])('formatLabels(%j) is %s', (labels, text) => {
    expect(formatLabels(labels)).toBe(text);
  });

  it.each([
    [undefined, ''],
    [{}, ''],
    [{ matchLabels: { tier: 'web', app: 'shop' } }, 'app=shop,tier=web'],
    [
      {
        matchLabels: { app: 'shop' },
        matchExpressions: [
          { key: 'zone', operator: 'In', values: ['b', 'a'] },
          { key: 'canary', operator: 'DoesNotExist' },
          { key: 'env', operator: 'NotIn', values: ['dev'] },
          { key: 'gpu', operator: 'Exists' },
        ],
      },
      'app=shop,!canary,env notin (dev),gpu,zone in (a,b)',
    ],
  ])('labelSelectorString(%j) is %j', (selector, text) => {
    expect(labelSelectorString(selector)).toBe(text);
  });

  it('formatLabelSelector says <none> for a selector that selects nothing in particular', () => {
    expect(formatLabelSelector({})).toBe('<none>');
    expect(formatLabelSelector({ matchLabels: { a: 'b' } })).toBe('a=b');
  });

  it('prints access modes in the fixed RWO, ROX, RWX, RWOP order', () => {
    expect(accessModes(['ReadWriteMany', 'ReadWriteOncePod', 'ReadWriteOnce', 'ReadWriteOnce'])).toBe('RWO,RWX,RWOP');
    expect(accessModes(undefined)).toBe('');
  });

  it('shortens long lists after three', () => {
    expect(listWithMore([])).toBe('<unset>');
    expect(listWithMore(['a', 'b', 'c'])).toBe('a,b,c');
    expect(listWithMore(['a', 'b', 'c', 'd', 'e'])).toBe('a,b,c + 2 more...');
  });
});
