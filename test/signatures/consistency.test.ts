import { describe, expect, it } from 'vitest';
import { contradictions } from '../../src/signatures/consistency.js';

describe('what a diagnosis may not say against the facts the walk recorded', () => {
  it('exit 137 is never "exits by itself" nor "not OOM-killed"', () => {
    expect(
      contradictions(
        ['Container app exits by itself (exit 137) and is restarted in a loop'],
        [{ exitCode: 137, signal: 'SIGKILL' }],
      ),
    ).toEqual(['says it ended by itself or was not killed, but the walk recorded exit 137, SIGKILL']);
    expect(
      contradictions(
        ['Container app is killed with SIGKILL (exit 137) and is restarted in a loop'],
        [{ exitCode: 137, signal: 'SIGKILL' }],
      ),
    ).toEqual([]);
  });

  it('an OOMKilled last state is never "not OOM-killed"', () => {
    expect(
      contradictions(
        ['no probe killed it and it was not OOM-killed.'],
        [{ terminationReason: 'OOMKilled', exitCode: 137 }],
      ),
    ).toHaveLength(2);
  });

  it('names only exit codes and phases the walk recorded; a rule is not a claim', () => {
    expect(contradictions(['The program ends with exit code 2'], [{ exitCode: 1 }])).toEqual([
      'names exit code 2, but the walk recorded only 1',
    ]);
    expect(contradictions(['Each init container must exit 0 before the next starts.'], [{ exitCode: 1 }])).toEqual([]);
    expect(contradictions(['Pod web is in phase Failed.'], [{ phase: 'Running' }])).toEqual([
      'says phase Failed, but the walk recorded Running',
    ]);
  });
});
