import { describe, expect, it } from 'vitest';
import { parseFieldSelector } from '../../../src/kube/selectors/fields.js';
import { SelectorError } from '../../../src/kube/selectors/error.js';

const supported = (f: string): boolean => ['metadata.name', 'spec.nodeName', 'status.phase'].includes(f);
const unsupported = (f: string): string => `field label not supported: ${f}`;
const fields: Record<string, string> = { 'metadata.name': 'a,b=c', 'spec.nodeName': '', 'status.phase': 'Running' };

describe('field selectors', () => {
  it.each([
    ['', true],
    ['status.phase=Running', true],
    ['status.phase==Running', true],
    ['status.phase!=Running', false],
    ['spec.nodeName=', true],
    ['spec.nodeName!=', false],
    ['status.phase=Running,spec.nodeName=', true],
    ['status.phase=Running,spec.nodeName=n1', false],
    ['metadata.name=a\\,b\\=c', true],
  ])('%j matches: %s', (selector, expected) => {
    expect(parseFieldSelector(selector, supported, unsupported).matches((f) => fields[f] ?? '')).toBe(expected);
  });

  it.each([
    ['spec.containers=x', 'field label not supported: spec.containers'],
    // Terms are checked in sorted order, as upstream sorts them before converting.
    ['z.field=1,a.field=2', 'field label not supported: a.field'],
    ['status.phase', "invalid selector: 'status.phase'; can't understand 'status.phase'"],
    ['status.phase=a=b', 'invalid field selector: unescaped character in value: 61'],
    ['status.phase=a\\x', 'invalid field selector: invalid escape sequence: \\x'],
  ])('rejects %j: %s', (selector, message) => {
    let err: unknown;
    try {
      parseFieldSelector(selector, supported, unsupported);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SelectorError);
    expect((err as SelectorError).message).toBe(message);
  });

  it('names the value an equality pins, not an inequality', () => {
    const s = parseFieldSelector('spec.nodeName=n1,status.phase!=Failed', supported, unsupported);
    expect([s.pinned('spec.nodeName'), s.pinned('status.phase')]).toEqual(['n1', undefined]);
  });
});
