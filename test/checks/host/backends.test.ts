import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineHostCheck } from '../../../src/checks/host/define.js';
import type { HostCheck } from '../../../src/checks/host/define.js';
import { checks } from '../../../src/checks/registry.js';
import { argvKey, createDrillAccess } from '../../../src/nodeaccess/drill.js';
import { createManualAccess } from '../../../src/nodeaccess/manual.js';
import { fixture, fixtureNames } from './fixtures.js';
import { runHostCheck, sampleHostParams } from './helpers.js';

type AnyHostCheck = HostCheck<{ node: string }, string>;
// Checks that run a command on a node (network.tcp-connect runs from plumbline's own machine).
const hostChecks = checks.filter((c) => c.layer === 'host' && 'argv' in c) as unknown as AnyHostCheck[];

/** Each fixture with the host check whose default command produced it. */
const cases = fixtureNames().flatMap((name) => {
  const f = fixture(name);
  // One command may serve two checks (iptables-save: the firewall and kube-proxy's rules): each parses it.
  return hostChecks
    .filter((c) => argvKey(c.argv(c.params.parse({ ...sampleHostParams[c.id], node: name }))) === f.command)
    .map((check) => ({ name, check, f }));
});

describe('host checks through every backend give the parser the same output', () => {
  it('the registry lists the host checks, each with command and parser', () => {
    expect(hostChecks.map((c) => c.id).sort()).toEqual([
      'host.certificates-on-disk',
      'host.container-runtime',
      'host.control-plane-services',
      'host.cpu-consumers',
      'host.cpu-steal',
      'host.crictl-info',
      'host.dbus-names',
      'host.disk-inodes',
      'host.disk-space',
      'host.etcd-container-log',
      'host.etcd-journal',
      'host.firewall',
      'host.front-proxy',
      'host.kernel-log',
      'host.kube-proxy-rules',
      'host.kubeconfig-certificates',
      'host.kubelet-config',
      'host.kubelet-journal',
      'host.kubelet-service',
      'host.listening-ports',
      'host.runc-lingering',
      'host.service-journals',
      'host.systemd-dbus',
      'host.time-sync',
    ]);
    for (const c of hostChecks) {
      expect(typeof c.argv).toBe('function');
      expect(typeof c.parse).toBe('function');
    }
  });

  it('every host check has at least one fixture of its real command', () => {
    expect(new Set(cases.map((c) => c.check.id)).size).toBe(hostChecks.length);
  });

  // The drill's table is keyed exactly as the fixtures record their command: each fixture is a simulated node.
  const drill = createDrillAccess({
    hosts: Object.fromEntries(
      cases.map(({ name, f }) => [
        name,
        { [f.command]: { stdout: f.stdout, stderr: f.stderr, exitCode: f.exitCode ?? 0 } },
      ]),
    ),
  });

  it.each(cases.map((c) => [c.name, c.check.id, c] as const))(
    '%s via drill and via manual paste → what %s parses directly',
    async (_name, _id, { name, check, f }) => {
      const params = { ...sampleHostParams[check.id], node: name };
      const direct = check.parse(f, check.params.parse(params));
      const viaDrill = await runHostCheck(check.id, params, drill);
      expect(viaDrill.outcome).toBe(direct.outcome);
      const { systemdDbusMs: _ms, ...facts } = direct.facts; // a duration: differs by nature
      expect(viaDrill.facts).toMatchObject(facts);
      // The user pastes what the terminal showed, and may not say the exit code.
      const manual = createManualAccess({ prompt: () => Promise.resolve({ output: `${f.stdout}${f.stderr}` }) });
      const viaManual = await runHostCheck(check.id, params, manual);
      expect(viaManual.outcome).toBe(direct.outcome);
    },
  );

  it('a command the node lacks is the error outcome, with the reason', async () => {
    const r = await runHostCheck('host.crictl-info', { node: 'systemctl-show-kubelet-running' }, drill);
    expect(r).toMatchObject({
      outcome: 'error',
      summary: 'command-missing: bash: crictl: command not found',
      facts: { errorKind: 'command-missing' },
    });
  });

  it('a hung command is a timeout error for an ordinary check…', async () => {
    const probe = defineHostCheck({
      id: 'host.test-probe',
      title: 'probe',
      why: 'test',
      params: z.object({ node: z.string() }),
      outcomes: ['ok'],
      healthy: ['ok'],
      facts: [],
      timeoutMs: 300,
      argv: () => ['ps', '-eo', 'pid,etimes,args'],
      parse: () => ({ outcome: 'ok', summary: 'ok', evidence: [], facts: {} }),
    });
    const hung = createDrillAccess({ hosts: { n: { 'ps -eo pid,etimes,args': { stdout: '', hang: true } } } });
    const ctx = { kube: undefined as never, nodes: hung, signal: new AbortController().signal, now: () => new Date() };
    await expect(probe.run(ctx, { node: 'n' })).rejects.toMatchObject({
      kind: 'timeout',
      message: 'ps -eo pid,etimes,args did not finish on n within 0.3s',
    });
  });

  it('…but the finding itself for the D-Bus checks', async () => {
    const hung = createDrillAccess({
      hosts: { n: { 'busctl --system --timeout=1 list --no-pager': { stdout: '', hang: true } } },
    });
    const r = await runHostCheck('host.dbus-names', { node: 'n', busTimeoutSeconds: 1 }, hung);
    expect(r.outcome).toBe('no-answer');
  });

  it('the manual command for the two-sample check is one a human can paste', () => {
    const steal = hostChecks.find((c) => c.id === 'host.cpu-steal');
    expect(steal?.command(steal.params.parse({ node: 'n' }))).toBe('cat /proc/stat; sleep 1; cat /proc/stat');
  });
});
