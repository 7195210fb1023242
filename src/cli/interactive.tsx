import { exitCodeOf } from '../engine/report.js';
import { textLines } from '../engine/textLog.js';
import { App } from '../ui/App.js';
import type { CliArgs } from './args.js';
import { sessionFor } from './headless.js';
import { closeScreen, runWalk, transcriptFailed } from './lifecycle.js';
import type { WalkPlan } from './walk.js';
import type { FirstFrame } from './firstFrame.js';
import { mount } from './mount.js';
import { nextTask } from './nextTask.js';

/** Walks in the Ink TUI; the engine and transcript are the same as headless. */
export async function walkInteractive(
  plan: WalkPlan,
  args: Pick<CliArgs, 'step' | 'noColor'>,
  frame?: FirstFrame,
): Promise<number> {
  const setup = {
    // A live walk asks for the text a person pastes (the page's error); a drill's scenario is its page.
    session: () => sessionFor(plan, { auto: !args.step, answerDefaults: false, askPastes: plan.mode === 'live' }),
    record: `plumbline: ${plan.runbook.spec.title}`,
  };
  return runWalk(plan, setup, async (run) => {
    // The session (its runbook compiled to a state machine), its machine with the walk's actors, and the screen's
    // first frame: one task each.
    await nextTask();
    run.session.prepare();
    await nextTask();
    const header = {
      runbookTitle: plan.runbook.spec.title,
      // A drill is named by its page: the scenario id names the cause.
      target: plan.mode === 'drill' ? plan.page : plan.kube.contextName,
      mode: plan.mode,
      page: plan.page,
      kubeconfigPath: plan.kubeconfigPath,
      transcriptPath: plan.transcriptPath,
    };
    const app = mount(
      <App
        session={run.session}
        header={header}
        startedAt={frame?.startedAt ?? new Date()}
        onExit={run.exit}
        color={!args.noColor}
      />,
      frame,
    );
    const result = await closeScreen(app, run);
    // The screen is gone; leave the verdict in the scrollback, below the finished steps.
    const last = result.diagnosis
      ? textLines({ type: 'diagnosis', ...result.diagnosis })
      : [`end: ${result.outcome ?? result.reason}`];
    process.stdout.write(`${[...last, `transcript: ${plan.transcriptPath}`].join('\n')}\n`);
    return transcriptFailed(run.transcript) ?? exitCodeOf(result);
  });
}
