import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledNames, isDirectory, resolveAsset, scenarioFilesIn } from '../../assets.js';
import type { ExpectedOutcome, Scenario } from '../../drill/scenarioSchema.js';
import { InputError } from '../../base/source.js';
import type { CliArgs } from '../args.js';
import { onEndSignal } from '../guard.js';
import { printObject } from '../output.js';
import { sessionFor } from '../headless.js';
import { openTranscript } from '../lifecycle.js';
import { KubeError } from '../../kube/errors.js';
import { isHeavy } from '../../drill/thread.js';
import { planDrill } from '../walk.js';
import type { RunbookCache } from '../walk.js';

/** One scenario's walk, as the table and `--output json` show it. */
export interface ScenarioRow {
  scenario: string;
  /** The diagnosis id the scenario expects, or null for a walk that should find nothing (or end incomplete). */
  expected: string | null;
  /** How the walk must end: diagnosis, no-finding or incomplete. */
  expectedOutcome: ExpectedOutcome;
  /** The diagnosis reached, else null; `outcome` says how the walk ended then. */
  got: string | null;
  outcome: string;
  /** Steps the walk took (checks run, questions answered, actions). */
  steps: number;
  durationMs: number;
  ok: boolean;
  /** Why the walk could not run at all (a broken runbook, a drill that would not start). */
  error?: string;
}

/**
 * Drills walked at once: each is a server and a session in this process, mostly waiting on loopback I/O
 * and on the latency some scenarios simulate (1.2-1.4 s a request): at 4, the process sat idle 40 % of a
 * run of the 154 bundled ones (60 s wall, 25 s CPU); that run's walk times, 8 at once, come to 29 s,
 * where the process's own CPU becomes the bound.
 */
export const parallelScenarios = 8;

/**
 * Walks each scenario headless on its own drill cluster and compares how it
 * ended with what it expects; exit 1 on any mismatch, or with --pass-rate when
 * fewer than that percentage pass. A folder stands for every scenario in it.
 */
export async function testCommand(args: CliArgs): Promise<number> {
  const given =
    args.positionals.length > 0
      ? args.positionals.flatMap((p) =>
          isDirectory(p)
            ? scenarioFilesIn(p).map((file) => ({ file, inFolder: true }))
            : [{ file: p, inFolder: false }],
        )
      : bundledNames('scenarios').map((file) => ({ file, inFolder: false }));
  const names = given.map((g) => g.file);
  if (names.length === 0) {
    process.stderr.write(`no scenarios in ${args.positionals.join(', ')}\n`);
    return 2;
  }
  const { loadScenarioFile } = await import('../../drill/scenario.js');
  // Every file is read first: a scenario named on the command line that does not parse is bad input (exit 2)
  // before any drill starts. One found in a folder is a corpus entry: it counts as a failure and the others run.
  const scenarios = await Promise.all(
    given.map(async ({ file, inFolder }): Promise<Scenario | string> => {
      try {
        return (await loadScenarioFile(resolveAsset('scenarios', file))).scenario;
      } catch (err) {
        if (inFolder && err instanceof InputError) return err.message.split('\n')[0] ?? err.message;
        throw err;
      }
    }),
  );
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-test-'));
  const runbooks: RunbookCache = new Map();
  const rows: (ScenarioRow | undefined)[] = names.map(() => undefined);
  const table = new TableWriter(names, scenarios, args.output === 'text');
  // Ctrl-C, SIGTERM or SIGHUP: the walks under way stop (their drills close), no new one starts, the
  // temp dir goes, and the command exits 130 as an interrupted walk does. A second signal stops at once.
  const interrupt = new AbortController();
  const unsignal = onEndSignal(() => {
    if (!interrupt.signal.aborted) {
      interrupt.abort();
      return;
    }
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
  const run = async (i: number) => {
    if (interrupt.signal.aborted) return;
    const scenario = scenarios[i];
    rows[i] =
      typeof scenario === 'string' || scenario === undefined
        ? {
            scenario: names[i] ?? '',
            expected: null,
            expectedOutcome: 'diagnosis',
            got: null,
            outcome: 'error',
            steps: 0,
            durationMs: 0,
            ok: false,
            error: `does not load: ${scenario ?? ''}`,
          }
        : await walkScenario(names[i] ?? '', scenario, join(dir, `${i}.jsonl`), args, interrupt.signal, runbooks);
    table.finished(rows);
  };
  const heavy = (i: number) => {
    const s = scenarios[i];
    return typeof s !== 'string' && s !== undefined && isHeavy(s);
  };
  try {
    const indexes = names.map((_, i) => i);
    await pool(
      indexes.filter((i) => !heavy(i)),
      parallelScenarios,
      run,
    );
    await pool(
      indexes.filter((i) => heavy(i)),
      1,
      run,
    );
  } finally {
    unsignal();
    rmSync(dir, { recursive: true, force: true });
  }
  if (interrupt.signal.aborted) {
    const walked = rows.filter((r) => r !== undefined && r.outcome !== 'interrupted').length;
    process.stderr.write(`plumbline: interrupted: ${walked} of ${names.length} scenarios walked\n`);
    return 130;
  }
  const done = rows.filter((r): r is ScenarioRow => r !== undefined);
  const failed = done.filter((r) => !r.ok);
  const passed = done.length - failed.length;
  const rate = done.length === 0 ? 100 : (100 * passed) / done.length;
  if (args.output !== 'text') printObject(done, args.output);
  else {
    process.stdout.write(`\n${passed}/${done.length} scenarios reach their expected diagnosis\n`);
    for (const r of failed)
      process.stdout.write(
        `FAIL ${r.scenario}: ${r.error ? `${r.error.startsWith('does not load') ? r.error : `could not walk: ${r.error}`}` : `expected ${expectedText(r)}, got ${gotText(r)}`}\n`,
      );
    if (args.passRate !== undefined)
      process.stdout.write(`pass rate ${rate.toFixed(1)} % (required ${args.passRate} %)\n`);
  }
  if (args.passRate !== undefined) return rate >= args.passRate ? 0 : 1;
  return failed.length === 0 ? 0 : 1;
}

async function walkScenario(
  name: string,
  scenario: Scenario,
  transcriptPath: string,
  args: CliArgs,
  interrupted: AbortSignal,
  runbooks: RunbookCache,
): Promise<ScenarioRow> {
  const started = performance.now();
  const expected = scenario.expect.diagnosis;
  const wanted = wantedOf(scenario);
  const elapsed = () => Math.round(performance.now() - started);
  try {
    // One scenario after another, headless: no screen to keep responsive, so no thread to start per scenario.
    const plan = await planDrill(
      { ...args, positionals: [name], transcript: transcriptPath },
      { sameThread: true, runbooks },
    );
    const transcript = await openTranscript(plan);
    try {
      const session = sessionFor(plan, { auto: true, answerDefaults: true });
      session.on((e) => transcript.write(e));
      const stop = () => session.stop('interrupted');
      interrupted.addEventListener('abort', stop, { once: true });
      if (interrupted.aborted) stop();
      else session.start();
      const r = await session.done.finally(() => interrupted.removeEventListener('abort', stop));
      const got = r.diagnosis?.id ?? null;
      const outcome = r.outcome ?? r.reason;
      // The walk must end the way the scenario says: no finding is not a walk cut short, nor the other way round.
      const ok = got === expected && outcome === wanted;
      return {
        scenario: name,
        expected,
        expectedOutcome: wanted,
        got,
        outcome,
        steps: r.path.length,
        durationMs: elapsed(),
        ok,
      };
    } finally {
      transcript.close();
      await plan.cleanup();
    }
  } catch (err) {
    const message = err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
    // An API server that cannot be reached before the first step (an expired serving certificate, a refused port)
    // ends the walk where the CLI exits 3: incomplete, with nothing seen. A scenario may expect exactly that.
    if (err instanceof KubeError && err.kind === 'unreachable') {
      const ok = expected === null && wanted === 'incomplete';
      return {
        scenario: name,
        expected,
        expectedOutcome: wanted,
        got: null,
        outcome: 'incomplete',
        steps: 0,
        durationMs: elapsed(),
        ok,
        ...(ok ? {} : { error: message }),
      };
    }
    return {
      scenario: name,
      expected,
      expectedOutcome: wanted,
      got: null,
      outcome: 'error',
      steps: 0,
      durationMs: elapsed(),
      ok: false,
      error: message,
    };
  }
}

/** Runs `work` over `items`, at most `size` at a time. */
export async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(size, queue.length) }, worker));
}

