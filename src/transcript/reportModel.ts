import { layers } from '../checks/types.js';
import type { Evidence, Facts, Layer, Verdict } from '../checks/types.js';
import type { AnsweredBy, DiagnosisView, EndReason, Mode, RawOutput, SessionOutcome } from '../engine/events.js';
import type { RunbookSpec } from '../runbook/schema.js';
import type { SignatureCandidate } from '../signatures/types.js';
import { branches, isSpecialTarget } from '../runbook/structure.js';
import type { Phase } from '../runbook/structure.js';
import { renderLoose } from '../runbook/template.js';
import { pathFlowchart, startNode } from './mermaid.js';
import type { TakenEdge } from './mermaid.js';
import type { CheckedRawRef, TranscriptEvent } from './read.js';
import { redactEvent, redactText } from '../base/redact.js';
import { catalogNote } from '../engine/textLog.js';

export interface ReportOptions {
  /** The runbook the session walked, loaded by the id in session.start: draws the whole tree around the path. */
  runbook?: RunbookSpec;
  /** Why the whole runbook is not drawn (not found, changed since the session); shown under the diagram. */
  runbookNote?: string;
  /** The page that started a drill (the scenario's `page`). */
  page?: string;
  /** From the reader: the last line was cut mid-write. */
  truncated?: boolean;
  /** From the reader: damaged lines, listed under the warning. */
  problems?: string[];
  /** Extra redaction patterns (PLUMBLINE_REDACT): the report redacts again, whatever wrote the transcript. */
  redact?: readonly RegExp[];
  /** Renderers: show every raw output in full instead of its first lines (`plumbline report --full`). */
  fullOutput?: boolean;
}

/** How the session ended, as a reader of the report needs to know it. */
export type ReportStatus = SessionOutcome | 'interrupted' | 'quit' | 'crashed' | 'cut-short';

export interface StepVisit {
  step: string;
  kind: 'check' | 'ask' | 'action' | 'diagnosis';
  title: string;
  layer: Layer;
  phase: Phase;
  why: string;
  at: string;
  seq: number;
  /** An action step: what was proposed, who decided, what ran and whether it was verified. */
  action?: ActionRecord;
  /** `at`/`seq` of check.start: when the command ran (in step mode, later than entering the step). */
  check: { id: string; command: string; params: Record<string, unknown>; at: string | null; seq: number | null } | null;
  /** `raw`: the check's full output, inline or a sidecar reference (with what the reader found there, when it looked). */
  result: {
    outcome: string;
    summary: string;
    evidence: Evidence[];
    facts: Facts;
    durationMs: number;
    waitedMs?: number;
    timedOut: boolean;
    verdict: Verdict | null;
    at: string;
    raw?: RawOutput & { found?: CheckedRawRef['found'] };
    artifacts?: { name: string; file: string; size: number }[];
  } | null;
  question: { text: string; choices: { id: string; label: string }[]; default: string } | null;
  answer: { choice: string; label: string; by: AnsweredBy; at: string; seq: number } | null;
}

export interface ActionRecord {
  step: string;
  command: string;
  node: string | null;
  target: 'host' | 'kube';
  allowed: boolean;
  simulated: boolean;
  at: string;
  seq: number;
  decision: { confirmed: boolean; by: string; reason: string | null; at: string; seq: number } | null;
  executed: {
    ran: boolean;
    ok: boolean;
    exitCode: number | null;
    status: number | null;
    output: string;
    error: string | null;
    durationMs: number;
    at: string;
    seq: number;
  } | null;
  verified: {
    step: string;
    check: string;
    command: string;
    outcome: string;
    summary: string;
    ok: boolean;
    attempts: number;
    at: string;
    seq: number;
  } | null;
}

export interface LayerVerdict {
  layer: Layer;
  verdict: 'healthy' | 'diagnosed' | 'findings' | 'inconclusive' | 'not-checked';
  checks: { step: string; outcome: string; verdict: Verdict; summary: string }[];
}

