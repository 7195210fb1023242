import { layers } from '../checks/types.js';
import type { Evidence, Facts, Layer, Verdict } from '../checks/types.js';
import type { AnsweredBy, DiagnosisView, EndReason, Mode, RawOutput, SessionOutcome } from '../engine/events.js';
import type { RunbookSpec } from '../runbook/schema.js';
import { branches, isSpecialTarget } from '../runbook/structure.js';
import type { Phase } from '../runbook/structure.js';
import { renderLoose } from '../runbook/template.js';
import { pathFlowchart, startNode } from './mermaid.js';
import type { TakenEdge } from './mermaid.js';
import type { CheckedRawRef, TranscriptEvent } from './read.js';
import { redactEvent, redactText } from './redact.js';

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
  result: { outcome: string; summary: string; evidence: Evidence[]; facts: Facts; durationMs: number; waitedMs?: number; timedOut: boolean; verdict: Verdict | null; at: string; raw?: RawOutput & { found?: CheckedRawRef['found'] }; artifacts?: { name: string; file: string; size: number }[] } | null;
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
  executed: { ran: boolean; ok: boolean; exitCode: number | null; status: number | null; output: string; error: string | null; durationMs: number; at: string; seq: number } | null;
  verified: { step: string; check: string; command: string; outcome: string; summary: string; ok: boolean; attempts: number; at: string; seq: number } | null;
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
  mermaid: string;
  runbookNote: string | null;
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
    start?.symptom ?? (spec ? renderLoose(spec.symptom, { inputs, facts: {} }) : (start?.runbookTitle ?? 'unknown symptom (the transcript has no session start)'));
  const diag = diagnosis ? { id: diagnosis.id, title: diagnosis.title, layer: diagnosis.layer, why: diagnosis.why, chain: diagnosis.chain, fix: diagnosis.fix, verify: diagnosis.verify } : null;
  const status = statusOf(end);
  const taken = takenPath(visits, spec, end?.outcome ?? null);
  const fits = spec !== undefined && pathFits(spec, taken);
  let runbookNote = opts.runbookNote ?? null;
  if (spec && !fits) runbookNote = `The runbook ${spec.id} has changed since this session (the path taken is not in it), so only the path is drawn.`;
  const mermaid = pathFlowchart({ spec: fits ? spec : undefined, visited: visits.map((v) => ({ step: v.step, kind: v.kind })), taken });
  const extra = start as Record<string, unknown> | undefined;
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
    end: end ? { outcome: end.outcome, reason: end.reason, error: end.error ?? null } : null,
    anomalies: end?.anomalies ?? [],
    lookNext: end?.lookNext ?? [],
    diagnosis: diag,
    visits,
    modeChanges: events.flatMap((e) => (e.type === 'mode.change' ? [{ at: e.t, seq: e.seq, auto: e.auto }] : [])),
    actions: visits.flatMap((v) => (v.action ? [v.action] : [])),
    notes: events.flatMap((e) => (e.type === 'note' ? [{ at: e.t, seq: e.seq, step: e.step, text: e.text }] : [])),
    path: taken,
    layers: layerVerdicts(visits, diag?.layer ?? null),
    transcript: { events: rawEvents.length, truncated: opts.truncated ?? false, problems: (opts.problems ?? []).map((p) => redactText(p, opts.redact)) },
    mermaid,
    runbookNote,
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
          ...{ step: e.step, kind: e.kind, title: e.title, layer: e.layer, phase: e.phase, why: e.why, at: e.t, seq: e.seq },
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
        const artifacts = (e.artifacts ?? []).flatMap((a) => ('file' in a ? [{ name: a.name, file: a.file, size: a.size }] : []));
        if (v) v.result = { outcome: e.outcome, summary: e.summary, evidence: e.evidence, facts: e.facts, durationMs: e.durationMs, ...(typeof e.waitedMs === 'number' ? { waitedMs: e.waitedMs } : {}), timedOut: e.timedOut, verdict, at: e.t, ...(e.raw ? { raw: e.raw } : {}), ...(artifacts.length > 0 ? { artifacts } : {}) };
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
            ...{ step: e.step, command: e.command, node: e.node, target: e.target, allowed: e.allowed, simulated: e.simulated, at: e.t, seq: e.seq },
            ...{ decision: null, executed: null, verified: null },
          };
        }
        break;
      }
      case 'action.confirmed':
      case 'action.declined': {
        const a = current(e.step)?.action;
        if (a) a.decision = { confirmed: e.type === 'action.confirmed', by: e.by, reason: e.type === 'action.declined' ? e.reason : null, at: e.t, seq: e.seq };
        break;
      }
      case 'action.executed': {
        const a = current(e.step)?.action;
        if (a) a.executed = { ran: e.ran, ok: e.ok, exitCode: e.exitCode ?? null, status: e.status ?? null, output: e.output, error: e.error ?? null, durationMs: e.durationMs, at: e.t, seq: e.seq };
        break;
      }
      case 'action.verified': {
        const a = current(e.step)?.action;
        if (a) a.verified = { step: e.verifyStep, check: e.check, command: e.command, outcome: e.outcome, summary: e.summary, ok: e.ok, attempts: e.attempts, at: e.t, seq: e.seq };
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
      const viaBottomUp = target === '$bottom-up' || (target === undefined && v.phase === 'top-down' && next.phase === 'bottom-up');
      if (viaBottomUp) edges.push({ from: v.step, on, to: '$bottom-up' }, { from: '$bottom-up', on: '', to: next.step });
      else edges.push({ from: v.step, on, to: next.step });
      return;
    }
    if (target !== undefined && isSpecialTarget(target)) edges.push({ from: v.step, on, to: target });
    else if (target === undefined && (outcome === 'no-finding' || outcome === 'unrecognised-evidence' || outcome === 'incomplete')) edges.push({ from: v.step, on, to: outcome === 'incomplete' ? '$incomplete' : '$no-finding' });
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
      layer === diagnosed ? 'diagnosed' : checks.length === 0 ? 'not-checked' : any('finding') ? 'findings' : any('error') ? 'inconclusive' : 'healthy';
    return { layer, verdict, checks };
  });
}

