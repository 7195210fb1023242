import type { Evidence, Facts, Layer, Verdict } from '../checks/types.js';
import type { PathEntry } from '../runbook/compile.js';
import type { Phase } from '../runbook/structure.js';
import type { SampleInfo } from '../nodeaccess/types.js';
import type { Anomaly } from '../signatures/match.js';
import type { DiagnosisView, SignatureCandidate } from '../signatures/types.js';
export type { DiagnosisView, SignatureFinding } from '../signatures/types.js';

export type Mode = 'live' | 'drill';
/** unrecognised-evidence: the walk found no cause it knows, but saw anomalies nothing explains (listed, ranked). */
export type SessionOutcome = 'diagnosis' | 'no-finding' | 'incomplete' | 'unrecognised-evidence';
export type EndReason = 'finished' | 'quit' | 'interrupted' | 'crashed';
/** scenario: a drill scenario's scripted answer in a headless walk (`answers:`). */
export type AnsweredBy = 'user' | 'default' | 'pasted' | 'scenario';
export type ActionConfirmedBy = 'user' | '--yes';
/** user: said no; read-only: no --allow-mutations; no-confirmation: headless without --yes. */
export type ActionDeclinedBy = 'user' | 'read-only' | 'no-confirmation';

/** A sidecar holding a check's full output: `file` is relative to the transcript's directory. */
export interface RawOutputRef {
  sha256: string;
  bytes: number;
  file: string;
}

/** A check's full output: inline when small, else a reference the transcript writer put in place of the text. */
export type RawOutput = { text: string } | RawOutputRef;

/**
 * What a session tells the world, in order. The TUI renders these, the
 * headless runner prints them, the transcript appends them: one stream, three readers.
 */
/** A captured file: its bytes as the check handed them over, or where the transcript's writer put them. */
export type ArtifactOutput =
  | { name: string; mediaType: string; bytes: Uint8Array }
  | { name: string; mediaType: string; file: string; sha256: string; size: number };

export type SessionEvent =
  | {
      type: 'session.start';
      runbook: string;
      runbookTitle: string;
      runbookHash: string;
      /** The runbook's symptom with this walk's inputs, and the page that started it: a report needs no runbook to say what was wrong. */
      symptom: string;
      page: string | null;
      mode: Mode;
      scenario: string | null;
      context: string;
      server: string;
      inputs: Record<string, string>;
      /** plumbline's version, the OS user, how host commands ran, and the flags that shape the walk. */
      version?: string;
      user?: string;
      nodeAccess?: string;
      flags?: Record<string, string | boolean>;
    }
  | {
      type: 'step.enter';
      step: string;
      kind: 'check' | 'ask' | 'action' | 'diagnosis';
      title: string;
      layer: Layer;
      phase: Phase;
      why: string;
      /** For a check step: the check and, when its parameters are known already, the command it will show. */
      check?: string;
      command?: string;
    }
  | { type: 'check.start'; step: string; check: string; params: Record<string, unknown>; command: string }
  | {
      type: 'check.result';
      step: string;
      check: string;
      outcome: string;
      summary: string;
      evidence: Evidence[];
      facts: Facts;
      /** plumbline's own time on the check; with manual node access it leaves out the time a person took (waitedMs). */
      durationMs: number;
      /** Manual node access: how long the walk waited for a person to run the command and paste its output. */
      waitedMs?: number;
      timedOut: boolean;
      verdict: Verdict;
      /** What the command or the API returned, redacted; the session emits `{ text }`, the writer may move it to a sidecar. */
      raw?: RawOutput;
      /** Files the check captured (CPU profiles): the session emits their bytes, the writer keeps them beside the transcript and records where. */
      artifacts?: ArtifactOutput[];
    }
  | { type: 'ask'; step: string; question: string; choices: { id: string; label: string }[]; default: string }
  | { type: 'answer'; step: string; choice: string; label: string; by: AnsweredBy }
  /** The user switched between running every check at once and one at a time. */
  | { type: 'mode.change'; auto: boolean }
  /** What the on-call engineer wrote down, attached to the step on screen (null before the first). */
  | { type: 'note'; text: string; step: string | null }
  /** Manual node access: run this on the node and paste what it printed. */
  | { type: 'host.prompt'; step: string; node: string; argv: string[]; command: string; sample?: SampleInfo }
  /** waitedMs: from the prompt to the reply, a person's time (running the command, copying, pasting), not the command's run time. */
  | {
      type: 'host.reply';
      step: string;
      node: string;
      by: 'pasted' | 'declined';
      output?: string;
      exitCode?: number;
      waitedMs?: number;
    }
  /**
   * A remediation the runbook proposes, in full: the exact argv on a node, or
   * the exact kubectl equivalent of an API write. `allowed` is false when the
   * walk is read-only; `simulated` when it is a drill (nothing real changes).
   */
  | {
      type: 'action.proposed';
      step: string;
      target: 'host' | 'kube';
      node: string | null;
      argv: string[] | null;
      command: string;
      allowed: boolean;
      simulated: boolean;
      /** The check step that will confirm it worked. */
      verify: string | null;
    }
  | { type: 'action.confirmed'; step: string; by: ActionConfirmedBy }
  /** Not run; `reason` is the line the user reads, `command` what they can run themselves. */
  | { type: 'action.declined'; step: string; by: ActionDeclinedBy; reason: string; command: string }
  | {
      type: 'action.executed';
      step: string;
      /** false: it could not even start (a value unknown, the node unreachable). */
      ran: boolean;
      ok: boolean;
      /** A host command's exit status (null: killed or timed out). */
      exitCode?: number | null;
      /** An API write's HTTP status. */
      status?: number;
      output: string;
      durationMs: number;
      error?: string;
    }
  | {
      type: 'action.verified';
      step: string;
      /** The check step re-run to confirm the action worked. */
      verifyStep: string;
      check: string;
      command: string;
      outcome: string;
      summary: string;
      evidence: Evidence[];
      verdict: Verdict;
      ok: boolean;
      attempts: number;
    }
  | ({ type: 'diagnosis' } & DiagnosisView)
  /** An input a person pastes, not given: the walk asks for it before the check that reads it (the TUI). */
  | { type: 'input.prompt'; step: string; input: string; description: string; why: string }
  /** What was pasted for it, or nothing (`declined`): the check then reads it as not given. */
  | { type: 'input.reply'; step: string; input: string; by: 'pasted' | 'declined'; value?: string }
  | ({ type: 'session.end'; outcome: SessionOutcome | null; reason: EndReason; error?: string } & Partial<WalkAccount>);

