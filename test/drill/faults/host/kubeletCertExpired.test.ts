import { describe, expect, it } from 'vitest';
import { faultDrill, nodeView } from './helpers.js';

describe('fault kubelet-cert-expired', () => {
  const d = faultDrill([{ fault: 'kubelet-cert-expired', node: 'worker-1', since: 'now-2h' }]);

  it('openssl shows the client certificate expired two hours ago; the certificate and journal checks name it', async () => {
    const expiry = new Date(d.t.now.getTime() - 2 * 3600_000);
    const openssl = await d.run(
      'worker-1',
      'openssl x509 -enddate -noout -in /var/lib/kubelet/pki/kubelet-client-current.pem',
    );
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    expect(openssl.stdout).toBe(
      `notAfter=${months[expiry.getUTCMonth()]} ${String(expiry.getUTCDate()).padStart(2, ' ')} ${expiry.toISOString().slice(11, 19)} ${expiry.getUTCFullYear()} GMT\n`,
    );
    expect((await d.host('host.certificates-on-disk', { node: 'worker-1' })).outcome).toBe('expired');
    const journal = await d.host('host.kubelet-journal', { node: 'worker-1' });
    expect(journal.outcome).toBe('certificate');
    const raw = await d.run('worker-1', 'journalctl -u kubelet --since=-15m -o short-iso --no-pager -n 2000');
    const after = expiry.toISOString().replace('.000Z', 'Z');
    expect(raw.stdout).toMatch(
      new RegExp(
        `^\\S+ worker-1 kubelet\\[\\d+\\]: E\\d{4} .*"Failed to ensure lease exists, will retry" err=".*x509: certificate has expired or is not yet valid: current time \\S+ is after ${after}" interval="7s"$`,
        'm',
      ),
    );
    expect(raw.stdout).toMatch(
      /"The currently active client certificate has expired, but the server is not responsive\. A restart may be necessary to retrieve new initial credentials\."$/m,
    );
  });

  it('the kubelet still runs, but the node has been Unknown since the expiry', async () => {
    expect((await d.host('host.kubelet-service', { node: 'worker-1' })).outcome).toBe('running');
    expect(await d.kubectl('get', 'node', 'worker-1')).toMatch(/^worker-1\s+NotReady\s/m);
    const node = nodeView(await d.get('node', 'worker-1'));
    expect(node.conditions.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
    });
    const lease = await d.t.check('node.heartbeat-lease', { name: 'worker-1' });
    expect(lease).toMatchObject({ outcome: 'stale', facts: { leaseAgeSeconds: 7200 } });
  });
});
