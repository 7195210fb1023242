import { describe, expect, it } from 'vitest';
import { deepEnough } from '../../src/signatures/match.js';

describe('which signatures may replace a generic ending', () => {
  it.each([
    ['pod', 'pod', true],
    ['host', 'pod', true],
    ['node', 'cluster', true],
    ['host', 'node', true],
    // A pod's symptom (Multi-Attach, FailedMount) never stands in for a cause the walk found below it.
    ['pod', 'host', false],
    ['pod', 'node', false],
    ['cluster', 'node', false],
    ['node', 'host', false],
  ] as const)('a %s signature for a %s ending: %s', (signature, ending, ok) => {
    expect(deepEnough(signature, ending)).toBe(ok);
  });
});
