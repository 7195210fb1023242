/** A malformed label or field selector, with the API server's own message (the drill answers it as a 400). */
export class SelectorError extends Error {
  override name = 'SelectorError';
}
