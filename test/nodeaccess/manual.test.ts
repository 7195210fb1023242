import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuSteal } from '../../src/checks/host/cpuSteal.js';
import type { KubeClient } from '../../src/kube/client.js';
import { createManualAccess, manualAsk } from '../../src/nodeaccess/manual.js';
import type { ManualRequest } from '../../src/nodeaccess/manual.js';
import { repoRoot } from '../helpers/cli.js';

const opts = (signal = new AbortController().signal) => ({ timeoutMs: 1000, signal });

describe('manual node access', () => {
  it('shows the exact, copyable command and returns the pasted output as stdout', async () => {
    const seen: ManualRequest[] = [];
    const manual = createManualAccess({
      prompt: (req) => {
        seen.push(req);
        return Promise.resolve({ output: 'ActiveState=failed\r\nSubState=failed\r\n' });
      },
    });
    const r = await manual.run('worker-3', ['stat', '-c', '%s %a %U', "/etc/it's here"], opts());
    expect(seen[0]).toMatchObject({
      node: 'worker-3',
      argv: ['stat', '-c', '%s %a %U', "/etc/it's here"],
      command: "stat -c '%s %a %U' '/etc/it'\\''s here'",
    });
    expect(r).toMatchObject({
      stdout: 'ActiveState=failed\nSubState=failed\n',
      stderr: '',
      exitCode: null,
      timedOut: false,
    });
  });

  it('keeps an exit code the user gives', async () => {
    const manual = createManualAccess({
      prompt: () => Promise.resolve({ output: 'Call failed: Connection timed out\n', exitCode: 1 }),
    });
    expect((await manual.run('n', ['busctl'], opts())).exitCode).toBe(1);
  });

  it('declining is its own error', async () => {
    const manual = createManualAccess({ prompt: () => Promise.resolve({ declined: true }) });
    await expect(manual.run('n', ['ps'], opts())).rejects.toMatchObject({ kind: 'declined' });
  });

  it('a pasted "command not found" is command-missing, not output to parse', async () => {
    const manual = createManualAccess({
      prompt: () => Promise.resolve({ output: 'bash: crictl: command not found\n' }),
    });
    await expect(manual.run('n', ['crictl', 'info'], opts())).rejects.toMatchObject({ kind: 'command-missing' });
    const dash = createManualAccess({ prompt: () => Promise.resolve({ output: 'sh: 1: crictl: not found\n' }) });
    await expect(dash.run('n', ['crictl', 'info'], opts())).rejects.toMatchObject({ kind: 'command-missing' });
  });

  it('a file that is not found is output, not a missing command', async () => {
    const manual = createManualAccess({
      prompt: () => Promise.resolve({ output: 'cat: /var/lib/kubelet/config.yaml: No such file or directory\n' }),
    });
    expect((await manual.run('n', ['cat', '/var/lib/kubelet/config.yaml'], opts())).stdout).toContain('No such file');
  });

  it('cancellation closes the prompt', async () => {
    const ac = new AbortController();
    const manual = createManualAccess({ prompt: () => new Promise(() => undefined) });
    setTimeout(() => ac.abort(), 50);
    await expect(manual.run('n', ['ps'], opts(ac.signal))).rejects.toMatchObject({ kind: 'cancelled' });
  });

  it('without a terminal to ask, it says what to use instead', async () => {
    await expect(createManualAccess().run('n', ['ps'], opts())).rejects.toMatchObject({
      kind: 'not-possible',
      message: expect.stringContaining('--node-access ssh') as unknown,
    });
  });

  it('a person is not a timer: the pasted result has no run time (the session records the wait as waitedMs)', async () => {
    const manual = createManualAccess({
      prompt: () => new Promise((resolve) => setTimeout(() => resolve({ output: 'x\n' }), 30)),
    });
    expect((await manual.run('n', ['ps'], opts())).durationMs).toBeNull();
  });

  it('a check that compares two runs asks for each by number, the second saying how long to wait after the first', async () => {
    const [first, second] = readFileSync(join(repoRoot, 'test/fixtures/host/proc-stat-dev-machine.txt'), 'utf8')
      .split('--- stdout\n')[1]!
      .split(/(?=^cpu {2})/m);
    const seen: ManualRequest[] = [];
    const manual = createManualAccess({
      prompt: (req) => {
        seen.push(req);
        return Promise.resolve({ output: seen.length === 1 ? first! : second! });
      },
    });
    const ctx = {
      kube: undefined as unknown as KubeClient,
      nodes: manual,
      signal: new AbortController().signal,
      now: () => new Date(),
      allowMutations: false,
    };
    const r = await cpuSteal.run(ctx, { node: 'worker-2', intervalSeconds: 1, stealPercent: 10, iowaitPercent: 20 });
    expect(seen.map((s) => s.sample)).toEqual([
      { index: 1, count: 2, intervalMs: 1000 },
      { index: 2, count: 2, intervalMs: 1000 },
    ]);
    expect(seen.map((s) => manualAsk(s))).toEqual([
      'Sample 1 of 2: run this on worker-2 and paste its output here:',
      'Sample 2 of 2 (wait at least 1 s after the first): run this on worker-2 and paste its output here:',
    ]);
    expect(r.outcome).toBe('normal');
  });
});
