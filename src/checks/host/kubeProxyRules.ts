import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Evidence } from '../types.js';
import { allOutput, clip, defineHostCheck, hostError, nodeParam } from './define.js';
import { legacyTablesWarning, parseIpvsServiceRules, parseIptablesServiceRules } from '../../kube/kubeProxyRules.js';

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

export function kubeProxyRulesArgv(p: Params): string[] {
  if (p.mode === 'nftables') return ['nft', 'list', 'table', 'ip', 'kube-proxy'];
  return p.mode === 'ipvs' ? ['ipvsadm', '-Ln'] : ['iptables-save'];
}

/**
 * A mode whose rules plumbline has no parser for (nftables, since 1.29; or one it
 * does not know): said as not read, with the command that shows them, so the walk
 * goes past instead of reading an absence it never looked for.
 */
function notRead(p: Params): CheckResult<never> | undefined {
  if (p.mode === 'iptables' || p.mode === 'ipvs') return undefined;
  const how =
    p.mode === 'nftables'
      ? `: ${kubeProxyRulesArgv(p).join(' ')} on ${p.node} shows them`
      : ' (only iptables and ipvs)';
  return hostError(
    `kube-proxy runs in ${p.mode} mode on ${p.node}; plumbline does not read ${p.mode} rules${how}`,
    'mode-not-read',
    [{ label: 'kube-proxy mode', value: p.mode }],
  );
}

export function parseKubeProxyRules(r: RunResult, p: Params): CheckResult<Outcome> {
  const skipped = notRead(p);
  if (skipped) return skipped;
  const text = allOutput(r);
  const tool = p.mode === 'ipvs' ? 'ipvsadm' : 'iptables-save';
  if (
    /Permission denied|you must be root|Can't initialize ipvs/i.test(text) &&
    !/^(\*nat|IP Virtual Server)/m.test(text)
  ) {
    return hostError(`${tool} was refused: run it as root`, 'denied', [
      { label: tool, value: clip(text.split('\n')[0] ?? '') },
    ]);
  }
  if (
    /command not found|No such file or directory|not found$/m.test(text) &&
    !/^(\*nat|\*filter|IP Virtual Server)/m.test(text)
  ) {
    return hostError(
      `${tool} is not installed on ${p.node}, so kube-proxy's rules cannot be read this way${p.mode === 'ipvs' ? '' : ' (nft list ruleset shows nftables-mode rules)'}`,
      'command-missing',
    );
  }
  const looksRight = p.mode === 'ipvs' ? /IP Virtual Server|->\s/.test(text) : /^-A |^\*nat|^\*filter/m.test(text);
  if (!looksRight)
    return hostError(
      `this is not ${tool} output${legacyTablesWarning.test(text) ? `; it warns that iptables-legacy tables are present, which iptables-legacy-save on ${p.node} shows` : ''}`,
      'bad-output',
      [{ label: 'output', value: clip(text.split('\n')[0] ?? '(empty)') }],
    );
  const rules =
    p.mode === 'ipvs'
      ? parseIpvsServiceRules(text, p.clusterIP, p.port)
      : parseIptablesServiceRules(text, p.clusterIP, p.port);
  const evidence: Evidence[] = rules.lines
    .slice(0, 6)
    .map((l, i) => ({ label: i === 0 ? `${tool} | grep ${p.clusterIP}` : 'then', value: clip(l, 200) }));
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
        evidence: [{ label: `${tool} | grep ${p.clusterIP}`, value: '(no rule)' }],
        facts: { ruleEndpoints: '(none)' },
      };
    }
    case 'no-endpoints':
      return {
        outcome: 'no-endpoints-rule',
        summary: `kube-proxy rejects ${at}: it sees no ready endpoint for the Service`,
        evidence,
        facts: { ruleEndpoints: '(none)' },
      };
    case 'service': {
      const ips = rules.destinations.map((d) => d.replace(/:[^:]+$/, ''));
      const stale = ips.filter((ip) => expected.length > 0 && !expected.includes(ip));
      const missing = expected.filter((ip) => !ips.includes(ip));
      const facts = { ruleEndpoints: rules.destinations.join(',') || '(none)' };
      if (expected.length > 0 && (stale.length > 0 || missing.length > 0)) {
        return {
          outcome: 'stale-endpoints',
          summary: `kube-proxy's rules for ${at} send to ${rules.destinations.join(', ') || 'nothing'}, but the endpoints are ${expected.join(', ')}: its rules are out of date (it stopped syncing)`,
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
  why: 'The API can list endpoints that a node never learnt: kube-proxy writes them into iptables or IPVS, and a kube-proxy that stopped syncing leaves old pod addresses, or none, behind.',
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
 * reads iptables-save, IPVS mode ipvsadm -Ln; nftables mode is said as not
 * read, without running a command whose output nothing would read.
 */
export const kubeProxyRules: typeof hostCheck = {
  ...hostCheck,
  run: async (ctx, p) => notRead(p) ?? hostCheck.run(ctx, p),
};
