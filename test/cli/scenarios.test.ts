import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// That every bundled scenario and real case reaches its ending is held by test/runbook/walkedTexts (in process, the
// same planDrill and session) and by CI's own `plumbline test` run; here the command itself, on one of each kind.
const sample = [
  'pod-pending-node-selector', // a diagnosis
  'wd-pod-recovered', // a question answered by the scenario
  'healthy-cluster', // no finding
  'nn-node-unreachable', // incomplete
  'svc-endpoints-not-written', // a diagnosis in another runbook
  'apiserver-cert-expired',
];

describe('plumbline test: bundled scenarios reach their expected diagnosis', () => {
  it('passes one of each kind through the built CLI, a row each and the count', async () => {
    const r = await runCli(['test', ...sample], { timeoutMs: 300_000 });
    expect(r.stderr).toBe('');
    // Each row: scenario, expected, got (the same), steps, time.
    for (const name of sample)
      expect(r.stdout).toMatch(new RegExp(`^${name} +(\\S+(?: finding\\))?) +\\1 +\\d+ +\\d+\\.\\ds$`, 'm'));
    expect(r.stdout).toContain(`${sample.length}/${sample.length} scenarios reach their expected diagnosis`);
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
