import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeDescriber } from '../../src/nodeaccess/kube.js';
import { certNodeName, createLocalAccess, identify } from '../../src/nodeaccess/local.js';
import { runHostCheck } from '../checks/host/helpers.js';
import { startTestDrill } from '../helpers/drill.js';
import type { TestDrill } from '../helpers/drill.js';
import { NodeAccessError } from '../../src/nodeaccess/types.js';

const local = createLocalAccess({ anyNode: true });
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
    await expect(local.run('n', ['plumbline-no-such-tool', '--version'], opts())).rejects.toMatchObject({
      name: 'NodeAccessError',
      kind: 'command-missing',
    });
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
    const err = await local
      .run('n', ['sleep', '30'], { timeoutMs: 10_000, signal: ac.signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeAccessError);
    expect((err as NodeAccessError).kind).toBe('cancelled');
  });

  it('caps the output and says so', async () => {
    const capped = createLocalAccess({ anyNode: true, maxOutputBytes: 4096 });
    const r = await capped.run('n', ['seq', '1', '1000000'], opts());
    expect(r.truncated).toBe(true);
    expect(r.stdout.length).toBeLessThanOrEqual(4096);
    expect(r.stdout.startsWith('1\n2\n3\n')).toBe(true);
  });

  it('can add environment variables (tests point busctl at a private bus this way)', async () => {
    const r = await createLocalAccess({ anyNode: true, env: { PLUMBLINE_PROBE: 'x y' } }).run(
      'n',
      ['printenv', 'PLUMBLINE_PROBE'],
      opts(),
    );
    expect(r.stdout).toBe('x y\n');
  });
});

describe('local node access refuses to speak for another node', () => {
  let test: TestDrill;
  beforeAll(async () => {
    test = await startTestDrill({
      cluster: { generate: { controlPlanes: 1, workers: 2, podsPerWorker: 0, addons: false } },
    });
  });
  afterAll(() => test.close());

  it('on this machine, named worker-1 (a drill node at another address): refuses, saying what this machine is and what worker-1 is', async () => {
    const local = createLocalAccess({ describeNode: nodeDescriber(test.kube) });
    const worker = await test.kube.readNode('worker-1');
    const internal = worker.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    const err = (await local.run('worker-1', ['true'], opts()).catch((e: unknown) => e)) as NodeAccessError;
    expect(err).toMatchObject({ name: 'NodeAccessError', kind: 'not-possible' });
    expect(err.message).toContain(
      `--node-access local runs commands on this machine, and this machine is not worker-1 (worker-1 is ${internal}`,
    );
    expect(err.message).toContain(`: its hostname is ${hostname()}, its addresses are `);
    expect(err.message).toContain('Run plumbline on worker-1, or use --node-access ssh or manual');
  });

  it('on a node named as this machine is (the API does not know it): runs, and says which machine answered', async () => {
    const local = createLocalAccess({ describeNode: nodeDescriber(test.kube) });
    const r = await local.run(hostname(), ['uname', '-n'], opts());
    expect(r.stdout.trim()).toBe(hostname());
    expect(r.answeredBy).toBe(`${hostname()} (this machine: hostname ${hostname()})`);
  });

  it('a host check run through it carries "answered by" in its evidence', async () => {
    const local = createLocalAccess({ describeNode: nodeDescriber(test.kube) });
    const r = await runHostCheck('host.runc-lingering', { node: hostname() }, local);
    expect(r.evidence.at(-1)).toEqual({
      label: 'answered by',
      value: `${hostname()} (this machine: hostname ${hostname()})`,
    });
    const refused = await runHostCheck('host.runc-lingering', { node: 'worker-2' }, local);
    expect(refused).toMatchObject({ outcome: 'error', facts: { errorKind: 'not-possible' } });
  });
});

describe('which machine is the node (identify)', () => {
  const self = { hostname: 'ip-10-0-1-5', addresses: ['10.0.1.5', 'fe80::1'] };
  it.each([
    ['the node name is the hostname', 'ip-10-0-1-5', self, undefined, 'hostname ip-10-0-1-5'],
    [
      'EKS: the node is the FQDN, the hostname its first label',
      'ip-10-0-1-5.ec2.internal',
      self,
      { name: 'ip-10-0-1-5.ec2.internal', addresses: ['10.0.1.5', 'ip-10-0-1-5.ec2.internal'] },
      'hostname ip-10-0-1-5',
    ],
    [
      'a node renamed with --hostname-override, found by its InternalIP',
      'gpu-a',
      self,
      { name: 'gpu-a', addresses: ['10.0.1.5'] },
      'address 10.0.1.5',
    ],
    [
      "the kubelet's certificate names the node",
      'gpu-a',
      { ...self, kubeletNodeName: 'gpu-a' },
      { name: 'gpu-a', addresses: ['10.9.9.9'] },
      "its kubelet's certificate names node gpu-a",
    ],
    ['another node', 'worker-2', self, { name: 'worker-2', addresses: ['10.0.1.6', 'worker-2'] }, undefined],
    ['another node, and the API cannot say', 'worker-2', self, undefined, undefined],
    [
      'a bare IP as the node name does not match by its first label',
      '10.0.1.50',
      { ...self, hostname: '10' },
      undefined,
      undefined,
    ],
  ])('%s', (_what, node, me, api, how) => {
    expect(identify(node, me, api)).toBe(how);
  });

  it("reads the node's name from a kubelet client certificate (CN=system:node:<name>, O=system:nodes)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-kubelet-cert-'));
    const pem = join(dir, 'kubelet-client-current.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        pem,
        '-days',
        '1',
        '-subj',
        '/O=system:nodes/CN=system:node:worker-7',
      ],
      { stdio: 'ignore' },
    );
    expect(certNodeName(pem)).toBe('worker-7');
    expect(certNodeName(join(dir, 'absent.pem'))).toBeUndefined();
  });
});