/** A check that could not look: what it would have shown, why it could not, and how a person can see it. */
export interface UnseenCheck {
  step: string;
  title: string;
  check: string;
  /** The check's error summary. */
  summary: string;
  /** unreachable, forbidden, timeout, not-collected ... (the check's errorKind fact). */
  errorKind: string | null;
  /** The command that shows the same thing, and the node to run it on for a host check. */
  command: string;
  node: string | null;
}

/** A finding the walk saw: what an incomplete walk still knows. */
export interface SeenFinding {
  step: string;
  title: string;
  check: string;
  outcome: string;
  summary: string;
}

/** A question a headless walk answered with its declared default: nobody said so. */
export interface DefaultAnswer {
  step: string;
  choice: string;
  label: string;
}

/**
 * How honest the ending is: what could not be seen, what was, the diagnosis
 * the walk reached but could not stand on (its deciding check saw nothing),
 * and the answers nobody gave.
 */
export interface WalkAccount {
  unseen: UnseenCheck[];
  seen: SeenFinding[];
  unconfirmed: { id: string; title: string; restsOn: string } | null;
  defaultsUsed: DefaultAnswer[];
  /** unrecognised-evidence: what the walk saw that nothing explains, worst first (empty otherwise). */
  anomalies: Anomaly[];
  /** unrecognised-evidence, or incomplete with candidates: where a person looks next (empty otherwise). */
  lookNext: string[];
  /**
   * incomplete: signatures the walk's lines matched, which may explain the symptom; never the diagnosis, since
   * what the walk could not see may show another cause (empty otherwise).
   */
  candidates: SignatureCandidate[];
  /** Why the signature catalog could not be read (file:line:col: problem) when the walk needed it; null otherwise. */
  catalogError: string | null;
}

/** A step of the path with what its check saw, for readers of the result (a bot posting it, an alert enricher). */
export interface WalkPathEntry extends PathEntry {
  /** The step's title (its question). */
  title?: string;
  /** The check's one-line summary and the evidence that decided it, redacted as the transcript is. */
  summary?: string;
  evidence?: Evidence[];
  /** The command that shows a person the same thing (empty when there is none). */
  command?: string;
}

export interface SessionResult extends WalkAccount {
  outcome: SessionOutcome | null;
  reason: EndReason;
  diagnosis: DiagnosisView | null;
  path: WalkPathEntry[];
  facts: Facts;
}
