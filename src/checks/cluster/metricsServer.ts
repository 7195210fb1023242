import { z } from 'zod';
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/client.js';
import { labelString, plural } from '../format.js';
import { ifExists } from '../reads.js';
import { clip } from '../pods.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import {
  classifyLines,
  componentLogTail,
  describePod,
  isCrashLooping,
  lineEvidence,
  listComponentPods,
  podHealth,
  readComponentLogs,
  systemNamespace,
  unique,
} from './components.js';
import type { LinePattern } from './components.js';
import { quoteArg } from '../../nodeaccess/quote.js';

const outcomes = [
  'healthy',
  'no-pods',
  'crash-looping',
  'not-ready',
  'cannot-scrape-nodes',
  'kubelet-tls',
  'log-errors',
] as const;
type Outcome = (typeof outcomes)[number];

type LineClass = 'scrape' | 'probe' | 'error';

const selector = 'k8s-app=metrics-server';

/** One kubelet metrics-server could not scrape, and Go's error for it. */
export interface ScrapeFailure {
  node: string;
  error: string;
}

/**
 * Every "could not scrape this kubelet" a metrics-server log line names, in any release's wording:
 * - v0.2: `summary.go:97] error while getting metrics summary from Kubelet kube-node3(172.16.52.132:10250): Get https://...: x509: ...`
 * - v0.3: `manager.go:111] unable to fully collect metrics: [unable to fully scrape metrics from source kubelet_summary:N: unable to fetch metrics from Kubelet N (addr): Get ...: err, unable to fully scrape ...]`
 * - v0.4: `server.go:132] unable to fully scrape metrics: [unable to fully scrape metrics from node N: unable to fetch metrics from node N: Get "...": err, ...]`
 * - v0.5+: `scraper.go:140] "Failed to scrape node" err="Get \"https://...\": err" node="N"` (and `, timeout to access kubelet`), or the same as JSON.
 * One v0.3/v0.4 line lists every node that failed in that cycle.
 */
export function scrapeFailures(line: string): ScrapeFailure[] {
  const klog = /"Failed to scrape node(?:, timeout to access kubelet)?"(?=.*\bnode="([^"]+)")/.exec(line);
  if (klog?.[1]) return [{ node: klog[1], error: unquote(/\berr="((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? '') }];
  const json = /"msg":"Failed to scrape node[^"]*".*?"node":\{"name":"([^"]+)"\}/.exec(line);
  if (json?.[1]) return [{ node: json[1], error: unquote(/"err":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? '') }];
  const v02 = /error while getting metrics summary from Kubelet ([\w.-]+)\([^)]*\): (.*)$/.exec(line);
  if (v02?.[1]) return [{ node: v02[1], error: v02[2] ?? '' }];
  for (const marker of [
    'unable to fully scrape metrics from source kubelet_summary:',
    'unable to fully scrape metrics from node ',
  ]) {
    const parts = line.split(marker).slice(1);
    if (parts.length === 0) continue;
    return parts.map((part) => {
      const node = /^([\w.-]+)/.exec(part)?.[1] ?? '';
      // `N: unable to fetch metrics from Kubelet N (addr): <err>` (v0.3) or `N: unable to fetch metrics from node N: <err>` (v0.4).
      const err =
        /unable to fetch metrics from (?:Kubelet [\w.-]+ \([^)]*\)|node [\w.-]+): (.*)$/s.exec(part)?.[1] ??
        part.slice(node.length + 2);
      return { node, error: err.replace(/[\s,\]]+$/, '') };
    });
  }
  return [];
}

