import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';
import { startTestDrill } from '../helpers/drill.js';
import type { TestDrill } from '../helpers/drill.js';

/** Runs the built CLI with text on its stdin, as a person pasting into a terminal would. */
function runWithInput(
  args: string[],
  input: string,
): Promise<{ stdout: string; stderr: string; exitCode: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (exitCode) => resolve({ stdout, stderr, exitCode }));
    child.stdin.end(input);
  });
}

describe('plumbline check <host check> --node', () => {
  let t: TestDrill;
  let kubeconfig: string;
  beforeAll(async () => {
    t = await startTestDrill({ cluster: { nodes: [{ name: 'worker-1' }] as never } });
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'plumbline-check-')), 'kubeconfig');
    const { readFileSync } = await import('node:fs');
    writeFileSync(kubeconfig, readFileSync(t.drill.kubeconfigPath, 'utf8'), { mode: 0o600 });
  });
  afterAll(() => t.close());

  it('manual: shows the exact command and parses the pasted output like a real run', async () => {
    const pasted =
      'Result=exit-code\nNRestarts=41\nExecMainStatus=1\nLoadState=loaded\nActiveState=activating\nSubState=auto-restart\nFragmentPath=/usr/lib/systemd/system/kubelet.service\n.\n';
    const r = await runWithInput(
      ['check', 'host.kubelet-service', '--node', 'worker-1', '--kubeconfig', kubeconfig],
      pasted,
    );
    expect(r.stderr).toContain('Run this on worker-1 and paste its output');
    // On lines of their own, broken where a shell joins them again.
    expect(r.stderr).toContain(
      'systemctl show kubelet -p \\\n  LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus,\\\nExecMainStartTimestamp,FragmentPath,ExecStart\n',
    );
    expect(r.stdout).toMatch(/^restart-loop: /m);
    expect(r.exitCode).toBe(0);
  });

  it('manual: "skip" declines, and the check says it could not check', async () => {
    const r = await runWithInput(
      ['check', 'host.kubelet-service', '--node', 'worker-1', '--kubeconfig', kubeconfig],
      'skip\n',
    );
    expect(r.stdout).toMatch(
      /^error: not run \(declined\): the person at the terminal chose not to run it on worker-1/m,
    );
    expect(r.exitCode).toBe(3);
  });

  it('local: runs the real ps of this machine, named as the node it is', async () => {
    const r = await runWithInput(
      ['check', 'host.runc-lingering', '--node', hostname(), '--node-access', 'local', '--kubeconfig', kubeconfig],
      '',
    );
    expect(r.stdout).toMatch(/^\$ ps -eo pid,etimes,args$/m);
    expect(r.stdout).toMatch(/^clear: /m);
    expect(r.stdout).toContain(`answered by: ${hostname()} (this machine: hostname ${hostname()})`);
  });

  it('local: refuses to answer for worker-1, another machine, and says what this one is', async () => {
    const r = await runWithInput(
      ['check', 'host.runc-lingering', '--node', 'worker-1', '--node-access', 'local', '--kubeconfig', kubeconfig],
      '',
    );
    expect(r.stdout).toMatch(
      /^error: not run \(not-possible\): --node-access local runs commands on this machine, and this machine is not worker-1 \(worker-1 is [\d.]+/m,
    );
    expect(r.stdout).toContain(`its hostname is ${hostname()}`);
    expect(r.stdout).not.toMatch(/^clear: /m);
    expect(r.exitCode).toBe(3);
  });

  it('needs --node for a host check', async () => {
    const r = await runWithInput(['check', 'host.runc-lingering', '--kubeconfig', kubeconfig], '');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('host.runc-lingering runs on a node: pass --node <name>');
  });
});

describe('plumbline check --drill <scenario>', () => {
  it('runs a cluster check on the scenario cluster: the stale-control-plane incident etcd noise', async () => {
    const r = await runWithInput(
      ['check', 'cluster.etcd', '--drill', 'stale-control-plane-after-reboot', '--output', 'json'],
      '',
    );
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout) as { check: string; outcome: string };
    expect(out).toMatchObject({ check: 'cluster.etcd', outcome: 'rejected-connections-only' });
  });

  it('runs a host check on the scenario simulated host', async () => {
    const r = await runWithInput(
      ['check', 'host.kubelet-config', '--node', 'worker-2', '--drill', 'stale-control-plane-after-reboot'],
      '',
    );
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\$ .*\/var\/lib\/kubelet\/config\.yaml/m);
    expect(r.stdout).toContain('missing: the kubelet config file /var/lib/kubelet/config.yaml does not exist');
  });
});
