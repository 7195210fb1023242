import type { Instance } from 'ink';
import type { SessionEvent, SessionResult, EndReason } from '../engine/events.js';
import { guardSession } from './guard.js';
import { TranscriptWriter } from '../transcript/writer.js';
import { startRecording } from './recording.js';
import type { WalkPlan } from './walk.js';

/** What the lifecycle needs of a session: the walk's or a free drill's. */
export interface Walkable {
  on(listener: (e: SessionEvent) => void): () => void;
  stop(reason: Exclude<EndReason, 'finished'>, error?: unknown): void;
  readonly done: Promise<SessionResult>;
}

/** A walk in progress: its session and transcript, and how a screen says it is finished. */
export interface WalkRun<S extends Walkable> {
  session: S;
  transcript: TranscriptWriter;
  /** Called by the screen (q, or the terminal went away). */
  exit: () => void;
  exited: Promise<void>;
}

export interface WalkSetup<S extends Walkable> {
  session: () => S;
  /** Writers of the transcript beside the session (a drill's tracker): each event goes to the transcript, then to them. */
  observe?: (e: SessionEvent) => void;
  /** The recording's title (an asciinema cast beside the transcript); none for walks that are not recorded. */
  record?: string;
}

/**
 * One lifecycle for every walk, headless, TUI and drill: the transcript opens
 * before anything runs, every event goes to it first, Ctrl-C, a lost terminal
 * and a crash end the session properly (so the transcript keeps its last
 * line), and whatever happens the recording, the handlers, the transcript and
 * the drill cluster are closed in that order.
 */
export async function runWalk<S extends Walkable>(
  plan: WalkPlan,
  setup: WalkSetup<S>,
  body: (run: WalkRun<S>) => Promise<number>,
): Promise<number> {
  const transcript = await openTranscript(plan);
  let stopRecording = (): void => {};
  let unguard = (): void => {};
  try {
    const session = setup.session();
    session.on((e) => {
      transcript.write(e);
      setup.observe?.(e);
    });
    let exit!: () => void;
    const exited = new Promise<void>((resolve) => (exit = resolve));
    unguard = guardSession(session, { onHangup: () => exit() });
    if (setup.record !== undefined) {
      stopRecording = startRecording(session, plan.transcriptPath, setup.record, {
        width: process.stdout.columns || 80,
        height: process.stdout.rows || 24,
      });
    }
    return await body({ session, transcript, exit, exited });
  } finally {
    stopRecording();
    unguard();
    transcript.close();
    await plan.cleanup();
  }
}

/**
 * A screen's part of the lifecycle: wait until it exits, take the frame away
 * (the finished steps stay in the scrollback), end the session if it is still
 * running, and return its result for the lines printed below.
 */
export async function closeScreen<S extends Walkable>(app: Instance, run: WalkRun<S>): Promise<SessionResult> {
  await run.exited;
  app.clear();
  app.unmount();
  run.session.stop('quit');
  return run.session.done;
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
