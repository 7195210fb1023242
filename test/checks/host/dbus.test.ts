import { describe, expect, it } from 'vitest';
import { dbusNames, parseBusList, parseDbusNames } from '../../../src/checks/host/dbusNames.js';
import { parseSystemdDbus, systemdDbus } from '../../../src/checks/host/systemdDbus.js';
import { fixture } from './fixtures.js';

const p = { node: 'worker-2', busTimeoutSeconds: 5 };

describe('host.systemd-dbus', () => {
  it('pings org.freedesktop.systemd1 on the system bus with a timeout', () => {
    expect(systemdDbus.command(p)).toBe(
      'busctl --system --timeout=5 call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.DBus.Peer Ping',
    );
  });

  it.each([
    [
      'busctl-ping-timeout',
      'timeout',
      'did not answer a D-Bus Ping within 5s',
      { systemdOnDbus: 'timeout', busctlHung: false },
    ],
    ['busctl-ping-answered', 'answering', 'systemd answers on D-Bus', { systemdOnDbus: 'answering' }],
    ['busctl-ping-no-bus', 'no-bus', 'no system bus', { systemdOnDbus: 'no-bus' }],
    ['busctl-ping-not-provided', 'not-on-bus', 'nobody owns org.freedesktop.systemd1', { systemdOnDbus: 'not-on-bus' }],
  ])('%s → %s', (name, outcome, words, facts) => {
    const r = parseSystemdDbus(fixture(name), p);
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toContain(words);
    expect(r.facts).toMatchObject(facts);
  });

  it('a busctl that hangs past its own timeout points at the bus, not systemd', () => {
    const r = parseSystemdDbus(
      { stdout: '', stderr: '', exitCode: null, durationMs: 15_004, timedOut: true, truncated: false },
      p,
    );
    expect(r.outcome).toBe('timeout');
    expect(r.facts).toMatchObject({ busctlHung: true });
    expect(r.summary).toContain('the D-Bus daemon itself may not be answering');
  });
});

describe('host.dbus-names', () => {
  const q = { node: 'worker-2', busTimeoutSeconds: 5, maxConnections: 1500 };

  it('lists the names on the system bus', () => {
    expect(dbusNames.command(q)).toBe('busctl --system --timeout=5 list --no-pager');
  });

  it('reads names, owners and activatable names', () => {
    const names = parseBusList(fixture('busctl-list-busy-node').stdout);
    expect(names).toHaveLength(12);
    expect(names).toContainEqual({
      name: 'org.freedesktop.hostname1',
      pid: '-',
      process: '-',
      connection: '(activatable)',
    });
    expect(names).toContainEqual({
      name: 'org.freedesktop.systemd1',
      pid: '1',
      process: 'systemd',
      connection: ':1.0',
    });
  });

  it('a busy node: the daemon answers, systemd is on the bus, and the unique-name numbers are very large', () => {
    const r = parseDbusNames(fixture('busctl-list-busy-node'), q);
    expect(r.outcome).toBe('answering');
    expect(r.facts).toEqual({
      dbusDaemonAnswers: true,
      busConnections: 6,
      busWellKnownNames: 4,
      busActivatableNames: 2,
      busMaxUniqueName: 934596,
      systemd1OnBus: true,
    });
    expect(r.evidence).toContainEqual({
      label: 'highest unique name',
      value: ':1.934596 (connections made since the bus started)',
    });
    expect(r.evidence).toContainEqual({ label: 'org.freedesktop.systemd1', value: 'owned by :1.0 (pid 1, systemd)' });
  });

  it('the private bus captured here, with a peer owning org.freedesktop.systemd1', () => {
    const r = parseDbusNames(fixture('busctl-list-private-bus'), q);
    expect(r.outcome).toBe('answering');
    expect(r.facts).toMatchObject({
      dbusDaemonAnswers: true,
      busConnections: 2,
      busWellKnownNames: 2,
      systemd1OnBus: true,
    });
  });

  it('too many live connections is its own outcome', () => {
    const r = parseDbusNames(fixture('busctl-list-busy-node'), { ...q, maxConnections: 5 });
    expect(r.outcome).toBe('many-connections');
  });

  it.each([['busctl-list-no-bus', 'no-bus']])('%s → %s', (name, outcome) => {
    const r = parseDbusNames(fixture(name), q);
    expect(r.outcome).toBe(outcome);
    expect(r.facts).toEqual({ dbusDaemonAnswers: false });
  });

  it('a hung busctl means the daemon does not answer', () => {
    const r = parseDbusNames(
      { stdout: '', stderr: '', exitCode: null, durationMs: 15_000, timedOut: true, truncated: false },
      q,
    );
    expect(r.outcome).toBe('no-answer');
  });
});
