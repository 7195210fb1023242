/**
 * kube-proxy's rules for one Service as a node's tools print them, read the
 * same way by the host check (host.kube-proxy-rules) and by the drill's probe
 * pod, which follows the rules its node has, as a real connection does.
 */

/** Splits a rule line as iptables-save quotes it (comments in double quotes, backslash escapes). */
function tokens(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g))
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? ''));
  return out;
}

/**
 * What iptables-nft prints (on stderr) when iptables-legacy tables exist beside
 * the ones it shows: kube-proxy's image may write with the other backend, whose
 * rules this output then does not contain (kubernetes#107965).
 */
export const legacyTablesWarning =
  /^#?\s*Warning: iptables-legacy tables present, use iptables-legacy(?:-save)? to see them/m;

/** What kube-proxy's rules on a node do with one ClusterIP:port. */
export interface ServiceRules {
  /** `service`: a jump to its KUBE-SVC chain (or an IPVS virtual service); `no-endpoints`: the REJECT kube-proxy writes for a Service without endpoints. */
  found: 'service' | 'no-endpoints' | 'none';
  /** `ip:port` the rules DNAT (or IPVS forwards) to. */
  destinations: string[];
  /** The lines that decided it. */
  lines: string[];
}

function option(t: string[], name: string): string | undefined {
  const i = t.indexOf(name);
  return i >= 0 ? t[i + 1] : undefined;
}

/**
 * kube-proxy's iptables mode, as iptables-save prints it: KUBE-SERVICES has
 * `-d <clusterIP>/32 ... --dport <port> -j KUBE-SVC-…`, the KUBE-SVC chain jumps
 * to one KUBE-SEP chain per endpoint, each of which DNATs to the pod. A
 * Service without endpoints gets `... has no endpoints ... -j REJECT` instead
 * (in the filter table). Older releases (before 1.19) write the comments
 * slightly differently; the matches are on the options, not the comment.
 */
export function parseIptablesServiceRules(text: string, clusterIP: string, port: number): ServiceRules {
  const rules = text
    .split('\n')
    // A paste through cat -n or grep -n keeps its line numbers.
    .map((l) => l.trim().replace(/^\d+[\s:]+(?=-A\s)/, ''))
    .filter((l) => l.startsWith('-A '));
  const dest = `${clusterIP}/32`;
  const forService = rules.filter((l) => {
    const t = tokens(l);
    return (
      t[1] === 'KUBE-SERVICES' &&
      option(t, '-d') === dest &&
      option(t, '--dport') === String(port) &&
      t[t.indexOf('-d') - 1] !== '!'
    );
  });
  const reject = forService.find((l) => /has no endpoints/.test(l) && /-j REJECT/.test(l));
  // kube-proxy since 1.23 also matches the ClusterIP inside the KUBE-SVC chain: a paste without the
  // KUBE-SERVICES line still names the chain there.
  const jump =
    forService
      .map((l) => option(tokens(l), '-j'))
      .find((j) => j?.startsWith('KUBE-SVC-') || j?.startsWith('KUBE-SVL-')) ??
    rules
      .map(tokens)
      .find(
        (t) =>
          (t[1]?.startsWith('KUBE-SVC-') ?? false) && option(t, '-d') === dest && option(t, '--dport') === String(port),
      )?.[1];
  if (!jump) {
    if (reject) return { found: 'no-endpoints', destinations: [], lines: [reject] };
    return { found: 'none', destinations: [], lines: [] };
  }
  const jumps = forService.filter((l) => l.includes(jump));
  // Without the KUBE-SERVICES line in the paste, the chain's own ClusterIP match is what named it.
  const lines =
    jumps.length > 0 ? jumps : rules.filter((l) => tokens(l)[1] === jump && option(tokens(l), '-d') === dest);
  const seps = rules
    .filter((l) => tokens(l)[1] === jump)
    .map((l) => option(tokens(l), '-j'))
    .filter((j): j is string => j !== undefined && j.startsWith('KUBE-SEP-'));
  const destinations: string[] = [];
  for (const sep of seps) {
    const dnat = rules.find((l) => tokens(l)[1] === sep && /-j DNAT/.test(l));
    const to = dnat ? option(tokens(dnat), '--to-destination') : undefined;
    if (dnat && to) {
      destinations.push(to);
      lines.push(dnat);
    }
  }
  return { found: 'service', destinations, lines };
}

/** ipvsadm without -n prints ports by their /etc/services names. */
const portNames: Record<string, number> = {
  http: 80,
  https: 443,
  'http-alt': 8080,
  domain: 53,
  postgresql: 5432,
  mysql: 3306,
  redis: 6379,
};

function numericAddress(addr: string): string {
  const i = addr.lastIndexOf(':');
  const port = addr.slice(i + 1);
  return /^\d+$/.test(port) || portNames[port] === undefined ? addr : `${addr.slice(0, i)}:${portNames[port]}`;
}

/**
 * `ipvsadm -Ln`: a virtual service line `TCP  10.96.0.10:53 rr`, then its
 * real servers `  -> 10.244.0.5:53  Masq  1  0  0`. Without -n, addresses are
 * names (`100.64.134.163:http`), which can only be compared by the number.
 */
export function parseIpvsServiceRules(text: string, clusterIP: string, port: number): ServiceRules {
  const lines = text.split('\n');
  const want = `${clusterIP}:${port}`;
  for (let i = 0; i < lines.length; i++) {
    const m = /^(TCP|UDP|SCTP)\s+(\S+)\s+\S+/.exec(lines[i] ?? '');
    if (!m || numericAddress(m[2] ?? '') !== want) continue;
    const destinations: string[] = [];
    const shown = [lines[i] ?? ''];
    for (let j = i + 1; j < lines.length && /^\s+->/.test(lines[j] ?? ''); j++) {
      const d = /->\s+(\S+)/.exec(lines[j] ?? '')?.[1];
      if (d && d !== 'RemoteAddress:Port') {
        destinations.push(d);
        shown.push((lines[j] ?? '').trim());
      }
    }
    return destinations.length > 0
      ? { found: 'service', destinations, lines: shown }
      : { found: 'no-endpoints', destinations, lines: shown };
  }
  return { found: 'none', destinations: [], lines: [] };
}
