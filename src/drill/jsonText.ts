/** A string JSON.stringify writes as `"` + itself + `"`: none of quote, backslash, control character or lone surrogate. */
// eslint-disable-next-line no-control-regex -- JSON.stringify escapes control characters
export const needsJsonEscape = /["\\\u0000-\u001f\ud800-\udfff]/;
