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
  private speedNow: number;
  private readonly maxGapMs: number;
  /** Wall time the last event was played at: the clock runs on from there while playing. */
  private playedAt = Date.now();

  constructor(
    private readonly events: readonly TranscriptEvent[],
    opts: ReplayOptions,
  ) {
    this.auto = opts.auto;
    this.speedNow = opts.speed > 0 ? opts.speed : 1;
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

  /** Paused: nothing plays until play, or → shows the next step. */
  get paused(): boolean {
    return !this.auto;
  }

  get speed(): number {
    return this.speedNow;
  }

  togglePause(): void {
    this.setAuto(!this.auto);
    this.playedAt = Date.now();
  }

  /** Twice or half as fast, between 1/8× and 64×. */
  scaleSpeed(factor: number): void {
    this.speedNow = Math.min(64, Math.max(0.125, this.speedNow * factor));
    if (this.auto) this.setAuto(true);
  }

  /** → the next step as it was entered; ← back to the step before the one on screen (the screen is played again up to it). Both pause. */
  step(delta: 1 | -1): void {
    if (this.stopped) return;
    this.setAuto(false);
    if (delta === 1) {
      this.playThroughNextStep();
      return;
    }
    const enters = this.events.flatMap((e, i) => (e.type === 'step.enter' && i < this.next ? [i] : []));
    // The step on screen is the last one entered; go to the one before it.
    const target = enters.length >= 2 ? enters[enters.length - 2]! : (enters[0] ?? 0);
    this.next = 0;
    while (this.next <= target && this.emitNext());
  }

  /** Milliseconds into the recording: the last event played, plus the time since at this speed while playing (never past the next event). */
  elapsed(): number {
    const first = this.events[0];
    const last = this.events[this.next - 1];
    if (!first || !last) return 0;
    const at = Date.parse(last.t) - Date.parse(first.t);
    if (!this.auto || this.stopped || this.next >= this.events.length) return at;
    const next = this.events[this.next];
    const gap = next ? Date.parse(next.t) - Date.parse(last.t) : 0;
    return at + Math.min(gap, (Date.now() - this.playedAt) * this.speedNow);
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
    this.playedAt = Date.now();
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
    const gap = prev && cur ? Math.max(0, Date.parse(cur.t) - Date.parse(prev.t)) / this.speedNow : 0;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        if (this.stopped || !this.auto) return;
        this.emitNext();
        this.schedule();
      },
      Math.min(gap, this.maxGapMs),
    );
  }

  private finish(): void {
    if (this.complete) return;
    // Cut short (killed, crashed before its last line): say so rather than leave the screen hanging.
    const end: SessionEvent = {
      type: 'session.end',
      outcome: null,
      reason: 'crashed',
      error: 'the transcript ends here: the session was cut short',
    };
    for (const l of this.listeners) l(end);
  }
}
