import { z } from 'zod';
import { defineFault } from '../types.js';
import { controlPlanePod, nodeOf } from './support/controlPlane.js';
import { appendLog } from './support/logbook.js';
import { ago, klog, logLine, traceNumber, uuidOf, zapTs } from './support/logs.js';
import type { Moment } from './support/logs.js';
import { goDurationNs } from '../../../kube/semantics/duration.js';

/** A measured time as Go prints it (`1.234567891s`, `734.123456ms`), its nanoseconds varied by `salt`. */
function goDurationMs(ms: number, salt: number): string {
  return goDurationNs(Math.round(ms * 1e6) + (salt % 1000));
}

/** `25-Nov-2026 11:59:50.123`, the apiserver trace's start time. */
function traceStart(m: Moment): string {
  const d = new Date(m.ms);
  const mon =
    ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()] ?? '';
  return `${String(d.getUTCDate()).padStart(2, '0')}-${mon}-${d.getUTCFullYear()} ${d.toISOString().slice(11, 23)}`;
}

/** Reads the apiserver and controllers do all the time, as etcd names them in its slow-request warnings. */
const reads = [
  {
    key: '/registry/leases/kube-node-lease/',
    end: '/registry/leases/kube-node-lease0',
    response: 'range_response_count:4 size:1927',
  },
  {
    key: '/registry/pods/kube-system/',
    end: '/registry/pods/kube-system0',
    response: 'range_response_count:11 size:68544',
  },
  { key: '/registry/services/endpoints/kube-system/kube-dns', end: '', response: 'range_response_count:1 size:941' },
  { key: '/registry/minions/', end: '/registry/minions0', response: 'range_response_count:4 size:22791' },
];

export const etcdSlow = defineFault({
  id: 'etcd-slow',
  title: 'etcd is slow (disk fsync): every API request takes longer',
  layer: 'cluster',
  description:
    'etcd\'s disk cannot keep up: etcd logs `"msg":"slow fdatasync"` (expected 1s) and `"msg":"apply request took too long"` (expected 100ms) with the request and its trace, the kube-apiserver logs traces of slow lease updates ("GuaranteedUpdate etcd3" ... "Txn call completed"), and every resource request through the API is delayed by `ms`. The apiserver stays healthy: /readyz (and its etcd check) pass, nothing restarts. Discovery and health endpoints are not delayed (the apiserver serves them from memory).',
  params: z.strictObject({
    node: z.string().optional(),
    /** Delay added to every resource request (ms). */
    ms: z.number().int().min(1).max(30_000).default(800),
    /** How long etcd's WAL fsyncs take (ms). */
    fdatasyncMs: z.number().int().min(1001).max(60_000).default(1400),
    /** Minutes of slowness in the logs. */
    minutes: z.number().int().min(1).max(600).default(30),
  }),
  apply(ctx, p) {
    const etcd = controlPlanePod(ctx, 'etcd', p.node);
    const { node, ip } = nodeOf(etcd);
    const apiserver = controlPlanePod(ctx, 'kube-apiserver', node);
    const seconds = p.minutes * 60;
    const etcdLines: string[] = [];
    const apiLines: string[] = [];
    let n = 0;
    for (let s = seconds; s >= 3; s -= 10, n++) {
      const sync = ago(ctx, s, `fdatasync-${s}`);
      etcdLines.push(
        logLine(
          sync,
          `{"level":"warn","ts":"${zapTs(sync)}","caller":"wal/wal.go:805","msg":"slow fdatasync","took":"${goDurationMs(p.fdatasyncMs + ((n * 37) % 400), n)}","expected-duration":"1s"}`,
        ),
      );
      const r = reads[n % reads.length] ?? reads[0];
      if (!r) continue;
      const took = p.ms + ((n * 53) % 300);
      const end = ago(ctx, s - 2, `apply-${s}`);
      const start: Moment = { ms: end.ms - took, us: end.us };
      const request = `key:\\"${r.key}\\" ${r.end ? `range_end:\\"${r.end}\\" ` : ''}`;
      etcdLines.push(
        logLine(
          end,
          `{"level":"warn","ts":"${zapTs(end)}","caller":"etcdserver/util.go:170","msg":"apply request took too long","took":"${goDurationMs(took, n)}","expected-duration":"100ms","prefix":"read-only range ","request":"${request}","response":"${r.response}"}`,
        ),
        logLine(
          end,
          `{"level":"info","ts":"${zapTs(end)}","caller":"traceutil/trace.go:171","msg":"trace[${traceNumber('etcd', n)}] range","detail":"{range_begin:${r.key}; ${r.end ? `range_end:${r.end}; ` : ''}${r.response.replace('range_response_count', 'response_count').replace(/ size:\d+/, '')}; response_revision:${48_210_337 + n * 41}; }","duration":"${goDurationMs(took, n)}","start":"${zapTs(start)}","end":"${zapTs(end)}","steps":["trace[${traceNumber('etcd', n)}] 'agreement among raft nodes before linearized reading'  (duration: ${goDurationMs(took - 1, n)})"],"step_count":1}`,
        ),
      );
      // The apiserver traces requests over its 500 ms threshold; a kubelet's node lease update is the commonest.
      if (took >= 500 && n % 2 === 0) {
        const done = ago(ctx, s - 4, `trace-${s}`);
        const began: Moment = { ms: done.ms - took - 2, us: done.us };
        const audit = uuidOf('audit', s);
        const id = traceNumber('api', s);
        const hhmmss = (m: Moment): string => new Date(m.ms).toISOString().slice(11, 23);
        apiLines.push(
          logLine(
            done,
            klog(
              'I',
              done,
              'trace.go:236',
              `Trace[${id}]: "Update" accept:application/vnd.kubernetes.protobuf,application/json,audit-id:${audit},client:${ip},api-group:coordination.k8s.io,api-version:v1,name:${node},subresource:,namespace:kube-node-lease,protocol:HTTP/2.0,resource:leases,scope:resource,url:/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node},user-agent:kubelet/v1.31.4 (linux/amd64) kubernetes/a78aa47,verb:PUT (${traceStart(began)}) (total time: ${took + 2}ms):`,
            ),
          ),
          logLine(
            done,
            `Trace[${id}]: ["GuaranteedUpdate etcd3" audit-id:${audit},key:/leases/kube-node-lease/${node},type:*coordination.Lease,resource:leases.coordination.k8s.io ${took + 1}ms (${hhmmss(began)})`,
          ),
          logLine(done, `Trace[${id}]:  ---"Txn call completed" ${took}ms (${hhmmss(done)})]`),
          logLine(done, `Trace[${id}]: [${goDurationMs(took + 2, s)}] [${goDurationMs(took + 2, s)}] END`),
        );
      }
    }
    appendLog(ctx, 'kube-system', etcd.metadata.name, 'etcd', etcdLines);
    appendLog(ctx, 'kube-system', apiserver.metadata.name, 'kube-apiserver', apiLines);
    // Resource requests wait on etcd; discovery, /version and the health endpoints do not.
    ctx.apiFault({ path: '^/api/v1/.|^/apis/[^/]+/[^/]+/.', kind: 'latency', ms: p.ms });
  },
});
