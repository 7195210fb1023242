import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appendHistory,
  formatHistory,
  historyPath,
  readHistory,
  summarizeHistory,
} from '../../src/training/history.js';
import type { DrillRecord, Prediction } from '../../src/training/record.js';
import { scoreDrill } from '../../src/training/score.js';

function record(scenario: string, predictions: Prediction[], overrides: Partial<DrillRecord> = {}): DrillRecord {
  const right = predictions.filter((p) => p.right === true).length;
  const wrong = predictions.filter((p) => p.right === false).length;
  const score = scoreDrill({
    correct: true,
    wrongPicks: 0,
    checksRun: 2,
    shortestPath: 2,
    predictionsRight: right,
    predictionsWrong: wrong,
    hintsUsed: 0,
    durationMs: 60_000,
  });
  return {
    v: 1,
    at: '2026-11-25T10:00:00.000Z',
    scenario,
    runbook: 'workload-down',
    mode: 'guided',
    seed: null,
    difficulty: null,
    expected: 'x',
    picks: ['x'],
    correct: true,
    checksRun: ['pod-status', 'pod-scheduling'],
    shortestPath: ['pod-status', 'pod-scheduling'],
    predictions,
    hintsUsed: 0,
    durationMs: 60_000,
    score,
    transcript: null,
    ...overrides,
  };
}

const p = (layer: Prediction['layer'], right: boolean): Prediction => ({
  step: 's',
  check: 'c',
  layer,
  predicted: 'a',
  actual: right ? 'a' : 'b',
  right,
});

describe('drill history', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plumbline-history-'));
    env = { XDG_STATE_HOME: dir, HOME: '/nonexistent' };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives under XDG_STATE_HOME, else under ~/.local/state', () => {
    expect(historyPath(env)).toBe(join(dir, 'plumbline', 'drills.jsonl'));
    expect(historyPath({ HOME: '/home/t' })).toBe('/home/t/.local/state/plumbline/drills.jsonl');
  });

  it('appends one JSON line per drill, mode 0600, and reads them back', () => {
    const path = appendHistory(record('a', [p('pod', true)]), env);
    appendHistory(record('b', [p('node', false)]), env);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect((JSON.parse(lines[0]!) as DrillRecord).scenario).toBe('a');
    expect(readHistory(env).records.map((r) => r.scenario)).toEqual(['a', 'b']);
  });

  it('tightens a history file that was left readable by others', () => {
    const path = historyPath(env);
    mkdirSync(join(dir, 'plumbline'), { recursive: true });
    writeFileSync(path, '');
    chmodSync(path, 0o644);
    appendHistory(record('a', []), env);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('skips lines that are not drill records, naming them', () => {
    appendHistory(record('a', []), env);
    const path = historyPath(env);
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"not":"a drill"}\nnot json\n`);
    const read = readHistory(env);
    expect(read.records).toHaveLength(1);
    expect(read.problems).toEqual(['line 2: not a drill record, skipped', 'line 3: not JSON, skipped']);
  });

  it('sums progress per scenario and puts the layer where predictions fail most first', () => {
    const records = [
      record('pod-image-not-found', [p('pod', true), p('pod', true), p('node', false)], { correct: false }),
      record('pod-image-not-found', [p('pod', true), p('node', false), p('node', true)]),
      record('node-notready-dbus', [p('host', false), p('host', false), p('node', true)]),
    ];
    const summary = summarizeHistory(records);
    expect(summary.scenarios.map((s) => [s.scenario, s.attempts, s.correct])).toEqual([
      ['node-notready-dbus', 1, 1],
      ['pod-image-not-found', 2, 1],
    ]);
    expect(summary.layers.map((l) => [l.layer, l.right, l.wrong])).toEqual([
      ['host', 0, 2],
      ['node', 2, 2],
      ['pod', 3, 0],
    ]);
    const text = formatHistory(summary, '/x/drills.jsonl');
    expect(text).toContain('pod-image-not-found');
    expect(text).toMatch(/host +0 right +2 wrong +\(100% missed\)/);
    expect(text.indexOf('host ')).toBeLessThan(text.indexOf('pod  '));
  });

  it('says there is nothing yet when the file does not exist', () => {
    expect(readHistory(env)).toEqual({ records: [], problems: [] });
    expect(formatHistory(summarizeHistory([]), historyPath(env))).toContain('No drills yet');
  });
});
