/** One `-A CHAIN ...` rule of iptables-save's filter table, as far as a TCP port question needs it. */
export interface Rule {
  chain: string;
  line: string;
  protocol?: string;
  protocolNegated: boolean;
  /** `--dport 443`, `--dports 80,443`, `--dport 30000:32767`; undefined: any port. */
  ports?: { from: number; to: number }[];
  portsNegated: boolean;
  /** `-j X`; `goto` for `-g X` (no return to this chain). */
  target?: string;
  goto: boolean;
  /** Matches plumbline cannot decide for an unknown client: a source, an interface, a mark, a set. */
  conditions: string[];
  /** conntrack/state: false when the rule only ever sees packets of existing connections. */
  matchesNew: boolean;
  comment?: string;
}

export interface FilterTable {
  policies: Map<string, string>;
  chains: Map<string, Rule[]>;
}

/** Splits a rule line as iptables-save quotes it (comments in double quotes, backslash escapes). */
export function tokens(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of line.matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? ''));
  return out;
}

const undecidable = new Set([
  '-s',
  '--source',
  '-i',
  '--in-interface',
  '--sport',
  '--sports',
  '--src-range',
  '--match-set',
  '--mark',
  '--uid-owner',
  '--src-type',
  '--mac-source',
]);
/** Options that carry a value but do not narrow which new TCP connection matches. */
const harmless = new Set([
  '-m',
  '--comment',
  '--reject-with',
  '--log-prefix',
  '--log-level',
  '--tcp-flags',
  '--dst-type',
  '-d',
  '--destination',
  '-o',
  '--out-interface',
]);

export function parseRule(line: string): Rule | undefined {
  const t = tokens(line);
  if (t[0] !== '-A' || !t[1]) return undefined;
  const rule: Rule = {
    chain: t[1],
    line,
    protocolNegated: false,
    portsNegated: false,
    goto: false,
    conditions: [],
    matchesNew: true,
  };
  let negate = false;
  for (let i = 2; i < t.length; i++) {
    const opt = t[i] ?? '';
    const val = t[i + 1] ?? '';
    if (opt === '!') {
      negate = true;
      continue;
    }
    const not = negate;
    negate = false;
    switch (opt) {
      case '-p':
      case '--protocol':
        rule.protocol = val;
        rule.protocolNegated = not;
        i++;
        break;
      case '--dport':
      case '--destination-port':
      case '--dports':
      case '--destination-ports':
        rule.ports = val.split(',').map((r) => {
          const [a = '0', b] = r.split(':');
          return { from: Number(a || 0), to: Number(b === undefined ? a : b || 65535) };
        });
        rule.portsNegated = not;
        i++;
        break;
      case '-j':
      case '-g':
        rule.target = val;
        rule.goto = opt === '-g';
        i++;
        break;
      case '--ctstate':
      case '--state':
        rule.matchesNew = not ? !val.split(',').includes('NEW') : val.split(',').includes('NEW');
        i++;
        break;
      case '--comment':
        rule.comment = val;
        i++;
        break;
      case '--dst-type':
        // In INPUT every packet is for a local address: LOCAL always matches, anything else never does.
        if ((val === 'LOCAL') === not) rule.matchesNew = false;
        i++;
        break;
      default:
        if (undecidable.has(opt)) {
          rule.conditions.push(`${not ? '! ' : ''}${opt} ${val}`);
          i++;
        } else if (harmless.has(opt)) {
          i++;
        } else if (opt.startsWith('-') && val !== '' && !val.startsWith('-')) {
          // An option we do not model narrows the match in some way we cannot judge.
          if (!/^--(?:icmp-type|log-|set-|nflog|hashlimit|limit)/.test(opt))
            rule.conditions.push(`${not ? '! ' : ''}${opt} ${val}`);
          i++;
        }
    }
  }
  return rule;
}

/** The `*filter` table of iptables-save output (the other tables do not drop traffic to the host). */
export function parseFilterTable(text: string): FilterTable | undefined {
  const policies = new Map<string, string>();
  const chains = new Map<string, Rule[]>();
  let table = '';
  let seen = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) {
      table = line.slice(1);
      if (table === 'filter') seen = true;
      continue;
    }
    if (table !== 'filter') continue;
    const chain = /^:(\S+) (\S+)/.exec(line);
    if (chain?.[1]) {
      policies.set(chain[1], chain[2] ?? '-');
      if (!chains.has(chain[1])) chains.set(chain[1], []);
      continue;
    }
    const rule = parseRule(line);
    if (rule) chains.set(rule.chain, [...(chains.get(rule.chain) ?? []), rule]);
  }
  return seen ? { policies, chains } : undefined;
}

export interface PortVerdict {
  verdict: 'accept' | 'drop' | 'reject';
  /** The rule that decided, or the chain policy. */
  by: string;
  byRule?: Rule;
  /** DROP/REJECT rules for this port that apply only to some clients (a source, an interface). */
  conditional: Rule[];
  /** ACCEPT rules for this port that apply only to some clients: the exceptions to a block. */
  conditionalAccepts: Rule[];
}

function portMatches(rule: Rule, port: number): boolean {
  if (rule.protocol !== undefined) {
    const tcp = rule.protocol === 'tcp' || rule.protocol === '6' || rule.protocol === 'all';
    if (tcp === rule.protocolNegated) return false;
  }
  if (rule.ports) {
    const inRange = rule.ports.some((r) => port >= r.from && port <= r.to);
    if (inRange === rule.portsNegated) return false;
  }
  return rule.matchesNew;
}

const blocking = (t: string | undefined) => t === 'DROP' || t === 'REJECT';

/**
 * Walks the filter table's INPUT chain for a new TCP connection to `port` from
 * an unknown client, following jumps and gotos, as the kernel would.
 */
export function evaluateInput(table: FilterTable, port: number): PortVerdict {
  const conditional: Rule[] = [];
  const conditionalAccepts: Rule[] = [];
  const walk = (chain: string, depth: number, certain: boolean): PortVerdict | 'return' | undefined => {
    if (depth > 32) return undefined;
    for (const rule of table.chains.get(chain) ?? []) {
      if (!portMatches(rule, port)) continue;
      const sure = certain && rule.conditions.length === 0;
      const target = rule.target;
      if (blocking(target)) {
        if (sure)
          return {
            verdict: target === 'DROP' ? 'drop' : 'reject',
            by: rule.line,
            byRule: rule,
            conditional,
            conditionalAccepts,
          };
        if (rule.ports) conditional.push(rule);
        continue;
      }
      if (target === 'ACCEPT') {
        if (sure) return { verdict: 'accept', by: rule.line, byRule: rule, conditional, conditionalAccepts };
        if (rule.ports) conditionalAccepts.push(rule);
        continue;
      }
      if (target === 'RETURN') {
        if (sure) return 'return';
        continue;
      }
      if (target && table.chains.has(target)) {
        const inner = walk(target, depth + 1, sure);
        if (inner && inner !== 'return' && sure) return inner;
        if (rule.goto && sure) return 'return';
      }
      // LOG, MARK and the like: the packet goes on.
    }
    return undefined;
  };
  const v = walk('INPUT', 0, true);
  if (v && v !== 'return') return v;
  const policy = table.policies.get('INPUT') ?? 'ACCEPT';
  return {
    verdict: policy === 'DROP' ? 'drop' : 'accept',
    by: `:INPUT ${policy} (the chain's policy)`,
    conditional,
    conditionalAccepts,
  };
}
