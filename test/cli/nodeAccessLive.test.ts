import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runCli } from '../helpers/cli.js';

interface Unseen {
  step: string;
  check: string;
  summary: string;
  errorKind: string | null;
  command: string;
  node: string | null;
}
interface RunJson {
  outcome: string;
  diagnosis: { id: string } | null;
  unseen: Unseen[];
  seen: { check: string; outcome: string }[];
}

/**
 * `plumbline run` on a cluster served by `plumbline cluster serve` (a separate
 * process, as an on-call engineer's real cluster would be): the host checks it
 * cannot run are said as not run, and the walk ends incomplete, exit 3.
 */
// Both groups' walks run at once (each its own transcript; the served cluster is only read): most of their time
// is the latency and host timeouts their scenarios simulate.
describe.concurrent('run node-not-ready on a served cluster, with no way onto the node', () => {
  let server: ChildProcess;
  let kubeconfig: string;
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-access-'));

  beforeAll(async () => {
    kubeconfig = join(dir, 'kubeconfig');
    server = spawn(
      process.execPath,
      [cliPath, 'cluster', 'serve', 'node-notready-systemd-dbus-hang', '--kubeconfig-out', kubeconfig],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await new Promise<string>((resolve) => createInterface({ input: server.stdout! }).once('line', resolve));
  });
  afterAll(() => {
    server.kill('SIGTERM');
  });

  const run = (access: string, out: string) =>
    runCli(
      [
        'run',
        'node-not-ready',
        'worker-2',
        '--node-access',
        access,
        '--kubeconfig',
        kubeconfig,
        '--non-interactive',
        '--output',
        out,
        '--transcript',
        join(dir, `${access}-${out}.jsonl`),
      ],
      {
        timeoutMs: 60_000,
      },
    );

  it('manual access without a terminal: every host check is not run (no terminal), no diagnosis on what was not seen, exit 3', async () => {
    const r = await run('manual', 'json');
    expect(r.exitCode).toBe(3);
    const out = JSON.parse(r.stdout) as RunJson;
    expect(out.outcome).toBe('incomplete');
    expect(out.diagnosis).toBeNull();
    // The Lease is fresh: the API side was seen, and said so.
    expect(out.seen.map((s) => s.check)).toContain('node.ready');
    expect(out.unseen.length).toBeGreaterThan(0);
    for (const u of out.unseen) {
      expect(u.check).toMatch(/^host\./);
      expect(u.node).toBe('worker-2');
      expect(u.summary).toMatch(
        /^not run \(not-possible\): manual node access needs a terminal to show the command and take its output/,
      );
      expect(u.command).not.toBe('');
    }
    expect(out.unseen[0]).toMatchObject({
      check: 'host.kubelet-service',
      command: expect.stringContaining('systemctl show kubelet') as string,
    });
  });

  it('says so in text: what it could not see and the exact command to see it', async () => {
    const r = await run('manual', 'text');
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toContain('end: incomplete');
    expect(r.stdout).toContain(
      '  could not see:\n    - Is the kubelet service running? (host.kubelet-service: not run (not-possible): manual node access needs a terminal',
    );
    expect(r.stdout).toContain('      to see it on worker-2: systemctl show kubelet -p LoadState,');
    expect(r.stdout).not.toMatch(/Is the machine up|diagnosis:/);
  });

  it('local access on a machine that is not worker-2: refused with what this machine is, never recorded as worker-2', async () => {
    const r = await run('local', 'json');
    expect(r.exitCode).toBe(3);
    const out = JSON.parse(r.stdout) as RunJson;
    expect(out.outcome).toBe('incomplete');
    expect(out.unseen[0]?.summary).toMatch(
      /^not run \(not-possible\): --node-access local runs commands on this machine, and this machine is not worker-2 \(worker-2 is [\d.]+/,
    );
    expect(out.unseen[0]?.summary).toContain(`its hostname is ${hostname()}`);
    // Nothing this machine printed reached the transcript as worker-2's output.
    const transcript = readFileSync(join(dir, 'local-json.jsonl'), 'utf8');
    const hostResults = transcript
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; check?: string; outcome?: string })
      .filter((e) => e.type === 'check.result' && e.check?.startsWith('host.'));
    expect(hostResults.length).toBeGreaterThan(0);
    expect(hostResults.every((e) => e.outcome === 'error')).toBe(true);
  });
});

describe.concurrent(
  'no conclusion by elimination on host checks that were not run (drills walked with manual access and no terminal)',
  () => {
    const transcript = () => join(mkdtempSync(join(tmpdir(), 'plumbline-unseen-')), 't.jsonl');
    const drill = (scenario: string) =>
      runCli(
        [
          'drill',
          scenario,
          '--node-access',
          'manual',
          '--non-interactive',
          '--output',
          'json',
          '--transcript',
          transcript(),
        ],
        { timeoutMs: 90_000 },
      );

    it('a slow API server whose node could not be looked at is not "no check on the way found why": incomplete, apiserver-busy unconfirmed', async () => {
      const r = await drill('cps-apiserver-cpu-hog');
      expect(r.exitCode).toBe(3);
      const out = JSON.parse(r.stdout) as RunJson & { unconfirmed: { id: string; restsOn: string } | null };
      expect(out.outcome).toBe('incomplete');
      expect(out.diagnosis).toBeNull();
      expect(out.unconfirmed).toMatchObject({ id: 'apiserver-busy', restsOn: 'cpu-steal-check' });
      expect(out.unseen.map((u) => u.check)).toEqual(
        expect.arrayContaining(['host.cpu-steal', 'host.disk-space', 'host.time-sync']),
      );
    });

    it('a sweep whose host layer was not seen is not "no finding": incomplete, exit 3', async () => {
      const r = await drill('ds-master-cpu-steal');
      expect(r.exitCode).toBe(3);
      const out = JSON.parse(r.stdout) as RunJson;
      expect(out.outcome).toBe('incomplete');
      expect(out.unseen.map((u) => u.check)).toContain('host.cpu-steal');
    });

    it('with the host answering (drill access) the same drills still reach their diagnoses', async () => {
      const r = await runCli(
        ['drill', 'ds-master-cpu-steal', '--non-interactive', '--output', 'json', '--transcript', transcript()],
        { timeoutMs: 90_000 },
      );
      expect((JSON.parse(r.stdout) as RunJson).diagnosis?.id).toBe('master-cpu-steal');
    });
  },
);
