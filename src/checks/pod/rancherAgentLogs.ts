import { z } from 'zod';
import { clip, containerNotFound, pickContainer, podNotFound, readPodIfExists } from '../pods.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { quoteArg } from '../../nodeaccess/quote.js';

/**
 * cattle-cluster-agent's log, read for the hop it failed at. Its start-up
 * script (run.sh) pings https://<server>/ping with curl and checks the CA
 * checksum; the agent binary then dials wss://<server>/v3/connect[/register]
 * through the remotedialer. Each failure names its own hop: DNS, the TCP
 * path, TLS and the CA, the proxy in front of Rancher, Rancher itself.
 * Wordings of Rancher 2.5 to 2.9 agents.
 */

export const agentLogClasses = [
  'ca-checksum-mismatch',
  'unknown-ca',
  'certificate-invalid',
  'cluster-not-found',
  'server-loopback',
  'dns-unresolvable',
  'bad-handshake',
  'tls-handshake-failed',
  'connect-timeout',
  'connect-refused',
  'ping-http-error',
] as const;
export type AgentLogClass = (typeof agentLogClasses)[number];

const outcomes = [
  ...agentLogClasses,
  // ping-http-error from an agent whose resolver appends the nodes' own search domains first (ndots): a wildcard
  // record under one of them can answer for the Rancher name (rancher#29780).
  'ping-http-error-search-domain',
  'other-error',
  'no-failure-pattern',
  'no-logs',
  'not-found',
  'container-not-found',
] as const;
type Outcome = (typeof outcomes)[number];

interface Pattern {
  re: RegExp;
  detail?: (m: RegExpExecArray) => string | undefined;
}

