import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTimeSync } from '../../../src/checks/host/timeSync.js';
import { createDrillAccess } from '../../../src/nodeaccess/drill.js';
import { createLocalAccess } from '../../../src/nodeaccess/local.js';
import { fixture } from './fixtures.js';
import { runHostCheck } from './helpers.js';

const p = { node: 'n', maxOffsetMs: 500 };
const answer = (name: string) => {
  const f = fixture(name);
  return { stdout: f.stdout, stderr: f.stderr, exitCode: f.exitCode ?? 0 };
};

describe('host.time-sync', () => {
  it.each([
    ['timedatectl-show-synced', 'synced'],
    ['timedatectl-show-not-synced', 'not-synced'],
    ['timedatectl-show-no-ntp-service', 'no-time-service'],
    ['chronyc-tracking-synced', 'synced'],
    ['chronyc-tracking-offset-large', 'offset-large'],
    ['chronyc-tracking-not-synchronised', 'not-synced'],
    ['chronyc-tracking-no-daemon', 'no-time-service'],
  ])('%s → %s', (name, outcome) => {
    expect(parseTimeSync(fixture(name), p).outcome).toBe(outcome);
  });

  it('reads the offset and its sign from chronyc: "3.2 seconds slow" is 3.2 s behind', () => {
    const r = parseTimeSync(fixture('chronyc-tracking-offset-large'), p);
    expect(r.facts).toMatchObject({ clockOffsetMs: -3200.126, chronyLeapStatus: 'Normal', timeService: 'chronyd' });
    expect(r.summary).toContain('3200.126 ms behind NTP time (more than 500 ms)');
    expect(r.evidence).toContainEqual({
      label: 'chronyc tracking',
      value:
        'Leap status: Normal; System time: 3.200126410 seconds slow of NTP time; Reference ID: 7F000001 (localhost)',
    });
    expect(parseTimeSync(fixture('chronyc-tracking-offset-large'), { ...p, maxOffsetMs: 5000 }).outcome).toBe('synced');
  });

  it('without systemd and without a running chronyd it says it could not tell, and why', () => {
    const text = `${fixture('timedatectl-show-no-systemd').stderr}${fixture('chronyc-tracking-no-daemon').stdout}`;
    const r = parseTimeSync({ ...fixture('timedatectl-show-no-systemd'), stderr: text }, p);
    expect(r).toMatchObject({ outcome: 'error', facts: { errorKind: 'no-systemd' } });
  });

  it("runs timedatectl, then chronyc, on a node that has both: chronyc's offset decides", async () => {
    const drill = createDrillAccess({
      hosts: {
        w1: {
          'timedatectl show': answer('timedatectl-show-synced'),
          'chronyc tracking': answer('chronyc-tracking-offset-large'),
        },
      },
    });
    const r = await runHostCheck('host.time-sync', { node: 'w1' }, drill);
    expect(r.command).toBe('timedatectl show; chronyc tracking');
    expect(r.outcome).toBe('offset-large');
    expect(r.evidence.map((e) => e.label)).toEqual(['timedatectl show', 'chronyc tracking']);
  });

  it('a node without chronyc is read from timedatectl alone', async () => {
    const drill = createDrillAccess({ hosts: { w1: { 'timedatectl show': answer('timedatectl-show-not-synced') } } });
    const r = await runHostCheck('host.time-sync', { node: 'w1' }, drill);
    expect(r.outcome).toBe('not-synced');
    expect(r.evidence).toContainEqual({ label: 'chronyc', value: 'not installed' });
  });

  it('a node with neither command is the command-missing error', async () => {
    const r = await runHostCheck('host.time-sync', { node: 'w1' }, createDrillAccess({ hosts: { w1: {} } }));
    expect(r.facts.errorKind).toBe('command-missing');
  });

  it.skipIf(readFileSync('/proc/1/comm', 'utf8').trim() === 'systemd')(
    'on this machine (systemd is not PID 1) it says systemd is missing, not a made-up state',
    async () => {
      const r = await runHostCheck('host.time-sync', { node: 'this-node' }, createLocalAccess({ anyNode: true }));
      expect(r.outcome).toBe('error');
      expect(['no-systemd', 'command-missing']).toContain(r.facts.errorKind);
      if (r.facts.errorKind === 'no-systemd')
        expect(r.summary).toBe(
          'could not tell: timedatectl needs systemd, which is not PID 1 on this host, and chronyc gave no tracking data',
        );
    },
  );
});
