import type { Facts, Layer } from '../checks/types.js';
import type { DiagnosisView } from '../engine/events.js';
import type { RunbookSpec } from '../runbook/schema.js';
import { renderLoose } from '../runbook/template.js';
import type { DrillRecord, Prediction } from './record.js';
import type { ScoreBreakdown } from './score.js';
import { maxScore } from './score.js';

export interface DebriefStep {
  step: string;
  title: string;
  layer: Layer;
  /** The outcome it returned (checks run); null on the shortest path. */
  outcome: string | null;
}

/** The end of a drill, as the trainee sees it and the transcript keeps it. */
export interface Debrief {
  scenario: string;
  mode: DrillRecord['mode'];
  correct: boolean;
  expected: { id: string; title: string } | null;
  /** Every pick, in order, with whether it was right. */
  picks: { id: string; title: string; correct: boolean }[];
  durationMs: number;
  checksRun: DebriefStep[];
  shortestPath: DebriefStep[] | null;
  predictions: Prediction[];
  hints: string[];
  score: ScoreBreakdown;
  maxScore: number;
  chain: string[];
  fix: string[];
  verify: string[];
  /** What to go over next: the steps whose predictions were wrong, the expected diagnosis's why. */
  readNext: string[];
}

export interface DebriefInput {
  record: DrillRecord;
  spec: RunbookSpec;
  /** Check steps run, with their outcomes. */
  checksRun: { step: string; outcome: string }[];
  hints: string[];
  /** The runbook's own diagnosis, filled in with this walk's facts, when the walk reached the expected one. */
  reached: DiagnosisView | null;
  inputs: Record<string, string>;
  /** Facts the trainee's own checks found (a free drill reaches no diagnosis of its own). */
  facts?: Facts;
}

export function buildDebrief({ record, spec, checksRun, hints, reached, inputs, facts = {} }: DebriefInput): Debrief {
  const titleOf = (id: string) => spec.steps[id]?.title ?? id;
  const stepOf = (id: string, outcome: string | null): DebriefStep => ({
    step: id,
    title: titleOf(id),
    layer: spec.steps[id]?.layer ?? 'pod',
    outcome,
  });
  const expectedStep = record.expected ? spec.steps[record.expected] : undefined;
  const scope = { inputs, facts };
  const filled = reached && reached.id === record.expected ? reached : null;
  const diag = expectedStep?.type === 'diagnosis' ? expectedStep : undefined;
  const chain = filled?.chain ?? diag?.chain.map((t) => renderLoose(t, scope)) ?? [];
  const fix = filled?.fix ?? diag?.fix.map((t) => renderLoose(t, scope)) ?? [];
  const verify = filled?.verify ?? diag?.verify.map((t) => renderLoose(t, scope)) ?? [];
  const readNext: string[] = [];
  const seen = new Set<string>();
  for (const p of record.predictions) {
    if (p.right !== false || seen.has(p.step)) continue;
    seen.add(p.step);
    const step = spec.steps[p.step];
    readNext.push(`${titleOf(p.step)} (you said ${p.predicted}, it was ${p.actual ?? '?'}): ${step?.why ?? ''}`.trim());
  }
  if (diag) readNext.push(`${filled?.title ?? renderLoose(diag.title, scope)}: ${renderLoose(diag.why, scope)}`);
  if (record.shortestPath && record.checksRun.length > record.shortestPath.length) {
    readNext.push(
      `The shortest path runs ${record.shortestPath.length} checks; you ran ${record.checksRun.length}. Compare the two columns above.`,
    );
  }
  return {
    scenario: record.scenario,
    mode: record.mode,
    correct: record.correct,
    expected: record.expected
      ? { id: record.expected, title: filled?.title ?? (diag ? renderLoose(diag.title, scope) : record.expected) }
      : null,
    picks: record.picks.map((id) => ({
      id,
      title: diag && id === record.expected ? renderLoose(diag.title, scope) : renderLoose(titleOf(id), scope),
      correct: id === record.expected,
    })),
    durationMs: record.durationMs,
    checksRun: checksRun.map((c) => stepOf(c.step, c.outcome)),
    shortestPath: record.shortestPath ? record.shortestPath.map((id) => stepOf(id, null)) : null,
    predictions: record.predictions,
    hints,
    score: record.score,
    maxScore,
    chain,
    fix,
    verify,
    readNext,
  };
}

