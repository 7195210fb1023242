// npm run bench: start-up and walk times of the built CLI, the drill server's
// start time and memory at 10 and 5,000 nodes, and what pinned queries cost
// through the real API. Measured, never asserted: numbers vary by machine;
// compare runs on one machine. BENCH_QUICK=1 runs fewer rounds and skips the
// 5,000-node walk; BENCH_RUNS=N sets the rounds; BENCH_CLI=path benchmarks
// another build (a copy kept apart from a dist/ others rebuild); BENCH_ONLY=startup
// stops after the start-up and memory goals, BENCH_ONLY=scale runs only the
// 5,000-node drill goals (cluster up, its share of kubectl get pods -A, walk vs kubectl),
// BENCH_ONLY=loop only the TUI's event-loop delay over a 5,000-node drill walk, BENCH_ONLY=pods only the
// server's share of kubectl get pods -A on 5,000 nodes (BENCH_RUNS=N repeats it; each run is one row).
//
// Two tables: the goals (issue 17), each a measured figure against its target,
// with kubectl measured in the same run where the goal is a ratio to it, and the
// detailed measurements beneath. BENCH_README=1 also writes the goals table into
// README.md between its bench markers. A new goal is one call of goal().
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';

const quick = Boolean(process.env.BENCH_QUICK);
const runs = Number(process.env.BENCH_RUNS ?? (quick ? 3 : 10));
const queryRuns = quick ? 5 : 25;
const cli = process.env.BENCH_CLI ?? join(import.meta.dirname, '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'plumbline-bench-'));

/** [what, median, min, extra] rows, printed as one table at the end. */
const rows = [];
const ms = (v) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
const mib = (kb) => (kb ? `${(kb / 1024).toFixed(0)} MiB` : 'n/a');

/**
 * Goal rows of the goals table. A ratio goal compares `value` with kubectl's
 * figure of the same run (`kubectl`); an absolute goal compares it with `atMost`.
 * goal('first frame, home', { value: 300, unit: 'ms', kubectl: 150, ratio: 2 })
 * goal('headless walk peak RSS', { value: 110, unit: 'MiB', atMost: 120 })
 * `versus` names another yardstick than kubectl (its figure still goes in `kubectl`, the table's column of the yardstick).
 * A figure that could not be measured is `value: undefined` and is reported unmet, with `note` saying why.
 */
const goals = [];
function goal(name, { value, unit, kubectl, ratio, atMost, versus = 'kubectl', note = '' }) {
  const fmt = (v) => (v === undefined ? 'n/a' : unit === 'ms' ? ms(v) : `${v.toFixed(v < 10 ? 1 : 0)} ${unit}`);
  const measuredRatio = value !== undefined && kubectl ? value / kubectl : undefined;
  const target = ratio !== undefined ? `<= ${ratio}x ${versus}` : `<= ${fmt(atMost)}`;
  const met =
    value === undefined
      ? false
      : ratio !== undefined
        ? measuredRatio !== undefined && measuredRatio <= ratio
        : value <= atMost;
  goals.push([
    name,
    target,
    fmt(value),
    ratio !== undefined ? fmt(kubectl) : '',
    measuredRatio === undefined ? '' : `${measuredRatio.toFixed(2)}x`,
    met ? 'met' : 'unmet',
    note,
  ]);
}

/** The goals as a Markdown table (what the README shows). */
function goalTable() {
  const head = ['goal', 'target', 'measured', 'kubectl', 'ratio', 'met', 'note'];
  return [head, head.map(() => '---'), ...goals].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0] };
}

function measure(label, args, n = runs) {
  const times = [];
  let peakKb = 0;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    // GNU time reports the child's peak RSS without a wrapper script perturbing it.
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cli, ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
      env: { ...process.env, NO_COLOR: '1' },
    });
    const t1 = process.hrtime.bigint();
    if (r.error) {
      const r2 = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (r2.status !== 0) throw new Error(`${label}: exit ${r2.status}: ${r2.stderr}`);
    } else {
      if (r.status !== 0) throw new Error(`${label}: exit ${r.status}: ${r.stderr}`);
      const kb = Number(r.stderr.trim().split('\n').at(-1));
      if (Number.isFinite(kb)) peakKb = Math.max(peakKb, kb);
    }
    times.push(Number(t1 - t0) / 1e6);
  }
  const s = stats(times);
  rows.push([label, ms(s.median), ms(s.min), `peak RSS ${mib(peakKb)}`]);
}

