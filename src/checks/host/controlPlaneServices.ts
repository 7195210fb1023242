import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Evidence } from '../types.js';
import { defineHostCheck, hostError, nodeParam } from './define.js';
import { parseShowBlocks, parseStatusBlocks, systemctlFailure } from './systemd.js';

const outcomes = ['none', 'stray-services'] as const;
type Outcome = (typeof outcomes)[number];

const defaultUnits = 'kube-apiserver,kube-controller-manager,kube-scheduler,etcd';

const params = z.object({
  node: nodeParam,
  /** Comma-separated unit names, `.service` implied. */
  units: z
    .string()
    .regex(/^[A-Za-z0-9@._:-]+(?:\s*,\s*[A-Za-z0-9@._:-]+)*$/, 'comma-separated unit names')
    .default(defaultUnits),
});
type Params = z.infer<typeof params>;

function unitNames(p: Params): string[] {
  return p.units.split(',').map((u) => {
    const t = u.trim();
    return t.includes('.') ? t : `${t}.service`;
  });
}

/**
 * `systemctl show` of exactly these units: one block each, with UnitFileState,
 * so a unit that is enabled but not running right now (the reboot time bomb) shows too.
 */
export function controlPlaneServicesArgv(p: Params): string[] {
  return ['systemctl', 'show', ...unitNames(p), '-p', 'Id,LoadState,ActiveState,SubState,UnitFileState'];
}

export function parseControlPlaneServices(r: RunResult, p: Params): CheckResult<Outcome> {
  const failed = systemctlFailure(r);
  if (failed) return failed;
  const shown = parseShowBlocks(r.stdout).filter((b) => b.has('ActiveState') || b.has('LoadState'));
  // `systemctl status kube-apiserver etcd …` (or one status after another) pasted instead of show.
  const status =
    shown.length === 0 ? parseStatusBlocks(r.stdout).filter((b) => unitNames(p).includes(b.get('Id') ?? '')) : [];
  const blocks = shown.length > 0 ? shown : status;
  if (blocks.length === 0)
    return hostError('no unit state in the output: neither systemctl show nor systemctl status', 'bad-output');
  const named = status.length > 0 ? 'this is `systemctl status` output: ' : '';
  const stray: { unit: string; active: boolean; enabled: boolean; words: string }[] = [];
  const evidence: Evidence[] = [];
  blocks.forEach((b, i) => {
    const unit = b.get('Id') || unitNames(p)[i] || `unit ${i + 1}`;
    const load = b.get('LoadState') ?? '';
    const active = b.get('ActiveState') ?? '';
    const fileState = b.get('UnitFileState') ?? '';
    if (load === 'not-found' || load === 'masked') return;
    const isActive = active === 'active' || active === 'activating' || active === 'reloading';
    const isEnabled = /^enabled/.test(fileState);
    const failedNow = active === 'failed';
    if (!isActive && !isEnabled && !failedNow) return;
    const words = `${active} (${b.get('SubState') ?? '?'}), ${fileState || 'no unit file state'}`;
    stray.push({ unit: unit.replace(/\.service$/, ''), active: isActive, enabled: isEnabled, words });
    evidence.push({ label: unit, value: words });
  });
  const facts = {
    strayServices: stray.map((s) => s.unit).join(','),
    // For systemctl disable --now, which takes units as separate arguments.
    strayUnits: stray.map((s) => s.unit).join(' '),
    strayActiveServices: stray
      .filter((s) => s.active)
      .map((s) => s.unit)
      .join(','),
    strayEnabledServices: stray
      .filter((s) => s.enabled)
      .map((s) => s.unit)
      .join(','),
  };
  if (stray.length === 0) {
    return {
      outcome: 'none',
      summary: `${named}no control-plane service is installed and active or enabled here (${named ? blocks.map((b) => b.get('Id') ?? '?').join(', ') : unitNames(p).join(', ')})`,
      evidence: [{ label: 'checked', value: unitNames(p).join(', ') }],
      facts,
    };
  }
  return {
    outcome: 'stray-services',
    summary: `${named}control-plane services on this node: ${stray.map((s) => `${s.unit} (${s.active ? 'running' : s.enabled ? 'enabled at boot' : 'failed'})`).join(', ')}: leftovers that a reboot starts again`,
    evidence,
    facts,
  };
}

export const controlPlaneServices = defineHostCheck({
  id: 'host.control-plane-services',
  title: 'stray control-plane services on a worker',
  why: 'kube-apiserver, controller-manager, scheduler or etcd units left enabled on a worker start again at every reboot, fight the real control plane for ports and confuse the kubelet.',
  params,
  outcomes,
  healthy: ['none'],
  facts: ['strayServices', 'strayUnits', 'strayActiveServices', 'strayEnabledServices'],
  sets: { 'stray-services': ['strayActiveServices', 'strayEnabledServices', 'strayServices', 'strayUnits'] },
  argv: controlPlaneServicesArgv,
  parse: parseControlPlaneServices,
});
