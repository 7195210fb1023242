import type { SessionEvent } from '../engine/events.js';
import type { TranscriptEvent } from './read.js';

export interface ReplayOptions {
  /** Timed playback at this speed (2 = twice as fast); step mode ignores it. */
  speed: number;
  /** Timed (true) or one step per Enter (false). */
  auto: boolean;
  /** A long pause in the session (someone thinking) plays as at most this long. */
  maxGapMs?: number;
}

type Listener = (e: SessionEvent) => void;

/**
 * Plays a transcript back through the same surface the TUI drives a live
 * session with: the screen cannot tell the difference, and nothing touches a
 * cluster. Keys that would act (answers, pastes, notes) do nothing: a replay
 * only shows what happened.
 */
export class ReplaySession {
  private readonly listeners = new Set<Listener>();
  private next = 0;
  private auto: boolean;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly speed: number;
  private readonly maxGapMs: number;

  constructor(
    private readonly events: readonly TranscriptEvent[],
    opts: ReplayOptions,
  ) {
    this.auto = opts.auto;
    this.speed = opts.speed > 0 ? opts.speed : 1;
    this.maxGapMs = opts.maxGapMs ?? 3_000;
  }

  /** Whether the transcript ended properly; a cut-short one gets an end shown by the replay itself. */
  get complete(): boolean {
    return this.events.some((e) => e.type === 'session.end');
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    // Everything up to and including the first step, so the screen opens on it.
    this.playThroughNextStep();
    if (this.auto) this.schedule();
  }

  /** Step mode: Enter shows what the step found, and the step after it. */
  proceed(): void {
    if (this.auto || this.stopped) return;
    this.playThroughNextStep();
  }

  get isAuto(): boolean {
    return this.auto;
  }

  setAuto(auto: boolean): void {
    this.auto = auto;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (auto) this.schedule();
  }

  stop(_reason?: string): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  // A replay shows what was answered, pasted and noted; it never adds to it.
  answer(_choice: string): void {}
  note(_text: string): void {}
  pasteHostOutput(_output: string): void {}
  declineHostCommand(): void {}

  private emitNext(): boolean {
    const e = this.events[this.next];
    if (!e) return false;
    this.next += 1;
    const { v: _v, seq: _seq, t: _t, ...event } = e;
    for (const l of this.listeners) l(event);
    if (this.next === this.events.length) this.finish();
    return true;
  }

  /** Emits up to and including the next step.enter: a step appears as it did live, waiting for Enter to run. */
  private playThroughNextStep(): void {
    while (this.emitNext()) if (this.events[this.next - 1]?.type === 'step.enter') return;
  }

  private schedule(): void {
    if (this.stopped || !this.auto || this.next >= this.events.length) return;
    const prev = this.events[this.next - 1];
    const cur = this.events[this.next];
    const gap = prev && cur ? Math.max(0, Date.parse(cur.t) - Date.parse(prev.t)) / this.speed : 0;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopped || !this.auto) return;
      this.emitNext();
      this.schedule();
    }, Math.min(gap, this.maxGapMs));
  }

  private finish(): void {
    if (this.complete) return;
    // Cut short (killed, crashed before its last line): say so rather than leave the screen hanging.
    const end: SessionEvent = { type: 'session.end', outcome: null, reason: 'crashed', error: 'the transcript ends here: the session was cut short' };
    for (const l of this.listeners) l(end);
  }
}
