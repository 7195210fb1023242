import { describe, expect, it } from 'vitest';
import { containerRuntime, parseContainerRuntime } from '../../../src/checks/host/containerRuntime.js';
import { crictlInfo, parseCrictlInfo } from '../../../src/checks/host/crictlInfo.js';
import { fixture } from './fixtures.js';

describe('host.container-runtime', () => {
  it('asks systemd about the runtime unit, containerd unless told otherwise', () => {
    expect(containerRuntime.command({ node: 'n', unit: 'containerd' })).toBe(
      'systemctl show containerd -p LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus,ExecMainStartTimestamp',
    );
    expect(containerRuntime.params.parse({ node: 'n' })).toEqual({ node: 'n', unit: 'containerd' });
    expect(containerRuntime.params.safeParse({ node: 'n', unit: 'crio; reboot' }).success).toBe(false);
  });

  it.each([
    [
      'systemctl-show-containerd-running',
      'running',
      { runtimeUnit: 'containerd', runtimeActiveState: 'active', runtimeRestarts: 0 },
    ],
    ['systemctl-show-containerd-restarting', 'restart-loop', { runtimeActiveState: 'activating', runtimeRestarts: 7 }],
  ])('%s → %s', (name, outcome, facts) => {
    const r = parseContainerRuntime(fixture(name), { node: 'n', unit: 'containerd' });
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toMatch(/^container runtime service containerd is /);
    expect(r.facts).toMatchObject(facts);
  });

  it('says plainly when the host has no systemd', () => {
    const r = parseContainerRuntime(fixture('systemctl-show-no-systemd'), { node: 'n', unit: 'containerd' });
    expect(r).toMatchObject({ outcome: 'error', facts: { errorKind: 'no-systemd' } });
  });
});

describe('host.crictl-info', () => {
  it('talks to the runtime over CRI, on a given endpoint if asked', () => {
    expect(crictlInfo.command({ node: 'n' })).toBe('crictl info');
    expect(crictlInfo.command({ node: 'n', endpoint: 'unix:///run/containerd/containerd.sock' })).toBe(
      'crictl --runtime-endpoint unix:///run/containerd/containerd.sock info',
    );
  });

  it.each([
    ['crictl-info-ready', 'ready', { runtimeAnswers: true, runtimeReady: true, networkReady: true }],
    [
      'crictl-info-network-not-ready',
      'network-not-ready',
      { runtimeAnswers: true, runtimeReady: true, networkReady: false },
    ],
    [
      'crictl-info-not-answering',
      'not-answering',
      { runtimeAnswers: false, criEndpoint: 'unix:///run/containerd/containerd.sock' },
    ],
  ])('%s → %s', (name, outcome, facts) => {
    const r = parseCrictlInfo(fixture(name), { node: 'n' });
    expect(r.outcome).toBe(outcome);
    expect(r.facts).toMatchObject(facts);
  });

  it('quotes the CNI message when the network is not ready', () => {
    const r = parseCrictlInfo(fixture('crictl-info-network-not-ready'), { node: 'n' });
    expect(r.evidence).toContainEqual({
      label: 'NetworkReady',
      value: 'false (NetworkPluginNotReady): Network plugin returns error: cni plugin not initialized',
    });
  });

  it('reads the conditions even when the JSON was cut at the output cap', () => {
    const full = fixture('crictl-info-network-not-ready');
    const r = parseCrictlInfo(
      { ...full, stdout: full.stdout.slice(0, full.stdout.indexOf('"lastCNILoadStatus"')), truncated: true },
      { node: 'n' },
    );
    expect(r.outcome).toBe('network-not-ready');
  });

  it('says what crictl said when the runtime does not answer', () => {
    const r = parseCrictlInfo(fixture('crictl-info-not-answering'), { node: 'n' });
    expect(r.summary).toBe(
      'the container runtime does not answer on its CRI socket unix:///run/containerd/containerd.sock: no such file or directory',
    );
    expect(r.evidence[0]?.value).toMatch(/^validate service connection: validate CRI v1 runtime API/);
  });
});