/** `kubectl version --client`, the yardstick of the start-up goals: median ms. */
function kubectlVersion(n = runs) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    if (r.error || r.status !== 0) return undefined;
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const s = stats(times);
  rows.push(['kubectl version --client', ms(s.median), ms(s.min), '']);
  return s.median;
}

/** Median ms of a plain start (no terminal), e.g. --version. */
function startTime(args, n = runs) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`plumbline ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return stats(times).median;
}

/**
 * Runs the CLI in a terminal (script(1) gives it a pty) and times it from spawn
 * to the first frame that shows `marker`. With `until`, it keeps the TUI going
 * until `until` shows, then presses q, and reports the process's peak RSS (KiB).
 * `keys`: [text, key] pairs pressed in order once each text shows (the last
 * should end the TUI); `nodeArgs`: Node options before the CLI (a preload).
 */
function inTerminal(
  args,
  marker,
  { until, env = {}, keys = until ? [[until, 'q']] : [], nodeArgs = [], timeoutS = 120 } = {},
) {
  const rss = join(dir, `rss-${process.hrtime.bigint()}`);
  const command = ['/usr/bin/time', '-f', '%M', '-o', rss, process.execPath, ...nodeArgs, cli, ...args]
    .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
    .join(' ');
  const t0 = process.hrtime.bigint();
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, COLUMNS: '100', LINES: '40', ...env },
  });
  let out = '';
  let frameMs;
  let pressed = 0;
  let seenUpTo = 0;
  child.stdin.on('error', () => {}); // the TUI may be gone before its q arrives
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(
        new Error(
          `plumbline ${args.join(' ')} in a terminal: no ${frameMs === undefined ? marker : keys[pressed]?.[0]} in ${timeoutS} s; it showed: ${out.slice(-500)}`,
        ),
      );
    }, timeoutS * 1000);
    const stop = () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    child.stdout.on('data', (c) => {
      out += c;
      if (frameMs === undefined && out.includes(marker)) {
        frameMs = Number(process.hrtime.bigint() - t0) / 1e6;
        if (keys.length === 0) stop();
      }
      // Each text is looked for in what came after the previous key, so a key is pressed once per screen that asks.
      while (frameMs !== undefined && pressed < keys.length && out.indexOf(keys[pressed][0], seenUpTo) >= 0) {
        seenUpTo = out.length;
        child.stdin.write(keys[pressed][1]);
        pressed++;
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      let peakKb;
      try {
        peakKb = Number(readFileSync(rss, 'utf8').trim().split('\n').at(-1)) || undefined;
      } catch {
        peakKb = undefined;
      }
      if (frameMs === undefined)
        reject(new Error(`plumbline ${args.join(' ')} in a terminal ended before ${marker}: ${out.slice(-500)}`));
      else resolve({ frameMs, peakKb });
    });
  });
}

/** Median first-frame time over n runs. */
async function firstFrame(label, args, marker, n = runs, env = {}) {
  const times = [];
  for (let i = 0; i < n; i++) times.push((await inTerminal(args, marker, { env })).frameMs);
  const s = stats(times);
  rows.push([`first frame: ${label}`, ms(s.median), ms(s.min), '']);
  return s.median;
}

/** Peak RSS (KiB) of a headless run: its largest over n runs. */
function headlessPeak(args, n = 3, env = {}) {
  let peak = 0;
  for (let i = 0; i < n; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cli, ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
      env: { ...process.env, ...env },
    });
    // A live walk without node access ends incomplete (exit 1); what counts is that it walked.
    if (!r.stdout.includes('"path"')) throw new Error(`plumbline ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
    peak = Math.max(peak, Number(r.stderr.trim().split('\n').at(-1)) || 0);
  }
  return peak || undefined;
}