/** Most specific first: a bad handshake whose body says "cluster not found" is that, not a proxy problem. */
const patterns: Record<AgentLogClass, Pattern[]> = {
  'ca-checksum-mismatch': [
    {
      re: /Configured cacerts checksum \((\w*)\) does not match given --ca-checksum \((\w*)\)/,
      detail: (m) => `served ${m[1] || '(empty)'}, expected ${m[2] || '(empty)'}`,
    },
    {
      re: /Value from CATTLE_CA_CHECKSUM \((\w*)\) does not match the actual CA checksum \((\w*)\)/,
      detail: (m) => `expected ${m[1] || '(empty)'}, served ${m[2] || '(empty)'}`,
    },
    { re: /(\S+\/cacerts) does not match (\w+)/, detail: (m) => m[1] },
    // The agent was given a checksum but Rancher now serves no private CA (a public certificate, --no-cacerts): rancher/rancher#36572.
    {
      re: /The environment variable CATTLE_CA_CHECKSUM is set but there is no CA certificate configured at (\S+)/,
      detail: (m) => `a checksum is set, but ${m[1]} serves no CA`,
    },
  ],
  'unknown-ca': [
    {
      re: /x509: certificate signed by unknown authority(?: \(possibly because of \\?"([^"\\]*))?/,
      detail: (m) => m[1],
    },
    {
      re: /Issuer of last certificate found in chain \(([^)]*)\) does not match with CA certificate Issuer \(([^)]*)\)/,
      detail: (m) => `chain ends at ${m[1]}, CA is ${m[2]}`,
    },
    { re: /Certificate chain is not complete/ },
    // agent-tls-mode strict (the default on new Rancher 2.9+ installs) and no CA in Rancher's cacerts setting: harvester/docs#764.
    {
      re: /Strict CA verification is enabled but encountered error finding root CA/,
      detail: () => "agent-tls-mode is strict and Rancher's cacerts setting holds no CA to verify with",
    },
  ],
  'certificate-invalid': [
    {
      re: /x509: certificate has expired or is not yet valid(?::\s*(.*?))?(?:"|$)/,
      detail: (m) => m[1] || 'expired or not yet valid',
    },
    { re: /x509: certificate is valid for ([^"]*?), not ([^\s"]+)/, detail: (m) => `valid for ${m[1]}, not ${m[2]}` },
  ],
  'cluster-not-found': [
    {
      re: /Response status: (40\d[^.]*)\. Response body: (.*?(?:cluster not found|clusters?\.management\.cattle\.io \\?"[^"\\]*\\?" not found).*?)"? error=/,
      detail: (m) => `HTTP ${m[1]}: ${m[2]}`,
    },
  ],
  'dns-unresolvable': [
    { re: /Could not resolve host: ([\w.-]+)/, detail: (m) => m[1] },
    {
      re: /dial tcp: lookup ([\w.-]+)(?: on [\d.:]+)?: (?:no such host|server misbehaving|i\/o timeout)/,
      detail: (m) => m[1],
    },
    { re: /lookup ([\w.-]+)(?: on [\d.:]+)?: no such host/, detail: (m) => m[1] },
  ],
  // The server-url itself is a loopback address: inside the agent's pod that is the pod, whatever the network
  // (rancher/rancher#25292: Docker Desktop imported with server-url https://localhost). Before connect-refused.
  'server-loopback': [
    {
      re: /(https?:\/\/(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(?::\d{1,5})?)\/ping is not accessible/,
      detail: (m) => m[1],
    },
  ],
  'bad-handshake': [
    { re: /Response status: (\d+[^.]*)\. Response body: (.*?)" error=/, detail: (m) => `HTTP ${m[1]}: ${m[2]}` },
    { re: /websocket: bad handshake/ },
  ],
  'tls-handshake-failed': [
    {
      re: /(remote error: tls: [\w ]+|tls: handshake failure|net\/http: TLS handshake timeout|tls: first record does not look like a TLS handshake)/,
      detail: (m) => m[1],
    },
  ],
  'connect-timeout': [
    {
      re: /Failed to connect to (\S+) port (\d+)[^:]*: (?:Connection timed out|Operation timed out|Timeout was reached)/,
      detail: (m) => `${m[1]}:${m[2]}`,
    },
    {
      re: /dial tcp (\S+?): (?:i\/o timeout|connect: no route to host|connect: network is unreachable)/,
      detail: (m) => m[1],
    },
    { re: /dial tcp: i\/o timeout/, detail: () => 'the server (no address in the message)' },
    { re: /read tcp (\S+?)->(\S+?): i\/o timeout/, detail: (m) => m[2] },
    { re: /Connection timed out after \d+ milliseconds/ },
  ],
  'connect-refused': [
    { re: /Failed to connect to (\S+) port (\d+)[^:]*: Connection refused/, detail: (m) => `${m[1]}:${m[2]}` },
    { re: /dial tcp (\S+?): connect: connection refused/, detail: (m) => m[1] },
  ],
  'ping-http-error': [
    {
      // The URL as printed; a name redacted with a space (`https://rancher.<MY DOMAIN>`, rancher#29780) stays whole.
      re: /(https?:\/\/\S+?(?: \S+?)*\/ping) is not accessible \(The requested URL returned error: ([^)]*)\)/,
      detail: (m) => `${m[1]} answered ${m[2]}`,
    },
  ],
};

const failureHint = /\bERROR\b|level=(?:error|fatal)|\bFATAL\b|\bERRO\[/;

export interface AgentLogMatch {
  class: AgentLogClass;
  line: string;
  index: number;
  detail?: string;
}

export function classifyAgentLog(lines: readonly string[]): AgentLogMatch[] {
  const out: AgentLogMatch[] = [];
  lines.forEach((line, index) => {
    for (const cls of agentLogClasses) {
      for (const p of patterns[cls]) {
        const m = p.re.exec(line);
        if (!m) continue;
        const detail = p.detail?.(m);
        out.push(detail ? { class: cls, line, index, detail } : { class: cls, line, index });
        return;
      }
    }
  });
  return out;
}

/** The deciding line: the most specific class seen, at its last occurrence that names something (the remotedialer repeats the error bare). */
export function decisiveAgentLine(matches: readonly AgentLogMatch[]): AgentLogMatch | undefined {
  for (const cls of agentLogClasses) {
    const hits = matches.filter((m) => m.class === cls);
    const named = hits.filter((m) => m.detail !== undefined);
    const hit = named[named.length - 1] ?? hits[hits.length - 1];
    if (hit) return hit;
  }
  return undefined;
}

/** What the agent said about itself before failing: server, CA checksum, version, the certificate it was shown. */
export function agentContext(lines: readonly string[]): Facts {
  const facts: Facts = {};
  for (const line of lines) {
    const env = /INFO: Environment: (.*)/.exec(line);
    if (env?.[1]) {
      // Up to the next variable: a value redacted with a space (`https://rancher.<MY DOMAIN>`) stays whole.
      const server = /CATTLE_SERVER=(\S+(?: (?![A-Z_]+=)\S+)*)/.exec(env[1]);
      if (server?.[1]) facts.agentServer = server[1];
      const sum = /CATTLE_CA_CHECKSUM=(\S*)/.exec(env[1]);
      if (sum) facts.caChecksum = sum[1] || '(empty)';
    }
    const version = /Rancher agent version (\S+) is starting/.exec(line);
    if (version?.[1]) facts.agentVersion = version[1];
    const resolv = /INFO: Using resolv\.conf: .*?\bsearch ((?:(?!\boptions\b)\S+ ?)+)(?:options (.*))?$/.exec(line);
    if (resolv?.[1]) {
      // A domain a poster redacted as `<MY DOMAIN>` is one entry, not two.
      const search = resolv[1].match(/<[^<>]*>|\S+/g) ?? [];
      // The kubelet writes <ns>.svc.<cluster domain> svc.<cluster domain> <cluster domain> first; the rest are the node's.
      const clusterDomain = search.find((d) => d.startsWith('svc.'))?.slice(4);
      const own = clusterDomain
        ? search.filter((d) => d !== clusterDomain && !d.endsWith(`.${clusterDomain}`) && d !== `svc.${clusterDomain}`)
        : [];
      if (own.length) facts.agentSearchDomains = own.join(' ');
      const ndots = /\bndots:(\d+)/.exec(resolv[2] ?? '');
      facts.agentNdots = ndots ? Number(ndots[1]) : 1;
    }
    const resolves = /INFO: (\S+) resolves to (\S+)/.exec(line);
    if (resolves?.[2]) facts.serverAddress = resolves[2];
    if (/INFO: \S+\/ping is accessible/.test(line)) facts.pingAccessible = true;
    const issuer = /msg="Issuer: ([^"]*)"/.exec(line);
    if (issuer?.[1] && facts.certIssuer === undefined) facts.certIssuer = issuer[1];
    const subject = /msg="Subject: ([^"]*)"/.exec(line);
    if (subject?.[1] && facts.certSubject === undefined) facts.certSubject = subject[1];
  }
  return facts;
}

