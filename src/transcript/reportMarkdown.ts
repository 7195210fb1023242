import type { Evidence } from '../checks/types.js';
import { buildReport, declineReason, duration, executedText, isoSecond, relative } from './reportModel.js';
import type { CheckedRawRef } from './read.js';
import type { Actor, RawEntry, ReportModel, ReportOptions, StepVisit } from './reportModel.js';
import type { TranscriptEvent } from './read.js';

/** Lines of a raw output shown in the report; the rest stays in the transcript (`--full` shows it all). */
export const rawPreviewLines = 8;

/**
 * A postmortem in GitHub-flavoured Markdown, shaped like the templates teams
 * paste into: summary, impact, timeline, root cause with its evidence, fix and
 * verification, follow-ups; each raw output once, collapsed, at the end.
 */
export function renderMarkdown(events: readonly TranscriptEvent[], opts: ReportOptions = {}): string {
  const r = buildReport(events, opts);
  const out: string[] = [`# ${text(r.title)}`, ''];
  out.push(
    ...summary(r),
    ...impact(),
    ...timeline(r),
    ...rootCause(r),
    ...fixSection(r),
    ...followUps(r),
    ...layerSection(r),
    ...pathSection(r),
    ...rawSection(r, opts.fullOutput ?? false),
  );
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function summary(r: ReportModel): string[] {
  const lines = ['## Summary', ''];
  const runbook = r.runbook ? ` (runbook ${code(r.runbook.id)}: ${text(r.runbook.title)})` : '';
  lines.push(`- **Symptom:** ${text(r.symptom)}${runbook}`);
  if (r.page) lines.push(`- **Page:** ${text(r.page)}`);
  lines.push(`- **Result:** ${statusLine(r)}`);
  if (r.durationMs !== null && r.startedAt && r.endedAt) {
    const prefix = r.status === 'cut-short' ? 'at least ' : '';
    lines.push(
      `- **Duration:** ${prefix}${duration(r.durationMs)} (${isoSecond(r.startedAt)} to ${isoSecond(r.endedAt)})`,
    );
  }
  lines.push(`- **Who:** ${r.user ? text(r.user) : 'not recorded'}`);
  lines.push(`- **Where:** ${where(r)}`);
  if (Object.keys(r.inputs).length > 0)
    lines.push(
      `- **Inputs:** ${Object.entries(r.inputs)
        .map(([k, v]) => code(`${k}=${v}`))
        .join(', ')}`,
    );
  const tool = r.tool ? `, written by plumbline ${text(r.tool)}` : '';
  const hash = r.runbook ? `, runbook sha256 ${code(r.runbook.hash.slice(0, 12))}` : '';
  lines.push(`- **Transcript:** ${r.transcript.events} events (format v1${tool}${hash})`, '');
  return [...lines, ...warnings(r)];
}

/** plumbline cannot know the impact; the heading is left to fill, and says so. */
function impact(): string[] {
  return [
    '## Impact',
    '',
    '_To fill: who or what was affected, from when to when, and how it was noticed. plumbline records only what was checked._',
    '',
  ];
}

export function statusLine(r: ReportModel): string {
  const d = r.diagnosis;
  const found = d ? `diagnosis ${code(d.id)}: ${text(d.title)} (${d.layer} layer)` : null;
  switch (r.status) {
    case 'diagnosis':
      return found ?? 'diagnosis (the diagnosis event is missing)';
    case 'no-finding':
      return 'no finding: every step of the runbook was walked and none found the cause';
    case 'unrecognised-evidence':
      return `unrecognised evidence: no known cause, but ${r.anomalies.length} anomal${r.anomalies.length === 1 ? 'y' : 'ies'} nothing explains (listed under Root cause)`;
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
  if (r.mode === 'drill')
    return `drill${r.scenario ? ` scenario ${code(r.scenario)}` : ''} on the built-in drill cluster, ${ctx}${server}`;
  if (r.mode === 'live') return `live cluster, ${ctx}${server}`;
  return 'not recorded';
}

function warnings(r: ReportModel): string[] {
  const out: string[] = [];
  if (r.transcript.truncated) {
    out.push(
      `> **Warning:** the transcript was cut short (its last line is incomplete: the session was killed mid-write). This report covers the ${r.transcript.events} events before it.`,
    );
  } else if (r.status === 'cut-short') {
    out.push(
      '> **Warning:** the transcript has no session end: the session was killed or is still running. This report covers what was written.',
    );
  }
  const badRaw = r.raw
    .filter((e) => 'file' in e.raw && sidecarWarning(e.raw))
    .map((e) => `${code(e.step)} (${e.raw.found?.state ?? ''})`);
  if (badRaw.length > 0) {
    if (out.length > 0) out.push('>');
    out.push(
      `> **Warning:** the full output of ${badRaw.length === 1 ? 'one check' : `${badRaw.length} checks`} is missing or changed since the session: ${badRaw.join(', ')}. The evidence below is as recorded.`,
    );
  }
  const others = r.transcript.problems.filter((p) => !(r.transcript.truncated && p.includes('cut short')));
  if (others.length > 0) {
    if (out.length > 0) out.push('>');
    out.push(`> **Damaged lines skipped (${others.length}):**`, '>');
    for (const p of others) out.push(`> - ${text(p)}`);
  }
  return out.length > 0 ? [...out, ''] : [];
}

const actorLabel: Record<Actor, string> = {
  plumbline: 'plumbline',
  person: '**person**',
  default: 'default',
  scenario: 'drill script',
};

function timeline(r: ReportModel): string[] {
  const t0 = r.startedAt ? Date.parse(r.startedAt) : 0;
  const lines = [
    '## Timeline',
    '',
    "What was checked and done. **person** marks what a human did (answers, notes, confirmations, pasting output by hand: that wait is the person's time, not the command's).",
    '',
    '| +mm:ss | time (UTC) | by | step | what | command |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const e of r.timeline) {
    const step = e.step ? `${code(e.step)}${e.layer ? ` (${e.layer})` : ''}` : '';
    const cells = [
      relative(Date.parse(e.at) - t0),
      isoSecond(e.at),
      actorLabel[e.by],
      step,
      text(e.what),
      e.command ? code(e.command) : '',
    ];
    lines.push(`| ${cells.map(cell).join(' | ')} |`);
  }
  return [...lines, ''];
}

function rootCause(r: ReportModel): string[] {
  const d = r.diagnosis;
  const lines = ['## Root cause', ''];
  if (d) {
    lines.push(
      `**${text(d.title)}** (${d.layer} layer, diagnosis ${code(d.id)})`,
      '',
      'Causal chain, from root cause to symptom:',
      '',
    );
    d.chain.forEach((link, i) => lines.push(`${i + 1}. ${text(link)}`));
    lines.push('', `Why this matters: ${text(d.why)}`, '');
  } else {
    switch (r.status) {
      case 'no-finding':
        lines.push(
          'Not found. The walk went top-down and then swept the layers bottom-up; no check found the cause. The layers it ruled out are listed below.',
          '',
        );
        break;
      case 'unrecognised-evidence':
        lines.push(
          'Not named. No runbook step and no signature of the catalog explains what the walk saw. These lines are anomalies nothing explains, worst first:',
          '',
        );
        for (const a of r.anomalies) lines.push(`- [${a.layer}] ${text(a.source)}: ${code(a.line)}`);
        lines.push('');
        break;
      default:
        lines.push(
          `Not reached: ${statusLine(r)}. What follows is what was seen before the walk stopped; it is not a conclusion.`,
          '',
        );
        if (r.candidates.length > 0) {
          lines.push('Seen, and may explain it (not confirmed: the walk is incomplete):', '');
          for (const c of r.candidates)
            lines.push(
              `- [${c.layer}] ${text(c.title)} (signature ${code(c.id)}): ${c.evidence.map((e) => `${text(e.source)}: ${code(e.line)}`).join('; ')}`,
            );
          lines.push('');
        }
    }
  }
  const basis = r.basis.flatMap((s) => r.visits.filter((v) => v.step === s && v.kind === 'check' && v.result));
  if (basis.length > 0) {
    lines.push(d ? 'The evidence it rests on:' : 'The evidence seen:', '');
    for (const v of basis) lines.push(...evidenceOf(v));
  }
  return [...lines, ''];
}

function evidenceOf(v: StepVisit): string[] {
  const res = v.result;
  if (!res) return [];
  const cmd = v.check ? ` ran ${code(v.check.command)}` : '';
  const lines = [`- ${code(v.step)}${cmd} → ${code(res.outcome)}: ${text(res.summary)}`];
  for (const ev of res.evidence) lines.push(...evidenceItem(ev));
  return lines;
}

/** One label/value pair; a multi-line value (a log excerpt) goes in a code block so it keeps its lines. */
function evidenceItem(ev: Evidence): string[] {
  if (!ev.value.includes('\n')) return [`  - ${text(ev.label)}: ${text(ev.value)}`];
  return [
    `  - ${text(ev.label)}:`,
    '',
    ...fence(ev.value, '')
      .split('\n')
      .map((l) => (l === '' ? '' : `    ${l}`)),
    '',
  ];
}

function fixSection(r: ReportModel): string[] {
  const d = r.diagnosis;
  const lines = ['## Fix and verification', ''];
  if (d) {
    lines.push('The fix the runbook gives:', '', ...d.fix.map((f) => `- ${text(f)}`), '');
    if (d.verify.length > 0) lines.push('How to verify it:', '', ...d.verify.map((v) => `- ${text(v)}`), '');
  }
  if (r.actions.length > 0) {
    lines.push('Done from plumbline:', '');
    for (const a of r.actions) {
      const where = a.target === 'host' ? ` on node ${code(a.node ?? '?')}` : '';
      const dec = a.decision;
      const decision = !dec
        ? 'no decision (the session ended first)'
        : dec.confirmed
          ? `confirmed by ${dec.by === 'user' ? 'the **person**' : code(dec.by)}`
          : `not run: ${text(declineReason(dec.reason))} (${dec.by})`;
      lines.push(`- ${code(a.command)}${where}${a.simulated ? ' (drill cluster)' : ''}: ${decision}`);
      if (a.executed) lines.push(`  - result: ${text(executedText(a))}`);
      if (a.verified) {
        const tries = a.verified.attempts > 1 ? ` after ${a.verified.attempts} tries` : '';
        lines.push(
          `  - verification: ${code(a.verified.command)} → ${code(a.verified.outcome)}${tries}: ${text(a.verified.summary)}; ${a.verified.ok ? 'fixed' : 'not fixed'}`,
        );
      } else if (a.executed?.ok) {
        lines.push('  - verification: none declared');
      }
      const out = a.executed?.output.trimEnd();
      if (out)
        lines.push(
          '',
          ...fence(out, '')
            .split('\n')
            .map((l) => `  ${l}`),
          '',
        );
    }
    lines.push('');
  } else {
    lines.push(
      `_To fill: what was done, by whom, when, and what showed it worked. No fix was run from plumbline${d ? '' : ', and no cause was named'}._`,
      '',
    );
  }
  return lines;
}

function followUps(r: ReportModel): string[] {
  const lines = ['## Follow-ups', ''];
  for (const f of r.followUps) lines.push(`- [ ] ${text(f)}`);
  lines.push('- [ ] _To fill: what would have caught this sooner or prevented it, with an owner and a date._', '');
  return lines;
}

function layerSection(r: ReportModel): string[] {
  const lines = ['## Layers', ''];
  if (r.status !== 'diagnosis' && r.status !== 'no-finding' && r.status !== 'unrecognised-evidence')
    lines.push('The walk did not finish: this is as far as it got.', '');
  const checks = (l: ReportModel['layers'][number]) =>
    l.checks.map((c) => `${code(c.step)} → ${code(c.outcome)}`).join(', ');
  for (const l of r.layers) {
    switch (l.verdict) {
      case 'healthy':
        lines.push(`- **${l.layer}**: checked and found healthy (${checks(l)})`);
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

function pathSection(r: ReportModel): string[] {
  const lines = ['## Path through the runbook', ''];
  const firstVisit = r.visits[0];
  if (firstVisit) {
    // `a` (outcome) → `b`: the path in words, for wherever Mermaid is not rendered.
    const hops = r.path.filter((e) => e.from !== '$start').flatMap((e) => [e.on ? `(${e.on}) →` : '→', code(e.to)]);
    lines.push(`Taken path: ${[code(firstVisit.step), ...hops].join(' ')}`, '');
  }
  lines.push('```mermaid', r.pathMermaid, '```', '');
  if (r.runbookNote) lines.push(`_${text(r.runbookNote)}_`, '');
  return lines;
}

/** Each check's full output once, collapsed; the first lines unless --full, and where the rest is. */
function rawSection(r: ReportModel, full: boolean): string[] {
  if (r.raw.length === 0) return [];
  const lines = ['## Raw outputs', ''];
  for (const e of r.raw) lines.push(...rawEntry(e, full));
  return lines;
}

function rawEntry(e: RawEntry, full: boolean): string[] {
  const head = `${code(e.step)}${e.command ? `: ${code(e.command)}` : ''}`;
  if (e.sameAs) return [`- ${head}: the same output as ${code(e.sameAs)}`, ''];
  const raw = e.raw;
  if (!('text' in raw)) {
    const problem = sidecarWarning(raw);
    return [
      `- ${head}: ${code(raw.file)} (${raw.bytes} bytes, sha256 ${code(`${raw.sha256.slice(0, 12)}…`)})${problem ? `. **Warning:** ${problem}` : ''}`,
      '',
    ];
  }
  const all = raw.text.trimEnd().split('\n');
  const shown = full ? all : all.slice(0, rawPreviewLines);
  const rest = all.length - shown.length;
  const bytes = Buffer.byteLength(raw.text, 'utf8');
  const lines = [
    '<details>',
    `<summary>${html(e.step)}: ${bytes} bytes, ${all.length} lines</summary>`,
    '',
    fence(shown.join('\n'), ''),
  ];
  if (rest > 0) lines.push(`${rest} more lines: \`plumbline report --full\` shows them.`);
  return [...lines, '</details>', ''];
}

/** Why a sidecar cannot be trusted, in words; null when it checked out or was not looked at. */
function sidecarWarning(raw: { file: string; found?: CheckedRawRef['found'] }): string | null {
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
