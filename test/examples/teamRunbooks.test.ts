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
    const files = [...readdirSync(runbooks).filter((f) => f.endsWith('.yaml')).map((f) => join(runbooks, f)), ...readdirSync(join(dir, 'scenarios')).map((f) => join(dir, 'scenarios', f))];
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
