import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { RunbookSpec } from '../runbook/schema.js';
import { renderLoose } from '../runbook/template.js';
import type { DrillEvent } from './events.js';
import { shortestCheckPath } from './shortestPath.js';
import type { PathStep } from './shortestPath.js';

/** A transcript line as the instructor needs it: the engine's events and the drill's, by type. */
export type FollowedEvent = { type: string; seq?: number; t?: string } & Record<string, unknown>;

/**
 * Reads what a transcript gained since the last call: complete lines only,
 * so a line being written by the trainee's terminal is read once it ends.
 */
export class TranscriptTail {
  private offset = 0;
  private partial = '';

  constructor(readonly path: string) {}

  read(): FollowedEvent[] {
    let size: number;
    try {
      size = statSync(this.path).size;
    } catch {
      return [];
    }
    if (size <= this.offset) return [];
    const fd = openSync(this.path, 'r');
    try {
      const buf = Buffer.alloc(size - this.offset);
      const n = readSync(fd, buf, 0, buf.length, this.offset);
      this.offset += n;
      const text = this.partial + buf.subarray(0, n).toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      return lines.flatMap((l) => {
        try {
          const e = JSON.parse(l) as FollowedEvent;
          return typeof e.type === 'string' ? [e] : [];
        } catch {
          return [];
        }
      });
    } finally {
      closeSync(fd);
    }
  }
}

export interface TraineeStep {
  step: string;
  title: string;
  layer: string;
  outcome: string | null;
  predicted: string | null;
  /** null: no prediction, or not scored yet. */
  right: boolean | null;
  onShortestPath: boolean;
}

export interface InstructedScenario {
  id: string;
  expect: { diagnosis: string | null };
  inputs: Record<string, string>;
}

/** What the game master sees: the answer, the shortest path, and the trainee's progress. */
export interface InstructorModel {
  scenario: string;
  expected: { id: string; title: string } | null;
  shortestPath: PathStep[] | null;
  started: boolean;
  steps: TraineeStep[];
  hints: string[];
  picks: { diagnosis: string; correct: boolean }[];
  /** The runbook's verdict, which the trainee does not see yet. */
  walkEnded: boolean;
  debrief: { correct: boolean; score: number; maxScore: number } | null;
}

export function instructorModel(
  spec: RunbookSpec,
  scenario: InstructedScenario,
  events: readonly FollowedEvent[],
): InstructorModel {
  const expectedId = scenario.expect.diagnosis;
  const expectedStep = expectedId ? spec.steps[expectedId] : undefined;
  const path = expectedId ? shortestCheckPath(spec, expectedId) : null;
  const onPath = new Set(path?.map((p) => p.step) ?? []);
  const model: InstructorModel = {
    scenario: scenario.id,
    expected: expectedId
      ? {
          id: expectedId,
          title: renderLoose(expectedStep?.title ?? expectedId, { inputs: scenario.inputs, facts: {} }),
        }
      : null,
    shortestPath: path,
    started: false,
    steps: [],
    hints: [],
    picks: [],
    walkEnded: false,
    debrief: null,
  };
  const pending = new Map<string, string>();
  for (const e of events) {
    switch (e.type) {
      case 'session.start':
        model.started = true;
        break;
      case 'drill.prediction':
        pending.set(String(e.step), String(e.predicted));
        break;
      case 'check.result': {
        const step = String(e.step);
        const predicted = pending.get(step) ?? null;
        pending.delete(step);
        const outcome = String(e.outcome);
        model.steps.push({
          step,
          title: spec.steps[step]?.title ?? step,
          layer: spec.steps[step]?.layer ?? '',
          outcome,
          predicted,
          right: predicted === null || outcome === 'error' ? null : predicted === outcome,
          onShortestPath: onPath.has(step),
        });
        break;
      }
      case 'drill.hint':
        model.hints.push(String(e.text));
        break;
      case 'drill.pick':
        model.picks.push({ diagnosis: String(e.diagnosis), correct: e.correct === true });
        break;
      case 'session.end':
        model.walkEnded = true;
        break;
      case 'drill.debrief': {
        const d = (e as unknown as Extract<DrillEvent, { type: 'drill.debrief' }>).debrief;
        model.debrief = { correct: d.correct, score: d.score.total, maxScore: d.maxScore };
        break;
      }
    }
  }
  // A prediction made for a check still running.
  for (const [step, predicted] of pending) {
    model.steps.push({
      step,
      title: spec.steps[step]?.title ?? step,
      layer: spec.steps[step]?.layer ?? '',
      outcome: null,
      predicted,
      right: null,
      onShortestPath: onPath.has(step),
    });
  }
  return model;
}

/** The model as plain text, for a terminal without a TTY and for tests. */
export function instructorText(m: InstructorModel, transcript: string): string[] {
  const lines = [`instructor · ${m.scenario} · following ${transcript}`];
  lines.push(`answer: ${m.expected ? `${m.expected.title} (${m.expected.id})` : 'none expected'}`);
  lines.push(
    `shortest path: ${
      m.shortestPath
        ? m.shortestPath
            .filter((p) => p.kind === 'check')
            .map((p) => p.step)
            .join(' → ')
        : 'unknown'
    }`,
  );
  if (!m.started) lines.push('waiting for the trainee to start…');
  for (const s of m.steps) {
    const mark = s.right === null ? ' ' : s.right ? '✓' : '✗';
    const prediction = s.predicted ? ` (predicted ${s.predicted})` : '';
    lines.push(
      `  ${mark} ${s.step} → ${s.outcome ?? 'running…'}${prediction}${s.onShortestPath ? '' : '  [off the shortest path]'}`,
    );
  }
  if (m.hints.length > 0) lines.push(`hints taken: ${m.hints.length}`);
  for (const p of m.picks) lines.push(`  picked ${p.diagnosis}: ${p.correct ? 'right' : 'wrong'}`);
  if (m.walkEnded && !m.debrief) lines.push('the walk is over; the trainee is naming the root cause');
  if (m.debrief)
    lines.push(
      `debrief: ${m.debrief.correct ? 'correct' : 'not found'}, score ${m.debrief.score}/${m.debrief.maxScore}`,
    );
  return lines;
}
