import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Evidence } from '../types.js';
import { allOutput, clip, firstLine, hostError } from './define.js';

/** `Key=Value` lines of `systemctl show`, one map per unit (units are separated by a blank line). */
export function parseShowBlocks(text: string): Map<string, string>[] {
  const blocks: Map<string, string>[] = [];
  let current = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') {
      if (current.size > 0) blocks.push(current);
      current = new Map();
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) current.set(line.slice(0, eq), line.slice(eq + 1));
  }
  if (current.size > 0) blocks.push(current);
  return blocks;
}

/**
 * When systemctl could not ask systemd at all: a host without systemd as PID 1
 * (containers, this very CI machine), or a systemd that does not answer.
 */
export function systemctlFailure(r: RunResult): CheckResult<never> | undefined {
  const out = allOutput(r);
  if (
    /System has not been booted with systemd as init system|Failed to connect to bus: Host is down|Failed to get D-Bus connection|Running in chroot, ignoring/.test(
      out,
    )
  ) {
    return hostError(
      'systemd is not running on this host (PID 1 is not systemd), so systemctl cannot tell',
      'no-systemd',
      [{ label: 'systemctl', value: clip(firstLine(out)) }],
    );
  }
  if (
    /Connection timed out|Failed to get properties: Connection timed out|Transport endpoint is not connected|Failed to activate service 'org\.freedesktop\.systemd1': timed out|Activation of org\.freedesktop\.systemd1 timed out|DBus\.Error\.NoReply/.test(
      out,
    )
  ) {
    return hostError(
      `systemd did not answer systemctl (${clip(firstLine(out), 120)}): systemd itself may be stuck (see host.systemd-dbus)`,
      'systemd-timeout',
      [{ label: 'systemctl', value: clip(firstLine(out)) }],
    );
  }
  if (/Access denied|Interactive authentication required/.test(out)) {
    return hostError('systemctl was refused (Access denied): run it as root', 'denied', [
      { label: 'systemctl', value: clip(firstLine(out)) },
    ]);
  }
  if (r.stdout.trim() === '' && out.trim() !== '') {
    return hostError(`systemctl failed: ${clip(firstLine(out), 160)}`, 'bad-output', [
      { label: 'systemctl', value: clip(firstLine(out)) },
    ]);
  }
  if (r.stdout.trim() === '') return hostError('systemctl printed nothing', 'bad-output');
  return undefined;
}

export const serviceOutcomes = ['running', 'starting', 'restart-loop', 'failed', 'inactive', 'not-installed'] as const;
export type ServiceOutcome = (typeof serviceOutcomes)[number];

export interface ServiceState {
  outcome: ServiceOutcome;
  /** `failed (Result=exit-code, exit status 1), restarted 12 times` */
  words: string;
  evidence: Evidence[];
  restarts: number;
}

/** A service's state from `systemctl show -p LoadState,ActiveState,SubState,Result,NRestarts,...`. */
export function serviceState(props: Map<string, string>): ServiceState {
  const load = props.get('LoadState') ?? '';
  const active = props.get('ActiveState') ?? '';
  const sub = props.get('SubState') ?? '';
  const result = props.get('Result') ?? '';
  const restarts = Number(props.get('NRestarts') ?? '0') || 0;
  const status = props.get('ExecMainStatus');
  const started = props.get('ExecMainStartTimestamp');
  const evidence: Evidence[] = [
    {
      label: 'state',
      value: [`LoadState=${load || '?'}`, `ActiveState=${active || '?'}`, `SubState=${sub || '?'}`].join(' '),
    },
  ];
  if (result) evidence.push({ label: 'Result', value: result });
  if (props.has('NRestarts')) evidence.push({ label: 'NRestarts', value: String(restarts) });
  if (status !== undefined && status !== '' && status !== '0')
    evidence.push({ label: 'ExecMainStatus', value: status });
  if (started) evidence.push({ label: 'main process started', value: started });
  const exit = status && status !== '0' ? `, exit status ${status}` : '';
  const again = restarts > 0 ? `, restarted ${restarts} times` : '';
  if (load === 'not-found')
    return { outcome: 'not-installed', words: 'not installed (no such unit)', evidence, restarts };
  if (load === 'masked') return { outcome: 'inactive', words: 'masked (deliberately disabled)', evidence, restarts };
  switch (active) {
    case 'active':
    case 'reloading':
      return { outcome: 'running', words: `${active} (${sub || 'running'})${again}`, evidence, restarts };
    case 'activating':
      // Between crashes systemd parks a Restart= service in activating/auto-restart.
      if (sub.startsWith('auto-restart') || restarts > 0) {
        return {
          outcome: 'restart-loop',
          words: `crash-looping: activating (${sub}) after Result=${result || '?'}${exit}${again}`,
          evidence,
          restarts,
        };
      }
      return { outcome: 'starting', words: `starting (${sub || 'activating'})`, evidence, restarts };
    case 'failed':
      return { outcome: 'failed', words: `failed (Result=${result || '?'}${exit})${again}`, evidence, restarts };
    default:
      return {
        outcome: 'inactive',
        words: `${active || 'inactive'} (${sub || 'dead'})${result && result !== 'success' ? `, last Result=${result}` : ''}`,
        evidence,
        restarts,
      };
  }
}

