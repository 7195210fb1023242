import { z } from 'zod';
import { plural } from '../format.js';
import { clip } from '../pods.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { classifyLines, describePod, isCrashLooping, lineEvidence, listComponentPods, podHealth, readComponentLogs, systemNamespace, unique } from './components.js';
import type { LinePattern } from './components.js';

const outcomes = ['healthy', 'no-pods', 'crash-looping', 'not-ready', 'cannot-scrape-nodes', 'log-errors'] as const;
type Outcome = (typeof outcomes)[number];

type LineClass = 'scrape' | 'error';

const selector = 'k8s-app=metrics-server';

/** metrics-server logs klog key=value lines, or JSON with `--logging-format=json`. */
const patterns: LinePattern<LineClass>[] = [
  // E0914 04:31:35.114571 1 scraper.go:140] "Failed to scrape node" err="Get \"https://10.100.101.165:10250/metrics/resource\": dial tcp ...: connect: connection refused" node="ip-10-100-101-165.ec2.internal"
  { class: 'scrape', re: /"Failed to scrape node(?:, timeout to access kubelet)?".*\bnode="([^"]+)"/, detail: (m) => m[1] },
  // {"msg":"Failed to scrape node, timeout to access kubelet","node":{"name":"ip-10-108-183-190..."},...}
  { class: 'scrape', re: /"msg":"Failed to scrape node[^"]*".*?"node":\{"name":"([^"]+)"\}/, detail: (m) => m[1] },
  // v0.3.x: unable to fully scrape metrics from source kubelet_summary:worker-2: unable to fetch metrics from Kubelet worker-2 (10.0.0.12): Get ...
  { class: 'scrape', re: /unable to fully scrape metrics from source kubelet_summary:([\w.-]+)/, detail: (m) => m[1] },
  { class: 'error', re: /^[EF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ \S+\] /},
];

export const clusterMetricsServer = defineCheck({
  id: 'cluster.metrics-server',
  layer: 'cluster',
  title: 'metrics-server: pods and the nodes it cannot scrape',
  why: "metrics-server backs the metrics.k8s.io aggregated API; its log names every kubelet it cannot reach (\"Failed to scrape node\" … node=\"X\"), which points straight at the node whose kubelet is down.",
  params: z.object({}),
  outcomes,
  healthy: ['healthy'],
  facts: ['unreachableNodes', 'scrapeError', 'metricsServerPod', 'metricsServerNode', 'restarts', 'logLine'],
  command: () => `kubectl get pods -n ${systemNamespace} -l ${selector} -o wide && kubectl logs -n ${systemNamespace} -l ${selector} --tail=300`,
  async run(ctx): Promise<CheckResult<Outcome>> {
    const now = ctx.now();
    const pods = await listComponentPods(ctx.kube, selector);
    if (pods.length === 0) {
      return {
        outcome: 'no-pods',
        summary: `no metrics-server pod in ${systemNamespace} (label ${selector}): metrics.k8s.io has no backend, so its APIService cannot be Available`,
        evidence: [{ label: `pods -l ${selector}`, value: 'none' }],
        facts: { unreachableNodes: '' },
      };
    }
    const health = pods.map((p) => podHealth(p, 'metrics-server'));
    const evidence: Evidence[] = health.map((h) => describePod(h, now));
    const focus = health.find((h) => isCrashLooping(h) || !h.ready) ?? health[0];
    const facts: Facts = { unreachableNodes: '' };
    if (focus) {
      facts.metricsServerPod = focus.name;
      facts.metricsServerNode = focus.node;
      facts.restarts = focus.restarts;
    }
    const logs = await Promise.all(health.map((h) => readComponentLogs(ctx.kube, h)));
    for (const l of logs) for (const note of l.notes) evidence.push({ label: l.pod, value: note });
    const lines = classifyLines(logs, patterns);
    const scrapes = lines.filter((l) => l.class === 'scrape');
    const nodes = unique(scrapes.map((s) => s.detail));
    if (nodes.length > 0) {
      // Later steps read the nodes one by one; the order is the order the log named them.
      facts.unreachableNodes = nodes.join(',');
      const last = scrapes.at(-1);
      if (last) {
        facts.logLine = last.line;
        facts.scrapeError = scrapeError(last.line);
      }
      for (const n of nodes.slice(0, 5)) {
        const line = scrapes.filter((s) => s.detail === n).at(-1);
        if (line) evidence.push(lineEvidence(line));
      }
      return {
        outcome: 'cannot-scrape-nodes',
        summary: `metrics-server cannot scrape the kubelet on ${nodes.join(', ')}${facts.scrapeError ? ` (${clip(String(facts.scrapeError), 120)})` : ''}: look at that node's kubelet`,
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
      return { outcome: 'crash-looping', summary: `${focus.name} keeps restarting (${plural(focus.restarts, 'restart')})${err ? `; last error: ${clip(err.line, 160)}` : ''}`, evidence, facts };
    }
    const notReady = health.filter((h) => !h.ready);
    if (notReady.length > 0) {
      return { outcome: 'not-ready', summary: `${notReady.map((h) => h.name).join(', ')} ${notReady.length === 1 ? 'is' : 'are'} not Ready, so metrics.k8s.io has no endpoint to serve it`, evidence, facts };
    }
    const lastError = errors.at(-1);
    if (lastError) {
      facts.logLine = lastError.line;
      for (const e of errors.slice(-3)) evidence.push(lineEvidence(e));
      return { outcome: 'log-errors', summary: `metrics-server is Ready but logged ${plural(errors.length, 'error line')}; the last: ${clip(lastError.line, 160)}`, evidence, facts };
    }
    return { outcome: 'healthy', summary: `metrics-server is Ready and scrapes every node without errors`, evidence, facts };
  },
});

/** The `err="..."` of a klog line (unescaped), or a JSON line's `"err":"..."`. */
function scrapeError(line: string): string {
  const klog = /\berr="((?:[^"\\]|\\.)*)"/.exec(line);
  if (klog?.[1]) return klog[1].replace(/\\"/g, '"');
  const json = /"err":"((?:[^"\\]|\\.)*)"/.exec(line);
  return json?.[1]?.replace(/\\"/g, '"') ?? '';
}
