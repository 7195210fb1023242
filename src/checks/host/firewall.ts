import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { allOutput, clip, firstLine, hostError, nodeParam } from './define.js';
import { evaluateInput, parseFilterTable } from './iptablesSave.js';
import type { Rule } from './iptablesSave.js';
import { defineHostSequenceCheck } from './sequence.js';
import { parseStatusBlocks } from './systemd.js';

const outcomes = ['open', 'blocks-port', 'firewalld-nftables'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  node: nodeParam,
  port: z.coerce.number().int().min(1).max(65535).default(10250),
});
type Params = z.infer<typeof params>;

export function firewallArgv(_p: Params): string[] {
  return ['iptables-save'];
}

const firewalldArgv = ['systemctl', 'is-active', 'firewalld'];

/** The one-word answer of `systemctl is-active`, or the Active: line of a pasted `systemctl status firewalld`. */
function firewalldState(text: string): { state: string; form: 'is-active' | 'status' } | undefined {
  const word = /^(active|inactive|failed|activating|deactivating|reloading|unknown)$/m.exec(text)?.[1];
  if (word) return { state: word, form: 'is-active' };
  const status = parseStatusBlocks(text).find((b) => b.get('Id') === 'firewalld.service');
  const active = status?.get('LoadState') === 'not-found' ? 'inactive' : status?.get('ActiveState');
  return active ? { state: active, form: 'status' } : undefined;
}

const noSystemd = /System has not been booted with systemd as init system|Failed to connect to bus/;

function describe(rule: Rule): string {
  return clip(rule.line, 200);
}

export function parseFirewall(r: RunResult, p: Params): CheckResult<Outcome> {
  const text = allOutput(r);
  const read = firewalldState(text);
  const fw = read?.state;
  const evidence: Evidence[] = [];
  const facts: Facts = {};
  if (read && fw) {
    facts.firewalldState = fw;
    evidence.push({
      label: read.form === 'status' ? 'systemctl status firewalld (pasted)' : 'systemctl is-active firewalld',
      value: fw,
    });
  } else if (noSystemd.test(text)) {
    evidence.push({ label: 'firewalld', value: 'unknown: systemd is not running on this host (PID 1 is not systemd)' });
  }
  if (/Permission denied \(you must be root\)|Permission denied/.test(text) && !/^\*filter$/m.test(text)) {
    return hostError('iptables-save was refused (Permission denied): run it as root', 'denied', [
      {
        label: 'iptables-save',
        value: clip(
          firstLine(
            text
              .split('\n')
              .filter((l) => /iptables/.test(l))
              .join('\n'),
          ),
        ),
      },
    ]);
  }
  const table = parseFilterTable(text);
  if (!table && /iptables-save: (?:command )?not found|iptables-save.*No such file or directory/.test(text)) {
    return hostError(
      'iptables-save is not installed on this host, so its rules cannot be read (nft list ruleset may show them)',
      'command-missing',
      evidence,
    );
  }
  const firewalldChains = table ? [...table.chains.keys()].some((c) => /^IN_\w+|^INPUT_ZONES/.test(c)) : false;
  if (!table && read?.form === 'status') {
    // Named, not refused: the paste says firewalld's state, but not which rules the kernel applies.
    const named = hostError(
      `this is \`systemctl status firewalld\` output: firewalld is ${fw ?? 'in an unknown state'}; it does not show the rules the kernel applies, so whether TCP port ${p.port} is blocked needs iptables-save`,
      'bad-output',
      evidence,
    );
    return { ...named, facts: { ...named.facts, ...facts } };
  }
  if (fw === 'active' && !firewalldChains) {
    return {
      outcome: 'firewalld-nftables',
      summary:
        'firewalld is active but none of its chains are in iptables-save: it uses the nftables backend, so read its rules with `firewall-cmd --list-all` or `nft list ruleset`',
      evidence,
      facts,
    };
  }
  if (!table) {
    // What iptables-save itself printed: without systemctl's answer or its complaints.
    const printed = text
      .split('\n')
      .filter(
        (l) =>
          !/^(active|inactive|failed|activating|deactivating|reloading|unknown)$/.test(l) &&
          !noSystemd.test(l) &&
          !/systemctl: (?:command )?not found/.test(l),
      )
      .join('\n')
      .trim();
    if (printed === '' || /^#/.test(printed)) {
      evidence.push({ label: 'iptables-save', value: 'no filter table: no iptables rules at all' });
      return {
        outcome: 'open',
        summary: `no iptables filter rules on this host: nothing here drops TCP port ${p.port}`,
        evidence,
        facts: { ...facts, blockingRule: '' },
      };
    }
    return hostError(`iptables-save printed no rule table: ${clip(firstLine(printed))}`, 'bad-output', evidence);
  }
  const v = evaluateInput(table, p.port);
  const conditional = [...new Map(v.conditional.map((c) => [c.line, c])).values()];
  const exceptions = [...new Map(v.conditionalAccepts.map((c) => [c.line, c])).values()];
  evidence.push({ label: 'decided by', value: clip(v.by, 240) });
  if (v.byRule?.comment) evidence.push({ label: 'rule comment', value: v.byRule.comment });
  for (const c of conditional) evidence.push({ label: 'blocks some clients', value: describe(c) });
  for (const c of exceptions) evidence.push({ label: 'accepts some clients', value: describe(c) });
  facts.blockingRule = v.verdict === 'accept' ? (conditional[0]?.line ?? '') : v.by;
  facts.firewallVerdict = v.verdict;
  const zone = v.byRule && /^IN_(\w+?)_(?:deny|allow|log)$|^IN_(\w+)$/.exec(v.byRule.chain);
  const where = v.byRule ? ` (chain ${v.byRule.chain}${zone ? `, firewalld zone ${zone[1] ?? zone[2]}` : ''})` : '';
  if (v.verdict !== 'accept') {
    const how =
      v.verdict === 'drop'
        ? 'DROPs (clients time out)'
        : 'REJECTs (clients get "connection refused" or "no route to host")';
    const but =
      exceptions.length > 0
        ? `; only clients matching ${exceptions.map((e) => e.conditions.join(' ')).join(' or ')} get through`
        : '';
    return {
      outcome: 'blocks-port',
      summary: `the firewall ${how} new connections to TCP port ${p.port}${where}${but}`,
      evidence,
      facts,
    };
  }
  if (conditional.length > 0) {
    return {
      outcome: 'blocks-port',
      summary: `the firewall blocks TCP port ${p.port} for clients matching ${conditional.map((c) => c.conditions.join(' ') || c.chain).join(' or ')}; others get through`,
      evidence,
      facts,
    };
  }
  return {
    outcome: 'open',
    summary: `iptables lets new connections to TCP port ${p.port} through${where}`,
    evidence,
    facts,
  };
}

export const firewall = defineHostSequenceCheck({
  id: 'host.firewall',
  title: 'firewall rules for the port (firewalld, iptables-save)',
  why: 'A service can run and listen and still be unreachable because a firewall rule drops or rejects its port; firewalld (RHEL, CentOS) rejects every port its zone does not allow. iptables-save shows the rules the kernel really applies.',
  params,
  outcomes,
  healthy: ['open'],
  facts: ['firewalldState', 'firewallVerdict', 'blockingRule'],
  sets: {
    open: ['firewallVerdict', 'firewalldState'],
    'blocks-port': ['blockingRule', 'firewallVerdict', 'firewalldState'],
  },
  argv: firewallArgv,
  commands: (p) => [firewalldArgv, firewallArgv(p)],
  parse: parseFirewall,
});
