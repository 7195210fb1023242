import { describe, expect, it } from 'vitest';
import { bundledNames } from '../../src/assets.js';
import { runCli } from '../helpers/cli.js';

describe('plumbline test: every bundled scenario reaches its expected diagnosis', () => {
  it('passes all of them through the built CLI', async () => {
    const r = await runCli(['test'], { timeoutMs: 300_000 });
    const names = bundledNames('scenarios');
    expect(r.stderr).toBe('');
    // Each row: scenario, expected, got (the same), steps, time.
    for (const name of names)
      expect(r.stdout).toMatch(new RegExp(`^${name} +(\\S+(?: finding\\))?) +\\1 +\\d+ +\\d+\\.\\ds$`, 'm'));
    expect(r.stdout).toContain(`${names.length}/${names.length} scenarios reach their expected diagnosis`);
    expect(r.exitCode).toBe(0);
  }, 300_000);

  it('exits 1 and says what it got when a scenario expects another diagnosis', async () => {
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { resolveAsset } = await import('../../src/assets.js');
    const file = join(mkdtempSync(join(tmpdir(), 'plumbline-scn-')), 'wrong.yaml');
    writeFileSync(
      file,
      readFileSync(resolveAsset('scenarios', 'pod-pending-node-selector'), 'utf8').replace(
        'diagnosis: unschedulable-node-selector',
        'diagnosis: unschedulable-taint',
      ),
    );
    const r = await runCli(['test', file]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^FAIL .*wrong\.yaml: expected unschedulable-taint, got unschedulable-node-selector$/m);
  });

  it('lints every bundled runbook and scenario clean', async () => {
    const r = await runCli(['lint']);
    expect(r.exitCode).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .every((l) => l.endsWith(': ok')),
    ).toBe(true);
  });
});
