import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSshAccess, sshArgv } from '../../src/nodeaccess/ssh.js';
import type { SshAccessOptions } from '../../src/nodeaccess/ssh.js';
import { runHostCheck } from '../checks/host/helpers.js';

const sshd = '/usr/sbin/sshd';
const tools = [sshd, 'ssh', 'ssh-keygen'];
const missing = tools.filter((t) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', t]).status !== 0);
if (missing.length > 0) {
  console.warn(
    `\n!!! SKIPPING the ssh backend tests against a real sshd: ${missing.join(', ')} not installed (Debian: apt-get install openssh-server openssh-client)\n`,
  );
}

const opts = (timeoutMs = 15_000) => ({ timeoutMs, signal: new AbortController().signal });

describe('ssh argv', () => {
  it('BatchMode, a connect timeout, the user, and the remote command as one shell-quoted string after --', () => {
    expect(
      sshArgv('10.0.0.7', ['cat', "/etc/it's"], {
        user: 'ops',
        options: ['ProxyJump=bastion'],
        connectTimeoutSeconds: 5,
      }),
    ).toEqual([
      'ssh',
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=5',
      '-o',
      'ProxyJump=bastion',
      '--',
      'ops@10.0.0.7',
      "cat '/etc/it'\\''s'",
    ]);
  });

  it('the destination comes after --, so ssh never reads it as an option', () => {
    const argv = sshArgv('worker-1', ['true'], { port: 2222 });
    expect(argv.indexOf('--')).toBe(argv.length - 3);
    expect(argv.at(-2)).toBe('worker-1');
  });

  it.each([
    ['-oProxyCommand=touch /tmp/x'],
    ['-oProxyCommand=touch'],
    ['worker 1'],
    ['worker-1\n-oProxyCommand=id'],
    ['evil@worker-1'],
    ['ssh://worker-1'],
    ['$(id)'],
    [''],
  ])('refuses the destination %j', (target) => {
    expect(() => sshArgv(target, ['true'])).toThrow(/refusing to ssh/);
  });

  it('refuses a user that is not a plain user name', () => {
    expect(() => sshArgv('worker-1', ['true'], { user: '-oProxyCommand=id' })).toThrow(/refusing to ssh/);
    expect(() => sshArgv('worker-1', ['true'], { user: 'a b' })).toThrow(/refusing to ssh/);
  });

  it.each([['worker-1'], ['10.0.0.7'], ['fe80::1%eth0'], ['ip-10-0-0-7.ec2.internal'], ['node_a']])(
    'accepts %j',
    (target) => {
      expect(sshArgv(target, ['true']).at(-2)).toBe(target);
    },
  );
});

describe.skipIf(missing.length > 0)('ssh node access against a real sshd on loopback', () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let port: number;
  let base: SshAccessOptions;
  const marker = join(tmpdir(), `plumbline-pwned-${process.pid}`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plumbline-sshd-'));
    for (const k of ['host_key', 'client_key', 'stranger_key']) {
      const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', k, '-f', join(dir, k)]);
      if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr.toString()}`);
    }
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')), { mode: 0o600 });
    port = await freePort();
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_key')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'StrictModes no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'PermitRootLogin prohibit-password',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    const hostKey = readFileSync(join(dir, 'host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n`);
    // sshd insists on its privilege-separation directory (the Debian package creates it at boot).
    if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
    server = spawn(sshd, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    server.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    await waitForPort(port, 10_000).catch((err: unknown) => {
      throw new Error(`sshd did not start: ${String(err)}\n${log}`);
    });
    base = {
      user: userInfo().username,
      port,
      configFile: '/dev/null',
      identityFile: join(dir, 'client_key'),
      options: [`UserKnownHostsFile=${join(dir, 'known_hosts')}`, 'StrictHostKeyChecking=yes', 'LogLevel=ERROR'],
      resolveAddress: () => '127.0.0.1',
    };
  });

  afterAll(() => {
    server?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    rmSync(marker, { force: true });
  });

  it('runs a command on the node and returns its output and exit code', async () => {
    const ssh = createSshAccess(base);
    const r = await ssh.run('worker-1', ['sh', '-c', 'echo out; echo err >&2; exit 3'], opts());
    expect(r).toMatchObject({ stdout: 'out\n', stderr: 'err\n', exitCode: 3, timedOut: false });
  });

  it('says which machine answered: the name it gives itself (uname -n), and where ssh went', async () => {
    const r = await createSshAccess(base).run('worker-1', ['true'], opts());
    expect(r.answeredBy).toBe(`${hostname()} (ssh ${userInfo().username}@127.0.0.1)`);
    const check = await runHostCheck('host.runc-lingering', { node: 'worker-1' }, createSshAccess(base));
    expect(check.evidence.at(-1)).toEqual({
      label: 'answered by',
      value: `${hostname()} (ssh ${userInfo().username}@127.0.0.1)`,
    });
  });

  it('hostile arguments arrive as literal strings: no substitution, no second command', async () => {
    const hostile = [
      `$(touch ${marker})`,
      '; id',
      '"; id; echo "',
      "it's",
      '`id`',
      'a  b',
      '',
      '*',
      '$HOME',
      '&& echo pwned',
      '| id',
      'line\nbreak',
    ];
    const r = await createSshAccess(base).run('worker-1', ['printf', '%s\\n', ...hostile], opts());
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`${hostile.join('\n')}\n`);
    expect(existsSync(marker)).toBe(false);
    expect(r.stdout).not.toMatch(/uid=\d+/);
  });

  it('a node address from the API that looks like an ssh option runs nothing on this machine', async () => {
    for (const hostile of [`-oProxyCommand=touch ${marker}`, `-oProxyCommand=sh -c "touch ${marker}"`]) {
      const ssh = createSshAccess({ ...base, resolveAddress: () => hostile });
      await expect(ssh.run('worker-1', ['true'], opts())).rejects.toMatchObject({
        kind: 'not-possible',
        message: expect.stringContaining('option') as unknown,
      });
      expect(existsSync(marker)).toBe(false);
    }
    // The node's name itself, when it is the destination (no address known).
    const byName = createSshAccess({ ...base, resolveAddress: () => undefined });
    await expect(byName.run(`-oProxyCommand=touch ${marker}`, ['true'], opts())).rejects.toMatchObject({
      kind: 'not-possible',
    });
    expect(existsSync(marker)).toBe(false);
  });

  it('a command missing on the node is command-missing', async () => {
    await expect(createSshAccess(base).run('worker-1', ['plumbline-no-such-tool', '-x'], opts())).rejects.toMatchObject(
      { kind: 'command-missing' },
    );
  });

  it('a key the node does not accept is auth', async () => {
    const ssh = createSshAccess({ ...base, identityFile: join(dir, 'stranger_key') });
    await expect(ssh.run('worker-1', ['true'], opts())).rejects.toMatchObject({
      kind: 'auth',
      message: expect.stringContaining('Permission denied') as unknown,
    });
  });

  it('a node nobody listens on is unreachable', async () => {
    const ssh = createSshAccess({ ...base, port: await freePort() });
    await expect(ssh.run('worker-1', ['true'], opts())).rejects.toMatchObject({
      kind: 'unreachable',
      message: expect.stringContaining('Connection refused') as unknown,
    });
  });

  it('a command that hangs ends at the timeout', async () => {
    const r = await createSshAccess(base).run('worker-1', ['sleep', '30'], opts(1500));
    expect(r.timedOut).toBe(true);
  });

  it('host checks run through it unchanged', async () => {
    const ssh = createSshAccess(base);
    const runc = await runHostCheck('host.runc-lingering', { node: 'worker-1' }, ssh);
    expect(runc.outcome).toBe('clear');
    expect(runc.command).toBe('ps -eo pid,etimes,args');
    const steal = await runHostCheck('host.cpu-steal', { node: 'worker-1', intervalSeconds: 0.5 }, ssh);
    expect(['normal', 'high-steal', 'high-iowait']).toContain(steal.outcome);
    expect(steal.facts.cpuCount).toBeGreaterThan(0);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

async function waitForPort(p: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(p, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${p}`);
}
