import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFirewall } from '../../../src/checks/host/firewall.js';
import { evaluateInput, parseFilterTable, parseRule } from '../../../src/checks/host/iptablesSave.js';
import { createDrillAccess } from '../../../src/nodeaccess/drill.js';
import { createLocalAccess } from '../../../src/nodeaccess/local.js';
import { fixture } from './fixtures.js';
import { runHostCheck } from './helpers.js';

const table = (name: string) => {
  const t = parseFilterTable(fixture(name).stdout);
  if (!t) throw new Error(`${name}: no filter table`);
  return t;
};

describe('host.firewall', () => {
  it('reads the rule of the brief: REJECT on --dport 443', () => {
    expect(parseRule('-A INPUT -p tcp -m tcp --dport 443 -j REJECT --reject-with icmp-port-unreachable')).toMatchObject(
      {
        chain: 'INPUT',
        protocol: 'tcp',
        ports: [{ from: 443, to: 443 }],
        target: 'REJECT',
        conditions: [],
      },
    );
    expect(parseRule('-A KUBE-NODEPORTS -p tcp -m multiport --dports 80,30000:32767 -j DROP')?.ports).toEqual([
      { from: 80, to: 80 },
      { from: 30000, to: 32767 },
    ]);
  });

  it('a plain REJECT for 443; 22 accepted; 10250 only from the node network, dropped for the rest', () => {
    const t = table('iptables-save-reject-443');
    expect(evaluateInput(t, 443)).toMatchObject({
      verdict: 'reject',
      by: '-A INPUT -p tcp -m tcp --dport 443 -j REJECT --reject-with icmp-port-unreachable',
    });
    expect(evaluateInput(t, 22).verdict).toBe('accept');
    expect(evaluateInput(t, 8080).verdict).toBe('accept');
    const kubelet = parseFirewall(fixture('iptables-save-reject-443'), { node: 'n', port: 10250 });
    expect(kubelet.outcome).toBe('blocks-port');
    expect(kubelet.summary).toBe(
      'the firewall DROPs (clients time out) new connections to TCP port 10250 (chain INPUT); only clients matching -s 10.0.0.0/8 get through',
    );
    expect(kubelet.evidence).toContainEqual({
      label: 'accepts some clients',
      value:
        '-A INPUT -s 10.0.0.0/8 -p tcp -m multiport --dports 6443,10250 -m comment --comment "kubelet and apiserver only from the node network" -j ACCEPT',
    });
  });

  it("firewalld's public zone: a port it does not allow falls through to INPUT's final REJECT", () => {
    const r = parseFirewall(fixture('iptables-save-firewalld-public'), { node: 'n', port: 10250 });
    expect(r.outcome).toBe('blocks-port');
    expect(r.facts).toMatchObject({
      blockingRule: '-A INPUT -j REJECT --reject-with icmp-host-prohibited',
      firewallVerdict: 'reject',
    });
    const allowed = parseFirewall(fixture('iptables-save-firewalld-public'), { node: 'n', port: 6443 });
    expect(allowed.outcome).toBe('open');
    expect(allowed.summary).toBe(
      'iptables lets new connections to TCP port 6443 through (chain IN_public_allow, firewalld zone public)',
    );
  });

  it("firewalld's deny chain: 443 is allowed, but rejected for one source network", () => {
    const r = parseFirewall(fixture('iptables-save-firewalld-public'), { node: 'n', port: 443 });
    expect(r.outcome).toBe('blocks-port');
    expect(r.summary).toBe(
      'the firewall blocks TCP port 443 for clients matching -s 203.0.113.0/24; others get through',
    );
    expect(r.evidence).toContainEqual({
      label: 'blocks some clients',
      value:
        '-A IN_public_deny -s 203.0.113.0/24 -p tcp -m tcp --dport 443 -j REJECT --reject-with icmp-port-unreachable',
    });
  });

  it('no rules at all is open; iptables-save as non-root is the denied error', () => {
    expect(parseFirewall(fixture('iptables-save-no-rules'), { node: 'n', port: 443 }).outcome).toBe('open');
    expect(parseFirewall(fixture('iptables-save-not-root'), { node: 'n', port: 443 })).toMatchObject({
      outcome: 'error',
      facts: { errorKind: 'denied' },
    });
  });

  const answer = (name: string) => {
    const f = fixture(name);
    return { stdout: f.stdout, stderr: f.stderr, exitCode: f.exitCode ?? 0 };
  };

  it('asks systemd about firewalld, then reads iptables-save', async () => {
    const drill = createDrillAccess({
      hosts: {
        gw: {
          'systemctl is-active firewalld': { stdout: 'active\n' },
          'iptables-save': answer('iptables-save-firewalld-public'),
        },
      },
    });
    const r = await runHostCheck('host.firewall', { node: 'gw', port: 10250 }, drill);
    expect(r.command).toBe('systemctl is-active firewalld; iptables-save');
    expect(r.outcome).toBe('blocks-port');
    expect(r.evidence[0]).toEqual({ label: 'systemctl is-active firewalld', value: 'active' });
    expect(r.facts.firewalldState).toBe('active');
  });

  it('firewalld active but no firewalld chains in iptables: its rules live in nftables', async () => {
    const drill = createDrillAccess({
      hosts: {
        gw: {
          'systemctl is-active firewalld': { stdout: 'active\n' },
          'iptables-save': answer('iptables-save-no-rules'),
        },
      },
    });
    expect((await runHostCheck('host.firewall', { node: 'gw', port: 443 }, drill)).outcome).toBe('firewalld-nftables');
  });

  it('firewalld inactive (exit 3) and no rules: open', async () => {
    const drill = createDrillAccess({
      hosts: {
        gw: {
          'systemctl is-active firewalld': { stdout: 'inactive\n', exitCode: 3 },
          'iptables-save': answer('iptables-save-no-rules'),
        },
      },
    });
    const r = await runHostCheck('host.firewall', { node: 'gw', port: 443 }, drill);
    expect(r).toMatchObject({ outcome: 'open', facts: { firewalldState: 'inactive' } });
  });

  it.skipIf(readFileSync('/proc/1/comm', 'utf8').trim() === 'systemd')(
    'on this machine: systemd is not there to ask about firewalld, and the check says so',
    async () => {
      const r = await runHostCheck(
        'host.firewall',
        { node: 'this-node', port: 443 },
        createLocalAccess({ anyNode: true }),
      );
      // iptables-save may be missing here (CI), or present with no rules loaded in this container.
      if (r.outcome === 'error') expect(r.facts.errorKind).toBe('command-missing');
      else {
        expect(r.evidence).toContainEqual({
          label: 'firewalld',
          value: 'unknown: systemd is not running on this host (PID 1 is not systemd)',
        });
        expect(['open', 'blocks-port']).toContain(r.outcome);
      }
    },
  );
});
