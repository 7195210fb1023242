import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult } from '../types.js';
import { defineHostCheck, hostError, nodeParam } from './define.js';
import { formPrefix, serviceOutcomes, serviceState, systemctlFailure, unitProperties } from './systemd.js';
import type { ServiceOutcome } from './systemd.js';

const params = z.object({
  node: nodeParam,
  /** containerd, docker, crio … */
  unit: z
    .string()
    .regex(/^[A-Za-z0-9@._:-]+$/, 'a systemd unit name')
    .default('containerd'),
});
type Params = z.infer<typeof params>;

export function containerRuntimeArgv(p: Params): string[] {
  return [
    'systemctl',
    'show',
    p.unit,
    '-p',
    'LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus,ExecMainStartTimestamp',
  ];
}

export function parseContainerRuntime(r: RunResult, p: Params): CheckResult<ServiceOutcome> {
  const failed = systemctlFailure(r);
  if (failed) return failed;
  const unit = unitProperties(r.stdout);
  if (!unit) return hostError('no unit state in the output: neither systemctl show nor systemctl status', 'bad-output');
  const { props, form } = unit;
  const s = serviceState(props);
  // A pasted status names its own unit (docker.service where containerd was asked): say the one it shows.
  const shown = props.get('Id')?.replace(/\.service$/, '');
  const unitName = shown && shown !== p.unit ? `${shown} (the pasted unit; ${p.unit} was asked)` : p.unit;
  return {
    outcome: s.outcome,
    summary: `${formPrefix(form)}container runtime service ${unitName} is ${s.words}`,
    evidence: s.evidence,
    facts: {
      runtimeUnit: shown ?? p.unit,
      runtimeActiveState: props.get('ActiveState') ?? '',
      runtimeRestarts: s.restarts,
    },
  };
}

export const containerRuntime = defineHostCheck({
  id: 'host.container-runtime',
  title: 'container runtime service state (systemd)',
  why: 'The kubelet creates every container through the runtime (containerd, CRI-O, docker); if that service is down or crash-looping, PLEG stalls and the node goes NotReady.',
  params,
  outcomes: serviceOutcomes,
  healthy: ['running'],
  facts: ['runtimeUnit', 'runtimeActiveState', 'runtimeRestarts'],
  sets: { '*': ['runtimeUnit', 'runtimeActiveState', 'runtimeRestarts'] },
  argv: containerRuntimeArgv,
  parse: parseContainerRuntime,
});
