// The bundled signature catalog that does not load (two files with one id, as once shipped): the walk still
// ends, and says in every output that the known causes were not checked, and where the catalog broke.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkJsonSchema } from '../../src/engine/walkSchema.js';
import { repoRoot, runCli } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'plumbline-catalog-'));
const pkg = join(work, 'pkg');
const cli = join(pkg, 'dist', 'cli.js');
const scenario = join(repoRoot, 'scenarios', 'real', 'rd-coredns-probe-timeout.yaml');
const duplicate = join(pkg, 'signatures', 'zz-duplicate.yaml');
const where = `${duplicate}:3:5: signature "coredns-loop-probe-timeout" is also defined in ${join(pkg, 'signatures', 'dns.yaml')}`;
const note = `the signature catalog could not be read: ${where}; known causes from it were not checked`;

// An installed package (package.json, dist/, the data beside it) with one catalog file added.
beforeAll(() => {
  mkdirSync(pkg);
  copyFileSync(join(repoRoot, 'package.json'), join(pkg, 'package.json'));
  cpSync(join(repoRoot, 'dist'), join(pkg, 'dist'), { recursive: true });
  symlinkSync(join(repoRoot, 'runbooks'), join(pkg, 'runbooks'));
  symlinkSync(join(repoRoot, 'scenarios'), join(pkg, 'scenarios'));
  cpSync(join(repoRoot, 'signatures'), join(pkg, 'signatures'), { recursive: true });
  copyFileSync(join(repoRoot, 'test', 'fixtures', 'signatures-broken', 'duplicate-id.yaml'), duplicate);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const runInstalled = (args: string[]) => runCli(args, { cli, timeoutMs: 60_000 });

describe('a bundled catalog that does not load', () => {
  it('the walk ends and says so in text, naming file:line:col; its anomalies are not called unexplained by known causes', async () => {
    const t = join(work, 'text.jsonl');
    const r = await runInstalled(['drill', scenario, '--non-interactive', '--transcript', t]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`end: unrecognised-evidence\n  ${note}\n`);
    expect(r.stdout).toContain('  seen, and not read against known causes (worst first):');
    expect(r.stdout).not.toContain('no known cause explains it');
    // The transcript's last line carries it; the report built from it says it first among what is left to do.
    const end = JSON.parse(readFileSync(t, 'utf8').trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(end).toMatchObject({ type: 'session.end', catalogError: where });
    const report = await runInstalled(['report', t]);
    expect(report.stdout).toContain(
      `The signature catalog could not be read: ${where}; known causes from it were not checked (plumbline lint lists every problem).`,
    );
  });

  it('--output json carries it as catalogError, and fits the published schema', async () => {
    const r = await runInstalled(['drill', scenario, '-o', 'json', '--transcript', join(work, 'json.jsonl')]);
    const out = walkJsonSchema.parse(JSON.parse(r.stdout));
    expect(out.catalogError).toBe(where);
  });

  it('lint names the second file at the id, once, and blames no scenario or runbook for it', async () => {
    const r = await runInstalled(['lint']);
    expect(r.exitCode).toBe(2);
    const problems = r.stdout.split('\n').filter((l) => l !== '' && !l.endsWith(': ok'));
    expect(problems).toEqual([where]);
    expect(r.stderr).toBe('1 problem\n');
  });
});

describe('the bundled catalog as shipped', () => {
  it('loads: a walk needing it has no catalogError', async () => {
    const r = await runCli(['drill', scenario, '-o', 'json', '--transcript', join(work, 'ok.jsonl')]);
    const out = walkJsonSchema.parse(JSON.parse(r.stdout));
    expect(out.outcome).toBe('no-finding');
    expect(out.catalogError).toBeNull();
  });
});