/** Everything a report says, before it is formatted: the JSON format is this object. */
export interface ReportModel {
  format: 'plumbline-report';
  version: 1;
  title: string;
  symptom: string;
  page: string | null;
  runbook: { id: string; title: string; hash: string } | null;
  mode: Mode | null;
  scenario: string | null;
  context: string | null;
  server: string | null;
  user: string | null;
  tool: string | null;
  inputs: Record<string, string>;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  status: ReportStatus;
  end: { outcome: SessionOutcome | null; reason: EndReason; error: string | null } | null;
  diagnosis: DiagnosisView | null;
  /** unrecognised-evidence: the anomalies the walk saw that nothing explains, worst first, and where to look next. */
  anomalies: { layer: Layer; source: string; line: string; severity: number }[];
  lookNext: string[];
  /** incomplete: signatures what the walk saw matched; possible causes, not confirmed. */
  candidates: SignatureCandidate[];
  /** Why the signature catalog could not be read when the walk needed it: its known causes were not checked. */
  catalogError: string | null;
  visits: StepVisit[];
  /** The user switching between running checks at once (auto) and one at a time. */
  modeChanges: { at: string; seq: number; auto: boolean }[];
  /** Remediations proposed during the walk, with their confirmation, execution and verification. */
  actions: ActionRecord[];
  /** What the engineer wrote down during the session, with the step on screen then. */
  notes: { at: string; seq: number; step: string | null; text: string }[];
  path: TakenEdge[];
  layers: LayerVerdict[];
  transcript: { events: number; truncated: boolean; problems: string[] };
  /** The whole runbook with the path highlighted (for the JSON and for tools that draw big graphs). */
  mermaid: string;
  /** Only the path taken: what the Markdown and HTML reports draw. */
  pathMermaid: string;
  runbookNote: string | null;
  /** What was checked and done, in order; `by` tells a person's doing from plumbline's. */
  timeline: TimelineEntry[];
  /** The steps whose results the conclusion rests on (findings on the path, the deciding check). */
  basis: string[];
  /** Each check's full output once: a later identical output points at the first. */
  raw: RawEntry[];
  /** What is left to do, derived from what the walk could not see or finish. */
  followUps: string[];
}

/** Who did a timeline entry: plumbline ran it, a person did it, or it was answered for nobody (default / drill script). */
export type Actor = 'plumbline' | 'person' | 'default' | 'scenario';

export interface TimelineEntry {
  seq: number;
  at: string;
  by: Actor;
  layer: Layer | null;
  step: string | null;
  /** Plain text; renderers escape it. */
  what: string;
  command: string | null;
}

export interface RawEntry {
  step: string;
  command: string | null;
  raw: RawOutput & { found?: CheckedRawRef['found'] };
  /** The step whose output was byte-for-byte the same; this one is not shown again. */
  sameAs: string | null;
}

