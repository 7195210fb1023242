import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

/** Each example under examples/ is a team's runbook folder: runbooks/ (with its checks) and scenarios/. */
const examples = readdirSync(join(repoRoot, 'examples'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe.each(examples)('examples/%s', (name) => {
  const dir = join(repoRoot, 'examples', name);
  const runbooks = join(dir, 'runbooks');

  it('lints clean, runbooks and scenarios, found through --runbooks', async () => {
    const files = [
      ...readdirSync(runbooks)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => join(runbooks, f)),
      ...readdirSync(join(dir, 'scenarios')).map((f) => join(dir, 'scenarios', f)),
    ];
    const out = await runCli(['lint', '--runbooks', runbooks, ...files]);
    expect(out.stdout).not.toMatch(/:\d+:\d+: /);
    expect(out.exitCode).toBe(0);
  });

  it('every scenario reaches its expected diagnosis with plumbline test', async () => {
    const out = await runCli(['test', join(dir, 'scenarios'), '--runbooks', runbooks], { timeoutMs: 120_000 });
    expect(out.stdout).toMatch(/^(\d+)\/\1 scenarios reach their expected diagnosis$/m);
    expect(out.exitCode).toBe(0);
  }, 130_000);

  it('list runbooks names where the team runbook comes from', async () => {
    const out = await runCli(['list', 'runbooks', '--runbooks', runbooks]);
    for (const file of readdirSync(runbooks).filter((f) => f.endsWith('.yaml'))) {
      const id = file.slice(0, -'.yaml'.length);
      expect(out.stdout).toMatch(new RegExp(`^${id}\\s`, 'm'));
      expect(out.stdout.split('\n').map((l) => l.trim())).toContain(`from: ${join(runbooks, file)} (--runbooks)`);
    }
    // A bundled runbook says nothing of where it is from.
    expect(out.stdout).toMatch(/^workload-down\s/m);
    expect(out.stdout).not.toMatch(/from: .*runbooks\/workload-down\.yaml/);
  });
});

describe('plumbline new runbook', () => {
  it('scaffolds a runbook, its checks, two scenarios, schemas and a test that pass as written, and never overwrites', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const out = join(mkdtempSync(join(tmpdir(), 'plumbline-new-')), 'team');
    const made = await runCli(['new', 'runbook', 'orders', '--out', out]);
    expect(made.exitCode).toBe(0);
    for (const f of [
      'runbooks/orders.yaml',
      'runbooks/checks/orders.yaml',
      'scenarios/orders-unavailable.yaml',
      'scenarios/orders-healthy.yaml',
      'test.sh',
      'schemas/runbook.schema.json',
    ]) {
      expect(made.stdout).toContain(join(out, f).split('/').slice(-2).join('/'));
    }
    const tested = await runCli(['test', join(out, 'scenarios'), '--runbooks', join(out, 'runbooks')], {
      timeoutMs: 120_000,
    });
    expect(tested.stdout).toMatch(/^2\/2 scenarios reach their expected diagnosis$/m);
    const again = await runCli(['new', 'runbook', 'orders', '--out', out]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('not overwriting');
  }, 130_000);
});
