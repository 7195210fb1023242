import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createKubectlDebugAccess, kubectlDebugArgv } from '../../src/nodeaccess/kubectlDebug.js';

/**
 * A stand-in kubectl: logs each call, and for `debug … -- chroot /host <argv>`
 * really runs <argv> here (this machine plays the node's /host), printing what
 * kubectl prints around it. `get pod` reports the exit code, as the API would.
 */
const dir = mkdtempSync(join(tmpdir(), 'plumbline-kubectl-'));
const kubectl = join(dir, 'kubectl.cjs');
const logFile = join(dir, 'calls.jsonl');
const configFile = join(dir, 'behaviour.json');
writeFileSync(
  kubectl,
  `#!/usr/bin/env node
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(logFile)}, JSON.stringify(args) + '\\n');
const cfg = JSON.parse(fs.readFileSync(${JSON.stringify(configFile)}, 'utf8'));
const state = ${JSON.stringify(join(dir, 'exit'))};
const verb = args.find((a) => !a.startsWith('--'));
function main() {
if (verb === 'debug') {
  const node = args.find((a) => a.startsWith('node/')).slice(5);
  process.stdout.write('Creating debugging pod node-debugger-' + node + '-x7k2q with container debugger on node ' + node + '.\\n');
  if (cfg.forbidden) { process.stderr.write('Error from server (Forbidden): pods "node-debugger-' + node + '-x7k2q" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)\\n'); process.exit(1); }
  if (cfg.hang) { fs.writeFileSync(${JSON.stringify(join(dir, 'announced'))}, ''); setInterval(() => {}, 1000); return; }
  const cmd = args.slice(args.indexOf('--') + 1);
  if (cmd[0] !== 'chroot' || cmd[1] !== '/host') process.exit(2);
  const r = spawnSync(cmd[2], cmd.slice(3), { encoding: 'utf8' });
  const code = r.error ? 127 : r.status;
  if (r.error) process.stderr.write("chroot: can't execute '" + cmd[2] + "': No such file or directory\\n");
  process.stdout.write(r.stdout || ''); process.stderr.write(r.stderr || '');
  fs.writeFileSync(state, String(code));
  process.exit(0); // kubectl debug does not pass the container's exit code on
}
if (verb === 'get') {
  if (cfg.forbidden) { process.stderr.write('Error from server (NotFound): pods "x" not found\\n'); process.exit(1); }
  if (cfg.hang) { process.stdout.write('|' + (cfg.waiting || 'ContainerCreating')); process.exit(0); }
  process.stdout.write(fs.readFileSync(state, 'utf8') + '|'); process.exit(0);
}
if (verb === 'delete') { process.stdout.write('pod "' + args[args.indexOf('pod') + 1] + '" deleted\\n'); process.exit(0); }
process.exit(3);
}
main();
`,
);
chmodSync(kubectl, 0o755);

