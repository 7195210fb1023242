import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLocalAccess } from '../../src/nodeaccess/local.js';
import { NodeAccessError } from '../../src/nodeaccess/types.js';

const local = createLocalAccess();
const opts = (timeoutMs = 5000) => ({ timeoutMs, signal: new AbortController().signal });

describe('local node access (real processes on this machine)', () => {
  it('runs ps here and returns its output', async () => {
    const r = await local.run('this-node', ['ps', '-eo', 'pid,etimes,args'], opts());
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^\s*PID\s+ELAPSED\s+COMMAND$/);
    expect(r.stdout).toMatch(new RegExp(`^\\s*${process.pid}\\s+\\d+\\s+`, 'm'));
    expect(r).toMatchObject({ timedOut: false, truncated: false });
  });

  it('reads /proc/stat as cat does', async () => {
    const r = await local.run('this-node', ['cat', '/proc/stat'], opts());
    expect(r.stdout.split('\n')[0]).toMatch(/^cpu\s+\d+/);
    expect(r.stdout.length).toBeGreaterThan(readFileSync('/proc/stat', 'utf8').length / 2);
  });

  it('passes arguments without a shell: metacharacters stay literal', async () => {
    const r = await local.run('n', ['printf', '%s|', '$(id)', '; id', '*', "'"], opts());
    expect(r.stdout).toBe("$(id)|; id|*|'|");
  });

  it('a missing binary is command-missing', async () => {
    await expect(local.run('n', ['plumbline-no-such-tool', '--version'], opts())).rejects.toMatchObject({ name: 'NodeAccessError', kind: 'command-missing' });
  });

  it('a failing command is a result with its exit code and stderr', async () => {
    const r = await local.run('n', ['cat', '/nonexistent/plumbline'], opts());
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('cat: /nonexistent/plumbline: No such file or directory\n');
  });

  it('a hang ends at the timeout with timedOut, not an exception', async () => {
    const r = await local.run('n', ['sleep', '30'], opts(300));
    expect(r).toMatchObject({ timedOut: true, exitCode: null });
    expect(r.durationMs).toBeGreaterThanOrEqual(250);
    expect(r.durationMs).toBeLessThan(5000);
  });

  it('honours the AbortSignal', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const err = await local.run('n', ['sleep', '30'], { timeoutMs: 10_000, signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeAccessError);
    expect((err as NodeAccessError).kind).toBe('cancelled');
  });

  it('caps the output and says so', async () => {
    const capped = createLocalAccess({ maxOutputBytes: 4096 });
    const r = await capped.run('n', ['seq', '1', '1000000'], opts());
    expect(r.truncated).toBe(true);
    expect(r.stdout.length).toBeLessThanOrEqual(4096);
    expect(r.stdout.startsWith('1\n2\n3\n')).toBe(true);
  });

  it('can add environment variables (tests point busctl at a private bus this way)', async () => {
    const r = await createLocalAccess({ env: { PLUMBLINE_PROBE: 'x y' } }).run('n', ['printenv', 'PLUMBLINE_PROBE'], opts());
    expect(r.stdout).toBe('x y\n');
  });
});
