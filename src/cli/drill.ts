import type { CliArgs } from './args.js';
import { wantsTui } from './args.js';
import { UsageError } from './usageError.js';

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
    process.stderr.write(`drill: ${drawn.description} (replay it with: plumbline drill --random --seed ${drawn.seed} --difficulty ${drawn.difficulty})\n`);
    scenarioArg = drawn.file;
  }
  if (flags.instructor) {
    const { instructorCommand } = await import('./instructor.js');
    return instructorCommand(args, scenarioArg);
  }
  const { planDrill } = await import('./walk.js');
  const interactive = wantsTui(args);
  // The TUI's modules (ink, React) load while the drill cluster starts: the first frame waits for both.
  const screen = interactive ? (flags.mode === 'walk' ? import('./interactive.js') : import('./drillInteractive.js')) : undefined;
  screen?.catch(() => undefined); // a failed start reports its own error; this import's, if any, comes when it is awaited
  const plan = await planDrill({ ...args, positionals: scenarioArg ? [scenarioArg, ...args.positionals.slice(1)] : args.positionals });
  if (!interactive) {
    if (flags.mode !== 'walk') process.stderr.write(`drill: --${flags.mode} needs a terminal; walking headless without predictions\n`);
    const { walkHeadless } = await import('./headless.js');
    return walkHeadless(plan, args);
  }
  if (flags.mode === 'walk') {
    const { walkInteractive } = await import('./interactive.js');
    return walkInteractive(plan, args);
  }
  const { walkTrainingDrill } = await import('./drillInteractive.js');
  return walkTrainingDrill(plan, args, { mode: flags.mode, seed, difficulty });
}

function randomSeed(): number {
  return Math.floor(Math.random() * 1_000_000);
}
