import {
  buildReport,
  declineReason,
  duration,
  executedText,
  isoSecond,
  relative,
  sidecarProblem,
} from './reportModel.js';
import type { RawEntry, ReportModel, ReportOptions, StepVisit } from './reportModel.js';
import { statusLine } from './reportMarkdown.js';
import type { TranscriptEvent } from './read.js';

/**
 * The same postmortem as one self-contained HTML page: inline CSS, no script,
 * nothing fetched, so it opens from a mail attachment or an air-gapped wiki.
 * The path is drawn in HTML and CSS (boxes and labelled arrows), not by a
 * Mermaid script from a CDN.
 */
export function renderHtml(events: readonly TranscriptEvent[], opts: ReportOptions = {}): string {
  const r = buildReport(events, opts);
  const body = [
    `<h1>${esc(r.title)}</h1>`,
    summary(r),
    section(
      'impact',
      'Impact',
      '<p class="fill">To fill: who or what was affected, from when to when, and how it was noticed. plumbline records only what was checked.</p>',
    ),
    timeline(r),
    rootCause(r),
    fix(r),
    followUps(r),
    section(
      'path',
      'Path through the runbook',
      pathDiagram(r) + (r.runbookNote ? `<p class="note">${esc(r.runbookNote)}</p>` : ''),
    ),
    rawSection(r, opts.fullOutput ?? false),
  ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(r.title)}</title>
<style>${css}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

const css = `
body{font:15px/1.5 system-ui,sans-serif;color:#1f2328;background:#fff;max-width:1100px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;border-bottom:3px solid #d9480f;padding-bottom:.3rem}
h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
code,pre{font:13px/1.4 ui-monospace,monospace;background:#f6f8fa}
pre{padding:.6rem;overflow:auto;border:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;font-size:13px}
td,th{border:1px solid #d0d7de;padding:.25rem .4rem;vertical-align:top;text-align:left}
tr.person td{background:#fff4e6}
.fill{color:#6e7781;font-style:italic}
.warn{background:#fff8c5;border-left:4px solid #d4a72c;padding:.4rem .6rem}
ol.path{list-style:none;padding:0;display:flex;flex-wrap:wrap;align-items:center;gap:.3rem}
ol.path li{display:flex;align-items:center;gap:.3rem}
.node{border:2px solid #d9480f;background:#fff4e6;border-radius:6px;padding:.35rem .6rem;font:13px ui-monospace,monospace}
.node.diagnosis{border-radius:999px;background:#ffe3e3}
.node.special{border-color:#868e96;background:#f1f3f5;border-radius:999px}
.arrow{color:#d9480f;font:12px ui-monospace,monospace;white-space:nowrap}
details{margin:.3rem 0}
summary{cursor:pointer}
`;

function section(id: string, title: string, inner: string): string {
  return `<section id="${id}">\n<h2>${esc(title)}</h2>\n${inner}\n</section>`;
}

function summary(r: ReportModel): string {
  const rows: [string, string][] = [
    [
      'Symptom',
      `${esc(r.symptom)}${r.runbook ? ` (runbook <code>${esc(r.runbook.id)}</code>: ${esc(r.runbook.title)})` : ''}`,
    ],
  ];
  if (r.page) rows.push(['Page', esc(r.page)]);
  // statusLine is Markdown; its code spans and escapes are undone to plain text here.
  rows.push(['Result', esc(unmark(statusLine(r)))]);
  if (r.durationMs !== null && r.startedAt && r.endedAt)
    rows.push([
      'Duration',
      `${r.status === 'cut-short' ? 'at least ' : ''}${duration(r.durationMs)} (${isoSecond(r.startedAt)} to ${isoSecond(r.endedAt)})`,
    ]);
  rows.push(['Who', esc(r.user ?? 'not recorded')]);
  rows.push([
    'Where',
    esc(
      r.mode === 'drill'
        ? `drill${r.scenario ? ` scenario ${r.scenario}` : ''} on the built-in drill cluster, context ${r.context ?? '?'}`
        : r.mode === 'live'
          ? `live cluster, context ${r.context ?? '?'}${r.server ? ` (${r.server})` : ''}`
          : 'not recorded',
    ),
  ]);
  rows.push(['Transcript', `${r.transcript.events} events`]);
  const warn: string[] = [];
  if (r.transcript.truncated)
    warn.push('The transcript was cut short (its last line is incomplete): this report covers what was written.');
  else if (r.status === 'cut-short')
    warn.push('The transcript has no session end: the session was killed or is still running.');
  for (const e of r.raw) {
    const p = 'file' in e.raw ? sidecarProblem(e.raw) : null;
    if (p && !e.sameAs) warn.push(`${e.step}: ${p}`);
  }
  const dl = `<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
  return section('summary', 'Summary', dl + warn.map((w) => `<p class="warn">${esc(w)}</p>`).join(''));
}

const byLabel = { plumbline: 'plumbline', person: 'person', default: 'default', scenario: 'drill script' } as const;

function timeline(r: ReportModel): string {
  const t0 = r.startedAt ? Date.parse(r.startedAt) : 0;
  const rows = r.timeline.map(
    (e) =>
      `<tr class="${e.by}"><td>${relative(Date.parse(e.at) - t0)}</td><td>${isoSecond(e.at)}</td><td>${byLabel[e.by]}</td><td>${e.step ? `<code>${esc(e.step)}</code>` : ''}</td><td>${esc(e.what)}</td><td>${e.command ? `<code>${esc(e.command)}</code>` : ''}</td></tr>`,
  );
  const head =
    "<p>Rows by a <b>person</b> are highlighted: answers, notes, confirmations, output pasted by hand (that wait is the person's time, not the command's).</p>";
  return section(
    'timeline',
    'Timeline',
    `${head}<table><thead><tr><th>+mm:ss</th><th>time (UTC)</th><th>by</th><th>step</th><th>what</th><th>command</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`,
  );
}

function rootCause(r: ReportModel): string {
  const d = r.diagnosis;
  const out: string[] = [];
  if (d) {
    out.push(
      `<p><b>${esc(d.title)}</b> (${d.layer} layer, diagnosis <code>${esc(d.id)}</code>)</p>`,
      '<p>Causal chain, from root cause to symptom:</p>',
      `<ol>${d.chain.map((c) => `<li>${esc(c)}</li>`).join('')}</ol>`,
      `<p>Why this matters: ${esc(d.why)}</p>`,
    );
  } else if (r.status === 'unrecognised-evidence') {
    out.push(
      '<p>Not named. No runbook step and no signature of the catalog explains what the walk saw. Anomalies nothing explains, worst first:</p>',
      `<ul>${r.anomalies.map((a) => `<li>[${a.layer}] ${esc(a.source)}: <code>${esc(a.line)}</code></li>`).join('')}</ul>`,
    );
  } else if (r.status === 'no-finding') {
    out.push('<p>Not found. The walk went top-down and then swept the layers bottom-up; no check found the cause.</p>');
  } else {
    out.push(
      `<p>Not reached: ${esc(unmark(statusLine(r)))}. What follows is what was seen before the walk stopped; it is not a conclusion.</p>`,
    );
    if (r.candidates.length > 0)
      out.push(
        '<p>Seen, and may explain it (not confirmed: the walk is incomplete):</p>',
        `<ul>${r.candidates.map((c) => `<li>[${c.layer}] ${esc(c.title)} (signature <code>${esc(c.id)}</code>): ${c.evidence.map((e) => `${esc(e.source)}: <code>${esc(e.line)}</code>`).join('; ')}</li>`).join('')}</ul>`,
      );
  }
  const basis = r.basis.flatMap((s) => r.visits.filter((v) => v.step === s && v.kind === 'check' && v.result));
  if (basis.length > 0)
    out.push(
      `<p>${d ? 'The evidence it rests on:' : 'The evidence seen:'}</p>`,
      `<ul>${basis.map(evidenceOf).join('')}</ul>`,
    );
  return section('root-cause', 'Root cause', out.join('\n'));
}

function evidenceOf(v: StepVisit): string {
  const res = v.result;
  if (!res) return '';
  const items = res.evidence.map((ev) =>
    ev.value.includes('\n')
      ? `<li>${esc(ev.label)}:<pre>${esc(ev.value)}</pre></li>`
      : `<li>${esc(ev.label)}: ${esc(ev.value)}</li>`,
  );
  return `<li><code>${esc(v.step)}</code>${v.check ? ` ran <code>${esc(v.check.command)}</code>` : ''} → <code>${esc(res.outcome)}</code>: ${esc(res.summary)}${items.length > 0 ? `<ul>${items.join('')}</ul>` : ''}</li>`;
}

function fix(r: ReportModel): string {
  const d = r.diagnosis;
  const out: string[] = [];
  if (d) {
    out.push('<p>The fix the runbook gives:</p>', `<ul>${d.fix.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>`);
    if (d.verify.length > 0)
      out.push('<p>How to verify it:</p>', `<ul>${d.verify.map((v) => `<li>${esc(v)}</li>`).join('')}</ul>`);
  }
  if (r.actions.length > 0) {
    const items = r.actions.map((a) => {
      const dec = a.decision;
      const decision = !dec
        ? 'no decision (the session ended first)'
        : dec.confirmed
          ? `confirmed by ${dec.by === 'user' ? 'the person' : dec.by}`
          : `not run: ${declineReason(dec.reason)} (${dec.by})`;
      const verified = a.verified
        ? `; verification <code>${esc(a.verified.command)}</code> → <code>${esc(a.verified.outcome)}</code>: ${esc(a.verified.summary)}; ${a.verified.ok ? 'fixed' : 'not fixed'}`
        : '';
      return `<li><code>${esc(a.command)}</code>${a.simulated ? ' (drill cluster)' : ''}: ${esc(decision)}${a.executed ? `; ${esc(executedText(a))}` : ''}${verified}</li>`;
    });
    out.push('<p>Done from plumbline:</p>', `<ul>${items.join('')}</ul>`);
  } else {
    out.push(
      `<p class="fill">To fill: what was done, by whom, when, and what showed it worked. No fix was run from plumbline${d ? '' : ', and no cause was named'}.</p>`,
    );
  }
  return section('fix', 'Fix and verification', out.join('\n'));
}

function followUps(r: ReportModel): string {
  const items = r.followUps.map((f) => `<li>${esc(f)}</li>`);
  items.push(
    '<li class="fill">To fill: what would have caught this sooner or prevented it, with an owner and a date.</li>',
  );
  return section('follow-ups', 'Follow-ups', `<ul>${items.join('')}</ul>`);
}

/** The path as boxes joined by arrows labelled with the outcome taken: the Mermaid path's content, drawn without a script. */
function pathDiagram(r: ReportModel): string {
  const first = r.visits[0];
  if (!first) return '<p>No step was entered.</p>';
  const kinds = new Map(r.visits.map((v) => [v.step, v.kind]));
  const node = (id: string) => {
    const cls = id.startsWith('$') ? 'special' : kinds.get(id) === 'diagnosis' ? 'diagnosis' : '';
    return `<span class="node ${cls}">${esc(id)}</span>`;
  };
  const items = [`<li>${node(first.step)}</li>`];
  for (const e of r.path.filter((p) => p.from !== '$start'))
    items.push(`<li><span class="arrow">${e.on ? `${esc(e.on)} ` : ''}→</span>${node(e.to)}</li>`);
  return `<ol class="path">${items.join('')}</ol>`;
}

function rawSection(r: ReportModel, full: boolean): string {
  if (r.raw.length === 0) return '';
  return section('raw', 'Raw outputs', r.raw.map((e) => rawEntry(e, full)).join('\n'));
}

function rawEntry(e: RawEntry, full: boolean): string {
  if (e.sameAs) return `<p><code>${esc(e.step)}</code>: the same output as <code>${esc(e.sameAs)}</code></p>`;
  const raw = e.raw;
  if (!('text' in raw)) return `<p><code>${esc(e.step)}</code>: <code>${esc(raw.file)}</code> (${raw.bytes} bytes)</p>`;
  const all = raw.text.trimEnd().split('\n');
  // The page has room: a longer preview than the Markdown's, still bounded unless --full.
  const shown = full ? all : all.slice(0, 40);
  const rest = all.length - shown.length;
  return `<details><summary><code>${esc(e.step)}</code>: ${Buffer.byteLength(raw.text, 'utf8')} bytes, ${all.length} lines</summary><pre>${esc(shown.join('\n'))}</pre>${rest > 0 ? `<p>${rest} more lines: <code>plumbline report --full</code> shows them.</p>` : ''}</details>`;
}

/** Undoes the Markdown of a status line: code spans and backslash escapes become plain text. */
function unmark(s: string): string {
  return s.replace(/`+/g, '').replace(/\\(.)/g, '$1');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