/**
 * The name the agent's resolver tries first for the server when it has fewer dots than ndots: the server's host with
 * the node's search domain appended (the one the host ends in, else the first). Undefined when none is tried first.
 */
export function appendedName(facts: Facts): string | undefined {
  const domains =
    typeof facts.agentSearchDomains === 'string' ? (facts.agentSearchDomains.match(/<[^<>]*>|\S+/g) ?? []) : [];
  const server = typeof facts.agentServer === 'string' ? facts.agentServer : '';
  const host = server
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[/:].*$/, '')
    .replace(/\/.*$/, '');
  if (!domains.length || !host || host.endsWith('.')) return undefined;
  if ((host.match(/\./g) ?? []).length >= Number(facts.agentNdots ?? 1)) return undefined;
  const domain = domains.find((d) => host.endsWith(`.${d}`)) ?? domains[0];
  return `${host}.${String(domain)}`;
}

const hops: Record<AgentLogClass, string> = {
  'ca-checksum-mismatch':
    "the CA Rancher serves at /cacerts is not the one the agent was deployed with (CATTLE_CA_CHECKSUM): Rancher's certificate or its cacerts setting changed",
  'unknown-ca':
    'TLS to the Rancher server: the certificate it presents is not signed by a CA the agent trusts (the cacerts setting, or an incomplete chain, or a proxy presenting its own)',
  'certificate-invalid':
    'TLS to the Rancher server: the certificate it presents is expired or does not name the server',
  'cluster-not-found':
    'Rancher itself: it answers, but has no cluster for this agent (the cluster was deleted or re-imported; the agent uses the old registration)',
  'server-loopback':
    "Rancher's server-url: it is a loopback address, which inside the agent's pod (or, for a host-network agent, on its node) is not where Rancher listens",
  'dns-unresolvable': "name resolution inside the cluster: the agent's pod cannot resolve the Rancher server's name",
  'bad-handshake':
    'the proxy or load balancer in front of Rancher: it answers the websocket upgrade itself instead of passing it through to Rancher',
  'tls-handshake-failed':
    'the TLS endpoint in front of Rancher (load balancer, ingress, front proxy): the handshake itself fails',
  'connect-timeout':
    'the network path to the Rancher server: packets are dropped (a firewall DROP, a security group, a load balancer with no healthy target, or a wrong address)',
  'connect-refused':
    'the first hop that answers: nothing listens on the port (the front proxy or load balancer is down or misconfigured), or a firewall REJECTs',
  'ping-http-error':
    'something answers at the server address that is not a healthy Rancher (wrong server-url, the ingress or a proxy in front answering)',
};

