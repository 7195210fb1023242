import type { WalkSession } from './walkSession.js';

/** What the walk screen is given: the session, the header's facts, and a replay's controls when it is one. */
export interface AppProps {
  session: WalkSession;
  header: {
    runbookTitle: string;
    /** Context name, or "drill <scenario>". */
    target: string;
    mode: 'live' | 'drill';
    /** What the pager said. */
    page: string;
    kubeconfigPath: string | null;
    transcriptPath: string;
  };
  startedAt: Date;
  /** Called when the user quits, or dismisses the end of the walk. */
  onExit: () => void;
  /** Off for --no-color / NO_COLOR: plain text, no styles. */
  color?: boolean;
  /** A replay: its clock and its keys (pause, step, speed) instead of the live ones. */
  replay?: ReplayControls;
}

/** What the screen drives in a replay, besides the session surface. */
export interface ReplayControls {
  readonly paused: boolean;
  readonly speed: number;
  /** Milliseconds into the recording: the replay's own clock, not the wall clock. */
  elapsed(): number;
  togglePause(): void;
  step(delta: 1 | -1): void;
  scaleSpeed(factor: 2 | 0.5): void;
}
