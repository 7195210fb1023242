import type { FaultContext } from '../../types.js';

/**
 * Several faults write to the same container's log (the apiserver logs
 * etcd's slowness, the aggregator's failures and rejected client
 * certificates alike), but `ctx.log` replaces a log. The logbook keeps what
 * this cluster's faults wrote so far and writes the merge, in time order.
 */
const books = new WeakMap<FaultContext, Map<string, { time: number; seq: number; line: string }[]>>();
let seq = 0;

const stamp = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z) /;

export function appendLog(
  ctx: FaultContext,
  namespace: string,
  pod: string,
  container: string,
  lines: string[],
  previous = false,
): void {
  let book = books.get(ctx);
  if (!book) {
    book = new Map<string, { time: number; seq: number; line: string }[]>();
    books.set(ctx, book);
  }
  const key = `${namespace}/${pod}/${container}/${previous ? 'previous' : 'current'}`;
  const entries = book.get(key) ?? [];
  // A line without its own time sorts with the line before it.
  let last = -Infinity;
  for (const line of lines) {
    const m = stamp.exec(line);
    const t = m ? Date.parse(m[1] ?? '') : Number.NaN;
    if (!Number.isNaN(t)) last = t;
    entries.push({ time: last, seq: seq++, line });
  }
  entries.sort((a, b) => a.time - b.time || a.seq - b.seq);
  book.set(key, entries);
  ctx.log(
    namespace,
    pod,
    container,
    entries.map((e) => e.line),
    previous,
  );
}
