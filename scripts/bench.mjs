// npm run bench: start-up and walk times of the built CLI, and peak memory.
// Measured, never asserted: numbers vary by machine; compare runs on one machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runs = Number(process.env.BENCH_RUNS ?? 10);
const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'plumbline-bench-'));

function measure(label, args, n = runs) {
  const times = [];
  let peakKb = 0;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    // Peak RSS of the child from /proc via a wrapper node script would perturb timing; use GNU time when present.
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cli, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const t1 = process.hrtime.bigint();
    if (r.error) {
      const r2 = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
      if (r2.status !== 0) throw new Error(`${label}: exit ${r2.status}: ${r2.stderr}`);
    } else {
      if (r.status !== 0) throw new Error(`${label}: exit ${r.status}: ${r.stderr}`);
      const kb = Number(r.stderr.trim().split('\n').at(-1));
      if (Number.isFinite(kb)) peakKb = Math.max(peakKb, kb);
    }
    times.push(Number(t1 - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`${label.padEnd(44)} median ${median.toFixed(0).padStart(5)} ms   min ${times[0].toFixed(0).padStart(5)} ms   peak RSS ${peakKb ? `${(peakKb / 1024).toFixed(0)} MiB` : 'n/a'}`);
}

/** Per-step check latency inside one walk: the cost a diagnosis has on a cluster of this size. */
function steps(label, scenario) {
  const r = spawnSync(process.execPath, [cli, 'drill', scenario, '--non-interactive', '--output', 'json', '--transcript', join(dir, `${scenario}.jsonl`)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${label}: exit ${r.status}: ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  console.log(`${label.padEnd(44)} ${out.path.map((p) => `${p.step} ${p.durationMs} ms`).join(' · ')}`);
}

console.log(`plumbline bench: ${runs} runs each, node ${process.versions.node}`);
measure('plumbline --version', ['--version']);
measure('plumbline list checks', ['list', 'checks']);
measure('drill walk, headless json (4 nodes)', ['drill', '--non-interactive', '--output', 'json', '--transcript', join(dir, 't.jsonl')]);
if (!process.env.BENCH_QUICK) {
  measure('drill walk, 5,000 nodes / 155,000 pods', ['drill', 'scale-5000-nodes', '--non-interactive', '--output', 'json', '--transcript', join(dir, 's.jsonl')], 3);
}
steps('check latency, 4 nodes', 'pod-pending-node-selector');
steps('check latency, 5,000 nodes', 'scale-5000-nodes');
