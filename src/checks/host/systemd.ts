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
  if (/System has not been booted with systemd as init system|Failed to connect to bus: Host is down|Failed to get D-Bus connection|Running in chroot, ignoring/.test(out)) {
    return hostError('systemd is not running on this host (PID 1 is not systemd), so systemctl cannot tell', 'no-systemd', [{ label: 'systemctl', value: clip(firstLine(out)) }]);
  }
  if (/Connection timed out|Failed to get properties: Connection timed out|Transport endpoint is not connected/.test(out)) {
    return hostError('systemd did not answer systemctl (Connection timed out): systemd itself may be stuck (see host.systemd-dbus)', 'systemd-timeout', [
      { label: 'systemctl', value: clip(firstLine(out)) },
    ]);
  }
  if (/Access denied|Interactive authentication required/.test(out)) {
    return hostError('systemctl was refused (Access denied): run it as root', 'denied', [{ label: 'systemctl', value: clip(firstLine(out)) }]);
  }
  if (r.stdout.trim() === '' && out.trim() !== '') {
    return hostError(`systemctl failed: ${clip(firstLine(out), 160)}`, 'bad-output', [{ label: 'systemctl', value: clip(firstLine(out)) }]);
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
  const evidence: Evidence[] = [{ label: 'state', value: [`LoadState=${load || '?'}`, `ActiveState=${active || '?'}`, `SubState=${sub || '?'}`].join(' ') }];
  if (result) evidence.push({ label: 'Result', value: result });
  if (props.has('NRestarts')) evidence.push({ label: 'NRestarts', value: String(restarts) });
  if (status !== undefined && status !== '' && status !== '0') evidence.push({ label: 'ExecMainStatus', value: status });
  if (started) evidence.push({ label: 'main process started', value: started });
  const exit = status && status !== '0' ? `, exit status ${status}` : '';
  const again = restarts > 0 ? `, restarted ${restarts} times` : '';
  if (load === 'not-found') return { outcome: 'not-installed', words: 'not installed (no such unit)', evidence, restarts };
  if (load === 'masked') return { outcome: 'inactive', words: 'masked (deliberately disabled)', evidence, restarts };
  switch (active) {
    case 'active':
    case 'reloading':
      return { outcome: 'running', words: `${active} (${sub || 'running'})${again}`, evidence, restarts };
    case 'activating':
      // Between crashes systemd parks a Restart= service in activating/auto-restart.
      if (sub.startsWith('auto-restart') || restarts > 0) {
        return { outcome: 'restart-loop', words: `crash-looping: activating (${sub}) after Result=${result || '?'}${exit}${again}`, evidence, restarts };
      }
      return { outcome: 'starting', words: `starting (${sub || 'activating'})`, evidence, restarts };
    case 'failed':
      return { outcome: 'failed', words: `failed (Result=${result || '?'}${exit})${again}`, evidence, restarts };
    default:
      return { outcome: 'inactive', words: `${active || 'inactive'} (${sub || 'dead'})${result && result !== 'success' ? `, last Result=${result}` : ''}`, evidence, restarts };
  }
}
