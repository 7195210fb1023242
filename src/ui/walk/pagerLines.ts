import type { DiagnosisView } from '../../engine/events.js';
import { catalogNote } from '../../engine/textLog.js';
import { verdictMark } from '../LayerRail.js';
import { formatDuration, hardWrap, wrapText } from '../text.js';
import type { Tone } from '../ThemeProvider.js';
import { endHeadline } from '../WalkEnd.js';
import type { StepView, WalkState } from '../walkReducer.js';

/** One screen line of a pager, already wrapped to the width. */
export interface PagerLine {
  text: string;
  tone?: Tone;
}

/** What a pager shows: a title and its lines. */
export interface PagerDoc {
  title: string;
  lines: PagerLine[];
}

const indent = '  ';

function para(text: string, width: number, tone?: Tone, prefix = ''): PagerLine[] {
  return wrapText(text, width - prefix.length).map((t) => ({ text: `${prefix}${t}`, ...(tone ? { tone } : {}) }));
}

/** A line of an outline ("  - item"): its indent and dash kept, its wrapped lines hang under the item's text. */
function hanging(line: string, width: number): PagerLine[] {
  const lead = /^ *(?:- )?/.exec(line)?.[0] ?? '';
  const rest = ' '.repeat(lead.length);
  return wrapText(line.slice(lead.length), width - lead.length).map((t, i) => ({
    text: `${i === 0 ? lead : rest}${t}`,
  }));
}

/**
 * A finished step in full, for the pager: why it looked there, the command, what
 * it found, every line of evidence and the raw output, the answer or the
 * action's run, and the notes. Nothing is cut: the pager scrolls.
 */
export function stepDoc(step: StepView, width: number): PagerDoc {
  const w = Math.max(20, width);
  const lines: PagerLine[] = [];
  const section = (title: string) => {
    lines.push({ text: '' }, { text: title, tone: 'accent' });
  };
  lines.push({ text: `${step.layer} layer · ${step.phase} · step ${step.step}`, tone: 'muted' });
  section('Why');
  lines.push(...para(step.why, w, undefined, indent));
  if (step.command) {
    section('Command');
    lines.push(...para(`$ ${step.command}`, w, 'command', indent));
  }
  const r = step.result;
  if (r) {
    section('Found');
    const timing = `${r.timedOut ? 'timed out after ' : ''}${formatDuration(r.durationMs)}`;
    lines.push(
      ...para(
        `${verdictMark[r.verdict].symbol} ${r.outcome}: ${r.summary} (${timing})`,
        w,
        verdictMark[r.verdict].tone,
        indent,
      ),
    );
    if (r.evidence.length > 0) {
      section('Evidence');
      for (const e of r.evidence) lines.push(...para(`${e.label}: ${e.value}`, w, undefined, indent));
    }
    if (r.raw) {
      section('Raw output');
      if ('text' in r.raw) {
        const raw = r.raw.text.replace(/\n$/, '');
        for (const line of raw === '' ? ['(empty)'] : raw.split('\n'))
          lines.push(
            ...hardWrap(line, w - indent.length).map((text) => ({ text: `${indent}${text}`, tone: 'muted' as const })),
          );
      } else
        lines.push(...para(`${r.raw.bytes} bytes, kept beside the transcript in ${r.raw.file}`, w, 'muted', indent));
    }
  }
  if (step.question) {
    section('Question');
    lines.push(...para(step.question.text, w, undefined, indent));
    step.question.choices.forEach((c, i) =>
      lines.push(
        ...para(`${i + 1}. ${c.label}${c.id === step.question?.default ? ' (default)' : ''}`, w, undefined, indent),
      ),
    );
  }
  if (step.answer)
    lines.push(
      ...para(
        `→ answered: ${step.answer.label}${step.answer.by === 'user' ? '' : ` (${step.answer.by})`}`,
        w,
        'strong',
        indent,
      ),
    );
  const a = step.action;
  if (a) {
    section(a.target === 'host' ? `Action (on node ${a.node ?? '?'})` : 'Action (Kubernetes API)');
    lines.push(...para(`$ ${a.command}`, w, 'command', indent));
    if (a.decision)
      lines.push(
        ...para(
          a.decision.confirmed ? `confirmed by ${a.decision.by}` : `not run: ${a.decision.reason}`,
          w,
          undefined,
          indent,
        ),
      );
    if (a.executed) {
      lines.push(
        ...para(
          a.executed.ok
            ? 'ran'
            : `${a.executed.ran ? 'failed' : 'could not run'}${a.executed.error ? `: ${a.executed.error}` : ''}`,
          w,
          undefined,
          indent,
        ),
      );
      for (const line of a.executed.output.replace(/\n$/, '').split('\n').filter(Boolean))
        lines.push(
          ...hardWrap(line, w - indent.length).map((text) => ({ text: `${indent}${text}`, tone: 'muted' as const })),
        );
    }
    if (a.verified)
      lines.push(
        ...para(
          `verify ${a.verified.verifyStep} → ${a.verified.outcome}: ${a.verified.summary}`,
          w,
          a.verified.ok ? 'ok' : 'finding',
          indent,
        ),
      );
  }
  if (step.notes?.length) {
    section('Notes');
    for (const n of step.notes) lines.push(...para(n, w, undefined, indent));
  }
  return { title: step.title, lines };
}

/** The diagnosis in full, for the pager. */
export function diagnosisDoc(
  d: DiagnosisView,
  transcriptPath: string,
  width: number,
  catalogError?: string | null,
): PagerDoc {
  const w = Math.max(20, width);
  const lines: PagerLine[] = [
    { text: `DIAGNOSIS ${d.id} · ${d.layer} layer`, tone: 'finding' },
    // As on the screen and in the text output: a general ending the catalog could not refine says so, first.
    ...(catalogError ? [{ text: '' }, ...para(catalogNote(catalogError), w, 'error')] : []),
    { text: '' },
    ...para(d.why, w),
  ];
  const list = (title: string, items: string[], numbered: boolean) => {
    if (items.length === 0) return;
    lines.push({ text: '' }, { text: title, tone: 'accent' });
    items.forEach((item, i) => {
      // The number or bullet marks the item's first line; its wrapped lines hang under the text.
      const mark = numbered ? ` ${i + 1}. ` : ' •  ';
      para(item, w, undefined, ' '.repeat(mark.length)).forEach((l, j) =>
        lines.push(j === 0 ? { ...l, text: mark + l.text.slice(mark.length) } : l),
      );
    });
  };
  list('Causal chain', d.chain, true);
  list('Fix', d.fix, false);
  list('Verify', d.verify, false);
  lines.push({ text: '' }, ...para(`Transcript: ${transcriptPath}`, w, 'muted'));
  return { title: d.title, lines };
}

/** The end of a walk without a diagnosis in full: what it could not see and what to look at next. */
export function endDoc(end: NonNullable<WalkState['end']>, transcriptPath: string, width: number): PagerDoc {
  const w = Math.max(20, width);
  const lines: PagerLine[] = [];
  for (const line of end.lines ?? []) lines.push(...hanging(line, w));
  lines.push({ text: '' }, ...para(`Transcript: ${transcriptPath}`, w, 'muted'));
  return { title: endHeadline(end), lines };
}