/** Builds the report's content from a transcript's events; pure, so it is tested on fixtures. */
export function buildReport(rawEvents: readonly TranscriptEvent[], opts: ReportOptions = {}): ReportModel {
  const events = rawEvents.map((e) => redactEvent(e, opts.redact));
  const start = events.find((e) => e.type === 'session.start');
  const end = events.findLast((e) => e.type === 'session.end');
  const diagnosis = events.findLast((e) => e.type === 'diagnosis');
  const visits = collectVisits(events);
  const first = start ?? events[0];
  const last = end ?? events.at(-1);
  const startedAt = first?.t ?? null;
  const endedAt = last?.t ?? null;
  const inputs = start?.inputs ?? {};
  const spec = opts.runbook && opts.runbook.id === start?.runbook ? opts.runbook : undefined;
  const symptom =
    start?.symptom ??
    (spec
      ? renderLoose(spec.symptom, { inputs, facts: {} })
      : (start?.runbookTitle ?? 'unknown symptom (the transcript has no session start)'));
  const diag = diagnosis
    ? {
        id: diagnosis.id,
        title: diagnosis.title,
        layer: diagnosis.layer,
        why: diagnosis.why,
        chain: diagnosis.chain,
        fix: diagnosis.fix,
        verify: diagnosis.verify,
      }
    : null;
  const status = statusOf(end);
  const taken = takenPath(visits, spec, end?.outcome ?? null);
  const fits = spec !== undefined && pathFits(spec, taken);
  let runbookNote = opts.runbookNote ?? null;
  if (spec && !fits)
    runbookNote = `The runbook ${spec.id} has changed since this session (the path taken is not in it), so only the path is drawn.`;
  const mermaid = pathFlowchart({
    spec: fits ? spec : undefined,
    visited: visits.map((v) => ({ step: v.step, kind: v.kind })),
    taken,
  });
  const pathMermaid = pathFlowchart({ visited: visits.map((v) => ({ step: v.step, kind: v.kind })), taken });
  const extra = start as Record<string, unknown> | undefined;
  const notes = events.flatMap((e) => (e.type === 'note' ? [{ at: e.t, seq: e.seq, step: e.step, text: e.text }] : []));
  const modeChanges = events.flatMap((e) => (e.type === 'mode.change' ? [{ at: e.t, seq: e.seq, auto: e.auto }] : []));
  const endView = end ? { outcome: end.outcome, reason: end.reason, error: end.error ?? null } : null;
  return {
    format: 'plumbline-report',
    version: 1,
    title: `Postmortem: ${symptom}`,
    symptom,
    page: start?.page ?? opts.page ?? null,
    runbook: start ? { id: start.runbook, title: start.runbookTitle, hash: start.runbookHash } : null,
    mode: start?.mode ?? null,
    scenario: start?.scenario ?? null,
    context: start?.context ?? null,
    server: start?.server ?? null,
    // Not in v1's session.start yet; read when a newer writer adds them.
    user: typeof extra?.user === 'string' ? extra.user : null,
    tool: typeof extra?.version === 'string' ? extra.version : null,
    inputs,
    startedAt,
    endedAt,
    durationMs: startedAt && endedAt ? Date.parse(endedAt) - Date.parse(startedAt) : null,
    status,
    end: endView,
    anomalies: end?.anomalies ?? [],
    lookNext: end?.lookNext ?? [],
    candidates: end?.candidates ?? [],
    catalogError: end?.catalogError ?? null,
    diagnosis: diag,
    visits,
    modeChanges,
    actions: visits.flatMap((v) => (v.action ? [v.action] : [])),
    notes,
    path: taken,
    layers: layerVerdicts(visits, diag?.layer ?? null),
    transcript: {
      events: rawEvents.length,
      truncated: opts.truncated ?? false,
      problems: (opts.problems ?? []).map((p) => redactText(p, opts.redact)),
    },
    mermaid,
    pathMermaid,
    runbookNote,
    timeline: timelineOf(visits, notes, modeChanges, {
      start: start ? { at: start.t, runbook: start.runbook, mode: start.mode } : null,
      end: endView,
      endedAt,
    }),
    basis: basisOf(visits, status),
    raw: rawEntries(visits),
    followUps: [
      ...(end?.catalogError ? [`${capital(catalogNote(end.catalogError))} (plumbline lint lists every problem).`] : []),
      ...followUpsOf(visits, status, end?.lookNext ?? [], spec?.id ?? start?.runbook ?? null),
    ],
  };
}

function statusOf(end: Extract<TranscriptEvent, { type: 'session.end' }> | undefined): ReportStatus {
  if (!end) return 'cut-short';
  switch (end.reason) {
    case 'finished':
      return end.outcome ?? 'incomplete';
    case 'quit':
    case 'interrupted':
    case 'crashed':
      return end.reason;
  }
}

