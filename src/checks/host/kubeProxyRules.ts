import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Evidence } from '../types.js';
import { allOutput, clip, defineHostCheck, hostError, nodeParam } from './define.js';
import {
  legacyTablesWarning,
  kubeProxyRulesCommand,
  parseIpvsServiceRules,
  parseIptablesServiceRules,
  parseNftablesServiceRules,
} from '../../kube/kubeProxyRules.js';

const outcomes = ['rules-match', 'no-endpoints-rule', 'no-rules', 'stale-endpoints'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  node: nodeParam,
  clusterIP: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65535),
  /** The endpoints the API lists (pod IPs, comma-separated): what the rules should send to. */
  endpoints: z.string().default(''),
  /** kube-proxy's mode as its ConfigMap says; a mode plumbline does not read is said, not refused as a bad parameter. */
  mode: z
    .string()
    .default('iptables')
    .transform((m) => m.trim() || 'iptables'),
});
type Params = z.infer<typeof params>;

/** nftables keeps IPv4 and IPv6 rules in separate tables: the one for the ClusterIP's family. */
const nftFamily = (p: Params) => (p.clusterIP.includes(':') ? 'ip6' : 'ip');

export function kubeProxyRulesArgv(p: Params): string[] {
  return kubeProxyRulesCommand(p.mode, p.clusterIP);
}

/**
 * A mode plumbline has no parser for (one it does not know): said as not read,
 * so the walk goes past instead of reading an absence it never looked for.
 */
function notRead(p: Params): CheckResult<never> | undefined {
  if (p.mode === 'iptables' || p.mode === 'ipvs' || p.mode === 'nftables') return undefined;
  return hostError(
    `kube-proxy runs in ${p.mode} mode on ${p.node}; plumbline does not read ${p.mode} rules (only iptables, ipvs and nftables)`,
    'mode-not-read',
    [{ label: 'kube-proxy mode', value: p.mode }],
  );
}

/**
 * What nft prints when it cannot show kube-proxy's table: not installed, not
 * root, or no such table (nft 1.0.6: `Error: No such file or directory` over
 * `list table ip kube-proxy`; later releases add `; did you mean table
 * 'kube-proxy' in family ip6?`). A missing table is not a missing rule: kube-proxy
 * has written no nftables rules there at all, which says where to look next.
 */
function nftUnread(r: RunResult, text: string, p: Params): CheckResult<never> | undefined {
  if (/^table (ip6?|inet) kube-proxy\b/m.test(r.stdout)) return undefined;
  const first = clip(text.split('\n').find((l) => l.trim()) ?? '');
  if (/Operation not permitted|you must be root/.test(text))
    return hostError(`nft was refused: run it as root`, 'denied', [{ label: 'nft', value: first }]);
  if (/command not found|nft: not found|exec: "nft": executable file not found/.test(text) || r.exitCode === 127)
    return hostError(
      `nft is not installed on ${p.node}, so kube-proxy's nftables rules cannot be read this way (kube-proxy's own pod has it: kubectl -n kube-system exec <its kube-proxy pod> -- ${kubeProxyRulesArgv(p).join(' ')})`,
      'command-missing',
    );
  if (/^Error: No such file or directory/m.test(text) && /list table|did you mean/.test(text)) {
    const other = /did you mean table .kube-proxy. in family (\w+)/.exec(text)?.[1];
    return hostError(
      `${p.node} has no table ${nftFamily(p)} kube-proxy: kube-proxy has written no nftables rules there (not running, not synced yet, or running in another mode than its ConfigMap says; iptables-save or ipvsadm -Ln on ${p.node} would show)${other ? `; nft says a kube-proxy table exists in family ${other}` : ''}. Whether ${p.clusterIP}:${p.port} is forwarded is not known from this`,
      'no-table',
      [{ label: kubeProxyRulesArgv(p).join(' '), value: clip(text.trim().split('\n').join(' | '), 200) }],
    );
  }
  return undefined;
}

