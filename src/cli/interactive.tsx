import { exitCodeOf } from '../engine/report.js';
import { textLines } from '../engine/textLog.js';
import { App } from '../ui/App.js';
import type { CliArgs } from './args.js';
import { guardSession } from './guard.js';
import { startRecording } from './recording.js';
import { openTranscript, sessionFor, transcriptFailed } from './headless.js';
import type { WalkPlan } from './walk.js';
import type { FirstFrame } from './firstFrame.js';
import { mount } from './mount.js';

/** Walks in the Ink TUI; the engine and transcript are the same as headless. */
export async function walkInteractive(plan: WalkPlan, args: Pick<CliArgs, 'step' | 'noColor'>, frame?: FirstFrame): Promise<number> {
  const transcript = await openTranscript(plan);
  const session = sessionFor(plan, { auto: !args.step, answerDefaults: false });
  session.on((e) => transcript.write(e));
  let exit!: () => void;
  const exited = new Promise<void>((resolve) => (exit = resolve));
  const unguard = guardSession(session, { onHangup: () => exit() });
  const stopRecording = startRecording(session, plan.transcriptPath, `plumbline: ${plan.runbook.spec.title}`, {
    width: process.stdout.columns,
    height: process.stdout.rows,
  });
  const header = {
    runbookTitle: plan.runbook.spec.title,
    // A drill is named by its page: the scenario id names the cause.
    target: plan.mode === 'drill' ? plan.page : plan.kube.contextName,
    mode: plan.mode,
    page: plan.page,
    kubeconfigPath: plan.kubeconfigPath,
    transcriptPath: plan.transcriptPath,
  };
  try {
    const app = mount(<App session={session} header={header} startedAt={frame?.startedAt ?? new Date()} onExit={exit} color={!args.noColor} />, frame);
    await exited;
    // The finished steps are in the scrollback already; the frame goes, and the verdict is printed once below them.
    app.clear();
    app.unmount();
    session.stop('quit');
    const result = await session.done;
    // The screen is gone; leave the verdict in the scrollback.
    const last = result.diagnosis ? textLines({ type: 'diagnosis', ...result.diagnosis }) : [`end: ${result.outcome ?? result.reason}`];
    process.stdout.write(`${[...last, `transcript: ${plan.transcriptPath}`].join('\n')}\n`);
    return transcriptFailed(transcript) ?? exitCodeOf(result);
  } finally {
    stopRecording();
    unguard();
    transcript.close();
    await plan.cleanup();
  }
}
