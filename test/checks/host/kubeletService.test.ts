import { describe, expect, it } from 'vitest';
import {
  configPathFromExecStart,
  kubeletService,
  kubeletServiceArgv,
  parseKubeletService,
} from '../../../src/checks/host/kubeletService.js';
import { fixture } from './fixtures.js';

const p = { node: 'worker-3' };

describe('host.kubelet-service', () => {
  it('asks systemd for exactly the properties it reads', () => {
    expect(kubeletServiceArgv(p)).toEqual([
      'systemctl',
      'show',
      'kubelet',
      '-p',
      'LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus,ExecMainStartTimestamp,FragmentPath,ExecStart',
    ]);
    expect(kubeletService.command(p)).toBe(
      'systemctl show kubelet -p LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus,ExecMainStartTimestamp,FragmentPath,ExecStart',
    );
    expect(kubeletService.layer).toBe('host');
  });

  it.each([
    [
      'systemctl-show-kubelet-running',
      'running',
      'kubelet service is active (running)',
      { kubeletRestarts: 0, kubeletConfigPathFrom: 'default', kubeletConfigPath: '/var/lib/kubelet/config.yaml' },
    ],
    [
      'systemctl-show-kubelet-auto-restart',
      'restart-loop',
      'crash-looping: activating (auto-restart) after Result=exit-code, exit status 1, restarted 412 times',
      { kubeletRestarts: 412, kubeletExitStatus: 1, kubeletResult: 'exit-code' },
    ],
    [
      'systemctl-show-kubelet-failed-config-flag',
      'failed',
      'failed (Result=exit-code, exit status 1), restarted 5 times',
      { kubeletConfigPath: '/var/lib/kubelet/kubelet-config.yaml', kubeletConfigPathFrom: 'ExecStart' },
    ],
    ['systemctl-show-kubelet-inactive', 'inactive', 'inactive (dead)', { kubeletActiveState: 'inactive' }],
    ['systemctl-show-kubelet-not-found', 'not-installed', 'not installed', { kubeletActiveState: 'inactive' }],
  ])('%s → %s', (name, outcome, words, facts) => {
    const r = parseKubeletService(fixture(name), p);
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toContain(words);
    expect(r.facts).toMatchObject(facts);
  });

  it.each([
    ['systemctl-show-no-systemd', 'no-systemd', 'systemd is not running on this host'],
    ['systemctl-show-systemd-timeout', 'systemd-timeout', 'systemd did not answer systemctl'],
  ])('%s → error (%s)', (name, kind, words) => {
    const r = parseKubeletService(fixture(name), p);
    expect(r.outcome).toBe('error');
    expect(r.facts.errorKind).toBe(kind);
    expect(r.summary).toContain(words);
  });

  it('shows the unit state and the config path it will look at as evidence', () => {
    const r = parseKubeletService(fixture('systemctl-show-kubelet-auto-restart'), p);
    expect(r.evidence).toContainEqual({
      label: 'state',
      value: 'LoadState=loaded ActiveState=activating SubState=auto-restart',
    });
    expect(r.evidence).toContainEqual({ label: 'NRestarts', value: '412' });
    expect(r.evidence).toContainEqual({
      label: '--config',
      value: 'not in ExecStart; the default is /var/lib/kubelet/config.yaml',
    });
  });

  it.each([
    ['{ path=/usr/bin/kubelet ; argv[]=/usr/bin/kubelet --config=/etc/k/c.yaml --v=2 ; }', '/etc/k/c.yaml'],
    ['{ path=/usr/bin/kubelet ; argv[]=/usr/bin/kubelet --config /etc/k/c.yaml ; }', '/etc/k/c.yaml'],
    ['{ path=/usr/bin/kubelet ; argv[]=/usr/bin/kubelet $KUBELET_CONFIG_ARGS ; }', undefined],
    [undefined, undefined],
  ])('finds --config in ExecStart %s', (execStart, path) => {
    expect(configPathFromExecStart(execStart)).toBe(path);
  });
});
