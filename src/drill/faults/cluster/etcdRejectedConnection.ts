import { z } from 'zod';
import { defineFault } from '../types.js';
import { appendLog } from './support/logbook.js';

/**
 * etcd logs "rejected connection" whenever something probes its client port
 * without a client certificate (load balancer health checks, port scanners).
 * It is noise: present in the stale-control-plane incident, and not the cause.
 */
export const etcdRejectedConnection = defineFault({
  id: 'etcd-rejected-connection-noise',
  title: 'etcd logs "rejected connection" from a health checker (noise)',
  layer: 'cluster',
  description:
    'The etcd pod on a control-plane node logs "rejected connection from ... (error "EOF", ServerName "")" every few seconds, as when a TCP health check probes port 2379. etcd is healthy: the pod is Running and Ready and nothing else is wrong with it.',
  params: z.strictObject({
    /** Control-plane node whose etcd pod logs the noise (default: the first one). */
    node: z.string().optional(),
    /** Address the probes come from. */
    from: z.string().default('10.0.0.5'),
    /** How many lines, one every 5 s up to now. */
    lines: z.number().int().min(1).max(2000).default(60),
  }),
  apply(ctx, p) {
    const etcd =
      (p.node
        ? ctx.need('Pod', 'kube-system', `etcd-${p.node}`)
        : ctx.list('Pod', 'kube-system').find((o) => o.metadata.name.startsWith('etcd-'))) ??
      ctx.fail('the cluster has no etcd pod (generate a control plane)');
    const ip = String((etcd.status as { podIP?: string } | undefined)?.podIP ?? '10.0.0.11');
    const lines: string[] = [];
    for (let i = p.lines; i >= 1; i--) {
      const stamp = ctx.at(`now-${i * 5}s`);
      const t = stamp.replace('Z', '.000000Z');
      const port = 40000 + ((i * 7919) % 20000);
      lines.push(
        `${stamp} {"level":"warn","ts":"${t}","caller":"embed/config_logging.go:170","msg":"rejected connection on client endpoint","remote-addr":"${p.from}:${port}","server-name":"","error":"EOF"}`,
      );
    }
    // The first lines of a normal etcd start, so the noise sits in a believable log.
    const started = ctx.at('now-90d');
    appendLog(ctx, 'kube-system', etcd.metadata.name, 'etcd', [
      `${started} {"level":"info","ts":"${started.replace('Z', '.000000Z')}","caller":"etcdmain/etcd.go:73","msg":"Running: ","args":["etcd","--advertise-client-urls=https://${ip}:2379","--cert-file=/etc/kubernetes/pki/etcd/server.crt","--client-cert-auth=true","--data-dir=/var/lib/etcd"]}`,
      `${started} {"level":"info","ts":"${started.replace('Z', '.000000Z')}","caller":"embed/serve.go:250","msg":"serving client traffic securely","traffic":"grpc+http","address":"${ip}:2379"}`,
      ...lines,
    ]);
  },
});