/** Each step entered, with what happened in it; check and answer events attach to the latest visit of their step. */
function collectVisits(events: readonly TranscriptEvent[]): StepVisit[] {
  const visits: StepVisit[] = [];
  const current = (step: string) => visits.findLast((v) => v.step === step);
  for (const e of events) {
    switch (e.type) {
      case 'step.enter':
        visits.push({
          ...{
            step: e.step,
            kind: e.kind,
            title: e.title,
            layer: e.layer,
            phase: e.phase,
            why: e.why,
            at: e.t,
            seq: e.seq,
          },
          // The command is known on entry when the check's parameters are; check.start confirms it.
          check: e.check && e.command ? { id: e.check, command: e.command, params: {}, at: null, seq: null } : null,
          ...{ result: null, question: null, answer: null },
        });
        break;
      case 'check.start': {
        const v = current(e.step);
        if (v) v.check = { id: e.check, command: e.command, params: e.params, at: e.t, seq: e.seq };
        break;
      }
      case 'check.result': {
        const v = current(e.step);
        // verdict is absent from transcripts older than healthy outcomes: null, judged by the outcome alone.
        const verdict = (e.verdict as Verdict | undefined) ?? null;
        const artifacts = (e.artifacts ?? []).flatMap((a) =>
          'file' in a ? [{ name: a.name, file: a.file, size: a.size }] : [],
        );
        if (v)
          v.result = {
            outcome: e.outcome,
            summary: e.summary,
            evidence: e.evidence,
            facts: e.facts,
            durationMs: e.durationMs,
            ...(typeof e.waitedMs === 'number' ? { waitedMs: e.waitedMs } : {}),
            timedOut: e.timedOut,
            verdict,
            at: e.t,
            ...(e.raw ? { raw: e.raw } : {}),
            ...(artifacts.length > 0 ? { artifacts } : {}),
          };
        break;
      }
      case 'ask': {
        const v = current(e.step);
        if (v) v.question = { text: e.question, choices: e.choices, default: e.default };
        break;
      }
      case 'answer': {
        const v = current(e.step);
        if (v) v.answer = { choice: e.choice, label: e.label, by: e.by, at: e.t, seq: e.seq };
        break;
      }
      case 'diagnosis': {
        // step.enter carries the runbook's raw title; the diagnosis event has it filled in.
        const v = current(e.id);
        if (v) v.title = e.title;
        break;
      }
      case 'action.proposed': {
        const v = current(e.step);
        if (v) {
          v.action = {
            ...{
              step: e.step,
              command: e.command,
              node: e.node,
              target: e.target,
              allowed: e.allowed,
              simulated: e.simulated,
              at: e.t,
              seq: e.seq,
            },
            ...{ decision: null, executed: null, verified: null },
          };
        }
        break;
      }
      case 'action.confirmed':
      case 'action.declined': {
        const a = current(e.step)?.action;
        if (a)
          a.decision = {
            confirmed: e.type === 'action.confirmed',
            by: e.by,
            reason: e.type === 'action.declined' ? e.reason : null,
            at: e.t,
            seq: e.seq,
          };
        break;
      }
      case 'action.executed': {
        const a = current(e.step)?.action;
        if (a)
          a.executed = {
            ran: e.ran,
            ok: e.ok,
            exitCode: e.exitCode ?? null,
            status: e.status ?? null,
            output: e.output,
            error: e.error ?? null,
            durationMs: e.durationMs,
            at: e.t,
            seq: e.seq,
          };
        break;
      }
      case 'action.verified': {
        const a = current(e.step)?.action;
        if (a)
          a.verified = {
            step: e.verifyStep,
            check: e.check,
            command: e.command,
            outcome: e.outcome,
            summary: e.summary,
            ok: e.ok,
            attempts: e.attempts,
            at: e.t,
            seq: e.seq,
          };
        break;
      }
      case 'session.start':
      case 'session.end':
      case 'mode.change':
      case 'note': // notes have their own section and timeline rows
      case 'host.prompt': // the pasted output reaches the report through the check's own result
      case 'host.reply':
        break;
    }
  }
  return visits;
}

function takenOn(v: StepVisit): string | null {
  return v.result?.outcome ?? v.answer?.choice ?? (v.action ? actionOutcome(v.action) : null);
}

/** The branch an action took: declined, done (ran and verified), failed. */
function actionOutcome(a: ActionRecord): string | null {
  if (a.decision && !a.decision.confirmed) return 'declined';
  if (a.executed && !a.executed.ok) return 'failed';
  if (a.verified) return a.verified.ok ? 'done' : 'failed';
  return a.executed ? 'done' : null;
}

/**
 * The transitions the walk took. With the runbook, each outcome's target says
 * whether the walk went through `$bottom-up` or ended at `$no-finding` /
 * `$incomplete`; without it, a change of phase means `$bottom-up` and the end
 * event's outcome names the final target.
 */