function unquote(s: string): string {
  return s.replace(/\\"/g, '"');
}

/** What kind of failure a scrape error is: the fix differs for each. */
export type ScrapeCause =
  'kubelet-tls' | 'kubelet-auth' | 'kubelet-refused' | 'kubelet-timeout' | 'kubelet-address' | 'other';

export function scrapeCause(error: string): ScrapeCause {
  if (/x509:|tls: |certificate/i.test(error)) return 'kubelet-tls';
  if (/connection refused/.test(error)) return 'kubelet-refused';
  if (/no such host|server misbehaving|\blookup\b/.test(error)) return 'kubelet-address';
  if (/\b(?:401|403)\b|Unauthorized|Forbidden/.test(error)) return 'kubelet-auth';
  if (/deadline exceeded|i\/o timeout|Client\.Timeout|timed out|no route to host|network is unreachable/i.test(error))
    return 'kubelet-timeout';
  return 'other';
}

/** One sentence per cause: what it means and where the fix is. */
const causeText: Record<ScrapeCause, string> = {
  'kubelet-tls':
    "metrics-server does not trust the kubelet's serving certificate (a self-signed kubelet certificate, or one without the node's IP in its SANs)",
  'kubelet-auth':
    'the kubelet refuses metrics-server (401/403): its RBAC for nodes/metrics or the kubelet authorization mode',
  'kubelet-refused': 'nothing listens on the kubelet port: the kubelet on that node is down or listens elsewhere',
  'kubelet-timeout':
    "the kubelet port cannot be reached from metrics-server's pod in time: a network path (security group or firewall on 10250, CNI, pod-to-node routing), or a kubelet that hangs",
  'kubelet-address':
    'the node address metrics-server dials does not resolve (--kubelet-preferred-address-types picks a hostname DNS does not know)',
  other: 'the kubelet answers with an error',
};

/** What to do, naming the node that fails the worst way (the one a later step walks). */
const causeFix: Record<ScrapeCause, (node: string) => string> = {
  'kubelet-tls': () =>
    "give the kubelets serving certificates signed by the cluster CA (kubelet serverTLSBootstrap: true, then kubectl certificate approve the kubelet-serving CSRs), or as a stop-gap add --kubelet-insecure-tls to metrics-server's args",
  'kubelet-auth': () =>
    'kubectl get clusterrole system:metrics-server -o yaml (nodes/metrics get); the kubelet needs --authorization-mode=Webhook',
  'kubelet-refused': (node) =>
    `walk that node: plumbline run node-not-ready --set node=${node}; systemctl status kubelet there`,
  'kubelet-timeout': (node) =>
    `from metrics-server's node, curl -k https://${node}:10250/healthz (or the node's InternalIP: kubectl get node ${node} -o wide); open tcp/10250 between the nodes (cloud: the node security group), or run metrics-server with hostNetwork: true where pod-to-node traffic is not routed`,
  'kubelet-address': () => 'set --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname in its args',
  other: () => 'kubectl -n kube-system logs -l k8s-app=metrics-server --tail=50, and fix what the kubelet answers',
};

/** metrics-server logs klog key=value lines, or JSON with `--logging-format=json`. */
const patterns: LinePattern<LineClass>[] = [
  {
    class: 'scrape',
    re: /Failed to scrape node|unable to fully scrape metrics|error while getting metrics summary from Kubelet/,
  },
  // I0511 21:56:53.747234 1 server.go:187] "Failed probe" probe="metric-storage-ready" err="no metrics to serve"
  { class: 'probe', re: /"Failed probe" probe="([\w-]+)"/, detail: (m) => m[1] },
  { class: 'error', re: /^[EF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ \S+\] / },
];

export const clusterMetricsServer = defineCheck({
  id: 'cluster.metrics-server',
  layer: 'cluster',
  title: 'metrics-server: pods and the nodes it cannot scrape',
  why: "metrics-server backs the metrics.k8s.io aggregated API; its log names every kubelet it cannot scrape and Go's error for it, which says whether the kubelet is down, unreachable, or not trusted (TLS).",
  params: z.object({
    /** A metrics-server pod already known (the page named it): read it instead of looking it up. */
    namespace: z.string().optional(),
    pod: z.string().optional(),
  }),
  outcomes,
  healthy: ['healthy'],
  facts: [
    'unreachableNodes',
    'scrapeError',
    'scrapeCause',
    'scrapeCauseText',
    'scrapeFix',
    'scrapeNodeCount',
    'scrapeNodesText',
    'metricsServerPod',
    'metricsServerNode',
    'metricsServerNamespace',
    'metricsServerImage',
    'readinessFailure',
    'restarts',
    'logLine',
  ],
  sets: {
    healthy: ['metricsServerNamespace', 'metricsServerNode', 'metricsServerPod', 'restarts'],
    'crash-looping': ['metricsServerNamespace', 'metricsServerNode', 'metricsServerPod', 'restarts'],
    'cannot-scrape-nodes': [
      'logLine',
      'metricsServerNamespace',
      'metricsServerNode',
      'metricsServerPod',
      'restarts',
      'scrapeCauseText',
      'scrapeError',
      'scrapeFix',
      'scrapeNodesText',
      'unreachableNodes',
    ],
    'kubelet-tls': [
      'logLine',
      'metricsServerNamespace',
      'metricsServerNode',
      'metricsServerPod',
      'restarts',
      'scrapeCauseText',
      'scrapeError',
      'scrapeFix',
      'scrapeNodesText',
      'unreachableNodes',
    ],
  },
  command: (p) =>
    p.namespace && p.pod
      ? `kubectl get pod ${quoteArg(p.pod)} -n ${quoteArg(p.namespace)} -o wide && kubectl logs -n ${quoteArg(p.namespace)} ${quoteArg(p.pod)} --tail=300`
      : `kubectl get pods -n ${systemNamespace} -l ${selector} -o wide && kubectl logs -n ${systemNamespace} -l ${selector} --tail=300`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const now = ctx.now();
    const named = p.namespace && p.pod ? await ifExists(ctx.kube.readPod(p.namespace, p.pod)) : undefined;
    const found = named
      ? { pods: [named], via: `pod ${p.namespace ?? ''}/${p.pod ?? ''}` }
      : await findMetricsServerPods(ctx.kube);
    const pods = found.pods;
    if (pods.length === 0) {
      return {
        outcome: 'no-pods',
        summary: found.via
          ? `no metrics-server pod in ${systemNamespace} (label ${selector}) nor behind ${found.via}: metrics.k8s.io has no backend, so its APIService cannot be Available`
          : `no metrics-server pod in ${systemNamespace} (label ${selector}), and no metrics.k8s.io APIService names one: metrics-server is not installed here (kubectl top and resource-metric HPAs have nothing to ask)`,
        evidence: [{ label: `pods -l ${selector}`, value: 'none' }],
        facts: { unreachableNodes: '' },
      };
    }
    const namespace = pods[0]?.metadata?.namespace ?? systemNamespace;
    const health = pods.map((p) => podHealth(p, 'metrics-server'));
    const evidence: Evidence[] = health.map((h) => describePod(h, now));
    if (found.via) evidence.unshift({ label: 'found through', value: found.via });
    const focus = health.find((h) => isCrashLooping(h) || !h.ready) ?? health[0];
    const facts: Facts = { unreachableNodes: '', metricsServerNamespace: namespace };
    if (focus) {
      facts.metricsServerPod = focus.name;
      facts.metricsServerNode = focus.node;
      facts.restarts = focus.restarts;
      const image = pods
        .find((p) => p.metadata?.name === focus.name)
        ?.spec?.containers.find((c) => c.name === focus.container)?.image;
      if (image) facts.metricsServerImage = image;
    }
    const logs = await Promise.all(health.map((h) => readComponentLogs(ctx.kube, h, componentLogTail, namespace)));
    for (const l of logs) for (const note of l.notes) evidence.push({ label: l.pod, value: note });
    const lines = classifyLines(logs, patterns);
    const probe = lines.filter((l) => l.class === 'probe').at(-1);
    if (probe) {
      facts.readinessFailure = probe.line;
      evidence.push(lineEvidence(probe));
    }
    // Newest failure per node, in the order the log first named the nodes.
    const scrapes = lines
      .filter((l) => l.class === 'scrape')
      .flatMap((l) => scrapeFailures(l.line).map((f) => ({ ...f, line: l })));
    const byNode = new Map<string, (typeof scrapes)[number]>();
    for (const s of scrapes) if (s.node) byNode.set(s.node, s);
    if (byNode.size > 0) {
      const failures = [...byNode.values()];
      const causes = unique(failures.map((f) => scrapeCause(f.error)));
      // A node that does not answer at all is the one to walk; a TLS refusal on every node is metrics-server's own configuration.
      const rank = (c: ScrapeCause) =>
        ['kubelet-refused', 'kubelet-timeout', 'kubelet-address', 'kubelet-auth', 'other', 'kubelet-tls'].indexOf(c);
      failures.sort((a, b) => rank(scrapeCause(a.error)) - rank(scrapeCause(b.error)));
      const top = failures[0] as (typeof failures)[number];
      const cause = scrapeCause(top.error);
      const nodes = failures.map((f) => f.node);
      // Later steps read the nodes one by one; the first is the one that fails the worst way.
      facts.unreachableNodes = nodes.join(',');
      facts.scrapeNodeCount = nodes.length;
      facts.scrapeNodesText = plural(nodes.length, 'node');
      facts.scrapeError = top.error;
      facts.scrapeCause = cause;
      facts.scrapeCauseText = causeText[cause];
      facts.scrapeFix = causeFix[cause](top.node);
      facts.logLine = top.line.line;
      for (const f of failures.slice(0, 5))
        evidence.push({ label: `${f.line.pod} ${f.line.instance} log: node ${f.node}`, value: clip(f.error, 300) });
      const all = causes.length === 1 && cause === 'kubelet-tls';
      return {
        outcome: all ? 'kubelet-tls' : 'cannot-scrape-nodes',
        summary: all
          ? `metrics-server refuses the kubelet's certificate on ${plural(nodes.length, 'node')} (${clip(top.error, 140)}): ${causeText[cause]}`
          : `metrics-server cannot scrape the kubelet on ${nodes.join(', ')} (${clip(top.error, 120)}): ${causeText[cause]}`,
        evidence,
        facts,
      };
    }
    const looping = health.filter(isCrashLooping);
    const errors = lines.filter((l) => l.class === 'error');
    if (looping.length > 0 && focus) {
      const err = errors.at(-1);
      if (err) {
        facts.logLine = err.line;
        evidence.push(lineEvidence(err));
      }
      return {
        outcome: 'crash-looping',
        summary: `${focus.name} keeps restarting (${plural(focus.restarts, 'restart')})${err ? `; last error: ${clip(err.line, 160)}` : ''}`,
        evidence,
        facts,
      };
    }
    const notReady = health.filter((h) => !h.ready);
    if (notReady.length > 0) {
      return {
        outcome: 'not-ready',
        summary: `${notReady.map((h) => h.name).join(', ')} ${notReady.length === 1 ? 'is' : 'are'} not Ready, so metrics.k8s.io has no endpoint to serve it${probe ? ` (${clip(probe.line.replace(/^.*?"Failed probe" /, ''), 100)})` : ''}`,
        evidence,
        facts,
      };
    }
    const lastError = errors.at(-1);
    if (lastError) {
      facts.logLine = lastError.line;
      for (const e of errors.slice(-3)) evidence.push(lineEvidence(e));
      return {
        outcome: 'log-errors',
        summary: `metrics-server is Ready but logged ${plural(errors.length, 'error line')}; the last: ${clip(lastError.line, 160)}`,
        evidence,
        facts,
      };
    }
    return {
      outcome: 'healthy',
      summary: `metrics-server is Ready and scrapes every node without errors`,
      evidence,
      facts,
    };
  },
});

