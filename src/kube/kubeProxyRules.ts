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

/** nft -a appends `# handle N` to every line; it says nothing about where packets go. */
const handle = /\s+# handle \d+$/;

/** The blocks of `nft list table` output: `map <name> {`, `chain <name> {` (one level in the table), each with its lines. */
function nftBlocks(text: string): { kind: string; name: string; lines: string[] }[] {
  const blocks: { kind: string; name: string; lines: string[] }[] = [];
  let open: { kind: string; name: string; lines: string[] } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(handle, '').trim();
    const start = /^(map|chain|set) (\S+) \{$/.exec(line);
    if (start) {
      open = { kind: start[1] ?? '', name: start[2] ?? '', lines: [] };
      blocks.push(open);
    } else if (line === '}') open = undefined;
    else if (open && line) open.lines.push(line);
  }
  return blocks;
}

/** `ip . proto . port [comment "…"] : verdict` entries of a map's `elements = { … }`, split at the commas between them. */
function nftElements(lines: string[]): string[] {
  const body = lines.join(' ').replace(/^.*?elements = \{\s*/, '');
  if (body === lines.join(' ')) return [];
  return body
    .replace(/\s*\}\s*$/, '')
    .split(/,\s+(?=\S+ \. \S+ \. \d+)/)
    .map((e) => e.trim());
}

/** The `ip:port` an endpoint chain DNATs to (`meta l4proto tcp dnat to 10.1.2.3:80`; `dnat ip to …` where nft names the family). */
function nftDnat(line: string): string | undefined {
  return /\bdnat (?:ip6? )?to (\S+)$/.exec(line)?.[1];
}

/**
 * kube-proxy's nftables mode (`nft list table ip kube-proxy`): the `service-ips`
 * verdict map sends `<clusterIP> . tcp . <port>` to a chain
 * `service-<hash>-<ns>/<name>/<proto>/<port name>`, which picks an endpoint with
 * `numgen random mod N vmap { 0 : goto endpoint-…__<ip>/<port>, … }`, each
 * endpoint chain DNATing to the pod; releases from mid-2026 DNAT in the service
 * chain itself (`dnat ip to numgen random mod N map { 0 : <ip> . <port>, … }`).
 * A Service without endpoints has its entry in `no-endpoint-services` instead
 * (`goto reject-chain`, or `drop`).
 */
export function parseNftablesServiceRules(text: string, clusterIP: string, port: number): ServiceRules {
  const blocks = nftBlocks(text);
  const chains = new Map(blocks.filter((b) => b.kind === 'chain').map((b) => [b.name, b.lines]));
  const entryFor = (map: string) =>
    blocks
      .filter((b) => b.kind === 'map' && b.name === map)
      .flatMap((b) => nftElements(b.lines))
      .find((e) => {
        const [ip, , p] = e.split(/\s+\.\s+|\s+/);
        return ip === clusterIP && p === String(port);
      });
  const entry = entryFor('service-ips');
  let chain = entry ? /: (?:goto|jump) (\S+)$/.exec(entry)?.[1] : undefined;
  // A paste of the chains alone (nft list chain, or grep): the service chain matches its ClusterIP and port itself.
  chain ??= [...chains].find(
    ([name, lines]) =>
      name.startsWith('service-') &&
      lines.some((l) => l.includes(`ip daddr ${clusterIP} `) && new RegExp(`\\bdport ${port}\\b`).test(l)),
  )?.[0];
  const none = entryFor('no-endpoint-services');
  if (!chain)
    return none
      ? { found: 'no-endpoints', destinations: [], lines: [none] }
      : { found: 'none', destinations: [], lines: [] };
  const lines = entry ? [entry] : [];
  const destinations: string[] = [];
  const add = (to: string) => {
    // nft prints an IPv6 destination as [addr]:port.
    const d = to.replace(/^\[(.*)\]:/, '$1:');
    if (!destinations.includes(d)) destinations.push(d);
  };
  const read = (name: string, hops: number): boolean => {
    let picked = false;
    for (const rule of chains.get(name) ?? []) {
      const endpoints = [...rule.matchAll(/goto (endpoint-\S+?)(?=,|\s|$)/g)].map((m) => m[1] ?? '');
      const direct = nftDnat(rule);
      const mapped = /\bdnat (?:ip6? )?to .*\bmap \{(.*)\}/.exec(rule)?.[1];
      if (endpoints.length === 0 && !direct && !mapped) continue;
      picked = true;
      lines.push(rule);
      if (mapped) for (const m of mapped.matchAll(/\d+ : (\S+) \. (\d+)/g)) add(`${m[1]}:${m[2]}`);
      else if (direct) add(direct);
      for (const ep of endpoints) {
        const dnat = (chains.get(ep) ?? []).find((l) => nftDnat(l));
        if (dnat) {
          if (!lines.includes(dnat)) lines.push(dnat);
          add(nftDnat(dnat) ?? '');
          continue;
        }
        // The endpoint chain was not in the paste: kube-proxy names it for the address it DNATs to.
        const named = /__(.+)\/(\d+)$/.exec(ep);
        if (named) add(`${named[1]}:${named[2]}`);
      }
    }
    if (picked || hops === 0) return picked;
    // An external-… chain (ExternalIP, LoadBalancer IP) hands every packet to the service chain with a bare goto;
    // a goto behind a match (pod or local traffic only) is not where the rest goes.
    const next = (chains.get(name) ?? []).map((l) => /^goto (\S+)$/.exec(l)?.[1]).find(Boolean);
    if (!next) return false;
    lines.push(`goto ${next}`);
    return read(next, hops - 1);
  };
  if (!read(chain, 2) && none && chains.has(chain)) return { found: 'no-endpoints', destinations: [], lines: [none] };
  return { found: 'service', destinations, lines };
}

/** kube-proxy's mode from its ConfigMap (kubeadm's `config.conf`): `""` means iptables on Linux. */
export function proxyModeOf(config: string | undefined): string {
  const m = /^mode:\s*"?([a-z]*)"?\s*$/m.exec(config ?? '');
  return m?.[1] || 'iptables';
}

/** The command that lists a mode's rules for a ClusterIP: nftables keeps IPv4 and IPv6 in separate tables. */
export function kubeProxyRulesCommand(mode: string, clusterIP: string): string[] {
  if (mode === 'nftables') return ['nft', 'list', 'table', clusterIP.includes(':') ? 'ip6' : 'ip', 'kube-proxy'];
  return mode === 'ipvs' ? ['ipvsadm', '-Ln'] : ['iptables-save'];
}

/** A mode's rules for clusterIP:port, read from that mode's command output. */
export function parseServiceRules(mode: string, text: string, clusterIP: string, port: number): ServiceRules {
  if (mode === 'ipvs') return parseIpvsServiceRules(text, clusterIP, port);
  if (mode === 'nftables') return parseNftablesServiceRules(text, clusterIP, port);
  return parseIptablesServiceRules(text, clusterIP, port);
}