function takenPath(visits: StepVisit[], spec: RunbookSpec | undefined, outcome: SessionOutcome | null): TakenEdge[] {
  const edges: TakenEdge[] = [];
  const first = visits[0];
  if (first) edges.push({ from: startNode, on: '', to: first.step });
  visits.forEach((v, i) => {
    const next = visits[i + 1];
    const on = takenOn(v);
    if (on === null) return;
    const step = spec?.steps[v.step];
    const target = step ? branches(step).find((b) => b.on === on)?.target : undefined;
    if (next) {
      const viaBottomUp =
        target === '$bottom-up' || (target === undefined && v.phase === 'top-down' && next.phase === 'bottom-up');
      if (viaBottomUp)
        edges.push({ from: v.step, on, to: '$bottom-up' }, { from: '$bottom-up', on: '', to: next.step });
      else edges.push({ from: v.step, on, to: next.step });
      return;
    }
    if (target !== undefined && isSpecialTarget(target)) edges.push({ from: v.step, on, to: target });
    else if (
      target === undefined &&
      (outcome === 'no-finding' || outcome === 'unrecognised-evidence' || outcome === 'incomplete')
    )
      edges.push({ from: v.step, on, to: outcome === 'incomplete' ? '$incomplete' : '$no-finding' });
  });
  return edges;
}

/** Whether the runbook as it is now contains every transition the walk took. */
function pathFits(spec: RunbookSpec, taken: TakenEdge[]): boolean {
  return taken.every((e) => {
    if (e.from === startNode) return e.to === spec.start;
    if (e.from === '$bottom-up') return e.to === spec.bottomUp;
    const step = spec.steps[e.from];
    return step !== undefined && branches(step).some((b) => b.on === e.on && b.target === e.to);
  });
}

/**
 * A layer is "checked and found healthy" when at least one check ran in it,
 * every one of them returned a healthy outcome (verdict `ok`), and the
 * diagnosis is not in it. Simple on purpose: a reader can verify it from the
 * evidence. (A transcript without verdicts counts any outcome but `error` as healthy.)
 */
function layerVerdicts(visits: StepVisit[], diagnosed: Layer | null): LayerVerdict[] {
  return layers.map((layer) => {
    const checks = visits.flatMap((v) => {
      const res = v.result;
      if (v.layer !== layer || v.kind !== 'check' || !res) return [];
      const verdict: Verdict = res.outcome === 'error' || res.timedOut ? 'error' : (res.verdict ?? 'ok');
      return [{ step: v.step, outcome: res.outcome, verdict, summary: res.summary }];
    });
    const any = (verdict: Verdict) => checks.some((c) => c.verdict === verdict);
    const verdict: LayerVerdict['verdict'] =
      layer === diagnosed
        ? 'diagnosed'
        : checks.length === 0
          ? 'not-checked'
          : any('finding')
            ? 'findings'
            : any('error')
              ? 'inconclusive'
              : 'healthy';
    return { layer, verdict, checks };
  });
}

// ── JSON ────────────────────────────────────────────────────────────

export function renderJson(events: readonly TranscriptEvent[], opts: ReportOptions = {}): string {
  return `${JSON.stringify(buildReport(events, opts), null, 2)}\n`;
}

// ── timeline, basis, raw outputs, follow-ups ────────────────────────

interface TimelineBounds {
  start: { at: string; runbook: string; mode: Mode } | null;
  end: { outcome: SessionOutcome | null; reason: EndReason; error: string | null } | null;
  endedAt: string | null;
}

/**
 * What was checked and done, in transcript order. A paste wait (`waitedMs`)
 * is the person's time fetching output by hand, so it is its own entry by the
 * person, never the command's run time.
 */
