import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Facts } from '../types.js';
import { defineHostCheck, hostError, nodeParam } from './define.js';
import { parseShowBlocks, serviceOutcomes, serviceState, systemctlFailure } from './systemd.js';
import type { ServiceOutcome } from './systemd.js';

export const defaultKubeletConfigPath = '/var/lib/kubelet/config.yaml';

const params = z.object({ node: nodeParam });
type Params = z.infer<typeof params>;

const properties = ['LoadState', 'ActiveState', 'SubState', 'Result', 'NRestarts', 'ExecMainStatus', 'ExecMainStartTimestamp', 'FragmentPath', 'ExecStart'];

export function kubeletServiceArgv(_p: Params): string[] {
  return ['systemctl', 'show', 'kubelet', '-p', properties.join(',')];
}

/** `--config=/path` or `--config /path` in the unit's ExecStart (kubeadm hides it in $KUBELET_CONFIG_ARGS). */
export function configPathFromExecStart(execStart: string | undefined): string | undefined {
  return /--config(?:=|\s+)([^\s;"']+)/.exec(execStart ?? '')?.[1];
}

export function parseKubeletService(r: RunResult, _p: Params): CheckResult<ServiceOutcome> {
  const failed = systemctlFailure(r);
  if (failed) return failed;
  const props = parseShowBlocks(r.stdout)[0];
  if (!props?.has('ActiveState') && !props?.has('LoadState')) return hostError('systemctl show printed no unit state', 'bad-output');
  const s = serviceState(props);
  const configPath = configPathFromExecStart(props.get('ExecStart'));
  const facts: Facts = {
    kubeletActiveState: props.get('ActiveState') ?? '',
    kubeletSubState: props.get('SubState') ?? '',
    kubeletRestarts: s.restarts,
    kubeletConfigPath: configPath ?? defaultKubeletConfigPath,
    kubeletConfigPathFrom: configPath ? 'ExecStart' : 'default',
  };
  const result = props.get('Result');
  if (result) facts.kubeletResult = result;
  const status = props.get('ExecMainStatus');
  if (status) facts.kubeletExitStatus = Number(status);
  const unit = props.get('FragmentPath');
  if (unit) facts.kubeletUnitPath = unit;
  const evidence = [...s.evidence];
  if (unit) evidence.push({ label: 'unit file', value: unit });
  evidence.push({ label: '--config', value: configPath ? `${configPath} (from ExecStart)` : `not in ExecStart; the default is ${defaultKubeletConfigPath}` });
  return { outcome: s.outcome, summary: `kubelet service is ${s.words}`, evidence, facts };
}

export const kubeletService = defineHostCheck({
  id: 'host.kubelet-service',
  title: 'kubelet service state (systemd)',
  why: 'A node goes NotReady when its kubelet stops posting status; systemd knows whether the kubelet is running, crash-looping or was never started.',
  params,
  outcomes: serviceOutcomes,
  healthy: ['running'],
  facts: ['kubeletActiveState', 'kubeletSubState', 'kubeletResult', 'kubeletRestarts', 'kubeletExitStatus', 'kubeletUnitPath', 'kubeletConfigPath', 'kubeletConfigPathFrom'],
  argv: kubeletServiceArgv,
  parse: parseKubeletService,
});
