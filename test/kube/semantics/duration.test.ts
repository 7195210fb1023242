import { describe, expect, it } from 'vitest';
import {
  goDuration,
  goDurationNs,
  humanDuration,
  parseGoDuration,
  since,
} from '../../../src/kube/semantics/duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration (apimachinery duration.HumanDuration)', () => {
  it.each([
    [-3 * s, '<invalid>'],
    [-1500, '0s'],
    [0, '0s'],
    [45 * s, '45s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [5 * m + 30 * s, '5m30s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m, '10m'],
    [120 * m, '120m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 12 * m, '3h12m'],
    [8 * h, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [3 * d + 4 * h, '3d4h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d, '8d'],
    [729 * d, '729d'],
    [2 * 365 * d, '2y'],
    [2 * 365 * d + 10 * d, '2y10d'],
    [9 * 365 * d, '9y'],
  ])('%d ms is %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it('ages a timestamp against a clock, and says <unknown> without one', () => {
    const now = new Date('2025-01-10T12:00:00Z');
    expect(since('2025-01-10T11:59:15Z', now)).toBe('45s');
    expect(since(undefined, now)).toBe('<unknown>');
    expect(since('garbage', now)).toBe('<unknown>');
  });
});

describe('a check’s age and the drill’s kubectl age are one rule', () => {
  it('30 hours reads 30h in a check’s evidence, as kubectl get prints it (not 1d6h)', async () => {
    const { formatAge } = await import('../../../src/checks/format.js');
    expect(formatAge(30 * 3600)).toBe('30h');
    expect(formatAge(30 * 3600)).toBe(humanDuration(30 * 3600 * 1000));
    expect(formatAge(65 * 60)).toBe('65m');
  });
});

describe('goDuration (Go time.Duration.String, as components print durations)', () => {
  // Cases from Go's own time package tests (durationTests in time_test.go).
  it.each<[bigint, string]>([
    [0n, '0s'],
    [1n, '1ns'],
    [1_100n, '1.1µs'],
    [2_200_000n, '2.2ms'],
    [3_300_000_000n, '3.3s'],
    [4n * 60n * 1_000_000_000n + 5_000_000_000n, '4m5s'],
    [4n * 60n * 1_000_000_000n + 5_001_000_000n, '4m5.001s'],
    [5n * 3600n * 1_000_000_000n + 6n * 60n * 1_000_000_000n + 7_001_000_000n, '5h6m7.001s'],
    [8n * 60n * 1_000_000_000n + 1n, '8m0.000000001s'],
    [-1n, '-1ns'],
  ])('%s ns is %s', (ns, want) => expect(goDurationNs(ns)).toBe(want));

  it('milliseconds: a sub-second pull is `800ms`, never `0.8s`; five minutes is `5m0s`', () => {
    expect(goDuration(800)).toBe('800ms');
    expect(goDuration(1234)).toBe('1.234s');
    expect(goDuration(300_000)).toBe('5m0s');
    expect(goDuration(3_600_000)).toBe('1h0m0s');
  });

  it('reads its own text back', () => {
    expect(parseGoDuration('3m10.30056416s')).toBeCloseTo(190.30056416);
    expect(parseGoDuration('734.5ms')).toBeCloseTo(0.7345);
    expect(parseGoDuration('soon')).toBeUndefined();
  });
});
