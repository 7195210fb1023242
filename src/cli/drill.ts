import type { CliArgs } from './args.js';
import { wantsTui } from './args.js';
import { UsageError } from './usageError.js';
import type { Difficulty } from '../training/record.js';

/**
 * `plumbline drill`: the plain walk, or a training drill (guided / free), or
 * the history, or an instructor's view of a drill another terminal runs.
 */
export async function drillCommand(args: CliArgs): Promise<number> {
  const flags = args.drill;
  if (flags.history) {
    const { formatHistory, historyPath, readHistory, summarizeHistory } = await import('../training/history.js');
    const { records, problems } = readHistory();
    process.stdout.write(formatHistory(summarizeHistory(records), historyPath()));
    for (const p of problems) process.stderr.write(`${historyPath()}: ${p}\n`);
    return 0;
  }
  let scenarioArg = args.positionals[0];
  // A seed drawn here is printed, so the drill can still be replayed.
  const seed = flags.random ? (flags.seed ?? randomSeed()) : null;
  const difficulty = flags.random ? (flags.difficulty ?? 'medium') : null;
  if (seed !== null && difficulty !== null) {
    if (scenarioArg) throw new UsageError('--random draws its own scenario; leave out the scenario name');
    const { drawDrill } = await import('../training/random.js');
    const drawn = drawDrill({ seed, difficulty });
    process.stderr.write(
      `drill: ${drawn.description} (replay it with: plumbline drill --random --seed ${drawn.seed} --difficulty ${drawn.difficulty})\n`,
    );
    scenarioArg = drawn.file;
  }
  if (flags.instructor) {
    const { instructorCommand } = await import('./instructor.js');
    return instructorCommand(args, scenarioArg);
  }
  const drillArgs = {
    ...args,
    positionals: scenarioArg ? [scenarioArg, ...args.positionals.slice(1)] : args.positionals,
  };
  if (!wantsTui(args)) {
    const { planDrill } = await import('./walk.js');
    const plan = await planDrill(drillArgs, { headless: true });
    if (flags.mode !== 'walk')
      process.stderr.write(`drill: --${flags.mode} needs a terminal; walking headless without predictions\n`);
    const { walkHeadless } = await import('./headless.js');
    return walkHeadless(plan, args);
  }
  const walk = flags.mode === 'walk';
  const modeLabel = walk ? undefined : flags.mode === 'free' ? 'free drill' : 'guided drill';
  const auto = walk && !args.step;
  // The header goes up as plain text before anything heavy loads; the screen draws itself over it.
  const { defaultScenario } = await import('../assets.js');
  const { drillPreFrame, erasePreFrame, paintPreFrame } = await import('./preFrame.js');
  const pre = drillPreFrame(drillArgs.positionals[0] ?? defaultScenario, { auto, ...(modeLabel ? { modeLabel } : {}) });
  if (pre) paintPreFrame(pre, !args.noColor);
  try {
    return await drillOnScreen(drillArgs, { auto, modeLabel, seed, difficulty });
  } finally {
    erasePreFrame({ now: true }); // still there only when the walk never drew (an error): the error goes in its place
  }
}

/** The drill in the TUI: its first frame while its cluster starts, then the walk's screen in its place. */
async function drillOnScreen(
  args: CliArgs,
  opts: { auto: boolean; modeLabel: string | undefined; seed: number | null; difficulty: Difficulty | null },
): Promise<number> {
  const flags = args.drill;
  // The walk's modules load in turns (./stages.ts), so no single task holds the screen and keys for long.
  const { frameModules, loadInTurns, planModules, walkModules } = await import('./stages.js');
  await loadInTurns(planModules);
  const { startDrillWalk } = await import('./walk.js');
  const started = await startDrillWalk(args);
  await loadInTurns(frameModules);
  // The first frame goes up now, before the cluster is up and the walk's first requests are answered.
  const { paintFirstFrame } = await import('./firstFrame.js');
  const frame = paintFirstFrame({
    header: {
      runbookTitle: started.runbook.spec.title,
      target: started.scenario.scenario.page,
      mode: 'drill',
      auto: opts.auto,
      ...(opts.modeLabel ? { modeLabel: opts.modeLabel } : {}),
    },
    waitingFor: 'starting the drill cluster',
    color: !args.noColor,
  });
  // While the cluster starts in its own thread: the kube client and the walk's screen, in turns, then the plan.
  const screen = flags.mode === 'walk' ? [] : [() => import('./drillInteractive.js')];
  // The runbook's machine too (built once, kept; its config, then its states): the session that walks it is then a short task.
  const config = () => import('../runbook/compile.js').then((m) => m.prepareRunbook(started.runbook.spec));
  const machine = () => import('../runbook/compile.js').then((m) => m.compileRunbook(started.runbook.spec));
  const planned = loadInTurns([...walkModules, ...screen, config, machine]).then(() => started.plan());
  planned.catch(() => undefined); // awaited below, unless the person quits first
  let plan: Awaited<typeof planned>;
  try {
    const first = await Promise.race([planned, frame.quit]);
    if (first === 'quit') {
      frame.handOver();
      frame.app.unmount();
      await started.close();
      return 130;
    }
    plan = first;
  } catch (err) {
    // A start that failed (a typo in a name, a scenario that does not build) says so below the frame, which goes.
    frame.handOver();
    frame.app.clear();
    frame.app.unmount();
    throw err;
  }
  if (flags.mode === 'walk') {
    const { walkInteractive } = await import('./interactive.js');
    return walkInteractive(plan, args, frame);
  }
  const { walkTrainingDrill } = await import('./drillInteractive.js');
  return walkTrainingDrill(plan, args, { mode: flags.mode, seed: opts.seed, difficulty: opts.difficulty }, frame);
}

function randomSeed(): number {
  return Math.floor(Math.random() * 1_000_000);
}
