import { describe, expect, it } from 'vitest';
import { parseDbusNames } from '../../../src/checks/host/dbusNames.js';
import { parseSystemdDbus } from '../../../src/checks/host/systemdDbus.js';

const p = { node: 'n', busTimeoutSeconds: 5 };
const run = (stderr: string, exitCode: number | null = 1, stdout = '') => ({
  stdout,
  stderr,
  exitCode,
  durationMs: 5000,
  timedOut: false,
  truncated: false,
});

// The words each tool prints, quoted from the threads they were pasted in.
describe('systemd on D-Bus: every tool’s way of saying it timed out', () => {
  it.each([
    // busctl / systemctl (systemd 249, github.com/systemd/systemd/issues/34237)
    [
      "Failed to get properties: Failed to activate service 'org.freedesktop.systemd1': timed out (service_start_timeout=25000ms)",
      'timeout',
    ],
    // docker/runc on CoreOS (github.com/kubernetes/kubernetes/issues/9124)
    [
      'API error (500): Cannot start container 7125bd7fe380: [8] System error: Activation of org.freedesktop.systemd1 timed out',
      'timeout',
    ],
    // dbus-send --print-reply when nobody answers (dbus-send's own wording)
    [
      'Error org.freedesktop.DBus.Error.NoReply: Did not receive a reply. Possible causes include: the remote application did not send a reply, the message bus security policy blocked the reply, the reply timeout expired, or the network connection was broken.',
      'timeout',
    ],
    ['Error org.freedesktop.DBus.Error.TimedOut: Activation of org.freedesktop.systemd1 timed out', 'timeout'],
    // gdbus call
    ['Error: Timeout was reached', 'timeout'],
    // the kubelet / runc (github.com/kubernetes/kubernetes/issues/100328): named, never a Ping time-out (forms.test.ts)
    ['unable to apply cgroup configuration: dbus: connection closed by user', 'error'],
    ['Failed to connect to bus: Connection timed out', 'timeout'],
    ['Failed to connect to bus: No such file or directory', 'no-bus'],
    [
      'Failed to open connection to "system" message bus: Failed to connect to socket /var/run/dbus/system_bus_socket: No such file or directory',
      'no-bus',
    ],
    ['Error connecting: Could not connect: No such file or directory', 'no-bus'],
  ])('%s → %s', (stderr, outcome) => {
    expect(parseSystemdDbus(run(stderr), p).outcome).toBe(outcome);
  });

  it('replies: dbus-send --print-reply and gdbus answer', () => {
    expect(
      parseSystemdDbus(
        run(
          '',
          null,
          'method return time=1709654558.934473 sender=:1.0 -> destination=:1.4120 serial=123 reply_serial=2\n',
        ),
        p,
      ).outcome,
    ).toBe('answering');
    expect(parseSystemdDbus(run('', null, '()\n'), p).outcome).toBe('answering');
  });

  it('the bus list check reads the same time-outs', () => {
    expect(
      parseDbusNames(run('Error org.freedesktop.DBus.Error.NoReply: Did not receive a reply.'), {
        ...p,
        maxConnections: 1500,
      }).outcome,
    ).toBe('no-answer');
  });
});
