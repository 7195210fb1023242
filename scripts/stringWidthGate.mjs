// string-width (ink measures every line with it) tests each grapheme of a non-ASCII line against
// /^\p{RGI_Emoji}$/v, built as the module loads: ~25 ms to parse and ~25 ms to compile at its first
// match, in one block of the event loop each, for screens that show ✓ · › ⏎ and no emoji. Every RGI
// emoji holds a non-ASCII Emoji code point (a keycap holds U+20E3), so a grapheme without one is
// measured without it, and the regular expression is built the first time a grapheme could be one.
// A printable ASCII grapheme is one cell: counted before the per-grapheme regular expressions.
// Widths are unchanged (test/cli/stringWidthGate.test.ts compares both on every code point).

const eager = 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;';
const lazy = `let rgiEmojiRegex;
const mayBeRgiEmoji = /[\\p{Emoji}--\\p{ASCII}]|\\u20E3/v;
function isRgiEmoji(segment) {
	return mayBeRgiEmoji.test(segment) && (rgiEmojiRegex ??= /^\\p{RGI_Emoji}$/v).test(segment);
}`;
const use = 'rgiEmojiRegex.test(segment)';
const loop = 'for (const {segment} of segmenter.segment(string)) {';
const ascii = `${loop}
		if (segment.length === 1 && segment >= ' ' && segment <= '~') {
			width += 1;
			continue;
		}`;

/** string-width's index.js with the emoji test gated, or undefined when it no longer reads as expected. */
export function gateRgiEmoji(text) {
  if (!text.includes(eager) || !text.includes(use) || !text.includes(loop)) return undefined;
  // Replaced by functions: a replacement string would read the pattern's `$'` as a substitution.
  return text
    .replace(eager, () => lazy)
    .replace(use, () => 'isRgiEmoji(segment)')
    .replace(loop, () => ascii);
}
