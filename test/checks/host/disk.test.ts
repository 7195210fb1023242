import { existsSync, statfsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDiskInodes } from '../../../src/checks/host/diskInodes.js';
import { parseDiskSpace } from '../../../src/checks/host/diskSpace.js';
import { createLocalAccess } from '../../../src/nodeaccess/local.js';
import { fixture } from './fixtures.js';
import { runHostCheck } from './helpers.js';

const space = {
  node: 'n',
  nodefsPath: '/var/lib/kubelet',
  imagefsPath: '/var/lib/containerd',
  nodefsAvailablePercent: 10,
  imagefsAvailablePercent: 15,
};
const inodes = {
  node: 'n',
  nodefsPath: '/var/lib/kubelet',
  imagefsPath: '/var/lib/containerd',
  nodefsInodesFreePercent: 5,
  imagefsInodesFreePercent: 5,
};
const local = createLocalAccess({ anyNode: true });

describe('host.disk-space and host.disk-inodes', () => {
  it("one disk for both: free space is available / size, as the kubelet counts it (not df's Use%)", () => {
    const r = parseDiskSpace(fixture('df-same-disk'), space);
    expect(r.outcome).toBe('ok');
    // 83124616 / 264212084 = 31.4%, while df's Capacity says 22% used.
    expect(r.facts).toMatchObject({
      nodefsAvailablePercent: 31.4,
      imagefsAvailablePercent: 31.4,
      sharedFilesystem: true,
      nodefsMount: '/var/lib/kubelet',
    });
    expect(r.evidence[0]).toEqual({
      label: '/var/lib/kubelet',
      value: '/dev/vda 264212084 23266296 83124616 22% /var/lib/kubelet',
    });
  });

  it('a 94% full nodefs is under nodefs.available<10%: pressure, named by mount', () => {
    const r = parseDiskSpace(fixture('df-nodefs-full'), space);
    expect(r.outcome).toBe('pressure');
    expect(r.summary).toBe(
      "nodefs /var/lib has 6.2% space free, under the kubelet's nodefs.available<10% eviction threshold: the node reports DiskPressure, evicts pods and refuses new ones",
    );
    expect(r.facts).toMatchObject({
      nodefsAvailablePercent: 6.2,
      imagefsAvailablePercent: 100,
      sharedFilesystem: false,
      worstFilesystem: '/var/lib',
    });
  });

  it('within 5 points of a threshold is low, not yet pressure', () => {
    expect(parseDiskSpace(fixture('df-nodefs-full'), { ...space, nodefsAvailablePercent: 3 }).outcome).toBe('low');
    expect(parseDiskSpace(fixture('df-nodefs-full'), { ...space, nodefsAvailablePercent: 1 }).outcome).toBe('ok');
  });

  it('inodes: 49 of 2000 free on the image filesystem is under imagefs.inodesFree<5%', () => {
    const r = parseDiskInodes(fixture('df-inodes-imagefs-exhausted'), inodes);
    expect(r.outcome).toBe('pressure');
    expect(r.facts).toMatchObject({
      imagefsInodesFreePercent: 2.4,
      imagefsMount: '/var/lib/containerd',
      worstFilesystem: '/var/lib/containerd',
    });
    expect(parseDiskInodes(fixture('df-inodes-same-disk'), inodes).outcome).toBe('ok');
  });

  it.each([
    ['df-missing-paths', parseDiskSpace, space],
    ['df-inodes-missing-paths', parseDiskInodes, inodes],
  ] as const)('%s: neither directory exists → the error says so, and where else to look', (name, parse, p) => {
    const r = parse(fixture(name), p as never);
    expect(r).toMatchObject({ outcome: 'error', facts: { errorKind: 'no-such-path' } });
    expect(r.summary).toContain('/var/lib/kubelet: No such file or directory');
  });

  it('only one path missing: the other is still judged', () => {
    const f = fixture('df-nodefs-full');
    const r = parseDiskSpace(
      {
        ...f,
        stdout: f.stdout.split('\n').slice(0, 2).join('\n'),
        stderr: 'df: /var/lib/containerd: No such file or directory\n',
      },
      space,
    );
    expect(r.outcome).toBe('pressure');
    expect(r.evidence).toContainEqual({ label: '/var/lib/containerd', value: 'No such file or directory' });
  });

  it('runs the real df on this machine and agrees with statfs', async () => {
    const r = await runHostCheck('host.disk-space', { node: 'this-node', nodefsPath: '/', imagefsPath: '/tmp' }, local);
    expect(r.command).toBe('df -P / /tmp');
    const s = statfsSync('/');
    const expected = Math.floor((s.bavail / s.blocks) * 1000) / 10;
    expect(Math.abs(Number(r.facts.nodefsAvailablePercent) - expected)).toBeLessThanOrEqual(0.2);
    expect(['ok', 'low', 'pressure']).toContain(r.outcome);
    const i = await runHostCheck(
      'host.disk-inodes',
      { node: 'this-node', nodefsPath: '/', imagefsPath: '/tmp' },
      local,
    );
    expect(i.facts.nodefsInodesFreePercent).toBeGreaterThan(0);
  });

  it.skipIf(existsSync('/var/lib/kubelet') || existsSync('/var/lib/containerd'))(
    'with the defaults on a machine that is no node: the error names the missing paths',
    async () => {
      const r = await runHostCheck('host.disk-space', { node: 'this-node' }, local);
      expect(r.facts.errorKind).toBe('no-such-path');
    },
  );
});
