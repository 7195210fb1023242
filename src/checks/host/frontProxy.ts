import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Facts } from '../types.js';
import { defineHostCheck, hostError, nodeParam } from './define.js';
import { formPrefix, serviceOutcomes, serviceState, systemctlFailure, unitProperties } from './systemd.js';
import type { ServiceOutcome } from './systemd.js';

const params = z.object({
  node: nodeParam,
  /** The proxy's systemd unit: nginx in front of Rancher and most ingress gateways; haproxy and envoy are others. */
  unit: z
    .string()
    .regex(/^[A-Za-z0-9@._:-]+$/, 'a systemd unit name')
    .default('nginx'),
});
type Params = z.infer<typeof params>;

const properties = [
  'LoadState',
  'ActiveState',
  'SubState',
  'Result',
  'NRestarts',
  'ExecMainStatus',
  'ExecMainStartTimestamp',
];

export function frontProxyArgv(p: Params): string[] {
  return ['systemctl', 'show', p.unit, '-p', properties.join(',')];
}

export function parseFrontProxy(r: RunResult, p: Params): CheckResult<ServiceOutcome> {
  const failed = systemctlFailure(r);
  if (failed) return failed;
  // `systemctl status nginx` is what most people paste for a proxy; it is read like show.
  const unit = unitProperties(r.stdout);
  if (!unit) return hostError('no unit state in the output: neither systemctl show nor systemctl status', 'bad-output');
  const { props, form } = unit;
  const s = serviceState(props);
  const facts: Facts = {
    proxyUnit: p.unit,
    proxyActiveState: props.get('ActiveState') ?? '',
    proxySubState: props.get('SubState') ?? '',
    proxyRestarts: s.restarts,
  };
  const result = props.get('Result');
  if (result) facts.proxyResult = result;
  const hint =
    s.outcome === 'failed' || s.outcome === 'restart-loop'
      ? `: \`journalctl -u ${p.unit}\` says why (with nginx, \`nginx -t\` checks the configuration)`
      : s.outcome === 'not-installed'
        ? ': is the proxy on another machine, or run as a container?'
        : '';
  return {
    outcome: s.outcome,
    summary: `${formPrefix(form)}${p.unit} is ${s.words}${hint}`,
    evidence: s.evidence,
    facts,
  };
}

export const frontProxy = defineHostCheck({
  id: 'host.front-proxy',
  title: 'front proxy service state (systemd)',
  why: 'Traffic to Rancher or an ingress often passes a proxy (nginx) on a gateway machine first: if it is stopped or failed, every connection behind it fails, whatever the cluster does.',
  params,
  outcomes: serviceOutcomes,
  healthy: ['running'],
  facts: ['proxyUnit', 'proxyActiveState', 'proxySubState', 'proxyResult', 'proxyRestarts'],
  sets: {
    running: ['proxyActiveState', 'proxyRestarts', 'proxyResult', 'proxySubState', 'proxyUnit'],
    failed: ['proxyActiveState', 'proxyRestarts', 'proxyResult', 'proxySubState', 'proxyUnit'],
  },
  argv: frontProxyArgv,
  parse: parseFrontProxy,
});
