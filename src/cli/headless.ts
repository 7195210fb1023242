import { walkJson, exitCodeOf } from '../engine/report.js';
import { Session } from '../engine/session.js';
import { textLines } from '../engine/textLog.js';
import { loadExtraPatterns } from '../base/redact.js';
import { TranscriptWriter } from '../transcript/writer.js';
import type { CliArgs } from './args.js';
import { guardSession } from './guard.js';
import { printObject } from './output.js';
import { startRecording } from './recording.js';
import type { WalkPlan } from './walk.js';

/** Walks without a terminal: every check runs at once, every question takes its default. */
export async function walkHeadless(plan: WalkPlan, args: Pick<CliArgs, 'output'> & Partial<Pick<CliArgs, 'yes'>>): Promise<number> {
  const transcript = await openTranscript(plan);
  const session = sessionFor(plan, { auto: true, answerDefaults: true, yes: args.yes ?? false });
  session.on((e) => transcript.write(e));
  if (args.output === 'text') session.on((e) => process.stdout.write(textLines(e).map((l) => `${l}\n`).join('')));
  const unguard = guardSession(session);
  const stopRecording = startRecording(session, plan.transcriptPath, `plumbline: ${plan.runbook.spec.title}`, {
    width: process.stdout.columns || 80,
    height: process.stdout.rows || 24,
  });
  try {
    session.start();
    const result = await session.done;
    const meta = { runbook: plan.runbook.spec.id, mode: plan.mode, scenario: plan.scenario?.scenario.id ?? null, transcript: plan.transcriptPath };
    // What the walk cost the API server: the same on 10 nodes and on 5,000 when every query is pinned.
    if (args.output !== 'text') printObject({ ...walkJson(result, meta), api: plan.kube.apiStats }, args.output);
    else process.stdout.write(`transcript: ${plan.transcriptPath}\n`);
    return transcriptFailed(transcript) ?? exitCodeOf(result);
  } finally {
    stopRecording();
    unguard();
    transcript.close();
    await plan.cleanup();
  }
}

/** The transcript, opened before anything runs; when it cannot be, the walk's drill and temp files go too. */
export async function openTranscript(plan: WalkPlan): Promise<TranscriptWriter> {
  try {
    return TranscriptWriter.open(plan.transcriptPath);
  } catch (err) {
    await plan.cleanup();
    throw err;
  }
}

/** A transcript that stopped mid-walk: said on stderr, exit 3 (the walk's record is not whole). */
export function transcriptFailed(transcript: TranscriptWriter): number | undefined {
  if (!transcript.failure) return undefined;
  process.stderr.write(`plumbline: cannot write ${transcript.failure.message}\n`);
  return 3;
}

export function sessionFor(plan: WalkPlan, { yes = false, ...opts }: { auto: boolean; answerDefaults: boolean; yes?: boolean }): Session {
  return new Session({
    allowMutations: plan.allowMutations,
    about: plan.about,
    // Headless, only --yes confirms an action; in the TUI the user does, with y.
    // A drill scenario may script the trainee: its answers, and whether its actions are confirmed.
    confirmActions: opts.answerDefaults ? (yes || plan.scenario?.scenario.actions === 'confirm' ? 'yes' : 'none') : 'ask',
    ...(opts.answerDefaults && plan.scenario ? { answers: plan.scenario.scenario.answers } : {}),
    runbook: plan.runbook,
    inputs: plan.inputs,
    kube: plan.kube,
    mode: plan.mode,
    scenario: plan.scenario?.scenario.id ?? null,
    page: plan.page,
    redactPatterns: loadExtraPatterns(process.env),
    // Headless there is no one to paste: manual access says so in each host check's result.
    nodes: opts.answerDefaults ? plan.nodes(undefined) : (session) => plan.nodes(session.promptHost),
    ...opts,
  });
}