/**
 * `systemctl status <unit>` as people paste it (systemd 219 on CentOS 7 to 257
 * on Debian 13), turned into the properties `systemctl show` would have given:
 * `Loaded: loaded (…)` / `not-found`, `Active: activating (auto-restart)
 * (Result: exit-code) since …`, `Main PID: 1234 (code=exited, status=255)` or
 * `status=1/FAILURE`, the ExecStart `Process:` line. Undefined when the text is
 * no status output.
 */
export function parseStatusBlock(text: string): Map<string, string> | undefined {
  const props = new Map<string, string>();
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const head = lines.findIndex(
    (l) =>
      /^\s*[●○×↻*]?\s*\S+\.(?:service|socket|scope|slice|target)\b.* - /.test(l) ||
      /^\s*Unit \S+ could not be found\./.test(l),
  );
  const loaded = lines.find((l) => /^\s*Loaded:\s/.test(l));
  const active = lines.find((l) => /^\s*Active:\s/.test(l));
  if (/^\s*Unit \S+ could not be found\./m.test(text) || /Loaded:\s+not-found/.test(loaded ?? '')) {
    props.set('LoadState', 'not-found');
    props.set('ActiveState', 'inactive');
    props.set('SubState', 'dead');
    return props;
  }
  if (!active) return undefined;
  if (head >= 0) {
    const id = /(\S+\.(?:service|socket|scope|slice|target))/.exec(lines[head] ?? '')?.[1];
    if (id) props.set('Id', id);
  }
  const l = /Loaded:\s+(\S+)(?:\s+\(([^;)]+)(?:;\s*(\w[\w-]*))?)?/.exec(loaded ?? '');
  if (l) {
    props.set('LoadState', l[1] ?? '');
    if (l[2]) props.set('FragmentPath', l[2]);
    if (l[3]) props.set('UnitFileState', l[3]);
  }
  // Active: activating (auto-restart) (Result: exit-code) since Wed 2020-07-29 08:46:32 EDT; 919ms ago
  const a = /Active:\s+(\S+)(?:\s+\((?!Result:)([^)]+)\))?(?:\s+\(Result:\s*([^)]+)\))?(?:\s+since\s+([^;]+))?/.exec(
    active,
  );
  if (a) {
    props.set('ActiveState', a[1] ?? '');
    if (a[2]) props.set('SubState', a[2]);
    props.set('Result', a[3] ?? (a[1] === 'failed' ? 'exit-code' : 'success'));
    if (a[4])
      props.set(
        a[1] === 'active' || a[1] === 'activating' ? 'ActiveEnterTimestamp' : 'InactiveEnterTimestamp',
        a[4].trim(),
      );
  }
  // Main PID: 9982 (code=exited, status=255) | (code=exited, status=1/FAILURE) | (kubelet)
  const main = lines.map((x) => /^\s*Main PID:\s+(\d+)\s+\(([^)]*)\)/.exec(x)).find(Boolean);
  if (main) {
    props.set('MainPID', main[1] ?? '');
    const st = /status=(\d+)/.exec(main[2] ?? '');
    props.set('ExecMainStatus', st?.[1] ?? '0');
    const code = /code=(\w+)/.exec(main[2] ?? '')?.[1];
    if (code) props.set('ExecMainCode', code);
  }
  const exec = lines.map((x) => /^\s*Process:\s+\d+\s+ExecStart=(.*?)(?:\s+\(code=[^)]*\))?\s*$/.exec(x)).find(Boolean);
  if (exec?.[1]) props.set('ExecStart', `{ path=${exec[1].split(/\s+/)[0] ?? ''} ; argv[]=${exec[1]} }`);
  // The CGroup tree shows the running command line (`└─6443 /usr/bin/kubelet --config=…`).
  const tree = lines.map((x) => /^\s*(?:CGroup:.*|[└├]─\s*)?\d+\s+(\/\S*kubelet\S*\s.*)$/.exec(x)).find(Boolean);
  if (tree?.[1] && !props.has('ExecStart'))
    props.set('ExecStart', `{ path=${tree[1].split(/\s+/)[0] ?? ''} ; argv[]=${tree[1]} }`);
  const restarts = /restart counter is at (\d+)/.exec(
    text
      .split('\n')
      .filter((x) => /restart counter is at/.test(x))
      .at(-1) ?? '',
  );
  if (restarts) props.set('NRestarts', restarts[1] ?? '0');
  return props;
}