export const podRancherAgentLogs = defineCheck({
  id: 'pod.rancher-agent-logs',
  layer: 'pod',
  title: "cattle-cluster-agent's log, read for the hop that failed",
  why: 'The agent prints why it could not reach Rancher in the words of the failing layer: curl\'s "Could not resolve host" (DNS), "Connection timed out" (a DROP), "Connection refused"; x509 errors (the CA or the certificate); "websocket: bad handshake" with the HTTP answer (a proxy, or Rancher saying "cluster not found"); a CA checksum mismatch. Each leads to a different hop.',
  params: z.object({
    namespace: z.string().min(1).default('cattle-system'),
    name: z.string().min(1),
    container: z.string().optional(),
    tailLines: z.coerce.number().int().positive().max(5000).default(300),
  }),
  outcomes,
  healthy: ['no-failure-pattern', 'no-logs'],
  facts: [
    'agentLogClass',
    'agentLogLine',
    'agentLogDetail',
    'agentHop',
    'agentServer',
    'agentSearchDomains',
    'agentNdots',
    'agentAppendedName',
    'caChecksum',
    'agentVersion',
    'serverAddress',
    'pingAccessible',
    'certIssuer',
    'certSubject',
    'container',
    'restartCount',
  ],
  sets: {
    'unknown-ca': ['agentLogClass', 'agentLogLine', 'container', 'restartCount'],
    'server-loopback': ['agentLogClass', 'agentLogDetail', 'agentLogLine', 'container', 'restartCount'],
    'dns-unresolvable': [
      'agentLogClass',
      'agentLogDetail',
      'agentLogLine',
      'agentServer',
      'caChecksum',
      'container',
      'restartCount',
    ],
    'bad-handshake': ['agentLogClass', 'agentLogDetail', 'agentLogLine', 'container', 'restartCount'],
    'connect-timeout': ['agentLogClass', 'agentLogDetail', 'agentLogLine', 'container', 'restartCount'],
    'ping-http-error': [
      'agentLogClass',
      'agentLogDetail',
      'agentLogLine',
      'agentServer',
      'caChecksum',
      'container',
      'restartCount',
    ],
    'ping-http-error-search-domain': [
      'agentLogClass',
      'agentLogDetail',
      'agentLogLine',
      'agentServer',
      'agentSearchDomains',
      'agentAppendedName',
      'container',
      'restartCount',
    ],
    'no-failure-pattern': ['agentServer', 'caChecksum', 'container', 'restartCount'],
  },
  command: (p) => {
    const base = `kubectl logs ${quoteArg(p.name)} -n ${quoteArg(p.namespace)}${p.container ? ` -c ${quoteArg(p.container)}` : ''} --tail=${p.tailLines}`;
    return `${base} && ${base} --previous`;
  },
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const pod = await readPodIfExists(ctx.kube, p.namespace, p.name);
    if (!pod) return podNotFound(p.namespace, p.name);
    const c = pickContainer(pod, p.container);
    if (!c)
      return p.container
        ? containerNotFound(pod, p.container)
        : { outcome: 'no-logs', summary: 'the pod has no containers', evidence: [], facts: {} };
    const facts: Facts = { container: c.name, restartCount: c.status?.restartCount ?? 0 };
    const state = c.status?.state;
    const instances: boolean[] = [];
    if (c.status?.lastState?.terminated) instances.push(true);
    if (state?.running || state?.terminated) instances.push(false);
    if (instances.length === 0) {
      return {
        outcome: 'no-logs',
        summary: `container ${c.name} has not started yet (${state?.waiting?.reason ?? 'not started'}): there is no log to read`,
        evidence: [{ label: `container ${c.name}`, value: `waiting: ${state?.waiting?.reason ?? 'not started'}` }],
        facts,
      };
    }
    const evidence: Evidence[] = [];
    const lines: string[] = [];
    let read = 0;
    let firstError: unknown;
    for (const previous of instances) {
      try {
        const text = await ctx.kube.readPodLog(p.namespace, p.name, {
          container: c.name,
          previous,
          tailLines: p.tailLines,
          limitBytes: p.tailLines * 4096,
        });
        read += 1;
        lines.push(...text.split('\n').filter((l) => l.trim() !== ''));
      } catch (err) {
        firstError ??= err;
        evidence.push({
          label: `${previous ? 'previous' : 'current'} log`,
          value: `not read: ${clip(err instanceof Error ? err.message : String(err), 160)}`,
        });
      }
    }
    // No log read at all: the source was not reached, which is not a clean log.
    if (read === 0) throw firstError instanceof Error ? firstError : new Error(String(firstError));
    Object.assign(facts, agentContext(lines));
    const chosen = decisiveAgentLine(classifyAgentLog(lines));
    if (!chosen) {
      const errorLine = [...lines].reverse().find((l) => failureHint.test(l));
      for (const l of lines.slice(-3)) evidence.push({ label: 'log', value: clip(l) });
      if (errorLine) {
        facts.agentLogLine = clip(errorLine, 300);
        return {
          outcome: 'other-error',
          summary: `container ${c.name} logs an error no hop is known for: ${clip(errorLine, 160)}`,
          evidence,
          facts,
        };
      }
      return {
        outcome: lines.length ? 'no-failure-pattern' : 'no-logs',
        summary: lines.length
          ? `no failure in the last ${lines.length} lines of container ${c.name}'s log`
          : `container ${c.name} logged nothing`,
        evidence,
        facts,
      };
    }
    facts.agentLogClass = chosen.class;
    facts.agentLogLine = clip(chosen.line, 300);
    if (chosen.detail) facts.agentLogDetail = clip(chosen.detail, 160);
    facts.agentHop = hops[chosen.class];
    evidence.push({ label: `log · ${chosen.class}`, value: clip(chosen.line) });
    for (const k of ['agentServer', 'caChecksum', 'agentVersion', 'certIssuer'] as const)
      if (facts[k] !== undefined) evidence.push({ label: k, value: String(facts[k]) });
    const appended = chosen.class === 'ping-http-error' ? appendedName(facts) : undefined;
    if (appended) {
      facts.agentAppendedName = appended;
      return {
        outcome: 'ping-http-error-search-domain',
        summary: `the agent's /ping answers an HTTP error, and its resolver tries ${appended} before the name itself (search ${String(facts.agentSearchDomains)}, ndots:${String(facts.agentNdots)}): ${clip(chosen.line, 160)}`,
        evidence,
        facts,
      };
    }
    return {
      outcome: chosen.class,
      summary: `the agent fails at ${hops[chosen.class]}: ${clip(chosen.line, 160)}`,
      evidence,
      facts,
    };
  },
});
