import { z } from 'zod';
import { defineFault } from '../types.js';
import { metricsServerPod, metricsServerStartup, metricsServerUnready } from './support/addons.js';
import { nodeIP } from './support/controlPlane.js';
import { appendLog } from './support/logbook.js';
import { ago, klog, logLine } from './support/logs.js';

/**
 * metrics-server scrapes every kubelet's /metrics/resource on port 10250; when
 * one kubelet is down it logs the node it cannot reach every cycle. In the
 * stale-control-plane incident this line named the worker whose kubelet had
 * lost its config file: the fact that leads to the host.
 */
export const metricsServerCannotReachKubelet = defineFault({
  id: 'metrics-server-cannot-reach-kubelet',
  title: "metrics-server cannot reach one node's kubelet (connection refused on 10250)",
  layer: 'cluster',
  description:
    'metrics-server logs `"Failed to scrape node" err="Get \\"https://<ip>:10250/metrics/resource\\": dial tcp <ip>:10250: connect: connection refused" node="<node>"` every 15 s (its metric resolution) since the kubelet on <node> stopped. With `unready` (the default) its /readyz also fails (`"Failed probe" probe="metric-storage-ready" err="no metrics to serve"`): the pod is Running 0/1 with Unhealthy events (Readiness probe failed: HTTP probe failed with statuscode: 500), the metrics-server Deployment is unavailable and its Endpoints list the pod under notReadyAddresses. Pair it with apiservice-unavailable for the aggregated API\'s consequence. Also creates the metrics-server Deployment, ReplicaSet and Service if the cluster has none.',
  params: z.strictObject({
    /** The node whose kubelet refuses connections (default: the first worker). */
    node: z.string().optional(),
    /** Minutes since the kubelet went away. */
    minutes: z.number().int().min(1).max(1440).default(40),
    /** Whether metrics-server's own readiness fails too. */
    unready: z.boolean().default(true),
  }),
  apply(ctx, p) {
    const node =
      p.node ??
      ctx.list('Node').find((n) => !Object.hasOwn(n.metadata.labels ?? {}, 'node-role.kubernetes.io/control-plane'))
        ?.metadata.name ??
      ctx.fail('the cluster has no worker node for metrics-server to miss; name one with `node`');
    const ip = nodeIP(ctx, node);
    const seconds = p.minutes * 60;
    const pod = p.unready ? metricsServerUnready(ctx, seconds) : metricsServerPod(ctx);
    const created = Date.parse(pod.metadata.creationTimestamp ?? '') || ctx.now.getTime() - 90 * 86400_000;
    const startedAgo = Math.max(seconds + 60, Math.round((ctx.now.getTime() - created) / 1000));

    // The scrape loop runs every 15 s; the readiness probe hits /readyz every 10 s.
    const events: { at: number; line: string }[] = [];
    for (let s = seconds - (seconds % 15) - 3; s >= 2; s -= 15) {
      const m = ago(ctx, s, `scrape-${s}`);
      events.push({
        at: m.ms,
        line: logLine(
          m,
          klog(
            'E',
            m,
            'scraper.go:149',
            `"Failed to scrape node" err="Get \\"https://${ip}:10250/metrics/resource\\": dial tcp ${ip}:10250: connect: connection refused" node="${node}"`,
          ),
        ),
      });
    }
    if (p.unready) {
      for (let s = seconds - (seconds % 10) - 7; s >= 1; s -= 10) {
        const m = ago(ctx, s, `probe-${s}`);
        events.push({
          at: m.ms,
          line: logLine(
            m,
            klog('I', m, 'server.go:191', '"Failed probe" probe="metric-storage-ready" err="no metrics to serve"'),
          ),
        });
      }
    }
    events.sort((a, b) => a.at - b.at);
    appendLog(ctx, 'kube-system', pod.metadata.name, 'metrics-server', [
      ...metricsServerStartup(ctx, startedAgo),
      ...events.map((e) => e.line),
    ]);
  },
});
