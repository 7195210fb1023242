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
import { sessionFor } from './headless.js';
import { closeScreen, runWalk } from './lifecycle.js';
import type { SessionEvent } from '../engine/events.js';
import type { Session } from '../engine/session.js';
import type { WalkPlan } from './walk.js';
import type { FirstFrame } from './firstFrame.js';
import { mount } from './mount.js';

export interface TrainingOptions {
  mode: DrillMode;
  seed: number | null;
  difficulty: Difficulty | null;
}

/** A training drill in the TUI: the session in step mode, the trainee's predictions, hints and picks beside it, all in one transcript. */
export async function walkTrainingDrill(
  plan: WalkPlan,
  args: Pick<CliArgs, 'noColor'>,
  opts: TrainingOptions,
  frame?: FirstFrame,
): Promise<number> {
  const scenario = plan.scenario?.scenario;
  if (!scenario) throw new UsageError('a training drill needs a scenario');
  const free = opts.mode === 'free';
  const tracker = new DrillTracker({
    spec: plan.runbook.spec,
    scenario,
    inputs: plan.inputs,
    mode: opts.mode,
    seed: opts.seed,
    difficulty: opts.difficulty,
    transcriptPath: plan.transcriptPath,
    lookup: plan.runbook.lookup,
  });
  const setup = {
    session: (): Session | FreeSession =>
      free
        ? new FreeSession({
            runbook: plan.runbook,
            inputs: plan.inputs,
            kube: plan.kube,
            nodes: plan.nodes(undefined),
            scenario: scenario.id,
            page: plan.page,
            redactPatterns: loadExtraPatterns(process.env),
          })
        : sessionFor(plan, { auto: false, answerDefaults: false }),
    // The tracker hears each event after the transcript and before the screen, so a result and its prediction's verdict draw together.
    observe: (e: SessionEvent) => tracker.observe(e),
    ...(free ? {} : { record: `plumbline drill: ${scenario.id}` }),
  };
  return runWalk(plan, setup, async (run) => {
    tracker.on((e) => run.transcript.write(e));
    let finished: DrillOutcome | undefined;
    // The header names the drill by its page: the scenario id names the cause.
    const header = {
      runbookTitle: plan.runbook.spec.title,
      target: plan.page,
      page: plan.page,
      kubeconfigPath: plan.kubeconfigPath,
      transcriptPath: plan.transcriptPath,
    };
    const session = run.session;
    const picks =
      session instanceof FreeSession
        ? {
            choices: () => session.choices(),
            run: (step: string) => void session.run(step),
            declare: () => session.declare(),
          }
        : undefined;
    const app = mount(
      <ThemeProvider color={!args.noColor}>
        <DrillScreen
          session={session}
          tracker={tracker}
          header={header}
          startedAt={frame?.startedAt ?? new Date()}
          {...(picks ? { free: picks } : {})}
          onFinished={(o) => (finished = o)}
          onExit={run.exit}
        />
      </ThemeProvider>,
      frame,
    );
    const result = await closeScreen(app, run);
    if (finished) {
      const path = appendHistory(finished.record);
      const d = finished.debrief;
      process.stdout.write(
        `drill ${scenario.id}: ${d.correct ? 'correct' : 'not found'}, score ${d.score.total}/${d.maxScore}\nhistory: ${path}\n`,
      );
    }
    process.stdout.write(`transcript: ${plan.transcriptPath}\n`);
    // A free drill has no walk to end: q once the debrief is shown is a finished drill (0); q or Ctrl-C before it is an interrupted one (130).
    if (free) return finished ? 0 : 130;
    return exitCodeOf(result);
  });
}
