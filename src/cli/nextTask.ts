/**
 * A later turn of the event loop: input, timers and a redraw run before what follows. Twice through
 * setImmediate: one queued in the loop's poll phase (a response, a key, a message from the drill's thread)
 * runs in the same turn.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
