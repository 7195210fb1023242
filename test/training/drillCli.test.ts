import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendHistory } from '../../src/training/history.js';
import type { DrillRecord } from '../../src/training/record.js';
import { scoreDrill } from '../../src/training/score.js';
import { runCli } from '../helpers/cli.js';

describe('plumbline drill (built CLI)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'plumbline-drill-cli-'));
    env = { XDG_STATE_HOME: join(dir, 'state'), TMPDIR: dir };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--history says there is nothing yet, then shows progress per scenario and layer', async () => {
    let run = await runCli(['drill', '--history'], { env });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('No drills yet');
    const record: DrillRecord = {
      ...{
        v: 1,
        at: '2026-11-25T10:00:00.000Z',
        scenario: 'pod-image-not-found',
        runbook: 'workload-down',
        mode: 'guided',
        seed: null,
        difficulty: null,
      },
      ...{
        expected: 'image-not-found',
        picks: ['image-not-found'],
        correct: true,
        checksRun: ['pod-status', 'pod-image-pull'],
        shortestPath: ['pod-status', 'pod-image-pull'],
      },
      predictions: [
        {
          step: 'pod-status',
          check: 'pod.status',
          layer: 'pod',
          predicted: 'creating',
          actual: 'image-pull',
          right: false,
        },
      ],
      ...{ hintsUsed: 1, durationMs: 90_000, transcript: null },
      score: scoreDrill({
        correct: true,
        wrongPicks: 0,
        checksRun: 2,
        shortestPath: 2,
        predictionsRight: 0,
        predictionsWrong: 1,
        hintsUsed: 1,
        durationMs: 90_000,
      }),
    };
    appendHistory(record, env);
    run = await runCli(['drill', '--history'], { env });
    expect(run.stdout).toMatch(/pod-image-not-found +1 +1 +750 +750 +750/);
    expect(run.stdout).toMatch(/pod +0 right +1 wrong +\(100% missed\)/);
  });

  it('--random --seed gives the same composed drill twice, and it reaches its expected diagnosis', async () => {
    const args = ['drill', '--random', '--seed', '9', '--difficulty', 'easy', '--non-interactive', '--output', 'json'];
    const [a, b] = [
      await runCli([...args, '--transcript', join(dir, 'a.jsonl')], { env }),
      await runCli([...args, '--transcript', join(dir, 'b.jsonl')], { env }),
    ];
    expect(a.exitCode).toBe(0);
    expect(a.stderr).toContain('replay it with: plumbline drill --random --seed 9 --difficulty easy');
    const [ja, jb] = [
      JSON.parse(a.stdout) as { scenario: string; diagnosis: { id: string } },
      JSON.parse(b.stdout) as { scenario: string; diagnosis: { id: string } },
    ];
    expect(ja.scenario).toBe('random-9-easy');
    expect(jb.scenario).toBe(ja.scenario);
    const file = readFileSync(join(dir, 'plumbline-drills', 'random-9-easy.yaml'), 'utf8');
    const expected = /expect:\n {2}diagnosis: (\S+)/.exec(file)?.[1];
    expect(ja.diagnosis.id).toBe(expected);
    expect(jb.diagnosis.id).toBe(expected);

    // The instructor reads the answer and the trainee's path from the transcript.
    const instructor = await runCli(
      [
        'drill',
        '--random',
        '--seed',
        '9',
        '--difficulty',
        'easy',
        '--instructor',
        '--transcript',
        join(dir, 'a.jsonl'),
      ],
      { env },
    );
    expect(instructor.exitCode).toBe(0);
    expect(instructor.stdout).toContain(`(${expected})`);
    expect(instructor.stdout).toContain('shortest path: ');
    expect(instructor.stdout).toMatch(/ {4}\S+ → \S+/);
  });

  it('refuses --seed without --random, and both modes at once', async () => {
    expect((await runCli(['drill', '--seed', '3'], { env })).exitCode).toBe(2);
    const both = await runCli(['drill', '--guided', '--free'], { env });
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain('--guided and --free');
  });
});
