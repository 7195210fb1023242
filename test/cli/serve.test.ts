import { spawn } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../helpers/kubectl.js';

warnIfKubectlMissing('plumbline cluster serve');

describe.skipIf(!kubectlAvailable())('plumbline cluster serve', () => {
  it('prints the export line first, serves kubectl until SIGTERM, then exits 0', async () => {
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'plumbline-serve-')), 'kubeconfig');
    const child = spawn(
      process.execPath,
      [cliPath, 'cluster', 'serve', 'pod-pending-node-selector', '--kubeconfig-out', kubeconfig],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const first = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout }).once('line', resolve),
    );
    expect(first).toBe(`export KUBECONFIG=${kubeconfig}`);
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    const pods = await runKubectl(kubeconfig, ['get', 'pods', '-n', 'shop']);
    expect(pods.exitCode).toBe(0);
    expect(pods.stdout).toMatch(/^web-0\s+0\/1\s+Pending\s+0\s+/m);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });
});