/**
 * metrics-server's pods: the add-on manifest's label in kube-system, else the pods behind
 * the metrics.k8s.io APIService's Service (a Helm install in its own namespace, other labels).
 */
async function findMetricsServerPods(kube: KubeClient): Promise<{ pods: V1Pod[]; via?: string }> {
  const pods = await listComponentPods(kube, selector);
  if (pods.length > 0) return { pods };
  const api = (await kube.listApiServices({ pageSize: 500, maxItems: 500 })).find(
    (a) => a.spec?.group === 'metrics.k8s.io' && a.spec.service,
  );
  const ref = api?.spec?.service;
  if (!ref?.namespace || !ref.name)
    return { pods: [], ...(api ? { via: `APIService ${api.metadata?.name ?? ''} (no Service)` } : {}) };
  const svc = await ifExists(kube.readService(ref.namespace, ref.name));
  const sel = labelString(svc?.spec?.selector);
  const via = `APIService ${api?.metadata?.name ?? ''} → Service ${ref.namespace}/${ref.name}${svc ? '' : ' (not found)'}`;
  if (!sel) return { pods: [], via };
  return {
    pods: await kube.listPods({ namespace: ref.namespace, labelSelector: sel, pageSize: 20, maxItems: 20 }),
    via: `${via} (selector ${sel})`,
  };
}