function timelineOf(
  visits: StepVisit[],
  notes: ReportModel['notes'],
  modeChanges: ReportModel['modeChanges'],
  bounds: TimelineBounds,
): TimelineEntry[] {
  const rows: TimelineEntry[] = [];
  const add = (seq: number, at: string, by: Actor, v: StepVisit | null, what: string, command: string | null = null) =>
    rows.push({ seq, at, by, layer: v?.layer ?? null, step: v?.step ?? null, what, command });
  if (bounds.start)
    add(
      0,
      bounds.start.at,
      'plumbline',
      null,
      `session started: runbook ${bounds.start.runbook}, ${bounds.start.mode} mode`,
    );
  for (const v of visits) {
    switch (v.kind) {
      case 'check': {
        const res = v.result;
        // Timed by when the command ran, not when the step was shown: that is what the cluster saw.
        const seq = v.check?.seq ?? v.seq;
        const at = v.check?.at ?? v.at;
        if (!res) {
          add(seq, at, 'plumbline', v, 'no result: the session ended during the check', v.check?.command ?? null);
          break;
        }
        const timed = res.timedOut ? ', timed out' : '';
        if (res.waitedMs !== undefined) {
          add(
            seq,
            at,
            'plumbline',
            v,
            'asked for the output of this command on the node (manual node access)',
            v.check?.command ?? null,
          );
          add(
            seq + 0.5,
            res.at,
            'person',
            v,
            `pasted the output after ${duration(res.waitedMs)}; read as ${res.outcome}${timed}: ${res.summary}`,
          );
        } else {
          add(
            seq,
            at,
            'plumbline',
            v,
            `${res.outcome}${timed}: ${res.summary} (${duration(res.durationMs)})`,
            v.check?.command ?? null,
          );
        }
        break;
      }
      case 'ask':
        add(v.seq, v.at, 'plumbline', v, `asked: ${v.question?.text ?? v.title}`);
        if (v.answer)
          add(
            v.answer.seq,
            v.answer.at,
            actorOf(v.answer.by),
            v,
            `answered ${v.answer.choice} (${v.answer.label})${answerNote(v.answer.by)}`,
          );
        break;
      case 'diagnosis':
        add(v.seq, v.at, 'plumbline', v, `diagnosis: ${v.title}`);
        break;
      case 'action': {
        const a = v.action;
        add(
          v.seq,
          v.at,
          'plumbline',
          v,
          `proposed a fix${a?.simulated ? ' (on the drill cluster)' : ''}`,
          a?.command ?? null,
        );
        const d = a?.decision;
        if (d)
          add(
            d.seq,
            d.at,
            d.by === 'user' ? 'person' : 'default',
            v,
            d.confirmed ? 'confirmed the fix' : `did not run it: ${declineReason(d.reason)}`,
          );
        if (a?.executed) add(a.executed.seq, a.executed.at, 'plumbline', v, executedText(a));
        if (a?.verified)
          add(
            a.verified.seq,
            a.verified.at,
            'plumbline',
            v,
            `verified by ${a.verified.step}: ${a.verified.outcome}: ${a.verified.summary}`,
            a.verified.command,
          );
        break;
      }
    }
  }
  for (const n of notes)
    add(n.seq, n.at, 'person', visits.findLast((v) => v.step === n.step) ?? null, `note: ${n.text}`);
  for (const m of modeChanges)
    add(
      m.seq,
      m.at,
      'person',
      null,
      m.auto ? 'switched to running checks automatically' : 'switched to running checks one at a time',
    );
  if (bounds.end && bounds.endedAt) {
    const e = bounds.end;
    add(
      Number.MAX_SAFE_INTEGER,
      bounds.endedAt,
      'plumbline',
      null,
      `session ended: ${e.reason}${e.outcome ? ` (${e.outcome})` : ''}${e.error ? `: ${e.error}` : ''}`,
    );
  } else if (bounds.endedAt) {
    add(Number.MAX_SAFE_INTEGER, bounds.endedAt, 'plumbline', null, 'transcript ends here (no session end)');
  }
  return rows.sort((a, b) => a.seq - b.seq);
}

function actorOf(by: AnsweredBy): Actor {
  switch (by) {
    case 'user':
    case 'pasted':
      return 'person';
    case 'default':
      return 'default';
    case 'scenario':
      return 'scenario';
  }
}

function answerNote(by: AnsweredBy): string {
  switch (by) {
    case 'user':
      return '';
    case 'pasted':
      return ' from pasted output';
    case 'default':
      return ': the default, no one was asked (non-interactive)';
    case 'scenario':
      return ": the drill's scripted answer (headless)";
  }
}

/** A decline reason without the words the sentence already says ("not run: not run: ..."). */
export function declineReason(reason: string | null): string {
  const r = (reason ?? '').replace(/^\s*(not run|declined)\s*:\s*/i, '').trim();
  return r === '' ? 'declined' : r;
}

export function executedText(a: ActionRecord): string {
  const e = a.executed;
  if (!e) return '';
  const how = e.status !== null ? `HTTP ${e.status}` : e.exitCode !== null ? `exit status ${e.exitCode}` : '';
  if (!e.ran) return `could not run: ${e.error ?? 'unknown error'}`;
  return e.ok ? `ran${how ? `: ${how}` : ''} (${duration(e.durationMs)})` : `failed: ${e.error ?? how}`;
}

