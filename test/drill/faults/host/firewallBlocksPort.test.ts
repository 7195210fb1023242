import { describe, expect, it } from 'vitest';
import { faultDrill } from './helpers.js';

describe('fault firewall-blocks-port', () => {
  const d = faultDrill([
    { fault: 'firewall-blocks-port', node: 'worker-1', port: 10250 },
    { fault: 'firewall-blocks-port', node: 'worker-2', port: 10250, action: 'DROP' },
  ]);

  it('firewalld is active and iptables-save has the rule that rejects the port', async () => {
    const active = await d.run('worker-1', 'systemctl is-active firewalld');
    expect(active).toMatchObject({ stdout: 'active\n', exitCode: 0 });
    const rules = await d.run('worker-1', 'iptables-save');
    expect(rules.stdout).toMatch(
      /^-A INPUT_direct -p tcp -m tcp --dport 10250 -j REJECT --reject-with icmp-port-unreachable$/m,
    );
    expect(rules.stdout).toMatch(/^-A INPUT -j INPUT_direct$/m);
    // kube-proxy's rules are still there, after firewalld's.
    expect(rules.stdout).toMatch(/^-A KUBE-SERVICES -d 10\.96\.0\.1\/32 /m);
    expect((await d.run('worker-2', 'iptables-save')).stdout).toMatch(
      /^-A INPUT_direct -p tcp -m tcp --dport 10250 -j DROP$/m,
    );
  });

  it('the firewall check names the blocked port; an unaffected node is open', async () => {
    const r = await d.host('host.firewall', { node: 'worker-1', port: 10250 });
    expect(r.outcome).toBe('blocks-port');
    expect((await d.host('host.firewall', { node: 'worker-2', port: 10250 })).outcome).toBe('blocks-port');
    expect((await d.host('host.firewall', { node: 'worker-3', port: 10250 })).outcome).toBe('open');
    expect((await d.host('host.firewall', { node: 'worker-1', port: 22 })).outcome).toBe('open');
  });
});