/**
 * The head of a full `systemctl show <unit>` (no -p), as collect scripts and
 * stored excerpts cut it: Service properties (MainPID, Result, NRestarts,
 * ExecMainStatus) come before the Unit ones (LoadState, ActiveState). A main
 * process, or none with restarts and a failed Result, still says what the unit does.
 */
function stateFromServiceHead(show: Map<string, string>): Map<string, string> | undefined {
  const mainPid = show.get('MainPID');
  const result = show.get('Result');
  if (mainPid === undefined || result === undefined) return undefined;
  const props = new Map(show);
  const restarts = Number(show.get('NRestarts') ?? '0') || 0;
  if (mainPid !== '0') {
    props.set('ActiveState', 'active');
    props.set('SubState', 'running');
  } else if (result !== 'success' && restarts > 0 && show.get('Restart') !== 'no') {
    props.set('ActiveState', 'activating');
    props.set('SubState', 'auto-restart');
  } else if (result !== 'success') {
    props.set('ActiveState', 'failed');
    props.set('SubState', 'failed');
  } else {
    props.set('ActiveState', 'inactive');
    props.set('SubState', 'dead');
  }
  return props;
}

/**
 * The unit's properties from `systemctl show` output, or from pasted `systemctl
 * status` output, and which of the two it was; `show-head` when the paste is the
 * head of a full `systemctl show` without its LoadState/ActiveState lines.
 */
export function unitProperties(
  text: string,
): { props: Map<string, string>; form: 'show' | 'status' | 'show-head' } | undefined {
  const show = parseShowBlocks(text)[0];
  if (show?.has('ActiveState') || show?.has('LoadState')) return { props: show, form: 'show' };
  const status = parseStatusBlock(text);
  if (status) return { props: status, form: 'status' };
  const head = show ? stateFromServiceHead(show) : undefined;
  return head ? { props: head, form: 'show-head' } : undefined;
}

/** How a summary names what it read, when that is not the `systemctl show -p …` it asked for. */
export function formPrefix(form: 'show' | 'status' | 'show-head'): string {
  if (form === 'status') return 'this is `systemctl status` output: ';
  if (form === 'show-head')
    return 'this is the head of a full `systemctl show` (no ActiveState line; read from MainPID, Result and NRestarts): ';
  return '';
}

/**
 * Every unit in pasted `systemctl status a b c` output (or several status
 * commands pasted one after another), each block from its unit line (`● x.service
 * - Description`, or a bare `x.service` for a unit that is not found) to the next.
 */
export function parseStatusBlocks(text: string): Map<string, string>[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const starts: number[] = [];
  lines.forEach((l, i) => {
    const unitLine = /^\s*[●○×↻*]?\s*\S+\.(?:service|socket|scope|slice|target|timer|mount)(?:\s+-\s.*)?\s*$/.test(l);
    if (unitLine && /^\s*Loaded:\s/.test(lines[i + 1] ?? '')) starts.push(i);
  });
  const blocks: Map<string, string>[] = [];
  starts.forEach((at, k) => {
    const block = lines.slice(at, starts[k + 1] ?? lines.length).join('\n');
    const props = parseStatusBlock(block);
    const id = /(\S+\.(?:service|socket|scope|slice|target|timer|mount))/.exec(
      lines[at]?.replace(/^\s*[●○×↻*]/, '') ?? '',
    )?.[1];
    if (!props) return;
    if (id) props.set('Id', id);
    const enabled = /Loaded:\s+\S+\s+\([^;)]*;\s*([\w-]+)/.exec(block)?.[1];
    if (enabled) props.set('UnitFileState', enabled);
    blocks.push(props);
  });
  return blocks;
}