// ── JSON ────────────────────────────────────────────────────────────

export function renderJson(events: readonly TranscriptEvent[], opts: ReportOptions = {}): string {
  return `${JSON.stringify(buildReport(events, opts), null, 2)}\n`;
}

// ── Markdown ────────────────────────────────────────────────────────

/** A postmortem in GitHub-flavoured Markdown, readable as rendered and as plain text. */
export function renderMarkdown(events: readonly TranscriptEvent[], opts: ReportOptions = {}): string {
  const r = buildReport(events, opts);
  const out: string[] = [`# ${text(r.title)}`, ''];
  out.push(...summary(r), ...conclusion(r), ...actionsSection(r), ...notesSection(r), ...timeline(r), ...evidence(r), ...pathSection(r), ...layerSection(r));
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function summary(r: ReportModel): string[] {
  const lines = ['## Summary', ''];
  const runbook = r.runbook ? ` (runbook ${code(r.runbook.id)}: ${text(r.runbook.title)})` : '';
  lines.push(`- **Symptom:** ${text(r.symptom)}${runbook}`);
  if (r.page) lines.push(`- **Page:** ${text(r.page)}`);
  lines.push(`- **Result:** ${statusLine(r)}`);
  if (r.durationMs !== null && r.startedAt && r.endedAt) {
    const prefix = r.status === 'cut-short' ? 'at least ' : '';
    lines.push(`- **Duration:** ${prefix}${duration(r.durationMs)} (${isoSecond(r.startedAt)} to ${isoSecond(r.endedAt)})`);
  }
  const answeredBy = [...new Set(r.visits.flatMap((v) => (v.answer ? [v.answer.by] : [])))];
  const who = r.user ? text(r.user) : 'not recorded';
  lines.push(`- **Who:** ${who}${answeredBy.length > 0 ? `; questions answered by: ${answeredBy.join(', ')}` : ''}`);
  lines.push(`- **Where:** ${where(r)}`);
  if (Object.keys(r.inputs).length > 0) lines.push(`- **Inputs:** ${Object.entries(r.inputs).map(([k, v]) => code(`${k}=${v}`)).join(', ')}`);
  const tool = r.tool ? `, written by plumbline ${text(r.tool)}` : '';
  const hash = r.runbook ? `, runbook sha256 ${code(r.runbook.hash.slice(0, 12))}` : '';
  lines.push(`- **Transcript:** ${r.transcript.events} events (format v1${tool}${hash})`);
  lines.push('');
  lines.push(...warnings(r));
  return lines;
}

function statusLine(r: ReportModel): string {
  const d = r.diagnosis;
  const found = d ? `diagnosis ${code(d.id)}: ${text(d.title)} (${d.layer} layer)` : null;
  switch (r.status) {
    case 'diagnosis':
      return found ?? 'diagnosis (the diagnosis event is missing)';
    case 'no-finding':
      return 'no finding: every step of the runbook was walked and none found the cause';
    case 'unrecognised-evidence':
      return `unrecognised evidence: no known cause, but ${r.anomalies.length} anomal${r.anomalies.length === 1 ? 'y' : 'ies'} nothing explains (listed below)`;
    case 'incomplete':
      return 'incomplete: the walk could not finish (a check could not run or the question was left open)';
    case 'quit':
      return `quit by the user before the end${found ? `, after ${found}` : ''}`;
    case 'interrupted':
      return `interrupted (Ctrl-C) before the end${found ? `, after ${found}` : ''}`;
    case 'crashed':
      return `plumbline crashed${r.end?.error ? `: ${text(r.end.error)}` : ''}${found ? `; it had reached ${found}` : ''}`;
    case 'cut-short':
      return `unknown: the transcript ends without a session end${found ? `; it had reached ${found}` : ''}`;
  }
}

function where(r: ReportModel): string {
  const ctx = r.context ? `context ${code(r.context)}` : 'an unknown context';
  const server = r.server ? ` (${text(r.server)})` : '';
  if (r.mode === 'drill') return `drill${r.scenario ? ` scenario ${code(r.scenario)}` : ''} on the built-in drill cluster, ${ctx}${server}`;
  if (r.mode === 'live') return `live cluster, ${ctx}${server}`;
  return 'not recorded';
}

function warnings(r: ReportModel): string[] {
  const out: string[] = [];
  if (r.transcript.truncated) {
    out.push(`> **Warning:** the transcript was cut short (its last line is incomplete: the session was killed mid-write). This report covers the ${r.transcript.events} events before it.`);
  } else if (r.status === 'cut-short') {
    out.push('> **Warning:** the transcript has no session end: the session was killed or is still running. This report covers what was written.');
  }
  const badRaw = r.visits.flatMap((v) => {
    const raw = v.result?.raw;
    return raw && 'file' in raw && sidecarProblem(raw) ? [`${code(v.step)} (${raw.found?.state ?? ''})`] : [];
  });
  if (badRaw.length > 0) {
    if (out.length > 0) out.push('>');
    out.push(`> **Warning:** the full output of ${badRaw.length === 1 ? 'one check' : `${badRaw.length} checks`} is missing or changed since the session: ${badRaw.join(', ')}. The evidence below is as recorded.`);
  }
  const others = r.transcript.problems.filter((p) => !(r.transcript.truncated && p.includes('cut short')));
  if (others.length > 0) {
    if (out.length > 0) out.push('>');
    out.push(`> **Damaged lines skipped (${others.length}):**`, '>');
    for (const p of others) out.push(`> - ${text(p)}`);
  }
  return out.length > 0 ? [...out, ''] : [];
}

function conclusion(r: ReportModel): string[] {
  const d = r.diagnosis;
  if (!d) {
    const lines = ['## Outcome', ''];
    if (r.status === 'no-finding') lines.push('The walk went top-down and then swept the layers bottom-up without finding the cause. The layers it eliminated are listed at the end; the evidence below is where to look next.');
    else if (r.status === 'unrecognised-evidence') {
      lines.push('No runbook step and no signature of the catalog names the cause. These lines the walk saw are anomalies nothing explains, worst first:', '');
      for (const a of r.anomalies) lines.push(`- [${a.layer}] ${text(a.source)}: ${code(a.line)}`);
      lines.push('', 'What to look at next:', '');
      for (const l of r.lookNext) lines.push(`- ${text(l)}`);
    } else lines.push(`No diagnosis was reached: ${statusLine(r)}. The evidence below is what was seen before the walk stopped.`);
    return [...lines, ''];
  }
  const lines = ['## Causal chain', '', `From root cause to symptom (${text(d.title)}):`, ''];
  d.chain.forEach((link, i) => lines.push(`${i + 1}. ${text(link)}`));
  lines.push('', `Why this matters: ${text(d.why)}`, '');
  const deciding = r.visits.findLast((v) => v.kind === 'check' && v.result);
  if (deciding?.result) {
    lines.push(`Decided by step ${code(deciding.step)} (${code(deciding.check?.id ?? '?')}), outcome ${code(deciding.result.outcome)}: ${text(deciding.result.summary)}`, '');
  }
  lines.push('### Fix', '', ...d.fix.map((f) => `- ${text(f)}`), '');
  if (d.verify.length > 0) lines.push('### Verify', '', ...d.verify.map((v) => `- ${text(v)}`), '');
  return lines;
}

function executedLine(a: ActionRecord): string {
  const e = a.executed;
  if (!e) return '';
  const how = e.status !== null ? `HTTP ${e.status}` : e.exitCode !== null ? `exit status ${e.exitCode}` : '';
  if (!e.ran) return `could not run: ${text(e.error ?? 'unknown error')}`;
  return e.ok ? `ran: ${how}` : `failed: ${text(e.error ?? how)}`;
}

function actionsSection(r: ReportModel): string[] {
  if (r.actions.length === 0) return [];
  const lines = ['## Actions', '', 'Remediations the runbook proposed, exactly as shown, with who confirmed them and what the verification found:', ''];
  r.actions.forEach((a, i) => {
    const where = a.target === 'host' ? ` on node ${code(a.node ?? '?')}` : ' (Kubernetes API)';
    lines.push(`${i + 1}. ${code(a.step)}${where}${a.simulated ? ', on the simulated drill cluster' : ''}:`, '', fence(a.command, 'sh').split('\n').map((l) => `   ${l}`).join('\n'), '');
    const d = a.decision;
    const decision = !d ? 'no decision (the session ended first)' : d.confirmed ? `confirmed by ${d.by === 'user' ? 'the user' : code(d.by)}` : `not run: ${text(d.reason ?? 'declined')} (${d.by})`;
    lines.push(`   - **Decision:** ${decision}`);
    if (a.executed) {
      lines.push(`   - **Result:** ${executedLine(a)} (${duration(a.executed.durationMs)})`);
      const out = a.executed.output.trimEnd();
      if (out) lines.push('', ...fence(out, '').split('\n').map((l) => `     ${l}`), '');
    }
    if (a.verified) {
      const tries = a.verified.attempts > 1 ? ` after ${a.verified.attempts} tries` : '';
      lines.push(`   - **Verification:** step ${code(a.verified.step)} (${code(a.verified.check)}) → ${code(a.verified.outcome)}${tries}: ${text(a.verified.summary)}; ${a.verified.ok ? 'fixed' : 'not fixed'}`);
    } else if (a.executed?.ok) {
      lines.push('   - **Verification:** none declared');
    }
    lines.push('');
  });
  return lines;
}

function notesSection(r: ReportModel): string[] {
  if (r.notes.length === 0) return [];
  const t0 = r.startedAt ? Date.parse(r.startedAt) : 0;
  const lines = ['## Notes', '', 'Written by the engineer during the session:', ''];
  for (const n of r.notes) lines.push(`- ${relative(Date.parse(n.at) - t0)}${n.step ? ` at ${code(n.step)}` : ''}: ${text(n.text)}`);
  return [...lines, ''];
}

function timeline(r: ReportModel): string[] {
  const t0 = r.startedAt ? Date.parse(r.startedAt) : 0;
  const rows: { seq: number; t: string; cells: [string, string, string, string] }[] = [];
  const add = (seq: number, t: string, layer: string, step: string, outcome: string, command = '') => rows.push({ seq, t, cells: [layer, step, outcome, command] });
  if (r.startedAt && r.runbook) add(0, r.startedAt, '', '', `session started: runbook ${code(r.runbook.id)}, ${r.mode ?? 'unknown'} mode`);
  for (const v of r.visits) {
    const step = code(v.step);
    switch (v.kind) {
      case 'check': {
        const res = v.result;
        const outcome = res
          ? `${code(res.outcome)}${res.timedOut ? ' (timed out)' : ''}: ${text(res.summary)} (${took(res)})`
          : 'no result: the session ended during the check';
        // Timed by when the command ran, not when the step was shown: that is what the cluster saw.
        add(v.check?.seq ?? v.seq, v.check?.at ?? v.at, v.layer, step, outcome, v.check ? code(v.check.command) : '');
        break;
      }
      case 'ask':
        add(v.seq, v.at, v.layer, step, `asked: ${text(v.question?.text ?? v.title)}`);
        if (v.answer) add(v.answer.seq, v.answer.at, v.layer, step, `answered ${code(v.answer.choice)} (${text(v.answer.label)}) by ${answeredBy(v.answer.by)}`);
        break;
      case 'diagnosis':
        add(v.seq, v.at, v.layer, step, `diagnosis: ${text(v.title)}`);
        break;
      case 'action': {
        const a = v.action;
        add(v.seq, v.at, v.layer, step, `action proposed${a?.simulated ? ' (drill)' : ''}`, a ? code(a.command) : '');
        if (a?.decision) add(a.decision.seq, a.decision.at, v.layer, step, a.decision.confirmed ? `confirmed by ${a.decision.by === 'user' ? 'the user' : code(a.decision.by)}` : text(a.decision.reason ?? 'declined'));
        if (a?.executed) add(a.executed.seq, a.executed.at, v.layer, step, executedLine(a));
        if (a?.verified) add(a.verified.seq, a.verified.at, v.layer, step, `verified by ${code(a.verified.step)}: ${code(a.verified.outcome)}: ${text(a.verified.summary)}`, code(a.verified.command));
        break;
      }
    }
  }
  for (const n of r.notes) add(n.seq, n.at, '', n.step ? code(n.step) : '', `note: ${text(n.text)}`);
  for (const m of r.modeChanges) add(m.seq, m.at, '', '', m.auto ? 'switched to running checks automatically' : 'switched to running checks one at a time');
  if (r.end && r.endedAt) {
    const error = r.end.error ? `: ${text(r.end.error)}` : '';
    add(Number.MAX_SAFE_INTEGER, r.endedAt, '', '', `session ended: ${r.end.reason}${r.end.outcome ? ` (${r.end.outcome})` : ''}${error}`);
  } else if (r.endedAt) {
    add(Number.MAX_SAFE_INTEGER, r.endedAt, '', '', '**transcript ends here** (no session end)');
  }
  rows.sort((a, b) => a.seq - b.seq);
  const lines = ['## Timeline', '', '| +mm:ss | time (UTC) | layer | step | outcome | command |', '| --- | --- | --- | --- | --- | --- |'];
  for (const row of rows) lines.push(`| ${[relative(Date.parse(row.t) - t0), isoSecond(row.t), ...row.cells.map(cell)].join(' | ')} |`);
  return [...lines, ''];
}

function answeredBy(by: AnsweredBy): string {
  switch (by) {
    case 'user':
      return 'the user';
    case 'default':
      return 'default (non-interactive)';
    case 'pasted':
      return 'pasted output';
    case 'scenario':
      return "the scenario's scripted answer (headless drill)";
  }
}

function evidence(r: ReportModel): string[] {
  const checks = r.visits.filter((v) => v.kind === 'check');
  if (checks.length === 0) return [];
  const lines = ['## Evidence', ''];
  checks.forEach((v, i) => {
    const res = v.result;
    const head = res ? `<code>${html(res.outcome)}</code>: ${html(res.summary)}` : 'no result';
    lines.push('<details>', `<summary>${i + 1}. <b>${html(v.step)}</b> (${v.layer}): ${head}</summary>`, '');
    lines.push(`**${text(v.title)}**`, '', `Why: ${text(v.why)}`, '');
    if (v.check) {
      const tookText = res ? ` (${took(res)}${res.timedOut ? ', timed out' : ''})` : '';
      lines.push(`Check ${code(v.check.id)}${tookText}:`, '', fence(v.check.command, 'sh'), '');
    }
    if (res && res.evidence.length > 0) {
      for (const ev of res.evidence) lines.push(...evidenceItem(ev));
      lines.push('');
    } else if (res) {
      lines.push('No evidence recorded.', '');
    }
    if (res?.raw) lines.push(...rawOutputLines(res.raw));
    for (const a of res?.artifacts ?? []) lines.push(`Captured ${code(a.name)}: ${code(a.file)} (${a.size} bytes; \`go tool pprof -top\` reads it)`, '');
    lines.push('</details>', '');
  });
  return lines;
}

/** The check's full output: inline in its own collapsed block, or where its sidecar is and whether it still holds what was written. */
function rawOutputLines(raw: RawOutput & { found?: CheckedRawRef['found'] }): string[] {
  if ('text' in raw) {
    const bytes = Buffer.byteLength(raw.text, 'utf8');
    return ['<details>', `<summary>Full output (${bytes} bytes)</summary>`, '', fence(raw.text.trimEnd(), ''), '', '</details>', ''];
  }
  const lines = [`Full output: ${code(raw.file)} (${raw.bytes} bytes, sha256 ${code(`${raw.sha256.slice(0, 12)}…`)})`, ''];
  const problem = sidecarProblem(raw);
  if (problem) lines.push(`> **Warning:** ${problem}`, '');
  return lines;
}

/** Why a sidecar cannot be trusted, in words; null when it checked out or was not looked at. */
function sidecarProblem(raw: { file: string; found?: CheckedRawRef['found'] }): string | null {
  const found = raw.found;
  switch (found?.state) {
    case undefined:
    case 'ok':
      return null;
    case 'missing':
      return `the full output file ${code(raw.file)} is missing (it is kept beside the transcript; copy the .raw directory with it).`;
    case 'mismatch':
      return `the full output file ${code(raw.file)} does not match the transcript: it now has sha256 ${code(`${found.sha256.slice(0, 12)}…`)} (${found.bytes} bytes), so it was changed after the session.`;
    case 'unreadable':
      return `the full output file ${code(raw.file)} could not be read (${text(found.why)}).`;
    case 'refused':
      return `the full output reference was not followed: ${text(found.why)}.`;
  }
}

/** One label/value pair; a multi-line value (a log excerpt) goes in a code block so it keeps its lines. */
function evidenceItem(ev: Evidence): string[] {
  if (!ev.value.includes('\n')) return [`- **${text(ev.label)}:** ${text(ev.value)}`];
  return [`- **${text(ev.label)}:**`, '', ...fence(ev.value, '').split('\n').map((l) => (l === '' ? '' : `  ${l}`)), ''];
}

function pathSection(r: ReportModel): string[] {
  const lines = ['## Path through the runbook', ''];
  const firstVisit = r.visits[0];
  if (firstVisit) {
    // `a` (outcome) → `b`: the path in words, for wherever Mermaid is not rendered.
    const hops = r.path.filter((e) => e.from !== startNode).flatMap((e) => [e.on ? `(${e.on}) →` : '→', code(e.to)]);
    lines.push(`Taken path: ${[code(firstVisit.step), ...hops].join(' ')}`, '');
  }
  lines.push('```mermaid', r.mermaid, '```', '');
  if (r.runbookNote) lines.push(`_${text(r.runbookNote)}_`, '');
  return lines;
}

function layerSection(r: ReportModel): string[] {
  const lines = ['## Layers checked and found healthy', ''];
  lines.push('A layer counts as healthy when at least one check ran in it, every check there returned a healthy outcome, and the diagnosis is not in it.', '');
  if (r.status !== 'diagnosis' && r.status !== 'no-finding' && r.status !== 'unrecognised-evidence') lines.push('The walk did not finish: this is as far as it got.', '');
  const checks = (l: LayerVerdict) => l.checks.map((c) => `${code(c.step)} → ${code(c.outcome)}`).join(', ');
  const healthy = r.layers.filter((l) => l.verdict === 'healthy');
  if (healthy.length === 0) lines.push('None.');
  for (const l of healthy) lines.push(`- **${l.layer}**: ${l.checks.map((c) => `${code(c.step)} → ${code(c.outcome)} (${text(c.summary)})`).join('; ')}`);
  lines.push('', 'The other layers:', '');
  for (const l of r.layers) {
    switch (l.verdict) {
      case 'healthy':
        break;
      case 'diagnosed':
        lines.push(`- **${l.layer}**: the diagnosis is here${l.checks.length > 0 ? ` (${checks(l)})` : ''}`);
        break;
      case 'findings':
        lines.push(`- **${l.layer}**: checked, something was wrong (${checks(l)})`);
        break;
      case 'inconclusive':
        lines.push(`- **${l.layer}**: checked, but a check could not run (${checks(l)})`);
        break;
      case 'not-checked':
        lines.push(`- **${l.layer}**: not checked`);
        break;
    }
  }
  return [...lines, ''];
}

// ── formatting ──────────────────────────────────────────────────────

/** Markdown-escapes prose: `<node>` in a fix must not vanish as an HTML tag, `*` must not start emphasis. */
function text(s: string): string {
  return s
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`)
    .replace(/&(?=[A-Za-z#][A-Za-z0-9]*;)/g, '&amp;');
}

/** A code span that holds any text: the fence is longer than any run of backticks inside. */
function code(s: string): string {
  const flat = s.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

function fence(s: string, lang: string): string {
  const longest = Math.max(2, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${s}\n${ticks}`;
}

/** Inside a table a `|` ends the cell, even in a code span, unless escaped. */
function cell(s: string): string {
  return s.replace(/(?<!\\)\|/g, '\\|');
}

function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}

function isoSecond(t: string): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? t : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function relative(ms: number): string {
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

/** A check's time; with manual node access, the wait for the person's paste, which is not the command's run time. */
function took(res: { durationMs: number; waitedMs?: number }): string {
  return res.waitedMs === undefined ? duration(res.durationMs) : `output pasted after ${duration(res.waitedMs)}`;
}