/**
 * The checks a conclusion rests on: every check that found something, and the
 * last check before the diagnosis (the one that decided it). A walk without a
 * diagnosis rests on its findings and on what could not run.
 */
function basisOf(visits: StepVisit[], status: ReportStatus): string[] {
  const checks = visits.filter((v) => v.kind === 'check' && v.result);
  const steps = new Set(checks.filter((v) => v.result?.verdict === 'finding').map((v) => v.step));
  if (status === 'diagnosis') {
    const d = visits.findLastIndex((v) => v.kind === 'diagnosis');
    const deciding = visits.slice(0, d < 0 ? undefined : d).findLast((v) => v.kind === 'check' && v.result);
    if (deciding) steps.add(deciding.step);
  } else {
    for (const v of checks) if (v.result?.outcome === 'error' || v.result?.timedOut) steps.add(v.step);
  }
  return [...steps];
}

function rawEntries(visits: StepVisit[]): RawEntry[] {
  const seen = new Map<string, string>();
  return visits.flatMap((v) => {
    const raw = v.result?.raw;
    if (!raw) return [];
    const key = 'text' in raw ? `text:${raw.text}` : `file:${raw.sha256}`;
    const sameAs = seen.get(key) ?? null;
    if (sameAs === null) seen.set(key, v.step);
    return [{ step: v.step, command: v.check?.command ?? null, raw, sameAs }];
  });
}

/** What the walk leaves to do: what it could not see, what it did not finish, a fix not run or not verified. */
function followUpsOf(visits: StepVisit[], status: ReportStatus, lookNext: string[], runbook: string | null): string[] {
  const out: string[] = [];
  for (const v of visits) {
    const res = v.result;
    if (v.kind !== 'check' || !res) continue;
    if (res.outcome === 'error' || res.timedOut)
      out.push(`Re-run ${v.step}: it could not see its source (${res.summary}); nothing here rests on it.`);
  }
  for (const l of lookNext) out.push(`Look at: ${l}`);
  switch (status) {
    case 'incomplete':
    case 'quit':
    case 'interrupted':
    case 'crashed':
    case 'cut-short':
      out.push(
        `The walk did not finish (${status === 'cut-short' ? 'the transcript is cut short, with no session end' : status}): run${runbook ? ` plumbline run ${runbook}` : ' the runbook'} again to reach a conclusion.`,
      );
      break;
    case 'diagnosis':
    case 'no-finding':
    case 'unrecognised-evidence':
      break;
  }
  for (const v of visits) {
    const a = v.action;
    if (!a) continue;
    if (a.decision && !a.decision.confirmed)
      out.push(`The fix at ${a.step} was not run (${declineReason(a.decision.reason)}): apply it or record why not.`);
    else if (a.executed && !a.executed.ok) out.push(`The fix at ${a.step} failed: ${executedText(a)}.`);
    else if (a.verified && !a.verified.ok)
      out.push(`The fix at ${a.step} ran but ${a.verified.step} still reads ${a.verified.outcome}: it is not fixed.`);
  }
  return out;
}

// ── time, shared by the renderers ──────────────────────────────────

export function isoSecond(t: string): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? t : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function relative(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `+${h}:${pad(m)}:${pad(s % 60)}` : `+${pad(m)}:${pad(s % 60)}`;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Why a sidecar cannot be trusted, in plain words; null when it checked out or was not looked at. */
export function sidecarProblem(raw: { file: string; found?: CheckedRawRef['found'] }): string | null {
  const found = raw.found;
  switch (found?.state) {
    case undefined:
    case 'ok':
      return null;
    case 'missing':
      return `the full output file ${raw.file} is missing (it is kept beside the transcript; copy the .raw directory with it).`;
    case 'mismatch':
      return `the full output file ${raw.file} does not match the transcript: it now has sha256 ${found.sha256.slice(0, 12)}… (${found.bytes} bytes), so it was changed after the session.`;
    case 'unreadable':
      return `the full output file ${raw.file} could not be read (${found.why}).`;
    case 'refused':
      return `the full output reference was not followed: ${found.why}.`;
  }
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
