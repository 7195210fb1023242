import { z } from 'zod';
import { quoteArg } from '../../nodeaccess/quote.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';

/**
 * The error a page or kubectl showed, read before anything is measured: an API
 * error is not slowness, and its words name the layer to look at first (etcd,
 * a certificate, a webhook, an aggregated API, API Priority and Fairness). The
 * text is what a person pasted (`--set error=...`); the walk also reads it as a
 * signal, so a catalog signature can name its cause at a generic ending.
 */
export const pageErrorClasses = [
  'etcd-no-space',
  'etcd-timeout',
  'etcd-certificate',
  'certificate',
  'webhook',
  'aggregated-api',
  'throttled',
  'unreachable',
  'server-error',
  'other',
] as const;
export type PageErrorClass = (typeof pageErrorClasses)[number];

const outcomes = ['none', ...pageErrorClasses] as const;
type Outcome = (typeof outcomes)[number];

/** Most specific first: a webhook call that fails on x509 is the webhook's, an etcd timeout inside a 500 is etcd's. */
const patterns: { cls: Exclude<PageErrorClass, 'other'>; re: RegExp; layer: string }[] = [
  {
    cls: 'etcd-no-space',
    re: /mvcc: database space exceeded|etcdserver: no space|NOSPACE/i,
    layer:
      "etcd's database reached its quota: it refuses writes until it is compacted, defragmented and the alarm disarmed",
  },
  {
    cls: 'webhook',
    re: /failed calling webhook|admission webhook "[^"]+" denied|webhook\.\S+ (?:timed out|failed)/i,
    layer: 'an admission webhook the API server calls on this request',
  },
  {
    cls: 'aggregated-api',
    re: /the server is currently unable to handle the request \((?:get|list|post|put|patch|delete|watch) [\w-]+\.[\w.-]+\)|unable to retrieve the complete list of server APIs|(?:[\w-]+\.)+[\w-]+\/v\d\w*: the server is currently unable to handle the request|no endpoints available for service "[^"]+"|APIService/i,
    layer:
      'an aggregated API (an APIService served by a pod, metrics.k8s.io the usual one) whose backend does not answer',
  },
  {
    cls: 'etcd-timeout',
    re: /etcdserver: (?:request timed out|leader changed|too many requests|server stopped|timed out waiting for read index)|etcdserver: [\w ]*timeout|context deadline exceeded.{0,80}etcd|etcd.{0,80}context deadline exceeded/i,
    layer: 'etcd: the API server got no answer from its store in time (a slow disk, a lost leader, a starved member)',
  },
  // etcdctl or the API server talking to etcd's client or peer port (opsnull/follow-me-install-kubernetes-cluster#290):
  // etcd's own journal says more than any certificate check, a members' clock difference among it.
  {
    cls: 'etcd-certificate',
    re: /:(?:2379|2380)\b\S*:? .{0,200}?(?:x509: |tls: )|etcd\S*:? .{0,120}?x509: /i,
    layer:
      'TLS to etcd (its port 2379 or 2380): a certificate not trusted, expired or not yet valid, which a wrong clock on a member also makes it look',
  },
  {
    cls: 'certificate',
    re: /x509: |tls: (?:bad certificate|failed to verify)|certificate has expired|certificate signed by unknown authority/i,
    layer:
      'TLS between a client and the API server, or between the API server and etcd: a certificate expired or is not trusted',
  },
  {
    cls: 'throttled',
    re: /\b429\b|Too ?Many ?Requests|too many requests|the server has received too many requests|Please try again later|client-side throttling|rate limit/i,
    layer: 'API Priority and Fairness (or max-requests-inflight): the API server sheds requests it has no seat for',
  },
  {
    cls: 'unreachable',
    re: /connection refused|connect: no route to host|i\/o timeout|no such host|Unable to connect to the server|was refused - did you specify the right host|EOF$|TLS handshake timeout|Client\.Timeout exceeded/i,
    layer: 'the path to the API server, or the API server process itself: nothing answered',
  },
  {
    cls: 'server-error',
    re: /\b50[0234]\b|Internal error occurred|InternalError|ServiceUnavailable|the server was unable to return a response|Timeout: request did not complete within|the server has asked for the client to provide credentials/i,
    layer: 'the API server answered with an error of its own',
  },
];

export function classifyPageError(text: string): { cls: PageErrorClass; layer: string; line: string } | undefined {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0) return undefined;
  for (const p of patterns) {
    const line = lines.find((l) => p.re.test(l));
    if (line) return { cls: p.cls, layer: p.layer, line };
  }
  return { cls: 'other', layer: 'an error none of the known layers names', line: lines[0] ?? '' };
}

export const clusterPageError = defineCheck({
  id: 'cluster.page-error',
  layer: 'cluster',
  title: 'The error the page or kubectl showed, read for the layer it names',
  why: 'A page that shows an API error ("etcdserver: request timed out", 429 Too Many Requests, x509, "failed calling webhook", "the server is currently unable to handle the request") is not a slowness page: its words name the layer to look at, before any latency is measured.',
  params: z.object({
    /** What the page or kubectl printed; empty when the page was slowness only. */
    error: z.string().default(''),
  }),
  outcomes,
  healthy: ['none'],
  facts: ['pageError', 'pageErrorClass', 'pageErrorLayer'],
  sets: { '*': ['pageErrorClass'] },
  // Nothing to run: the page is the source. Shown as the text it read, shell-quoted, so copying it runs nothing else;
  // no text read, no command shown (a `printf` of nothing told a trainee nothing).
  command: (p) => (p.error.trim() === '' ? '' : `printf '%s\\n' ${quoteArg(p.error.trim().slice(0, 600))}`),
  run(_ctx, p): Promise<CheckResult<Outcome>> {
    const found = classifyPageError(p.error);
    if (!found) {
      const facts: Facts = { pageErrorClass: 'none' };
      return Promise.resolve({
        outcome: 'none',
        summary: 'no error was given with the page: it is read as slowness',
        evidence: [{ label: 'page error', value: 'none given (--set error=... passes one)' }],
        facts,
      });
    }
    const line = found.line.length > 600 ? `${found.line.slice(0, 597)}...` : found.line;
    const facts: Facts = { pageErrorClass: found.cls, pageError: line, pageErrorLayer: found.layer };
    const evidence: Evidence[] = [
      { label: 'page error', value: line },
      { label: 'names', value: found.layer },
    ];
    return Promise.resolve({
      outcome: found.cls,
      summary: `the page shows an API error, not slowness: ${found.layer}`,
      evidence,
      facts,
    });
  },
});
