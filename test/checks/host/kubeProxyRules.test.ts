import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ranOutput } from './helpers.js';
import { kubeProxyRules, kubeProxyRulesArgv, parseKubeProxyRules } from '../../../src/checks/host/kubeProxyRules.js';
import { shellQuote } from '../../../src/nodeaccess/quote.js';
import { parseIpvsServiceRules, parseIptablesServiceRules } from '../../../src/kube/kubeProxyRules.js';

/** Real output from public threads (each file's first line cites it), read as pasted. */
const fixture = (name: string): string =>
  readFileSync(join(import.meta.dirname, '../../fixtures/kube-proxy', `${name}.txt`), 'utf8');
const run = (stdout: string) => ranOutput(stdout);

describe('iptables-save, as people paste it', () => {
  it('a Service without endpoints: the REJECT kube-proxy writes (weave#3392)', () => {
    expect(parseIptablesServiceRules(fixture('iptables-no-endpoints-weave-3392'), '10.109.72.150', 8080)).toMatchObject(
      { found: 'no-endpoints' },
    );
    const r = parseKubeProxyRules(run(fixture('iptables-no-endpoints-weave-3392')), {
      node: 'n1',
      clusterIP: '10.98.70.92',
      port: 80,
      endpoints: '',
      mode: 'iptables',
    });
    expect(r.outcome).toBe('no-endpoints-rule');
    expect(r.summary).toContain('sees no ready endpoint');
  });

  it('a Service the paste does not name has no rule', () => {
    expect(parseIptablesServiceRules(fixture('iptables-no-endpoints-weave-3392'), '10.96.0.10', 53).found).toBe('none');
  });

  it('KUBE-SVC → KUBE-SEP → DNAT, found from the ClusterIP match inside the KUBE-SVC chain (kubernetes#110659)', () => {
    const rules = parseIptablesServiceRules(fixture('iptables-svc-sep-110659'), '10.104.135.179', 443);
    expect(rules).toMatchObject({ found: 'service', destinations: ['10.1.75.149:9443'] });
    const ok = parseKubeProxyRules(run(fixture('iptables-svc-sep-110659')), {
      node: 'master',
      clusterIP: '10.104.135.179',
      port: 443,
      endpoints: '10.1.75.149',
      mode: 'iptables',
    });
    expect(ok.outcome).toBe('rules-match');
    const stale = parseKubeProxyRules(run(fixture('iptables-svc-sep-110659')), {
      node: 'master',
      clusterIP: '10.104.135.179',
      port: 443,
      endpoints: '10.1.80.3',
      mode: 'iptables',
    });
    expect(stale).toMatchObject({
      outcome: 'stale-endpoints',
      facts: { staleEndpoints: '10.1.75.149', missingEndpoints: '10.1.80.3' },
    });
  });

  it('numbered grep output, two rules glued on one line (kubernetes#44516)', () => {
    const rules = parseIptablesServiceRules(fixture('iptables-grep-numbered-44516'), '10.100.200.6', 4342);
    expect(rules.found).toBe('service');
    // The KUBE-SVC chain's own lines were not pasted: no endpoint is known, and that is said.
    expect(rules.destinations).toEqual([]);
  });
});

