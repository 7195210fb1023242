import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Facts } from '../types.js';
import { allOutput, clip, defineHostCheck, firstLine, hostError, nodeParam } from './define.js';

const outcomes = ['answering', 'timeout', 'no-bus', 'not-on-bus'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  node: nodeParam,
  /** How long busctl waits for systemd's reply. */
  busTimeoutSeconds: z.coerce.number().int().positive().default(5),
});
type Params = z.infer<typeof params>;

/** Peer.Ping is answered by systemd's own D-Bus loop: the simplest question that still needs systemd to listen. */
export function systemdDbusArgv(p: Params): string[] {
  return [
    'busctl',
    '--system',
    `--timeout=${p.busTimeoutSeconds}`,
    'call',
    'org.freedesktop.systemd1',
    '/org/freedesktop/systemd1',
    'org.freedesktop.DBus.Peer',
    'Ping',
  ];
}

export const timeoutWords =
  /Connection timed out|DBus\.Error\.NoReply|Did not receive a reply|DBus\.Error\.TimedOut|Activation of org\.freedesktop\.systemd1 timed out|Failed to activate service 'org\.freedesktop\.systemd1': timed out|Timeout was reached/;
/** What busctl, dbus-send and gdbus themselves print, answer or failure. */
const busToolWords =
  /Call failed:|^Error org\.freedesktop\.DBus\.Error|^method return |^Error: |^\(\)$|Failed to connect to bus/m;

/** A kubelet/runC `dbus: connection closed by user` pasted where a bus tool's output was asked: named, never read as a time-out. */
export function closedByUser(out: string, missing: string): CheckResult<never> | undefined {
  if (!/dbus: connection closed by user/.test(out) || busToolWords.test(out)) return undefined;
  return hostError(
    `this is a kubelet or runC error, not a bus tool's reply: "dbus: connection closed by user" means that process's own D-Bus connection was closed under it (dbus restarted) and it did not reconnect; it does not say ${missing}`,
    'bad-output',
    [{ label: 'pasted', value: clip(/.*dbus: connection closed by user.*/.exec(out)?.[0] ?? firstLine(out)) }],
  );
}

export const noBusWords =
  /Failed to connect to bus: (?:No such file or directory|Connection refused)|Failed to open connection to "?system"? message bus: .*(?:No such file or directory|Connection refused)|Could not connect: (?:No such file or directory|Connection refused)/;

export function parseSystemdDbus(r: RunResult, p: Params): CheckResult<Outcome> {
  const out = allOutput(r);
  const said = {
    label: 'busctl',
    value: clip(firstLine(out) || (r.timedOut ? '(no answer, killed at the timeout)' : '(no output)')),
  };
  // A pasted reply was not timed: how long the person took says nothing about the bus.
  const took = r.durationMs === null ? [] : [{ label: 'took', value: `${r.durationMs} ms` }];
  const ms: Facts = r.durationMs === null ? {} : { systemdDbusMs: r.durationMs };
  if (r.timedOut) {
    // busctl did not even get as far as its own timeout: the connection to the bus itself hangs.
    return {
      outcome: 'timeout',
      summary: `busctl hung past its own ${p.busTimeoutSeconds}s timeout: the D-Bus daemon itself may not be answering (see host.dbus-names)`,
      evidence: [said, ...took],
      facts: { systemdOnDbus: 'timeout', busctlHung: true, ...ms },
    };
  }
  // A kubelet or runC line pasted instead: its own D-Bus connection was closed under it (dbus restarted, opencontainers/runc#3475).
  // That is not a Ping going unanswered, and the cure differs (restart the kubelet, not re-exec systemd): name it, claim nothing.
  const closed = closedByUser(out, 'whether systemd answers now. Run the busctl Ping to see');
  if (closed) return closed;
  // busctl, dbus-send and gdbus each say a time-out their own way.
  if (timeoutWords.test(out)) {
    return {
      outcome: 'timeout',
      summary: `org.freedesktop.systemd1 did not answer a D-Bus Ping within ${p.busTimeoutSeconds}s: systemd is not serving D-Bus, so anything that asks it (runC creating a container's cgroup) blocks`,
      evidence: [said, ...took],
      facts: { systemdOnDbus: 'timeout', busctlHung: false, ...ms },
    };
  }
  if (noBusWords.test(out)) {
    return {
      outcome: 'no-bus',
      summary: 'there is no system bus to connect to: the D-Bus daemon is not running (or its socket is gone)',
      evidence: [said],
      facts: { systemdOnDbus: 'no-bus' },
    };
  }
  if (
    /was not provided by any \.service files|ServiceUnknown|NameHasNoOwner|has no owner|Unknown name/i.test(out) &&
    !timeoutWords.test(out)
  ) {
    return {
      outcome: 'not-on-bus',
      summary:
        'the system bus answers but nobody owns org.freedesktop.systemd1: systemd is not connected to D-Bus (or is not PID 1)',
      evidence: [said],
      facts: { systemdOnDbus: 'not-on-bus' },
    };
  }
  if (/Access denied|Permission denied/.test(out))
    return hostError(`busctl was refused: ${clip(firstLine(out), 140)}`, 'denied', [said]);
  // dbus-send --print-reply prints `method return time=…`, gdbus prints `()`: both are answers.
  if (r.exitCode === 0 || (r.exitCode === null && (out.trim() === '' || /^method return |^\(\)$/m.test(out)))) {
    return {
      outcome: 'answering',
      summary: `systemd answers on D-Bus${r.durationMs === null ? '' : ` (Ping returned in ${r.durationMs} ms)`}`,
      evidence: [{ label: 'Ping', value: 'answered' }, ...took],
      facts: { systemdOnDbus: 'answering', ...ms },
    };
  }
  return hostError(`busctl failed: ${clip(firstLine(out), 160)}`, 'bad-output', [said]);
}

export const systemdDbus = defineHostCheck({
  id: 'host.systemd-dbus',
  title: 'systemd answering on the system D-Bus',
  why: 'runC (with the systemd cgroup driver) asks systemd over D-Bus to create every container cgroup; if systemd stops answering, runC hangs and the node goes NotReady while dbus itself is fine.',
  params,
  outcomes,
  healthy: ['answering'],
  facts: ['systemdOnDbus', 'systemdDbusMs', 'busctlHung'],
  // busctl's own timeout first; ours only catches a bus that hangs before busctl can even ask.
  timeoutMs: (p) => (p.busTimeoutSeconds + 3) * 1000,
  parsesTimeouts: true,
  argv: systemdDbusArgv,
  parse: parseSystemdDbus,
});
