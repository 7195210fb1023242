import { describe, expect, it } from 'vitest';
import { argvKey, createDrillAccess } from '../../src/nodeaccess/drill.js';

const opts = (timeoutMs = 5000, signal = new AbortController().signal) => ({ timeoutMs, signal });

describe('drill node access', () => {
  const drill = createDrillAccess({
    hosts: {
      'worker-2': {
        'ps -eo pid,etimes,args': { stdout: '  PID ELAPSED COMMAND\n    1 100 /sbin/init\n' },
        'systemctl show kubelet': {
          stdout: '',
          stderr: 'Failed to get properties: Connection timed out\n',
          exitCode: 1,
        },
        'cat /proc/stat': [{ stdout: 'cpu  1 0 0 1 0 0 0 0 0 0\n' }, { stdout: 'cpu  2 0 0 2 0 0 0 1 0 0\n' }],
        'busctl --system list': { stdout: 'late\n', delayMs: 150 },
        'busctl --system call x': { stdout: '', hang: true },
      },
    },
  });

  it('answers a known command from the table', async () => {
    const r = await drill.run('worker-2', ['ps', '-eo', 'pid,etimes,args'], opts());
    expect(r).toMatchObject({
      stdout: '  PID ELAPSED COMMAND\n    1 100 /sbin/init\n',
      stderr: '',
      exitCode: 0,
      timedOut: false,
    });
  });

  it('keys commands by argv joined with single spaces', () => {
    expect(argvKey(['systemctl', 'show', 'kubelet', '-p', 'A,B'])).toBe('systemctl show kubelet -p A,B');
  });

  it('gives stderr and exit codes as scripted', async () => {
    expect(await drill.run('worker-2', ['systemctl', 'show', 'kubelet'], opts())).toMatchObject({
      exitCode: 1,
      stderr: 'Failed to get properties: Connection timed out\n',
    });
  });

  it('answers a list of responses in order, then repeats the last', async () => {
    const d = createDrillAccess({ hosts: { n: { 'cat /proc/stat': [{ stdout: 'a' }, { stdout: 'b' }] } } });
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await d.run('n', ['cat', '/proc/stat'], opts())).stdout);
    expect(got).toEqual(['a', 'b', 'b']);
  });

  it('an unknown command is missing, as bash would say', async () => {
    await expect(drill.run('worker-2', ['crictl', 'info'], opts())).rejects.toMatchObject({
      kind: 'command-missing',
      message: 'bash: crictl: command not found',
    });
  });

  it('an unknown node cannot be reached', async () => {
    await expect(drill.run('worker-9', ['ps'], opts())).rejects.toMatchObject({ kind: 'unreachable' });
  });

  it('takes the scripted time', async () => {
    const r = await drill.run('worker-2', ['busctl', '--system', 'list'], opts());
    expect(r.stdout).toBe('late\n');
    expect(r.durationMs).toBeGreaterThanOrEqual(140);
  });

  it('a hanging command ends at the timeout', async () => {
    const r = await drill.run('worker-2', ['busctl', '--system', 'call', 'x'], opts(200));
    expect(r).toMatchObject({ timedOut: true, exitCode: null, stdout: '' });
  });

  it('a hanging command honours cancellation', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await expect(
      drill.run('worker-2', ['busctl', '--system', 'call', 'x'], opts(10_000, ac.signal)),
    ).rejects.toMatchObject({ kind: 'cancelled' });
  });

  it('caps output like the real backends', async () => {
    const d = createDrillAccess({ hosts: { n: { big: { stdout: 'x'.repeat(10_000) } } }, maxOutputBytes: 100 });
    const r = await d.run('n', ['big'], opts());
    expect(r).toMatchObject({ truncated: true });
    expect(r.stdout).toHaveLength(100);
  });

  it('does not take object prototype names for hosts or commands', async () => {
    await expect(drill.run('constructor', ['ps'], opts())).rejects.toMatchObject({ kind: 'unreachable' });
    await expect(drill.run('worker-2', ['toString'], opts())).rejects.toMatchObject({ kind: 'command-missing' });
  });
});
