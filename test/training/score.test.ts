import { describe, expect, it } from 'vitest';
import { maxScore, parTimeMs, scoreDrill } from '../../src/training/score.js';
import type { ScoreInput } from '../../src/training/score.js';

const perfect: ScoreInput = {
  correct: true,
  wrongPicks: 0,
  checksRun: 2,
  shortestPath: 2,
  predictionsRight: 2,
  predictionsWrong: 0,
  hintsUsed: 0,
  durationMs: 30_000,
};

describe('scoreDrill', () => {
  it('gives the maximum to a first-pick answer on the shortest path, every prediction right, no hints, within par', () => {
    expect(scoreDrill(perfect)).toEqual({
      correctness: 500,
      efficiency: 200,
      predictions: 200,
      time: 100,
      hintPenalty: 0,
      total: maxScore,
    });
    expect(maxScore).toBe(1000);
  });

  it('takes 100 per wrong pick, down to a floor of 100', () => {
    expect(scoreDrill({ ...perfect, wrongPicks: 1 }).correctness).toBe(400);
    expect(scoreDrill({ ...perfect, wrongPicks: 4 }).correctness).toBe(100);
    expect(scoreDrill({ ...perfect, wrongPicks: 9 }).correctness).toBe(100);
  });

  it('scores efficiency as shortest path over checks run', () => {
    expect(scoreDrill({ ...perfect, checksRun: 4 }).efficiency).toBe(100);
    expect(scoreDrill({ ...perfect, checksRun: 3 }).efficiency).toBe(133);
  });

  it('scores predictions as the share right; free mode (none asked) follows efficiency', () => {
    expect(scoreDrill({ ...perfect, predictionsRight: 1, predictionsWrong: 3 }).predictions).toBe(50);
    expect(scoreDrill({ ...perfect, predictionsRight: 0, predictionsWrong: 0, checksRun: 4 }).predictions).toBe(100);
  });

  it('costs 50 per hint and never goes below zero', () => {
    const two = scoreDrill({ ...perfect, hintsUsed: 2 });
    expect(two.hintPenalty).toBe(100);
    expect(two.total).toBe(900);
    expect(
      scoreDrill({ ...perfect, correct: false, predictionsRight: 0, predictionsWrong: 2, hintsUsed: 3 }).total,
    ).toBe(0);
  });

  it('gives full time marks up to par, none at three times par', () => {
    const par = parTimeMs(2);
    expect(par).toBe(150_000);
    expect(scoreDrill({ ...perfect, durationMs: par }).time).toBe(100);
    expect(scoreDrill({ ...perfect, durationMs: 2 * par }).time).toBe(50);
    expect(scoreDrill({ ...perfect, durationMs: 3 * par }).time).toBe(0);
    expect(scoreDrill({ ...perfect, durationMs: 10 * par }).time).toBe(0);
  });

  it('puts correctness first: a drill given up earns only its predictions', () => {
    const gaveUp = scoreDrill({ ...perfect, correct: false });
    expect(gaveUp).toMatchObject({ correctness: 0, efficiency: 0, time: 0, predictions: 200, total: 200 });
    const sloppyButRight = scoreDrill({
      ...perfect,
      checksRun: 8,
      predictionsRight: 0,
      predictionsWrong: 2,
      durationMs: 3_600_000,
    });
    expect(sloppyButRight.total).toBeGreaterThan(gaveUp.total);
  });

  it('is deterministic', () => {
    const input = {
      ...perfect,
      wrongPicks: 1,
      checksRun: 5,
      predictionsRight: 3,
      predictionsWrong: 2,
      hintsUsed: 1,
      durationMs: 200_000,
    };
    expect(scoreDrill(input)).toEqual(scoreDrill({ ...input }));
  });
});
