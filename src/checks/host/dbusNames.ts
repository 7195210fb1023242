import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Evidence } from '../types.js';
import { allOutput, clip, defineHostCheck, firstLine, hostError, nodeParam } from './define.js';
import { closedByUser, noBusWords, timeoutWords } from './systemdDbus.js';

const outcomes = ['answering', 'many-connections', 'no-answer', 'no-bus'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  node: nodeParam,
  busTimeoutSeconds: z.coerce.number().int().positive().default(5),
  /** dbus-daemon's system bus accepts 2048 connections by default (max_completed_connections). */
  maxConnections: z.coerce.number().int().positive().default(1500),
});
type Params = z.infer<typeof params>;

export function dbusNamesArgv(p: Params): string[] {
  return ['busctl', '--system', `--timeout=${p.busTimeoutSeconds}`, 'list', '--no-pager'];
}

export interface BusName {
  name: string;
  pid: string;
  process: string;
  connection: string;
}

/** `busctl list`: a header `NAME PID PROCESS USER CONNECTION …`, then one name per line; `(activatable)` names have no owner yet. */
export function parseBusList(text: string): BusName[] {
  const names: BusName[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    const [name, pid = '-', proc = '-', , connection = '-'] = cols;
    if (!name || name === 'NAME' || !(name.startsWith(':') || name.includes('.'))) continue;
    names.push({ name, pid, process: proc, connection: line.includes('(activatable)') ? '(activatable)' : connection });
  }
  return names;
}

/**
 * The bus daemon's ListNames reply as the other tools print it: dbus-send
 * --print-reply (`string ":1.4"` lines in an array) and gdbus call
 * (`(['org.freedesktop.DBus', ':1.0'],)`). Names only: no pid, process or owner.
 */
export function parseListNames(text: string): { tool: 'dbus-send' | 'gdbus'; names: BusName[] } | undefined {
  const named = (name: string): BusName => ({ name, pid: '-', process: '-', connection: '-' });
  if (/^method return .*reply_serial=/m.test(text) && /^\s*array \[/m.test(text)) {
    const names = [...text.matchAll(/^\s*string "([^"]+)"\s*$/gm)].map((m) => named(m[1] ?? ''));
    if (names.length > 0) return { tool: 'dbus-send', names };
  }
  const g = /^\(\[((?:'[^']*'(?:,\s*)?)*)\],?\)\s*$/m.exec(text);
  if (g) {
    const names = [...(g[1] ?? '').matchAll(/'([^']*)'/g)].map((m) => named(m[1] ?? ''));
    if (names.length > 0) return { tool: 'gdbus', names };
  }
  return undefined;
}

export function parseDbusNames(r: RunResult, p: Params): CheckResult<Outcome> {
  const out = allOutput(r);
  const closed = closedByUser(out, 'whether the D-Bus daemon answers now. Run busctl list to see');
  if (closed) return closed;
  // busctl list against a daemon that accepts the socket but never answers (stopped): `Transport endpoint is not connected`.
  if (
    r.timedOut ||
    timeoutWords.test(out) ||
    /Failed to list names: (?:Transport endpoint is not connected|Connection timed out)/.test(out)
  ) {
    return {
      outcome: 'no-answer',
      summary: 'the D-Bus daemon does not answer: the bus names could not be listed',
      evidence: [
        {
          label: 'busctl',
          value: clip(
            firstLine(out) ||
              (r.durationMs === null ? '(no answer)' : `no answer within ${Math.round(r.durationMs / 1000)}s`),
          ),
        },
      ],
      facts: { dbusDaemonAnswers: false },
    };
  }
  if (noBusWords.test(out)) {
    return {
      outcome: 'no-bus',
      summary: 'there is no system bus: the D-Bus daemon is not running',
      evidence: [{ label: 'busctl', value: clip(firstLine(out)) }],
      facts: { dbusDaemonAnswers: false },
    };
  }
  const other = parseListNames(r.stdout);
  const names = other?.names ?? parseBusList(r.stdout);
  if (names.length === 0)
    return hostError(`busctl list printed no names${out.trim() ? `: ${clip(firstLine(out), 140)}` : ''}`, 'bad-output');
  // ListNames gives names only: a well-known name is owned (activatable ones are ListActivatableNames').
  const tool = other ? `this is \`${other.tool}\` ListNames output (names only, no owners): ` : '';
  const unique = names.filter((n) => n.name.startsWith(':'));
  const activatable = names.filter((n) => n.connection === '(activatable)');
  const wellKnown = names.filter((n) => !n.name.startsWith(':') && n.connection !== '(activatable)');
  const serial = (n: string) => Number(/^:\d+\.(\d+)$/.exec(n)?.[1] ?? NaN);
  let highest = '';
  let highestSerial = -1;
  for (const n of unique) {
    if (serial(n.name) > highestSerial) [highest, highestSerial] = [n.name, serial(n.name)];
  }
  const systemd1 = wellKnown.find((n) => n.name === 'org.freedesktop.systemd1');
  const facts = {
    dbusDaemonAnswers: true,
    busConnections: unique.length,
    busWellKnownNames: wellKnown.length,
    busActivatableNames: activatable.length,
    busMaxUniqueName: Math.max(0, highestSerial),
    systemd1OnBus: systemd1 !== undefined,
  };
  const evidence: Evidence[] = [
    { label: 'connections', value: `${unique.length} unique names (limit ${p.maxConnections} before we call it many)` },
    { label: 'well-known names', value: `${wellKnown.length} owned, ${activatable.length} activatable` },
  ];
  if (highest) {
    // A big N only says many clients came and went (runC with the systemd cgroup driver connects per container); it is not exhaustion.
    evidence.push({ label: 'highest unique name', value: `${highest} (connections made since the bus started)` });
  }
  evidence.push({
    label: 'org.freedesktop.systemd1',
    value: systemd1
      ? other
        ? 'owned (ListNames does not say by whom)'
        : `owned by ${systemd1.connection} (pid ${systemd1.pid}, ${systemd1.process})`
      : 'not on the bus',
  });
  if (unique.length >= p.maxConnections) {
    return {
      outcome: 'many-connections',
      summary: `${tool}the D-Bus daemon answers but holds ${unique.length} connections, close to its limit: new clients may be refused`,
      evidence,
      facts,
    };
  }
  return {
    outcome: 'answering',
    summary: `${tool}the D-Bus daemon answers: ${unique.length} connections, ${wellKnown.length} well-known names${systemd1 ? ', systemd among them' : ', but systemd is not among them'}`,
    evidence,
    facts,
  };
}

export const dbusNames = defineHostCheck({
  id: 'host.dbus-names',
  title: 'D-Bus daemon answering, and its connections',
  why: 'Tells a stuck D-Bus daemon from a stuck systemd: if the bus lists its names while systemd does not answer a Ping, restarting dbus will not help, re-executing systemd will.',
  params,
  outcomes,
  healthy: ['answering'],
  facts: [
    'dbusDaemonAnswers',
    'busConnections',
    'busWellKnownNames',
    'busActivatableNames',
    'busMaxUniqueName',
    'systemd1OnBus',
  ],
  sets: { answering: ['busConnections', 'busMaxUniqueName'] },
  timeoutMs: (p) => (p.busTimeoutSeconds + 3) * 1000,
  parsesTimeouts: true,
  argv: dbusNamesArgv,
  parse: parseDbusNames,
});
