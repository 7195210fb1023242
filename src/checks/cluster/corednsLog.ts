/**
 * What CoreDNS's own log says, in the words CoreDNS 1.2 to 1.12 print it:
 * the loop plugin's fatal line (it exits, so the pod crash-loops), the
 * errors plugin's upstream time-outs (`read udp A->B:53: i/o timeout`), and
 * upstream answers it could not unpack (`dns: overflow unpacking uint16`).
 */

export interface LoopLine {
  line: string;
  /** `127.0.0.1:34536 -> :53` in CoreDNS ≥ 1.2.6; absent in the older "Seen HINFO more than twice" form. */
  path?: string;
}

export interface UpstreamTimeout {
  line: string;
  name: string;
  qtype: string;
  upstream: string;
  error: string;
}

/** The kubernetes plugin failing to list or watch through the API server's Service address. */
export interface ApiUnreachable {
  line: string;
  /** The address it dialled, `10.96.0.1:443`. */
  address: string;
  error: string;
}

/** An upstream answer CoreDNS's DNS library could not unpack (an oversized or malformed UDP reply): the lookup fails with SERVFAIL. */
export interface UnpackError {
  line: string;
  name: string;
  qtype: string;
  error: string;
}

export interface CorednsLogFinding {
  loops: LoopLine[];
  timeouts: UpstreamTimeout[];
  apiErrors: ApiUnreachable[];
  unpackErrors: UnpackError[];
}

const loopRe = [
  // CoreDNS ≥ 1.2.6: `[FATAL] plugin/loop: Loop (127.0.0.1:34536 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO …"`
  /plugin\/loop: Loop \(([^)]*)\) detected for zone/,
  // CoreDNS 1.2.2 to 1.2.5: `[FATAL] plugin/loop: Seen "HINFO IN 2050421060481615995.5620656063561519376." more than twice, loop detected`
  /plugin\/loop: Seen "HINFO IN [^"]*" more than twice, loop detected/,
];

// `[ERROR] plugin/errors: 2 example.com. A: read udp 10.244.0.5:41234->8.8.8.8:53: i/o timeout`; CoreDNS 1.1 wrote
// `[ERROR] 2 mirrors.example.ai. AAAA: unreachable backend: read udp 10.99.17.97:60877->10.10.10.252:53: i/o timeout`.
const timeoutRe =
  /\[ERROR\] (?:plugin\/errors: )?\d+ (\S+) (\w+): (?:unreachable backend: )?read udp (\S+?)->(\S+?): (i\/o timeout|read: no route to host|read: connection refused)/;

// `Failed to list *v1.Namespace: Get "https://10.100.0.1:443/api/v1/namespaces?limit=500&resourceVersion=0": dial tcp 10.100.0.1:443: connect: no route to host`
// (kubernetes/minikube#4350; client-go's reflector, with or without the quotes and a klog prefix).
const apiRe =
  /Failed to (?:list|watch) \*v1(?:beta1)?\.\w+: .{0,300}?dial tcp (\[?[\da-f.:]+\]?:\d+): (?:connect: )?(no route to host|i\/o timeout|connection refused|network is unreachable)/;

// `[ERROR] plugin/errors: 2 login.microsoftonline.com. A: dns: overflow unpacking uint16` (docker/for-win#13768,
// coredns/coredns#5998, #3305, #6431): miekg/dns's words for an answer it cannot parse, most often a UDP reply larger
// than the 512 bytes CoreDNS asked for; `overflowing header size` is the same library's (coredns/coredns#4046).
const unpackRe =
  /\[ERROR\] (?:plugin\/errors: )?\d+ (\S+) (\w+): dns: (overflow unpacking uint(?:16|32)|overflowing header size)/;

/** The loop, time-out and API lines of one or more CoreDNS logs (timestamps before the text are fine: the patterns are not anchored). */
export function classifyCorednsLog(lines: readonly string[]): CorednsLogFinding {
  const out: CorednsLogFinding = { loops: [], timeouts: [], apiErrors: [], unpackErrors: [] };
  for (const raw of lines) {
    const line = raw.trimEnd();
    const loop = loopRe.map((re) => re.exec(line)).find((m) => m !== null);
    if (loop) {
      out.loops.push(loop[1] ? { line, path: loop[1] } : { line });
      continue;
    }
    const a = apiRe.exec(line);
    if (a) {
      out.apiErrors.push({ line, address: a[1] ?? '', error: a[2] ?? '' });
      continue;
    }
    const u = unpackRe.exec(line);
    if (u) {
      out.unpackErrors.push({ line, name: u[1] ?? '', qtype: u[2] ?? '', error: `dns: ${u[3] ?? ''}` });
      continue;
    }
    const t = timeoutRe.exec(line);
    if (t)
      out.timeouts.push({
        line,
        name: t[1] ?? '',
        qtype: t[2] ?? '',
        upstream: (t[4] ?? '').replace(/:53$/, ''),
        error: t[5] ?? '',
      });
  }
  return out;
}

/**
 * The loop plugin's own probe is a HINFO query for a random name
 * (`7553930501182690030.5295112943253332074.`); time-outs on it alone say the
 * upstream did not answer that probe, not that real lookups fail.
 */
export function isLoopProbe(t: UpstreamTimeout): boolean {
  return t.qtype === 'HINFO' && /^\d+\.\d+\.$/.test(t.name);
}

export interface UpstreamTimeoutSummary {
  upstreams: string[];
  count: number;
  probeOnly: boolean;
  names: string[];
}

export function describeUpstreamTimeouts(timeouts: readonly UpstreamTimeout[]): UpstreamTimeoutSummary {
  const upstreams = [...new Set(timeouts.map((t) => t.upstream))];
  const real = timeouts.filter((t) => !isLoopProbe(t));
  return {
    upstreams,
    count: timeouts.length,
    probeOnly: real.length === 0,
    names: [...new Set(real.map((t) => t.name))].slice(0, 5),
  };
}