describe('iptables-nft beside iptables-legacy tables (kubernetes#107965, #109811)', () => {
  const params = {
    node: 'worker-1',
    clusterIP: '10.104.135.179',
    port: 443,
    endpoints: '10.1.75.149',
    mode: 'iptables',
  };

  it('no rule and the legacy warning: unknown, with the command that reads the other tables (dev-sec#274)', () => {
    const r = parseKubeProxyRules(run(fixture('iptables-save-nft-legacy-warning-devsec-274')), params);
    expect(r.outcome).toBe('error');
    expect(r.facts).toMatchObject({ errorKind: 'other-backend' });
    expect(r.summary).toContain('iptables-legacy-save on worker-1');
    expect(r.summary).not.toMatch(/kube-proxy has no rule/);
    expect(r.evidence.map((e) => e.value)).toContain(
      '# Warning: iptables-legacy tables present, use iptables-legacy-save to see them',
    );
  });

  it('iptables -L pasted instead, with the same warning (kubernetes#107965): not read, and the other tables named', () => {
    const r = parseKubeProxyRules(run(fixture('iptables-L-nat-legacy-warning-107965')), params);
    expect(r).toMatchObject({ outcome: 'error', facts: { errorKind: 'bad-output' } });
    expect(r.summary).toContain('iptables-legacy-save on worker-1');
  });

  it('the warning on stderr, as iptables-save prints it, reads the same', () => {
    const lines = fixture('iptables-save-nft-legacy-warning-devsec-274').split('\n');
    const warning = lines.filter((l) => l.startsWith('# Warning:')).join('\n');
    const stdout = lines.filter((l) => !l.startsWith('# Warning:')).join('\n');
    const r = parseKubeProxyRules({ ...run(stdout), stderr: `${warning}\n` }, params);
    expect(r).toMatchObject({ outcome: 'error', facts: { errorKind: 'other-backend' } });
  });

  it('without the warning, the same empty tables are no rule', () => {
    const stdout = fixture('iptables-save-nft-legacy-warning-devsec-274')
      .split('\n')
      .filter((l) => !l.startsWith('# Warning:'))
      .join('\n');
    expect(parseKubeProxyRules(run(stdout), params).outcome).toBe('no-rules');
  });

  it('the rule found: the warning changes nothing (kubernetes#110659 rules, dev-sec#274 warning on stderr)', () => {
    const warning = fixture('iptables-save-nft-legacy-warning-devsec-274')
      .split('\n')
      .filter((l) => l.startsWith('# Warning:'))
      .join('\n');
    const r = parseKubeProxyRules(
      { ...run(fixture('iptables-svc-sep-110659')), stderr: `${warning}\n` },
      {
        ...params,
        node: 'master',
      },
    );
    expect(r.outcome).toBe('rules-match');
  });
});

describe('a mode plumbline does not read', () => {
  it('nftables: said as not read, with the nft command, instead of bad parameters', async () => {
    const p = kubeProxyRules.params.parse({ node: 'worker-1', clusterIP: '10.96.0.10', port: '53', mode: 'nftables' });
    expect(shellQuote(kubeProxyRulesArgv(p))).toBe('nft list table ip kube-proxy');
    const nodes = {
      run: () => {
        throw new Error('nothing should run on the node');
      },
    };
    const r = await kubeProxyRules.run({ nodes } as unknown as Parameters<typeof kubeProxyRules.run>[0], p);
    expect(r).toMatchObject({ outcome: 'error', facts: { errorKind: 'mode-not-read' } });
    expect(r.summary).toBe(
      'kube-proxy runs in nftables mode on worker-1; plumbline does not read nftables rules: nft list table ip kube-proxy on worker-1 shows them',
    );
    // A pasted answer (manual mode) is not read as iptables-save either.
    expect(parseKubeProxyRules(run(fixture('iptables-svc-sep-110659')), p).outcome).toBe('error');
  });

  it("an empty mode in kube-proxy's ConfigMap is iptables", () => {
    expect(kubeProxyRules.params.parse({ node: 'n', clusterIP: '10.0.0.1', port: 80, mode: '' }).mode).toBe('iptables');
  });
});

describe('ipvsadm', () => {
  it('-L without -n: ports as names (kube-router#415)', () => {
    expect(parseIpvsServiceRules(fixture('ipvsadm-L-names-kube-router-415'), '100.64.134.163', 80)).toMatchObject({
      found: 'service',
      destinations: ['100.98.126.28:3000', '100.98.253.19:3000', '100.99.106.8:3000'],
    });
    const r = parseKubeProxyRules(run(fixture('ipvsadm-L-names-kube-router-415')), {
      node: 'n1',
      clusterIP: '100.64.146.70',
      port: 80,
      endpoints: '100.96.12.74,100.97.229.187,100.104.84.44',
      mode: 'ipvs',
    });
    expect(r.outcome).toBe('rules-match');
    expect(parseIpvsServiceRules(fixture('ipvsadm-L-names-kube-router-415'), '100.64.0.1', 443).found).toBe('none');
  });

  it('output that is not ipvsadm is named, not read', () => {
    const r = parseKubeProxyRules(run('hello\n'), {
      node: 'n1',
      clusterIP: '10.0.0.1',
      port: 80,
      endpoints: '',
      mode: 'ipvs',
    });
    expect(r).toMatchObject({ outcome: 'error', facts: { errorKind: 'bad-output' } });
  });
});
