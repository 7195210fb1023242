import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Layer } from '../checks/types.js';
import { layers } from '../checks/types.js';
import type { DrillRecord } from './record.js';
import { formatColumns } from '../base/columns.js';

/** `$XDG_STATE_HOME/plumbline/drills.jsonl`, else `~/.local/state/plumbline/drills.jsonl`. */
export function historyPath(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME || join(env.HOME ?? homedir(), '.local', 'state');
  return join(state, 'plumbline', 'drills.jsonl');
}

/** Appends one drill as a JSON line; the file is the trainee's own (0600), like transcripts. */
export function appendHistory(record: DrillRecord, env: NodeJS.ProcessEnv = process.env): string {
  const path = historyPath(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, 'a', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(record)}\n`);
  } finally {
    closeSync(fd);
  }
  // A file created by an older version, or by hand, may be wider open.
  chmodSync(path, 0o600);
  return path;
}

export interface HistoryRead {
  records: DrillRecord[];
  /** `line N: why`, for lines that are not drill records. */
  problems: string[];
}

export function readHistory(env: NodeJS.ProcessEnv = process.env): HistoryRead {
  let text: string;
  try {
    text = readFileSync(historyPath(env), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], problems: [] };
    throw err;
  }
  const records: DrillRecord[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const r = JSON.parse(line) as Partial<DrillRecord>;
      if (
        r.v !== 1 ||
        typeof r.scenario !== 'string' ||
        !Array.isArray(r.predictions) ||
        typeof r.score?.total !== 'number'
      ) {
        problems.push(`line ${i + 1}: not a drill record, skipped`);
        return;
      }
      records.push(r as DrillRecord);
    } catch {
      problems.push(`line ${i + 1}: not JSON, skipped`);
    }
  });
  return { records, problems };
}

export interface ScenarioProgress {
  scenario: string;
  attempts: number;
  correct: number;
  best: number;
  last: number;
  /** Scores in order, oldest first. */
  scores: number[];
}

export interface LayerProgress {
  layer: Layer;
  right: number;
  wrong: number;
}

export interface HistorySummary {
  scenarios: ScenarioProgress[];
  /** Layers with scored predictions, the worst (highest share wrong) first. */
  layers: LayerProgress[];
}

export function summarizeHistory(records: readonly DrillRecord[]): HistorySummary {
  const byScenario = new Map<string, ScenarioProgress>();
  for (const r of records) {
    const p = byScenario.get(r.scenario) ?? {
      scenario: r.scenario,
      attempts: 0,
      correct: 0,
      best: 0,
      last: 0,
      scores: [],
    };
    p.attempts += 1;
    if (r.correct) p.correct += 1;
    p.best = Math.max(p.best, r.score.total);
    p.last = r.score.total;
    p.scores.push(r.score.total);
    byScenario.set(r.scenario, p);
  }
  const tally = new Map<Layer, LayerProgress>(layers.map((l) => [l, { layer: l, right: 0, wrong: 0 }]));
  for (const r of records) {
    for (const p of r.predictions) {
      const t = tally.get(p.layer);
      if (!t || p.right === null) continue;
      if (p.right) t.right += 1;
      else t.wrong += 1;
    }
  }
  const missRate = (l: LayerProgress) => l.wrong / (l.right + l.wrong);
  const scored = [...tally.values()].filter((l) => l.right + l.wrong > 0);
  scored.sort(
    (a, b) => missRate(b) - missRate(a) || b.wrong - a.wrong || layers.indexOf(a.layer) - layers.indexOf(b.layer),
  );
  return { scenarios: [...byScenario.values()].sort((a, b) => a.scenario.localeCompare(b.scenario)), layers: scored };
}

/** What `plumbline drill --history` prints. */
export function formatHistory(summary: HistorySummary, path: string): string {
  if (summary.scenarios.length === 0) return `No drills yet (${path}). Start one: plumbline drill\n`;
  const lines: string[] = ['Drills by scenario', ''];
  const rows = summary.scenarios.map((s) => [
    s.scenario,
    String(s.attempts),
    String(s.correct),
    String(s.best),
    String(s.last),
    s.scores.slice(-5).join(' → '),
  ]);
  lines.push(
    ...formatColumns([['SCENARIO', 'ATTEMPTS', 'CORRECT', 'BEST', 'LAST', 'TREND'], ...rows], {
      indent: '  ',
      align: ['left', 'right', 'right', 'right', 'right'],
    }),
  );
  lines.push('', 'Predictions by layer (where they fail most first)', '');
  if (summary.layers.length === 0) lines.push('  no predictions yet (guided drills ask for them)');
  for (const l of summary.layers) {
    const total = l.right + l.wrong;
    lines.push(
      `  ${l.layer.padEnd(8)} ${String(l.right).padStart(3)} right  ${String(l.wrong).padStart(3)} wrong  (${Math.round((100 * l.wrong) / total)}% missed)`,
    );
  }
  lines.push('', `history: ${path}`);
  return `${lines.join('\n')}\n`;
}