export function parseKubeProxyRules(r: RunResult, p: Params): CheckResult<Outcome> {
  const skipped = notRead(p);
  if (skipped) return skipped;
  const text = allOutput(r);
  const tool = p.mode === 'ipvs' ? 'ipvsadm' : p.mode === 'nftables' ? 'nft' : 'iptables-save';
  if (p.mode === 'nftables') {
    const unread = nftUnread(r, text, p);
    if (unread) return unread;
  }
  if (
    p.mode !== 'nftables' &&
    /Permission denied|you must be root|Can't initialize ipvs/i.test(text) &&
    !/^(\*nat|IP Virtual Server)/m.test(text)
  ) {
    return hostError(`${tool} was refused: run it as root`, 'denied', [
      { label: tool, value: clip(text.split('\n')[0] ?? '') },
    ]);
  }
  if (
    p.mode !== 'nftables' &&
    /command not found|No such file or directory|not found$/m.test(text) &&
    !/^(\*nat|\*filter|IP Virtual Server)/m.test(text)
  ) {
    return hostError(
      `${tool} is not installed on ${p.node}, so kube-proxy's rules cannot be read this way${p.mode === 'ipvs' ? '' : ' (nft list ruleset shows nftables-mode rules)'}`,
      'command-missing',
    );
  }
  const looksRight =
    p.mode === 'ipvs'
      ? /IP Virtual Server|->\s/.test(text)
      : p.mode === 'nftables'
        ? /^table (ip6?|inet) kube-proxy \{|^\s*(map|chain) \S+ \{/m.test(text)
        : /^-A |^\*nat|^\*filter/m.test(text);
  if (!looksRight)
    return hostError(
      `this is not ${tool} output${legacyTablesWarning.test(text) ? `; it warns that iptables-legacy tables are present, which iptables-legacy-save on ${p.node} shows` : ''}`,
      'bad-output',
      [{ label: 'output', value: clip(text.split('\n')[0] ?? '(empty)') }],
    );
  const rules =
    p.mode === 'ipvs'
      ? parseIpvsServiceRules(text, p.clusterIP, p.port)
      : p.mode === 'nftables'
        ? parseNftablesServiceRules(r.stdout, p.clusterIP, p.port)
        : parseIptablesServiceRules(text, p.clusterIP, p.port);
  const shown = p.mode === 'nftables' ? kubeProxyRulesArgv(p).join(' ') : `${tool} | grep ${p.clusterIP}`;
  const evidence: Evidence[] = rules.lines
    .slice(0, 6)
    .map((l, i) => ({ label: i === 0 ? shown : 'then', value: clip(l, 200) }));
  const expected = p.endpoints
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const at = `${p.clusterIP}:${p.port} on ${p.node}`;
  switch (rules.found) {
    case 'none': {
      // iptables-nft does not show what iptables-legacy wrote (kubernetes#107965): kube-proxy's image may
      // use the other backend, so no rule here is not no rule on the node.
      const warning = p.mode === 'iptables' ? legacyTablesWarning.exec(text)?.[0] : undefined;
      if (warning)
        return hostError(
          `no rule for ${at} in what iptables-save shows, but it warns that iptables-legacy tables are present: kube-proxy may write its rules there (its image's iptables backend differs from the host's), so whether they exist is unknown. Read them with iptables-legacy-save on ${p.node}`,
          'other-backend',
          [
            { label: `${tool} | grep ${p.clusterIP}`, value: '(no rule)' },
            { label: tool, value: clip(warning, 200) },
          ],
        );
      return {
        outcome: 'no-rules',
        summary: `kube-proxy has no rule for ${at}: the Service's address goes nowhere from this node (kube-proxy not running or not syncing${p.mode === 'iptables' ? ', or running in another mode' : ''})`,
        evidence: [{ label: shown, value: '(no rule)' }],
        facts: { ruleEndpoints: '(none)' },
      };
    }
    case 'no-endpoints':
      return {
        outcome: 'no-endpoints-rule',
        // nftables mode drops instead of rejecting where the Service's traffic policy asks for it.
        summary: `kube-proxy ${/: drop$/.test(rules.lines[0] ?? '') ? 'drops' : 'rejects'} ${at}: it sees no ready endpoint for the Service`,
        evidence,
        facts: { ruleEndpoints: '(none)' },
      };
    case 'service': {
      // The rule that takes the address is shown, the ones that pick a pod are not (a grep, an excerpt).
      if (rules.destinations.length === 0)
        return hostError(
          `kube-proxy has a rule for ${at}, but the output does not show where it sends it (the endpoint rules are not in it)`,
          'partial-output',
          evidence,
        );
      const ips = rules.destinations.map((d) => d.replace(/:[^:]+$/, ''));
      const stale = ips.filter((ip) => expected.length > 0 && !expected.includes(ip));
      const missing = expected.filter((ip) => !ips.includes(ip));
      const facts = { ruleEndpoints: rules.destinations.join(',') || '(none)' };
      if (expected.length > 0 && (stale.length > 0 || missing.length > 0)) {
        return {
          outcome: 'stale-endpoints',
          summary: `kube-proxy's rules for ${at} send to ${rules.destinations.join(', ')}, but the endpoints are ${expected.join(', ')}: its rules are out of date (it stopped syncing)`,
          evidence: [...evidence, { label: 'endpoints in the API', value: expected.join(', ') }],
          facts: {
            ...facts,
            staleEndpoints: stale.join(',') || '(none)',
            missingEndpoints: missing.join(',') || '(none)',
          },
        };
      }
      return {
        outcome: 'rules-match',
        summary: `kube-proxy forwards ${at} to ${rules.destinations.join(', ')}${expected.length > 0 ? ', as the endpoints say' : ''}`,
        evidence,
        facts,
      };
    }
  }
}

const hostCheck = defineHostCheck({
  id: 'host.kube-proxy-rules',
  title: "Do kube-proxy's rules on the node send the Service's address to its endpoints?",
  why: 'The API can list endpoints that a node never learnt: kube-proxy writes them into iptables, IPVS or nftables, and a kube-proxy that stopped syncing leaves old pod addresses, or none, behind.',
  params,
  outcomes,
  healthy: ['rules-match'],
  facts: ['ruleEndpoints', 'staleEndpoints', 'missingEndpoints'],
  sets: { '*': ['ruleEndpoints'], 'stale-endpoints': ['staleEndpoints', 'missingEndpoints'] },
  argv: kubeProxyRulesArgv,
  parse: parseKubeProxyRules,
});

/**
 * kube-proxy's rules for one Service on one node: the host-side half of "the
 * Service has endpoints but connections fail from this node". iptables mode
 * reads iptables-save, IPVS mode ipvsadm -Ln, nftables mode nft list table
 * ip kube-proxy; a mode it does not know is said as not read, without running
 * a command whose output nothing would read.
 */
export const kubeProxyRules: typeof hostCheck = {
  ...hostCheck,
  run: async (ctx, p) => notRead(p) ?? hostCheck.run(ctx, p),
};
