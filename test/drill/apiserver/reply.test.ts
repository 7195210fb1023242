import { describe, expect, it } from 'vitest';
import { utf8Reused } from '../../../src/drill/apiserver/reply.js';

// utf8Reused writes a reply's pieces into a reused buffer, counting a piece's bytes only when the room
// left might not hold it: whatever the text, the body must be exactly its UTF-8.
describe('utf8Reused', () => {
  const texts = [
    'plain ascii',
    'é und ü',
    '漢字かな',
    '😀 emoji 🚀',
    '\u0000\u001f',
    'x'.repeat(70_000),
    '€'.repeat(40_000),
  ];

  it('is the UTF-8 of the pieces joined, across growth and reuse of its buffer', () => {
    for (let round = 0; round < 3; round++) {
      for (let n = 1; n <= texts.length; n++) {
        const pieces = [...texts.slice(0, n), ...texts.slice(0, n).reverse()];
        const { body, written } = utf8Reused(pieces);
        expect(body.equals(Buffer.from(pieces.join(''), 'utf8'))).toBe(true);
        written();
      }
    }
  });

  it('does not hand out a buffer whose reply is still being written', () => {
    const first = utf8Reused(['a'.repeat(1000)]);
    const second = utf8Reused(['b'.repeat(1000)]);
    expect(first.body.toString()).toBe('a'.repeat(1000));
    expect(second.body.toString()).toBe('b'.repeat(1000));
    first.written();
    second.written();
    const third = utf8Reused(['c']);
    expect(third.body.toString()).toBe('c');
    expect(first.body.toString() + second.body.toString()).toContain('c');
  });
});