function behave(b: { forbidden?: boolean; hang?: boolean; waiting?: string }): void {
  writeFileSync(configFile, JSON.stringify(b));
  writeFileSync(logFile, '');
}
function calls(): string[][] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as string[]);
}
const opts = (timeoutMs = 10_000) => ({ timeoutMs, signal: new AbortController().signal });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kubectl-debug node access', () => {
  beforeEach(() => behave({}));

  it('builds kubectl debug node/<name> with the sysadmin profile, the image and chroot /host', () => {
    expect(
      kubectlDebugArgv('worker-1', ['ps', '-eo', 'pid,etimes,args'], {
        context: 'prod',
        image: 'registry.local/busybox:1.36',
      }),
    ).toEqual([
      'kubectl',
      '--context=prod',
      'debug',
      'node/worker-1',
      '--profile=sysadmin',
      '--image=registry.local/busybox:1.36',
      '--attach=true',
      '--',
      'chroot',
      '/host',
      'ps',
      '-eo',
      'pid,etimes,args',
    ]);
    expect(kubectlDebugArgv('n', ['true'])).toContain('--image=busybox');
  });

  it('runs the command, returns only its output with its real exit code, then deletes the debug pod', async () => {
    const access = createKubectlDebugAccess({ kubectl, namespace: 'plumbline', isNodeReady: () => true });
    const r = await access.run('worker-1', ['sh', '-c', 'echo out; echo err >&2; exit 3'], opts());
    expect(r).toMatchObject({ stdout: 'out\n', stderr: 'err\n', exitCode: 3, timedOut: false });
    // Where kubectl says it put the pod: the machine that answered.
    expect(r.answeredBy).toBe('worker-1 (kubectl debug pod node-debugger-worker-1-x7k2q)');
    const verbs = calls().map((c) => c.filter((a) => !a.startsWith('--'))[0]);
    expect(verbs).toEqual(['debug', 'get', 'delete']);
    expect(calls()[2]).toEqual([
      '--namespace=plumbline',
      'delete',
      'pod',
      'node-debugger-worker-1-x7k2q',
      '--ignore-not-found',
      '--wait=false',
    ]);
  });

  it('hands hostile arguments over as argv, never through a shell', async () => {
    const access = createKubectlDebugAccess({ kubectl, isNodeReady: () => true });
    const r = await access.run('worker-1', ['printf', '%s\\n', '$(touch /tmp/plumbline-pwned-kd)', '; id'], opts());
    expect(r.stdout).toBe('$(touch /tmp/plumbline-pwned-kd)\n; id\n');
  });

  it('refuses a NotReady node at once, pointing at ssh or manual', async () => {
    const access = createKubectlDebugAccess({ kubectl, isNodeReady: () => false });
    await expect(access.run('worker-3', ['ps'], opts())).rejects.toMatchObject({
      kind: 'not-possible',
      message:
        'kubectl debug needs a Ready node: worker-3 is not Ready, so its kubelet cannot start the debug pod; use --node-access ssh or manual',
    });
    expect(calls()).toEqual([]);
  });

  it('a command missing on the host is command-missing', async () => {
    const access = createKubectlDebugAccess({ kubectl, isNodeReady: () => undefined });
    await expect(access.run('worker-1', ['plumbline-no-such-tool'], opts())).rejects.toMatchObject({
      kind: 'command-missing',
    });
    expect(calls().at(-1)?.[0]).toBe('delete');
  });

  it('a pod the cluster refuses to create: says why, still tries to clean up', async () => {
    behave({ forbidden: true });
    const access = createKubectlDebugAccess({ kubectl, isNodeReady: () => true });
    await expect(access.run('worker-1', ['ps'], opts())).rejects.toMatchObject({
      kind: 'not-possible',
      message: expect.stringContaining('violates PodSecurity') as unknown,
    });
    expect(calls().at(-1)?.[1]).toBe('pod');
  });

  it('a debug pod whose image cannot be pulled: says so instead of a bare timeout, and deletes it', async () => {
    behave({ hang: true, waiting: 'ImagePullBackOff' });
    const access = createKubectlDebugAccess({ kubectl, image: 'registry.local/nope:1', isNodeReady: () => true });
    await expect(access.run('worker-1', ['ps'], opts(800))).rejects.toMatchObject({
      kind: 'not-possible',
      message: expect.stringContaining('registry.local/nope:1 cannot be pulled') as unknown,
    });
    expect(calls().at(-1)?.[0]).toBe('delete');
  });

  it('a command that hangs ends at the timeout and the pod is deleted', async () => {
    behave({ hang: true });
    const access = createKubectlDebugAccess({ kubectl, isNodeReady: () => true });
    const r = await access.run('worker-1', ['busctl', 'list'], opts(800));
    expect(r).toMatchObject({ timedOut: true, exitCode: null });
    expect(calls().at(-1)?.[0]).toBe('delete');
  });

  it('cancelled: the pod is still deleted', async () => {
    behave({ hang: true });
    rmSync(join(dir, 'announced'), { force: true });
    const ac = new AbortController();
    // Cancel once kubectl has named its pod (a fixed delay raced a slow start on a loaded machine).
    const poll = setInterval(() => {
      if (existsSync(join(dir, 'announced'))) {
        clearInterval(poll);
        setTimeout(() => ac.abort(), 300);
      }
    }, 20);
    const access = createKubectlDebugAccess({ kubectl, isNodeReady: () => true });
    await expect(access.run('worker-1', ['ps'], { timeoutMs: 10_000, signal: ac.signal })).rejects.toMatchObject({
      kind: 'cancelled',
    });
    clearInterval(poll);
    expect(calls().at(-1)?.[0]).toBe('delete');
  });
});
