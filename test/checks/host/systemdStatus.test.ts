import { describe, expect, it } from 'vitest';
import { parseKubeletService } from '../../../src/checks/host/kubeletService.js';
import { parseStatusBlock } from '../../../src/checks/host/systemd.js';
import { fixture } from './fixtures.js';

describe('systemctl status as pasted, systemd 219 to 252+', () => {
  it.each([
    [
      'systemctl-status-kubelet-centos7-auto-restart',
      'restart-loop',
      {
        ActiveState: 'activating',
        SubState: 'auto-restart',
        Result: 'exit-code',
        ExecMainStatus: '255',
        UnitFileState: 'enabled',
      },
    ],
    ['systemctl-status-kubelet-1-failure', 'restart-loop', { ExecMainStatus: '1', ExecMainCode: 'exited' }],
    [
      'systemctl-status-kubelet-start-limit-zh',
      'failed',
      { ActiveState: 'failed', Result: 'start-limit', ExecMainStatus: '2', UnitFileState: 'disabled' },
    ],
    [
      'systemctl-status-kubelet-ubuntu-running',
      'running',
      { ActiveState: 'active', SubState: 'running', MainPID: '6443', ExecMainStatus: '0' },
    ],
    [
      'systemctl-status-kubelet-inactive-252',
      'inactive',
      { ActiveState: 'inactive', SubState: 'dead', ExecMainStatus: '0', UnitFileState: 'enabled' },
    ],
  ])('%s → %s', (name, outcome, props) => {
    const f = fixture(name);
    expect(Object.fromEntries(parseStatusBlock(f.stdout) ?? [])).toMatchObject(props);
    const r = parseKubeletService(f, { node: 'n' });
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toMatch(/^this is `systemctl status` output: kubelet service is /);
  });

  it('the kubelet command line from the CGroup tree gives --config', () => {
    expect(parseKubeletService(fixture('systemctl-status-kubelet-ubuntu-running'), { node: 'n' }).facts).toMatchObject({
      kubeletConfigPath: '/var/lib/kubelet/config.yaml',
      kubeletConfigPathFrom: 'ExecStart',
    });
  });

  it('Unit kubelet.service could not be found: not installed', () => {
    expect(
      parseKubeletService(
        {
          stdout: 'Unit kubelet.service could not be found.\n',
          stderr: '',
          exitCode: 4,
          durationMs: 1,
          timedOut: false,
          truncated: false,
        },
        { node: 'n' },
      ).outcome,
    ).toBe('not-installed');
  });
});

describe('systemd that does not answer D-Bus, as systemctl says it', () => {
  it.each(['systemctl-status-activation-timeout-249', 'systemctl-status-activation-timed-out-old'])(
    '%s: an error that names the time-out, never a unit state',
    (name) => {
      const r = parseKubeletService(fixture(name), { node: 'n' });
      expect(r).toMatchObject({ outcome: 'error', facts: { errorKind: 'systemd-timeout' } });
      expect(r.summary).toMatch(/^systemd did not answer systemctl \(Failed to get properties: .*timed out/);
    },
  );
});
