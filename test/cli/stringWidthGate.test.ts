import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a build script, plain JavaScript without types
import { gateRgiEmoji } from '../../scripts/stringWidthGate.mjs';

const gate = gateRgiEmoji as (text: string) => string | undefined;
const require = createRequire(import.meta.url);

type Width = (s: string) => number;

/** string-width as published and as the bundle has it (scripts/build.mjs), each loaded from a file of its own. */
async function bothWidths(): Promise<{ original: Width; gated: Width; gatedText: string }> {
  const file = require.resolve('string-width');
  const text = readFileSync(file, 'utf8');
  const gatedText = gate(text);
  if (gatedText === undefined) throw new Error(`${file} no longer reads as scripts/stringWidthGate.mjs expects`);
  // Its own imports, by absolute URL: the copies live outside node_modules.
  const absolute = (t: string) =>
    t.replace(
      /from '(strip-ansi|get-east-asian-width)'/g,
      (_m, name: string) => `from '${pathToFileURL(require.resolve(name)).href}'`,
    );
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-string-width-'));
  writeFileSync(join(dir, 'original.mjs'), absolute(text));
  writeFileSync(join(dir, 'gated.mjs'), absolute(gatedText));
  const original = ((await import(pathToFileURL(join(dir, 'original.mjs')).href)) as { default: Width }).default;
  const gated = ((await import(pathToFileURL(join(dir, 'gated.mjs')).href)) as { default: Width }).default;
  return { original, gated, gatedText };
}

describe("the bundle's string-width (its emoji expression built only when a grapheme could be one)", () => {
  it('no longer builds the RGI emoji expression as it loads', async () => {
    const { gatedText } = await bothWidths();
    expect(gatedText).not.toContain('const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;');
    expect(gatedText).toContain('isRgiEmoji(segment)');
    // The gate the test below checks.
    expect(gatedText).toContain(String.raw`const mayBeRgiEmoji = /[\p{Emoji}--\p{ASCII}]|\u20E3/v;`);
  });

  it('measures what the published one does: emoji of every kind, CJK, Hangul, marks, ANSI', async () => {
    const { original, gated } = await bothWidths();
    const texts = [
      '✓ pod ok › ✓ node ok › ● cluster › ○ host',
      '⠋ starting the drill cluster… (q quits) ⏎ ↑↓',
      '🙂 😀 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 🏴󠁧󠁢󠁳󠁣󠁴󠁿 🇯🇵 🇺🇸',
      '#️⃣ *️⃣ 1️⃣ 1⃣ #⃣ ©️ ® ™️ ‼ ⚠ ⚠️ ✔ ✔️ ☺ ☺️ ❤ ❤️',
      '日本語のテキスト 한국어 텍스트 각 ｶﾞ ＡＢＣ',
      'é e\u0301 a\u0308\u0304 \u200b\u200d x\u0903 ก\u0e31',
      '\u001b[31mred\u001b[0m \u001b[1m✓ bold\u001b[22m',
      'plain ASCII, digits 0123456789 and # * marks',
      '',
    ];
    for (const t of texts) expect(gated(t), t).toBe(original(t));
  });

  it('finds every RGI emoji by its gate: each code point, alone, with VS16 and as a keycap', async () => {
    const { original, gated } = await bothWidths();
    const rgi = new RegExp('^\\p{RGI_Emoji}$', 'v');
    // The gate as scripts/stringWidthGate.mjs writes it.
    const mayBe = new RegExp('[\\p{Emoji}--\\p{ASCII}]|\\u20E3', 'v');
    const missed: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      for (const s of [c, `${c}\uFE0F`, `${c}\uFE0F\u20E3`]) if (!mayBe.test(s) && rgi.test(s)) missed.push(s);
    }
    expect(missed).toEqual([]);
    // And a width on each side of the gate, measured alike.
    for (const s of ['\u{1F600}', '\u2714\uFE0F', '1\uFE0F\u20E3', '\u{1F3FB}', '\u{1F1EF}', 'A', '\u00A9'])
      expect(gated(s), s).toBe(original(s));
  }, 60_000);
});
