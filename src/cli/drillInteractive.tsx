import { exitCodeOf } from '../engine/report.js';
import { appendHistory } from '../training/history.js';
import type { Difficulty, DrillMode } from '../training/record.js';
import { FreeSession } from '../training/free.js';
import { loadExtraPatterns } from '../base/redact.js';
import { DrillTracker } from '../training/tracker.js';
import type { DrillOutcome } from '../training/tracker.js';
import { ThemeProvider } from '../ui/ThemeProvider.js';
import { DrillScreen } from '../ui/drill/DrillScreen.js';
import type { CliArgs } from './args.js';
import { UsageError } from './usageError.js';
import { guardSession, onEndSignal } from './guard.js';
import { openTranscript, sessionFor } from './headless.js';
import { startRecording } from './recording.js';
import type { WalkPlan } from './walk.js';
import type { FirstFrame } from './firstFrame.js';
import { mount } from './mount.js';

export interface TrainingOptions {
  mode: DrillMode;
  seed: number | null;
  difficulty: Difficulty | null;
}

/** A training drill in the TUI: the session in step mode, the trainee's predictions, hints and picks beside it, all in one transcript. */
export async function walkTrainingDrill(plan: WalkPlan, args: Pick<CliArgs, 'noColor'>, opts: TrainingOptions, frame?: FirstFrame): Promise<number> {
  const scenario = plan.scenario?.scenario;
  if (!scenario) throw new UsageError('a training drill needs a scenario');
  if (opts.mode === 'free') return walkFreeDrill(plan, args, opts, frame);
  const transcript = await openTranscript(plan);
  const session = sessionFor(plan, { auto: false, answerDefaults: false });
  const tracker = new DrillTracker({ spec: plan.runbook.spec, scenario, inputs: plan.inputs, mode: opts.mode, seed: opts.seed, difficulty: opts.difficulty, transcriptPath: plan.transcriptPath, lookup: plan.runbook.lookup });
  // The tracker hears each event before the screen does, so a result and its prediction's verdict draw together.
  session.on((e) => {
    transcript.write(e);
    tracker.observe(e);
  });
  tracker.on((e) => transcript.write(e));
  let exit!: () => void;
  const exited = new Promise<void>((resolve) => (exit = resolve));
  const unguard = guardSession(session, { onHangup: () => exit() });
  const stopRecording = startRecording(session, plan.transcriptPath, `plumbline drill: ${scenario.id}`, { width: process.stdout.columns, height: process.stdout.rows });
  let finished: DrillOutcome | undefined;
  try {
    // The header names the drill by its page: the scenario id names the cause.
    const header = { runbookTitle: plan.runbook.spec.title, target: plan.page, page: plan.page, kubeconfigPath: plan.kubeconfigPath, transcriptPath: plan.transcriptPath };
    const app = mount(
      <ThemeProvider color={!args.noColor}>
        <DrillScreen session={session} tracker={tracker} header={header} startedAt={frame?.startedAt ?? new Date()} onFinished={(o) => (finished = o)} onExit={exit} />
      </ThemeProvider>,
      frame,
    );
    await exited;
    // The finished steps are in the scrollback; the frame goes, and the result is printed once below them.
    app.clear();
    app.unmount();
    session.stop('quit');
    const result = await session.done;
    if (finished) {
      const path = appendHistory(finished.record);
      const d = finished.debrief;
      process.stdout.write(`drill ${scenario.id}: ${d.correct ? 'correct' : 'not found'}, score ${d.score.total}/${d.maxScore}\nhistory: ${path}\n`);
    }
    process.stdout.write(`transcript: ${plan.transcriptPath}\n`);
    return exitCodeOf(result);
  } finally {
    stopRecording();
    unguard();
    transcript.close();
    await plan.cleanup();
  }
}

/** A free drill: the trainee picks the checks; the same tracker, transcript and debrief as a guided one. */
async function walkFreeDrill(plan: WalkPlan, args: Pick<CliArgs, 'noColor'>, opts: TrainingOptions, frame?: FirstFrame): Promise<number> {
  const scenario = plan.scenario!.scenario;
  const transcript = await openTranscript(plan);
  const session = new FreeSession({ runbook: plan.runbook, inputs: plan.inputs, kube: plan.kube, nodes: plan.nodes(undefined), scenario: scenario.id, page: plan.page, redactPatterns: loadExtraPatterns(process.env) });
  const tracker = new DrillTracker({ spec: plan.runbook.spec, scenario, inputs: plan.inputs, mode: 'free', seed: opts.seed, difficulty: opts.difficulty, transcriptPath: plan.transcriptPath, lookup: plan.runbook.lookup });
  session.on((e) => {
    transcript.write(e);
    tracker.observe(e);
  });
  tracker.on((e) => transcript.write(e));
  let exit!: () => void;
  const exited = new Promise<void>((resolve) => (exit = resolve));
  // As guardSession does for a walk: the session ends with its reason; a closed terminal also closes the screen.
  const unsignal = onEndSignal((signal) => {
    session.stop('interrupted');
    if (signal === 'SIGHUP') exit();
  });
  let finished: DrillOutcome | undefined;
  try {
    // The header names the drill by its page: the scenario id names the cause.
    const header = { runbookTitle: plan.runbook.spec.title, target: plan.page, page: plan.page, kubeconfigPath: plan.kubeconfigPath, transcriptPath: plan.transcriptPath };
    const free = { choices: () => session.choices(), run: (step: string) => void session.run(step), declare: () => session.declare() };
    const app = mount(
      <ThemeProvider color={!args.noColor}>
        <DrillScreen session={session} tracker={tracker} header={header} startedAt={frame?.startedAt ?? new Date()} free={free} onFinished={(o) => (finished = o)} onExit={exit} />
      </ThemeProvider>,
      frame,
    );
    await exited;
    // The finished steps are in the scrollback; the frame goes, and the result is printed once below them.
    app.clear();
    app.unmount();
    session.stop('quit');
    await session.done;
    if (finished) {
      const path = appendHistory(finished.record);
      process.stdout.write(`drill ${scenario.id}: ${finished.debrief.correct ? 'correct' : 'not found'}, score ${finished.debrief.score.total}/${finished.debrief.maxScore}\nhistory: ${path}\n`);
    }
    process.stdout.write(`transcript: ${plan.transcriptPath}\n`);
    // As in a walk: q once the debrief is shown is a finished drill (0); q or Ctrl-C before it is an interrupted one (130).
    return finished ? 0 : 130;
  } finally {
    unsignal();
    transcript.close();
    await plan.cleanup();
  }
}
