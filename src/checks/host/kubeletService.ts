import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Facts } from '../types.js';
import { defineHostCheck, hostError, nodeParam } from './define.js';
import { formPrefix, serviceOutcomes, serviceState, systemctlFailure, unitProperties } from './systemd.js';
import type { ServiceOutcome } from './systemd.js';

export const defaultKubeletConfigPath = '/var/lib/kubelet/config.yaml';

const params = z.object({ node: nodeParam });
type Params = z.infer<typeof params>;

const properties = [
  'LoadState',
  'ActiveState',
  'SubState',
  'Result',
  'NRestarts',
  'ExecMainStatus',
  'ExecMainStartTimestamp',
  'FragmentPath',
  'ExecStart',
];

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
  const unit = unitProperties(r.stdout);
  if (!unit) return hostError('no unit state in the output: neither systemctl show nor systemctl status', 'bad-output');
  const { props, form } = unit;
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
  const unitPath = props.get('FragmentPath');
  if (unitPath) facts.kubeletUnitPath = unitPath;
  const evidence = [...s.evidence];
  if (form === 'status') evidence.unshift({ label: 'read from', value: '`systemctl status` output' });
  if (form === 'show-head')
    evidence.unshift({
      label: 'read from',
      value:
        'the head of a full `systemctl show`: no LoadState/ActiveState line, the state is read from MainPID, Result and NRestarts',
    });
  if (unitPath) evidence.push({ label: 'unit file', value: unitPath });
  evidence.push({
    label: '--config',
    value: configPath
      ? `${configPath} (from ExecStart)`
      : `not in ExecStart; the default is ${defaultKubeletConfigPath}`,
  });
  return { outcome: s.outcome, summary: `${formPrefix(form)}kubelet service is ${s.words}`, evidence, facts };
}

export const kubeletService = defineHostCheck({
  id: 'host.kubelet-service',
  title: 'kubelet service state (systemd)',
  why: 'A node goes NotReady when its kubelet stops posting status; systemd knows whether the kubelet is running, crash-looping or was never started.',
  params,
  outcomes: serviceOutcomes,
  healthy: ['running'],
  facts: [
    'kubeletActiveState',
    'kubeletSubState',
    'kubeletResult',
    'kubeletRestarts',
    'kubeletExitStatus',
    'kubeletUnitPath',
    'kubeletConfigPath',
    'kubeletConfigPathFrom',
  ],
  sets: { '*': ['kubeletActiveState', 'kubeletSubState', 'kubeletRestarts', 'kubeletConfigPath'] },
  argv: kubeletServiceArgv,
  parse: parseKubeletService,
});
