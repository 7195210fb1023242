import { execFile } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runCli } from '../helpers/cli.js';
import { pod, startTestDrill } from '../helpers/drill.js';
import type { TestDrill } from '../helpers/drill.js';

/**
 * The bash script as a person loads it: sourced in a real bash, with
 * COMP_WORDS and COMP_CWORD set as bash sets them when Tab is pressed, and
 * `plumbline` found on PATH (the built CLI), pointed at a real drill API server.
 */
describe('plumbline completion bash, sourced in a real bash', () => {
  let t: TestDrill;
  let script: string;
  let bin: string;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { nodes: [{ name: 'worker-1' }, { name: 'worker-2' }] as never },
      objects: [
        ...['default', 'kube-system', 'shop'].map((name) => ({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name },
        })),
        pod('web-0', 'shop', { nodeName: 'worker-1' }, { phase: 'Running' }),
        pod('web-1', 'shop', { nodeName: 'worker-2' }, { phase: 'Running' }),
      ] as never,
    });
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-completion-'));
    const r = await runCli(['completion', 'bash']);
    expect(r.exitCode).toBe(0);
    script = join(dir, 'plumbline.bash');
    writeFileSync(script, r.stdout);
    bin = join(dir, 'bin');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(bin);
    symlinkSync(cliPath, join(bin, 'plumbline'));
  });
  afterAll(() => t.close());

  /** What Tab offers after these words (the last is the one being typed). */
  const tab = (...words: string[]): Promise<string[]> =>
    new Promise((resolve, reject) => {
      const quoted = ['plumbline', ...words].map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
      const program = `source ${JSON.stringify(script)}\nCOMP_WORDS=(${quoted})\nCOMP_CWORD=${words.length}\n_plumbline\nprintf '%s\\n' "\${COMPREPLY[@]}"\n`;
      const PATH = [bin, dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
      execFile(
        'bash',
        ['--norc', '--noprofile', '-c', program],
        { env: { ...process.env, PATH, KUBECONFIG: t.drill.kubeconfigPath, NO_COLOR: '1' }, timeout: 30_000 },
        (err, stdout) => {
          if (err) reject(new Error(`bash: ${err.message}`));
          else resolve(stdout.split('\n').filter((l) => l !== ''));
        },
      );
    });

  it('commands', async () => {
    expect(await tab('r')).toEqual(['run', 'report', 'replay']);
    expect(await tab('')).toContain('completion');
    expect(await tab('')).not.toContain('__complete');
  });

  it("a command's own flags, and the choices of a flag", async () => {
    expect(await tab('run', 'workload-down', '--na')).toEqual(['--namespace']);
    expect(await tab('check', 'pod.status', '--p')).toEqual(['--pod']);
    expect(await tab('list', 'runbooks', '-o', '')).toEqual(['text', 'json', 'yaml']);
    expect(await tab('run', 'node-not-ready', 'worker-1', '--node-access', '')).toEqual([
      'manual',
      'ssh',
      'kubectl-debug',
      'local',
    ]);
  });

  it('runbook and scenario names, check ids', async () => {
    expect(await tab('run', 'node')).toEqual(['node-not-ready']);
    expect(await tab('drill', 'pod-pending-node-sel')).toEqual(['pod-pending-node-selector']);
    expect(await tab('check', 'pod.st')).toEqual(['pod.status']);
    expect(await tab('list', '')).toEqual(['runbooks', 'scenarios', 'checks', 'faults']);
    expect(await tab('run', 'workload-down', 'web-0', '--set', '')).toEqual(['namespace=', 'pod=', 'deployment=']);
  });

  it('live names from the current context: namespaces, pods of the namespace typed, nodes', async () => {
    expect(await tab('run', 'workload-down', 'web-0', '-n', 'kube-s')).toEqual(['kube-system']);
    expect(await tab('run', 'workload-down', 'web-0', '-n', 'kube')).toContain('kube-node-lease');
    expect(await tab('run', 'workload-down', '-n', 'shop', 'we')).toEqual(['web-0', 'web-1']);
    expect(await tab('run', 'node-not-ready', 'worker')).toEqual(['worker-1', 'worker-2']);
    expect(await tab('check', 'host.kubelet-service', '--node', 'w')).toEqual(['worker-1', 'worker-2']);
    expect(await tab('check', 'pod.status', '-n', 'shop', '--pod', '')).toEqual(['web-0', 'web-1']);
  });

  it('file names where a file is taken', async () => {
    const files = await tab('report', script.slice(0, -'.bash'.length));
    expect(files).toEqual([script]);
  });
});

describe('zsh and fish scripts', () => {
  it.each(['zsh', 'fish'])('%s: asks plumbline __complete for the words typed', async (shell) => {
    const r = await runCli(['completion', shell]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('__complete');
    expect(r.stdout).toContain(
      shell === 'zsh' ? 'compdef _plumbline plumbline' : "complete -c plumbline -f -a '(__plumbline_complete)'",
    );
  });

  it('an unknown shell is bad usage', async () => {
    const r = await runCli(['completion', 'tcsh']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Allowed choices are bash, zsh, fish.');
  });
});