/** The debrief as a Markdown section, for `plumbline report`. */
export function debriefMarkdown(d: Debrief): string {
  const lines: string[] = ['## Drill debrief', ''];
  const verdict = d.correct ? 'correct' : 'not found';
  lines.push(`- Scenario: ${d.scenario} (${d.mode})`);
  lines.push(`- Result: **${verdict}**${d.expected ? `; root cause: ${d.expected.title} (\`${d.expected.id}\`)` : ''}`);
  lines.push(
    `- Score: **${d.score.total} / ${d.maxScore}** (correctness ${d.score.correctness}, efficiency ${d.score.efficiency}, predictions ${d.score.predictions}, time ${d.score.time}, hints −${d.score.hintPenalty})`,
  );
  lines.push(`- Time: ${Math.round(d.durationMs / 1000)} s`);
  const wrongPicks = d.picks.filter((p) => !p.correct);
  if (wrongPicks.length > 0)
    lines.push(`- Wrong picks: ${wrongPicks.map((p) => `${p.title} (\`${p.id}\`)`).join(', ')}`);
  const scored = d.predictions.filter((p) => p.right !== null);
  if (d.predictions.length > 0)
    lines.push(
      `- Predictions: ${scored.filter((p) => p.right).length} right, ${scored.filter((p) => p.right === false).length} wrong`,
    );
  lines.push(`- Hints used: ${d.hints.length}`);
  lines.push(
    '',
    '### Checks run and the shortest path',
    '',
    '| # | checks run | outcome | shortest path |',
    '| --- | --- | --- | --- |',
  );
  const rows = Math.max(d.checksRun.length, d.shortestPath?.length ?? 0);
  for (let i = 0; i < rows; i++) {
    const run = d.checksRun[i];
    const best = d.shortestPath?.[i];
    lines.push(
      `| ${i + 1} | ${run ? `${run.layer}: ${cell(run.title)}` : ''} | ${run?.outcome ?? ''} | ${best ? `${best.layer}: ${cell(best.title)}` : ''} |`,
    );
  }
  if (d.predictions.length > 0) {
    lines.push('', '### Predictions', '', '| step | predicted | actual | |', '| --- | --- | --- | --- |');
    for (const p of d.predictions)
      lines.push(
        `| ${p.step} | ${p.predicted} | ${p.actual ?? ''} | ${p.right === null ? 'not scored' : p.right ? 'right' : 'wrong'} |`,
      );
  }
  if (d.hints.length > 0) lines.push('', '### Hints taken', '', ...d.hints.map((h, i) => `${i + 1}. ${h}`));
  if (d.chain.length > 0) lines.push('', '### Causal chain', '', ...d.chain.map((c, i) => `${i + 1}. ${c}`));
  if (d.fix.length > 0) lines.push('', '### Fix', '', ...d.fix.map((f) => `- ${f}`));
  if (d.readNext.length > 0) lines.push('', '### Read next', '', ...d.readNext.map((r) => `- ${r}`));
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** `plumbline report` output with a drill's debrief: a last Markdown section, or a `drill` field in the JSON. */
export function withDebrief(report: string, format: 'markdown' | 'json', debrief: Debrief | undefined): string {
  if (!debrief) return report;
  if (format === 'json')
    return `${JSON.stringify({ ...(JSON.parse(report) as Record<string, unknown>), drill: debrief }, null, 2)}\n`;
  return `${report}\n${debriefMarkdown(debrief)}`;
}
