import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

/** The bundled dns runbook under the same id, retitled: which file a name finds shows in its title. */
function userCopy(dir: string, title: string): void {
  mkdirSync(dir, { recursive: true });
  const text = readFileSync(join(repoRoot, 'runbooks', 'downstream-cluster-unreachable.yaml'), 'utf8').replace(
    /^title: .*$/m,
    `title: ${title}`,
  );
  writeFileSync(join(dir, 'downstream-cluster-unreachable.yaml'), text);
}

describe('the runbook path', () => {
  it('--runbooks, then $PLUMBLINE_RUNBOOKS, then $XDG_CONFIG_HOME/plumbline/runbooks, before the bundled ones', async () => {
    const root = mkdtempSync(join(tmpdir(), 'plumbline-path-'));
    const flag = join(root, 'flag');
    const env = join(root, 'env');
    const xdg = join(root, 'xdg');
    userCopy(join(xdg, 'plumbline', 'runbooks'), 'From XDG');
    userCopy(env, 'From env');
    userCopy(flag, 'From flag');
    const vars = { XDG_CONFIG_HOME: xdg, PLUMBLINE_RUNBOOKS: env };

    const listed = await runCli(['list', 'runbooks', '--runbooks', flag], { env: vars });
    expect(listed.stdout.split('\n').map((l) => l.trim())).toContain(
      `from: ${join(flag, 'downstream-cluster-unreachable.yaml')} (--runbooks), hides ${join(env, 'downstream-cluster-unreachable.yaml')}`,
    );
    expect(listed.stdout).toMatch(/^downstream-cluster-unreachable\s+From flag$/m);

    const json = async (args: string[], e: Record<string, string>) => {
      const out = await runCli(['list', 'runbooks', '--output', 'json', ...args], { env: e });
      return (JSON.parse(out.stdout) as { id: string; from: string }[]).find(
        (r) => r.id === 'downstream-cluster-unreachable',
      )?.from;
    };
    expect(await json([], vars)).toBe('$PLUMBLINE_RUNBOOKS');
    expect(await json([], { XDG_CONFIG_HOME: xdg, PLUMBLINE_RUNBOOKS: '' })).toBe(
      '$XDG_CONFIG_HOME/plumbline/runbooks',
    );
    expect(await json([], { XDG_CONFIG_HOME: join(root, 'none'), PLUMBLINE_RUNBOOKS: '' })).toBe('bundled');

    // The walk runs the runbook the name finds first.
    const walk = await runCli(
      [
        'drill',
        'ds-coredns-loop',
        '--non-interactive',
        '--output',
        'json',
        '--runbooks',
        flag,
        '--transcript',
        join(root, 't.jsonl'),
      ],
      { env: vars, timeoutMs: 60_000 },
    );
    const transcript = readFileSync(join(root, 't.jsonl'), 'utf8');
    expect(walk.exitCode).toBe(0);
    expect(transcript).toContain('"runbookTitle":"From flag"');
  }, 90_000);
});
