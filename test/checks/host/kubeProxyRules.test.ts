import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture as hostFixture } from './fixtures.js';
import { ranOutput } from './helpers.js';
import { kubeProxyRules, kubeProxyRulesArgv, parseKubeProxyRules } from '../../../src/checks/host/kubeProxyRules.js';
import { shellQuote } from '../../../src/nodeaccess/quote.js';
import {
  parseIpvsServiceRules,
  parseIptablesServiceRules,
  parseNftablesServiceRules,
} from '../../../src/kube/kubeProxyRules.js';

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
  it('an unknown mode: said as not read, without running anything, instead of bad parameters', async () => {
    const p = kubeProxyRules.params.parse({
      node: 'worker-1',
      clusterIP: '10.96.0.10',
      port: '53',
      mode: 'kernelspace',
    });
    const nodes = {
      run: () => {
        throw new Error('nothing should run on the node');
      },
    };
    const r = await kubeProxyRules.run({ nodes } as unknown as Parameters<typeof kubeProxyRules.run>[0], p);
    expect(r).toMatchObject({ outcome: 'error', facts: { errorKind: 'mode-not-read' } });
    expect(r.summary).toBe(
      'kube-proxy runs in kernelspace mode on worker-1; plumbline does not read kernelspace rules (only iptables, ipvs and nftables)',
    );
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

/**
 * nftables mode, on nft's own printing of kube-proxy's rules (test/fixtures/host/nft-*: kube-proxy's proxier_test.go
 * rule text loaded into a network namespace and listed by nft 1.0.6; nft's errors as it prints them).
 */
describe('nft list table ip kube-proxy', () => {
  const nft = (clusterIP: string, endpoints = '', port = 80) =>
    kubeProxyRules.params.parse({ node: 'worker-1', clusterIP, port, endpoints, mode: 'nftables' });

  it('runs nft for the ClusterIP family: ip, or ip6 for an IPv6 ClusterIP', () => {
    expect(shellQuote(kubeProxyRulesArgv(nft('10.96.0.10')))).toBe('nft list table ip kube-proxy');
    expect(shellQuote(kubeProxyRulesArgv(nft('fd00:10:96::a')))).toBe('nft list table ip6 kube-proxy');
  });

  it('service-ips → service chain → numgen vmap → endpoint chains that DNAT: the endpoints the API lists', () => {
    const out = hostFixture('nft-kube-proxy-overall');
    expect(parseNftablesServiceRules(out.stdout, '172.30.0.44', 80)).toMatchObject({
      found: 'service',
      destinations: ['10.180.0.4:80', '10.180.0.5:80'],
    });
    const r = parseKubeProxyRules(out, nft('172.30.0.44', '10.180.0.4,10.180.0.5'));
    expect(r.outcome).toBe('rules-match');
    expect(r.summary).toBe(
      'kube-proxy forwards 172.30.0.44:80 on worker-1 to 10.180.0.4:80, 10.180.0.5:80, as the endpoints say',
    );
    expect(r.evidence[0]).toEqual({
      label: 'nft list table ip kube-proxy',
      value: '172.30.0.44 . tcp . 80 : goto service-LAUZTJTB-ns4/svc4/tcp/p80',
    });
    expect(r.evidence.map((e) => e.value)).toContain('meta l4proto tcp dnat to 10.180.0.5:80');
  });

  it('endpoints that moved on: the rules still send to the old pod (stale-endpoints)', () => {
    const r = parseKubeProxyRules(hostFixture('nft-kube-proxy-overall'), nft('172.30.0.44', '10.180.0.4,10.180.0.9'));
    expect(r).toMatchObject({
      outcome: 'stale-endpoints',
      facts: {
        ruleEndpoints: '10.180.0.4:80,10.180.0.5:80',
        staleEndpoints: '10.180.0.5',
        missingEndpoints: '10.180.0.9',
      },
    });
  });

  it('a Service without endpoints: its no-endpoint-services entry, goto reject-chain', () => {
    const r = parseKubeProxyRules(hostFixture('nft-kube-proxy-overall'), nft('172.30.0.46'));
    expect(r.outcome).toBe('no-endpoints-rule');
    expect(r.summary).toBe('kube-proxy rejects 172.30.0.46:80 on worker-1: it sees no ready endpoint for the Service');
    expect(r.evidence[0]?.value).toBe('172.30.0.46 . tcp . 80 comment "ns6/svc6:p80" : goto reject-chain');
  });

  it('a LoadBalancer IP with Local traffic policy and no local endpoint: only pod and local traffic go on, the rest is dropped', () => {
    const r = parseKubeProxyRules(hostFixture('nft-kube-proxy-overall'), nft('1.2.3.4'));
    expect(r.outcome).toBe('no-endpoints-rule');
    expect(r.summary).toContain('kube-proxy drops 1.2.3.4:80');
  });

  it('an ExternalIP with Cluster policy: the external chain hands every packet to the service chain', () => {
    expect(parseNftablesServiceRules(hostFixture('nft-kube-proxy-overall').stdout, '192.168.99.33', 80)).toMatchObject({
      found: 'service',
      destinations: ['10.180.0.4:80', '10.180.0.5:80'],
    });
  });

  it('session affinity: the affinity goto and the vmap name the same endpoint once', () => {
    expect(parseNftablesServiceRules(hostFixture('nft-kube-proxy-overall').stdout, '172.30.0.45', 80)).toMatchObject({
      found: 'service',
      destinations: ['10.180.0.3:80'],
    });
  });

  it('an address the table does not name has no rule; the same port on another address neither', () => {
    const out = hostFixture('nft-kube-proxy-overall');
    expect(parseKubeProxyRules(out, nft('172.30.0.99')).outcome).toBe('no-rules');
    expect(parseNftablesServiceRules(out.stdout, '172.30.0.41', 443).found).toBe('none');
  });

  it('the DNAT in the service chain itself (dnat ip to numgen random mod N map, kubernetes#140362 base)', () => {
    const r = parseKubeProxyRules(hostFixture('nft-kube-proxy-dnat-map'), nft('172.30.0.41', '10.180.0.1'));
    expect(r).toMatchObject({ outcome: 'rules-match', facts: { ruleEndpoints: '10.180.0.1:80' } });
  });

  it('nft -a: the handles change nothing', () => {
    const out = hostFixture('nft-kube-proxy-overall');
    let n = 0;
    const withHandles = out.stdout
      .split('\n')
      .map((l) =>
        /\S/.test(l) && l.trim() !== '}' && !/^\s*(type|comment|elements|\d)/.test(l) ? `${l} # handle ${++n}` : l,
      )
      .join('\n');
    expect(parseNftablesServiceRules(withHandles, '172.30.0.44', 80).destinations).toEqual([
      '10.180.0.4:80',
      '10.180.0.5:80',
    ]);
  });

  it('no table ip kube-proxy: said as no nftables rules at all, not as no rule for the Service', () => {
    const r = parseKubeProxyRules(hostFixture('nft-kube-proxy-no-table'), nft('10.96.0.10', '', 53));
    expect(r).toMatchObject({ outcome: 'error', facts: { errorKind: 'no-table' } });
    expect(r.summary).toContain('worker-1 has no table ip kube-proxy: kube-proxy has written no nftables rules there');
    expect(r.summary).toContain('Whether 10.96.0.10:53 is forwarded is not known from this');
  });

  it("nft's hint of the other family's table is passed on", () => {
    const stderr = `Error: No such file or directory; did you mean table 'kube-proxy' in family ip6?\nlist table ip kube-proxy\n              ^^^^^^^^^^\n`;
    const r = parseKubeProxyRules({ ...hostFixture('nft-kube-proxy-no-table'), stderr }, nft('10.96.0.10', '', 53));
    expect(r.summary).toContain('nft says a kube-proxy table exists in family ip6');
  });

  it('not root: refused, not read', () => {
    const r = parseKubeProxyRules(hostFixture('nft-not-root'), nft('10.96.0.10', '', 53));
    expect(r).toMatchObject({
      outcome: 'error',
      facts: { errorKind: 'denied' },
      summary: 'nft was refused: run it as root',
    });
  });

  it('nft not installed (bash: nft: command not found)', () => {
    const r = parseKubeProxyRules(hostFixture('nft-missing'), nft('10.96.0.10', '', 53));
    expect(r).toMatchObject({ outcome: 'error', facts: { errorKind: 'command-missing' } });
    expect(r.summary).toContain('nft is not installed on worker-1');
  });

  it('iptables-save pasted for an nftables-mode node is not read as nft output', () => {
    const r = parseKubeProxyRules(run(fixture('iptables-svc-sep-110659')), nft('10.104.135.179', '10.1.75.149', 443));
    expect(r).toMatchObject({ outcome: 'error', facts: { errorKind: 'bad-output' } });
    expect(r.summary).toBe('this is not nft output');
  });

  it('through the check, as the engine runs it: the command, then the reading', async () => {
    const out = hostFixture('nft-kube-proxy-overall');
    const seen: string[][] = [];
    const nodes = {
      run: (_node: string, argv: string[]) => {
        seen.push(argv);
        return Promise.resolve(out);
      },
    };
    const r = await kubeProxyRules.run(
      { nodes, now: () => new Date() } as unknown as Parameters<typeof kubeProxyRules.run>[0],
      nft('172.30.0.41', '10.180.0.1'),
    );
    expect(seen).toEqual([['nft', 'list', 'table', 'ip', 'kube-proxy']]);
    expect(r.outcome).toBe('rules-match');
  });
});
