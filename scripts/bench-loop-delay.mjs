// Preloaded by `npm run bench` (node --import) into the TUI it measures: samples the
// main thread's event-loop delay and, at exit, writes p50/p99/max (ms) to
// $PLUMBLINE_BENCH_LOOP_OUT. Worker threads (the drill cluster's) are not sampled.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

const out = process.env.PLUMBLINE_BENCH_LOOP_OUT;
if (isMainThread && out) {
  const started = performance.now();
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  process.on('exit', () => {
    h.disable();
    const ms = (ns) => ns / 1e6;
    writeFileSync(
      out,
      JSON.stringify({
        p50: ms(h.percentile(50)),
        p99: ms(h.percentile(99)),
        max: ms(h.max),
        count: h.count,
        wallMs: performance.now() - started,
      }),
    );
  });
}