/** Per-step check latency inside one walk: the cost a diagnosis has on a cluster of this size. */
function steps(label, scenario) {
  const r = spawnSync(
    process.execPath,
    [cli, 'drill', scenario, '--non-interactive', '--output', 'json', '--transcript', join(dir, `${scenario}.jsonl`)],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (r.status !== 0) throw new Error(`${label}: exit ${r.status}: ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  const total = out.path.reduce((sum, p) => sum + p.durationMs, 0);
  const slowest = [...out.path].sort((a, b) => b.durationMs - a.durationMs)[0];
  rows.push([
    label,
    ms(total),
    '',
    `${out.path.length} steps${slowest ? `, slowest ${slowest.step} ${slowest.durationMs} ms` : ''}`,
  ]);
  // What the whole walk asked of the API: flat in cluster size when every query is pinned.
  if (out.api)
    rows.push([
      `${label.replace('check latency', 'API cost of the walk')}`,
      '',
      '',
      `${out.api.requests} requests, ${(out.api.bytes / 1024).toFixed(1)} KiB read`,
    ]);
}

/** VmHWM (peak RSS) and VmRSS of a process, in KiB, from /proc. */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { peak: field('VmHWM'), rss: field('VmRSS') };
  } catch {
    return { peak: 0, rss: 0 };
  }
}

/** Serves a scenario with `plumbline cluster serve`; resolves once it prints its kubeconfig, with the time that took. */
function serve(scenario) {
  const kubeconfig = join(dir, `${scenario}.kubeconfig`);
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [cli, 'cluster', 'serve', scenario, '--kubeconfig-out', kubeconfig], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('export KUBECONFIG='))
        resolve({ child, kubeconfig, startMs: Number(process.hrtime.bigint() - t0) / 1e6 });
    });
    child.on('exit', (code) => reject(new Error(`cluster serve ${scenario} exited ${code}: ${err}`)));
  });
}

async function timed(n, fn) {
  await fn(); // warm the connection and any lazy server paths
  const times = [];
  let size = 0;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    size = await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ...stats(times), size };
}

/** Start time, memory and pinned-query latency of one scenario's drill server, through @kubernetes/client-node. */
async function server(label, scenario, node, pod) {
  const s = await serve(scenario);
  try {
    const atStart = memoryOf(s.child.pid);
    rows.push([`${label}: server start`, ms(s.startMs), '', `RSS ${mib(atStart.rss)}`]);
    const kc = new KubeConfig();
    kc.loadFromFile(s.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    const byNode = await timed(
      queryRuns,
      async () => (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items.length,
    );
    rows.push([`${label}: pods on ${node} (fieldSelector)`, ms(byNode.median), ms(byNode.min), `${byNode.size} pods`]);
    const events = await timed(
      queryRuns,
      async () =>
        (
          await core.listNamespacedEvent({
            namespace: pod.namespace,
            fieldSelector: `involvedObject.name=${pod.name},involvedObject.namespace=${pod.namespace}`,
          })
        ).items.length,
    );
    rows.push([
      `${label}: events of ${pod.namespace}/${pod.name}`,
      ms(events.median),
      ms(events.min),
      `${events.size} events`,
    ]);
    const one = await timed(queryRuns, async () =>
      (await core.readNamespacedPod({ namespace: pod.namespace, name: pod.name })).metadata?.name ? 1 : 0,
    );
    rows.push([`${label}: get pod ${pod.name}`, ms(one.median), ms(one.min), '']);
    const page = await timed(
      quick ? 1 : 3,
      async () => (await core.listNamespacedPod({ namespace: pod.namespace, limit: 500 })).items.length,
    );
    rows.push([
      `${label}: first page of 500 pods in ${pod.namespace}`,
      ms(page.median),
      ms(page.min),
      `${page.size} pods`,
    ]);
    rows.push([`${label}: server peak memory`, '', '', `peak RSS ${mib(memoryOf(s.child.pid).peak)}`]);
  } finally {
    await stopServer(s);
  }
}

/** The start-up and memory goals: first frames against kubectl, RSS of a walk headless and in the TUI. */
async function startupGoals() {
  const kubectl = kubectlVersion();
  goal('`plumbline --version`', { value: startTime(['--version']), unit: 'ms', kubectl, ratio: 1 });
  goal('first frame: home', { value: await firstFrame('home', [], 'plumbline: '), unit: 'ms', kubectl, ratio: 2 });
  const drillFrame = await firstFrame('drill', ['drill'], 'auto mode');
  goal('first frame: `drill`', { value: drillFrame, unit: 'ms', kubectl, ratio: 2 });
  // The 5,000-node cluster starts in its own thread: its first frame is the small drill's.
  const bigFrame = await firstFrame(
    'drill scale-5000-nodes',
    ['drill', 'scale-5000-nodes', '--transcript', join(dir, 'big-frame.jsonl')],
    'auto mode',
    quick ? 1 : Math.min(runs, 5),
  );
  goal('first frame: `drill scale-5000-nodes`', {
    value: bigFrame,
    unit: 'ms',
    kubectl: drillFrame,
    ratio: 1.2,
    versus: 'small `drill`',
  });
  await eventLoopGoal();
  const s = await serve('pod-pending-node-selector');
  try {
    const frame = await firstFrame(
      'run',
      ['run', 'workload-down', '--set', 'pod=web-0', '-n', 'shop', '--transcript', join(dir, 'run.jsonl')],
      'auto mode',
      runs,
      { KUBECONFIG: s.kubeconfig },
    );
    goal('first frame: `run`', { value: frame, unit: 'ms', kubectl, ratio: 2 });
  } finally {
    await stopServer(s);
  }
  // The client alone: the drill cluster is served by another process, as a real cluster would be.
  const big = await serve('scale-5000-nodes');
  try {
    const args = [
      'run',
      'workload-down',
      '--set',
      'pod=app-30-1-0',
      '-n',
      'load',
      '--non-interactive',
      '--output',
      'json',
      '--transcript',
      join(dir, 'h.jsonl'),
    ];
    const headless = headlessPeak(args, quick ? 1 : 3, { KUBECONFIG: big.kubeconfig });
    goal('headless walk peak RSS (`run`, 5,000 nodes)', {
      value: headless && headless / 1024,
      unit: 'MiB',
      atMost: 120,
    });
  } finally {
    await stopServer(big);
  }
  const small = await serve('pod-pending-node-selector');
  try {
    const tui = await inTerminal(
      ['run', 'workload-down', '--set', 'pod=web-0', '-n', 'shop', '--transcript', join(dir, 'tui.jsonl')],
      'auto mode',
      { until: 'DIAGNOSIS', env: { KUBECONFIG: small.kubeconfig } },
    );
    goal('TUI walk peak RSS (`run` to its diagnosis)', {
      value: tui.peakKb && tui.peakKb / 1024,
      unit: 'MiB',
      atMost: 150,
    });
  } finally {
    await stopServer(small);
  }
}

/**
 * The TUI's event-loop delay over a whole `drill scale-5000-nodes` walk: start,
 * cluster up, the first step, the answer to its question (1: sweep
 * bottom-up), every layer to the end, q. A preload
 * (scripts/bench-loop-delay.mjs) samples the TUI's main thread with
 * perf_hooks.monitorEventLoopDelay and writes the figures at exit.
 */
async function eventLoopGoal() {
  const out = join(dir, 'loop-delay.json');
  const preload = join(import.meta.dirname, 'bench-loop-delay.mjs');
  let seen;
  try {
    // Every ending (a diagnosis, no finding, incomplete) shows the transcript's path last.
    await inTerminal(['drill', 'scale-5000-nodes', '--transcript', join(dir, 'loop.jsonl')], 'auto mode', {
      env: { PLUMBLINE_BENCH_LOOP_OUT: out },
      nodeArgs: ['--import', preload],
      keys: [
        ['No: it has recovered', '1'],
        ['Transcript:', 'q'],
      ],
      timeoutS: 600,
    });
    seen = JSON.parse(readFileSync(out, 'utf8'));
  } catch (err) {
    goal('TUI event-loop delay p99, `drill scale-5000-nodes` walk', {
      value: undefined,
      unit: 'ms',
      atMost: 50,
      note: `not measured: ${String(err.message ?? err).slice(0, 120)}`,
    });
    return;
  }
  rows.push([
    'TUI event loop, drill scale-5000-nodes walk',
    ms(seen.p99),
    '',
    `p50 ${ms(seen.p50)}, max ${ms(seen.max)}, ${seen.count} samples over ${ms(seen.wallMs)}`,
  ]);
  goal('TUI event-loop delay p99, `drill scale-5000-nodes` walk', {
    value: seen.p99,
    unit: 'ms',
    atMost: 50,
    note: `max ${ms(seen.max)} over ${(seen.wallMs / 1000).toFixed(1)} s`,
  });
}

/** utime + stime of a process so far, in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /s, '')
      .split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** A command under GNU time: wall ms and the CPU ms (user + sys) it used itself. */
function timedCommand(argv, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', ...argv], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, ...env },
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const [user, sys] = (r.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  return { wallMs, cpuMs: ((user ?? NaN) + (sys ?? NaN)) * 1000, status: r.status, stdout: r.stdout };
}

/**
 * The walk against the same reads as a kubectl script: `plumbline run` on a
 * served drill cluster (headless), then every kubectl command its checks showed
 * (the transcript's check.start commands), run one after another as a person
 * or a script would. Both talk to the same server process.
 */
async function walkVsKubectl(label, scenario) {
  const s = await serve(scenario);
  try {
    const transcript = join(dir, `${scenario}-walk.jsonl`);
    const args = [
      'run',
      'workload-down',
      '--set',
      'pod=app-30-1-0',
      '-n',
      'load',
      '--non-interactive',
      '--output',
      'json',
      '--transcript',
      transcript,
    ];
    const walks = [];
    for (let i = 0; i < (quick ? 1 : 3); i++)
      walks.push(timedCommand([process.execPath, cli, ...args], { KUBECONFIG: s.kubeconfig }).wallMs);
    const commands = readFileSync(transcript, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((e) => e.type === 'check.start' && /^kubectl /.test(e.command ?? ''))
      .map((e) => e.command);
    const t0 = process.hrtime.bigint();
    // Through sh, as written: pipes and $(...) included; a grep that finds nothing is not a failure here.
    for (const c of commands)
      spawnSync('sh', ['-c', c], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
        env: { ...process.env, KUBECONFIG: s.kubeconfig },
      });
    const scriptMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const walk = stats(walks).median;
    rows.push([`${label}: walk (plumbline run, headless)`, ms(walk), ms(stats(walks).min), '']);
    rows.push([`${label}: the same reads as a kubectl script`, ms(scriptMs), '', `${commands.length} commands`]);
    goal(`walk vs the same reads as a kubectl script (${label})`, {
      value: walk,
      unit: 'ms',
      kubectl: scriptMs,
      ratio: 0.15,
      note: `${commands.length} kubectl commands`,
    });
  } finally {
    await stopServer(s);
  }
}

/**
 * kubectl pages the 155,000 pods 500 at a time (its default --chunk-size) and prints them; the server's CPU
 * time over that list against kubectl's own, both in the same run.
 */
function podsShare(s) {
  const before = cpuMsOf(s.child.pid);
  const k = timedCommand(['kubectl', 'get', 'pods', '-A', '--no-headers'], { KUBECONFIG: s.kubeconfig });
  const server = before === undefined ? undefined : (cpuMsOf(s.child.pid) ?? NaN) - before;
  const lines = k.stdout.split('\n').filter(Boolean).length;
  rows.push([
    '5,000 nodes: kubectl get pods -A',
    ms(k.wallMs),
    '',
    `${lines} pods; kubectl CPU ${ms(k.cpuMs)}, server CPU ${server === undefined ? 'n/a' : ms(server)}`,
  ]);
  goal('`kubectl get pods -A` on 5,000 nodes: server CPU vs kubectl CPU', {
    value: server,
    unit: 'ms',
    kubectl: k.cpuMs,
    ratio: 0.1,
    note: `${lines} pods listed`,
  });
}

/** BENCH_ONLY=pods: only the server's share of `kubectl get pods -A`, once per run on a fresh cluster. */
async function podsShareGoal() {
  for (let i = 0; i < (process.env.BENCH_RUNS ? runs : 1); i++) {
    const s = await serve('scale-5000-nodes');
    try {
      podsShare(s);
    } finally {
      await stopServer(s);
    }
  }
}

/** The 5,000-node drill cluster: how fast it is up and how much it holds, and its share of `kubectl get pods -A`. */
async function scaleGoals() {
  const starts = [];
  let rss;
  let peak;
  for (let i = 0; i < (quick ? 1 : 3); i++) {
    const s = await serve('scale-5000-nodes');
    starts.push(s.startMs);
    const m = memoryOf(s.child.pid);
    rss = Math.max(rss ?? 0, m.rss);
    peak = Math.max(peak ?? 0, m.peak);
    if (i === 0) podsShare(s);
    await stopServer(s);
  }
  rows.push([
    '5,000 nodes: drill cluster up (cluster serve)',
    ms(stats(starts).median),
    ms(stats(starts).min),
    `RSS ${mib(rss)}, peak ${mib(peak)}`,
  ]);
  goal('drill cluster up, 5,000 nodes / 155k pods', { value: stats(starts).median, unit: 'ms', atMost: 1500 });
  goal('drill cluster RSS when up, 5,000 nodes', {
    value: rss && rss / 1024,
    unit: 'MiB',
    atMost: 250,
    note: `peak ${mib(peak)}`,
  });
  await walkVsKubectl('10 nodes', 'scale-10-nodes');
  await walkVsKubectl('5,000 nodes', 'scale-5000-nodes');
}

async function stopServer(s) {
  s.child.removeAllListeners('exit');
  const exited = new Promise((resolve) => s.child.once('exit', resolve));
  s.child.kill('SIGTERM');
  await exited;
}

console.log(
  `plumbline bench: ${runs} runs each, ${queryRuns} per query${quick ? ' (BENCH_QUICK)' : ''}, node ${process.versions.node}`,
);
try {
  if (process.env.BENCH_ONLY === 'pods') {
    await podsShareGoal();
    throw Object.assign(new Error('BENCH_ONLY=pods'), { quiet: true });
  }
  if (process.env.BENCH_ONLY === 'loop') {
    await eventLoopGoal();
    throw Object.assign(new Error('BENCH_ONLY=loop'), { quiet: true });
  }
  if (process.env.BENCH_ONLY !== 'scale') await startupGoals();
  if (process.env.BENCH_ONLY === 'startup') throw Object.assign(new Error('BENCH_ONLY=startup'), { quiet: true });
  await scaleGoals();
  if (process.env.BENCH_ONLY === 'scale') throw Object.assign(new Error('BENCH_ONLY=scale'), { quiet: true });
  measure('plumbline --version', ['--version']);
  measure('plumbline list checks', ['list', 'checks']);
  measure('drill walk, headless json (4 nodes)', [
    'drill',
    '--non-interactive',
    '--output',
    'json',
    '--transcript',
    join(dir, 't.jsonl'),
  ]);
  await server('10 nodes', 'scale-10-nodes', 'worker-5', { namespace: 'load', name: 'app-30-1-0' });
  await server('5,000 nodes', 'scale-5000-nodes', 'worker-2500', { namespace: 'load', name: 'app-30-1-0' });
  if (!quick)
    measure(
      'drill walk, 5,000 nodes / 155,000 pods',
      ['drill', 'scale-5000-nodes', '--non-interactive', '--output', 'json', '--transcript', join(dir, 's.jsonl')],
      3,
    );
  steps('check latency, 10 nodes', 'scale-10-nodes');
  steps('check latency, 5,000 nodes', 'scale-5000-nodes');
} catch (err) {
  if (!err.quiet) throw err;
} finally {
  console.log('\nGoals (issue 17)');
  console.log(goalTable());
  console.log('\nMeasurements');
  const header = ['measurement', 'median', 'min', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) =>
    r
      .map((c, i) => (i === 0 || i === 3 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  rmSync(dir, { recursive: true, force: true });
}
// Only a run that got this far (no measurement failed) replaces the README's table.
if (process.env.BENCH_README && goals.length > 0) {
  const readme = join(import.meta.dirname, '..', 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md has no ${start} ... ${end} section`);
  writeFileSync(readme, `${text.slice(0, i + start.length)}\n${goalTable()}\n${text.slice(j)}`);
}
