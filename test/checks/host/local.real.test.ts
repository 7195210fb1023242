import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAccess } from '../../../src/nodeaccess/local.js';
import { fixture } from './fixtures.js';
import { runHostCheck } from './helpers.js';

const local = createLocalAccess({ anyNode: true });
const has = (cmd: string) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd]).status === 0;
const pid1 = readFileSync('/proc/1/comm', 'utf8').trim();

describe('host checks on this very machine, through the local backend', () => {
  let dir: string;
  let fakeRunc: ChildProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plumbline-host-'));
    // A process whose command line starts with .../runc, as a stuck runC's does.
    symlinkSync(spawnSync('sh', ['-c', 'command -v sleep']).stdout.toString().trim(), join(dir, 'runc'));
    fakeRunc = spawn(join(dir, 'runc'), ['300'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 2100));
  });

  afterAll(() => {
    fakeRunc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('host.runc-lingering finds a real lingering runc process by its age', async () => {
    const r = await runHostCheck('host.runc-lingering', { node: 'this-node', thresholdSeconds: 1 }, local);
    expect(r.outcome).toBe('lingering');
    expect(String(r.facts.lingeringRuncPids).split(',')).toContain(String(fakeRunc.pid));
    expect(r.facts.oldestRuncSeconds).toBeGreaterThanOrEqual(2);
    expect(r.evidence.some((e) => e.value === `${join(dir, 'runc')} 300`)).toBe(true);
  });

  it('host.runc-lingering with the default threshold: a two-second-old runc is no finding', async () => {
    const r = await runHostCheck('host.runc-lingering', { node: 'this-node' }, local);
    expect(r.outcome).toBe('clear');
  });

  it('host.cpu-steal samples the real /proc/stat twice', async () => {
    const r = await runHostCheck('host.cpu-steal', { node: 'this-node', intervalSeconds: 0.5 }, local);
    expect(['normal', 'high-steal', 'high-iowait']).toContain(r.outcome);
    expect(r.facts.cpuCount).toBe(cpus().length);
    expect(r.facts.sampleSeconds).toBeGreaterThan(0.2);
    expect(r.facts.stealPercent).toBeGreaterThanOrEqual(0);
  });

  it('host.kubelet-config reads a real file, a missing one and a directory', async () => {
    const path = join(dir, 'config.yaml');
    writeFileSync(path, fixture('cat-kubelet-config-kubeadm').stdout);
    expect((await runHostCheck('host.kubelet-config', { node: 'n', path }, local)).outcome).toBe('present');
    expect(
      (await runHostCheck('host.kubelet-config', { node: 'n', path: join(dir, 'moved-away.yaml') }, local)).outcome,
    ).toBe('missing');
    expect((await runHostCheck('host.kubelet-config', { node: 'n', path: dir }, local)).outcome).toBe('unreadable');
  });

  it.skipIf(!has('crictl'))('host.crictl-info answers or not (crictl present)', async () => {
    const r = await runHostCheck('host.crictl-info', { node: 'n' }, local);
    expect(['ready', 'runtime-not-ready', 'network-not-ready', 'not-answering', 'error']).toContain(r.outcome);
  });

  it.skipIf(has('crictl'))('host.crictl-info without crictl: the error says the command is missing', async () => {
    const r = await runHostCheck('host.crictl-info', { node: 'n' }, local);
    expect(r).toMatchObject({ outcome: 'error', facts: { errorKind: 'command-missing' } });
  });

  describe.skipIf(!has('systemctl') || pid1 === 'systemd')('without systemd as PID 1 (containers, CI)', () => {
    it.each(['host.kubelet-service', 'host.container-runtime', 'host.control-plane-services'])(
      '%s says systemd is not running here, and does not crash',
      async (id) => {
        const r = await runHostCheck(id, { node: 'this-node' }, local);
        expect(r.outcome).toBe('error');
        expect(r.facts.errorKind).toBe('no-systemd');
        expect(r.summary).toBe('systemd is not running on this host (PID 1 is not systemd), so systemctl cannot tell');
      },
    );
  });

  it.skipIf(!has('journalctl'))('host.kubelet-journal: no kubelet here, so no kubelet lines', async () => {
    const r = await runHostCheck('host.kubelet-journal', { node: 'this-node' }, local);
    expect(r.outcome).toBe('quiet');
    expect(r.facts.kubeletJournalLines).toBe(0);
  });
});
