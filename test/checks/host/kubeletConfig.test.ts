import { describe, expect, it } from 'vitest';
import { kubeletConfig, parseKubeletConfig } from '../../../src/checks/host/kubeletConfig.js';
import { fixture } from './fixtures.js';

describe('host.kubelet-config', () => {
  it('reads the file with cat (present, readable and parseable in one go)', () => {
    expect(kubeletConfig.argv({ node: 'n', path: '/var/lib/kubelet/config.yaml' })).toEqual([
      'cat',
      '--',
      '/var/lib/kubelet/config.yaml',
    ]);
    expect(kubeletConfig.command({ node: 'n', path: "/etc/my kubelet/it's.yaml" })).toBe(
      "cat -- '/etc/my kubelet/it'\\''s.yaml'",
    );
  });

  it.each([
    ['cat-kubelet-config-kubeadm', 'present', 'present and parses as a KubeletConfiguration'],
    ['cat-config-missing', 'missing', 'does not exist: the kubelet cannot start without it'],
    ['cat-config-is-directory', 'unreadable', 'cannot be read: cat: /var/lib: Is a directory'],
    ['cat-kubelet-config-broken', 'invalid', 'is not valid YAML'],
  ])('%s → %s', (name, outcome, words) => {
    const r = parseKubeletConfig(fixture(name), { node: 'worker-3', path: '/var/lib/kubelet/config.yaml' });
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toContain(words);
    expect(r.facts.kubeletConfigPath).toBe('/var/lib/kubelet/config.yaml');
  });

  it('tells a YAML file of another kind from a kubelet config', () => {
    const r = parseKubeletConfig(
      { ...fixture('cat-kubelet-config-kubeadm'), stdout: 'apiVersion: v1\nkind: Config\nclusters: []\n' },
      { node: 'n', path: '/var/lib/kubelet/config.yaml' },
    );
    expect(r.outcome).toBe('invalid');
    expect(r.summary).toContain('not a KubeletConfiguration (kind: Config)');
  });

  it('reads pasted output (no exit code, both streams in stdout) the same way', () => {
    const r = parseKubeletConfig(
      {
        stdout: 'cat: /var/lib/kubelet/config.yaml: No such file or directory\n',
        stderr: '',
        exitCode: null,
        durationMs: 0,
        timedOut: false,
        truncated: false,
      },
      { node: 'n', path: '/var/lib/kubelet/config.yaml' },
    );
    expect(r.outcome).toBe('missing');
  });
});
