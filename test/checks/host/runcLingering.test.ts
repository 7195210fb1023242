import { describe, expect, it } from 'vitest';
import { isRunc, parsePs, parseRuncLingering, runcLingering } from '../../../src/checks/host/runcLingering.js';
import { fixture } from './fixtures.js';

describe('host.runc-lingering', () => {
  it('lists every process with its age in seconds', () => {
    expect(runcLingering.command({ node: 'n', thresholdSeconds: 60 })).toBe('ps -eo pid,etimes,args');
    expect(parsePs('    PID ELAPSED COMMAND\n   9862     903 runc --root /x create id\n')).toEqual([
      { pid: 9862, seconds: 903, args: 'runc --root /x create id' },
    ]);
  });

  it.each([
    ['runc --root /run/containerd/runc/k8s.io create --bundle /b id', true],
    ['/usr/bin/runc --root /run/containerd/runc/k8s.io state id', true],
    ['/usr/local/sbin/runc init', true],
    ['runc init', true],
    ['docker-runc --root /var/run/docker/runtime-runc/moby start id', true],
    ['/usr/bin/containerd-shim-runc-v2 -namespace k8s.io -id abc -address /run/containerd/containerd.sock', false],
    ['/usr/bin/runc-shim --foo', false],
    ['[runc_worker]', false],
    ['grep runc', false],
    ['vim /etc/runc.conf', false],
  ])('%s is runc: %s', (args, want) => {
    expect(isRunc(args)).toBe(want);
  });

  it('finds the runC processes stuck for minutes, oldest first, and what they were doing', () => {
    const r = parseRuncLingering(fixture('ps-lingering-runc'), { node: 'worker-2', thresholdSeconds: 60 });
    expect(r.outcome).toBe('lingering');
    expect(r.summary).toBe('3 runc processes older than 60s (oldest 15m): runC is stuck and cannot start containers');
    expect(r.facts).toEqual({
      runcProcesses: 4,
      lingeringRunc: 3,
      oldestRuncSeconds: 903,
      lingeringRuncPids: '9862,9870,11204',
      lingeringRuncVerbs: 'create:2,init:1',
    });
    expect(r.evidence[0]?.label).toBe('pid 9862, 15m');
    expect(r.evidence[0]?.value).toMatch(/^runc --root \/run\/containerd\/runc\/k8s.io .*…$/);
  });

  it('a young runc is a container being started, not a finding', () => {
    const r = parseRuncLingering(fixture('ps-lingering-runc'), { node: 'worker-2', thresholdSeconds: 1000 });
    expect(r.outcome).toBe('clear');
    expect(r.summary).toBe('4 runc processes, none older than 1000s');
  });

  it('on this machine, captured: no runc at all', () => {
    const r = parseRuncLingering(fixture('ps-dev-machine'), { node: 'dev', thresholdSeconds: 60 });
    expect(r.outcome).toBe('clear');
    expect(r.facts).toMatchObject({ runcProcesses: 0, lingeringRunc: 0 });
    expect(r.summary).toBe('no runc process is running: runC starts containers and exits, as it should');
  });

  it('ps -ef rows pasted without their header (ps -ef | grep runc), started in an older year: lingering', () => {
    // https://github.com/opencontainers/runc/issues/1959: docker-runc blocked on systemd's D-Bus for days.
    const r = parseRuncLingering(
      fixture('ps-ef-headerless-runc-1959'),
      { node: 'n', thresholdSeconds: 60 },
      new Date('2019-01-09T10:00:00Z'),
    );
    expect(r.outcome).toBe('lingering');
    expect(r.facts).toMatchObject({
      runcProcesses: 3,
      lingeringRunc: 3,
      lingeringRuncPids: '26579,27841,28293',
      lingeringRuncVerbs: 'events:1,kill:1,delete:1',
    });
    expect(r.evidence.at(-1)?.value).toBe('`ps -ef`: 3 processes, 3 runc');
  });

  it('ps auxf rows without their header are read too (a shim, not runc)', () => {
    // https://github.com/docker/for-linux/issues/891
    const r = parseRuncLingering(
      fixture('ps-auxf-headerless-for-linux-891'),
      { node: 'n', thresholdSeconds: 60 },
      new Date('2020-01-08T12:00:00Z'),
    );
    expect(r.outcome).toBe('clear');
    expect(r.evidence[0]?.value).toBe('`ps aux`: 1 processes, 0 runc');
  });

  it('output that is not ps output is an error, not "clear"', () => {
    const r = parseRuncLingering(
      { ...fixture('ps-dev-machine'), stdout: 'ps: unknown option -- e\n' },
      { node: 'n', thresholdSeconds: 60 },
    );
    expect(r).toMatchObject({ outcome: 'error', facts: { errorKind: 'bad-output' } });
  });
});