/** How the walk must end. Inline, not drill/scenario.js's expectedOutcome: a static import would pull the drill (and execa) into every start. */
function wantedOf(s: Scenario): ExpectedOutcome {
  return s.expect.outcome ?? (s.expect.diagnosis === null ? 'no-finding' : 'diagnosis');
}

function show(diagnosis: string | null): string {
  return diagnosis ?? '(no finding)';
}

/** What the scenario expects, as the table shows it: a diagnosis id, `(no finding)` or `(incomplete)`. */
function expectedText(r: { expected: string | null; expectedOutcome: ExpectedOutcome }): string {
  return (
    r.expected ??
    (r.expectedOutcome === 'incomplete' || r.expectedOutcome === 'unrecognised-evidence'
      ? `(${r.expectedOutcome})`
      : show(null))
  );
}

function gotText(r: ScenarioRow): string {
  if (r.error) return '(error)';
  return r.got ?? (r.outcome === 'no-finding' ? show(null) : `(${r.outcome})`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

const headers = ['SCENARIO', 'EXPECTED', 'GOT', 'STEPS', 'TIME'] as const;

/**
 * The text table, kubectl-style: upper-case headers, columns three spaces
 * apart. Rows print in the order the scenarios were given, each as soon as it
 * and all before it are done, so a long run shows progress.
 */
class TableWriter {
  private printed = 0;
  private readonly widths: number[];

  constructor(
    names: readonly string[],
    scenarios: readonly (Scenario | string)[],
    private readonly enabled: boolean,
  ) {
    const expected = scenarios.map((s) =>
      typeof s === 'string' ? show(null) : expectedText({ expected: s.expect.diagnosis, expectedOutcome: wantedOf(s) }),
    );
    const col = (header: string, values: string[]) => Math.max(header.length, ...values.map((v) => v.length));
    this.widths = [col('SCENARIO', [...names]), col('EXPECTED', expected), col('GOT', expected), 'STEPS'.length];
    if (enabled) this.line([...headers]);
  }

  finished(rows: readonly (ScenarioRow | undefined)[]): void {
    if (!this.enabled) return;
    for (let r = rows[this.printed]; r !== undefined; r = rows[this.printed]) {
      this.line([
        r.scenario,
        expectedText(r),
        r.ok ? gotText(r) : `${gotText(r)} ✗`,
        String(r.steps),
        seconds(r.durationMs),
      ]);
      this.printed++;
    }
  }

  private line(cells: string[]): void {
    const padded = cells.map((c, i) => {
      const w = this.widths[i];
      if (w === undefined) return c;
      return i === 3 ? c.padStart(w) : c.padEnd(w);
    });
    process.stdout.write(`${padded.join('   ').trimEnd()}\n`);
  }
}
