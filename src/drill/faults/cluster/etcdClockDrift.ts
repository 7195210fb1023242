import { z } from 'zod';
import { goDurationNs } from '../../../kube/semantics/duration.js';
import { defineFault } from '../types.js';
import { controlPlanePod } from './support/controlPlane.js';
import { appendLog } from './support/logbook.js';
import { ago, hexId, logLine, zapTs } from './support/logs.js';

/**
 * etcd's rafthttp prober finds a peer's clock over a second away and says so in zap's words every 30 s for each
 * round tripper (etcd 3.4+; the shape of an OpenShift etcd pod's line, peterducai/openshift-etcd-suite ntp.md).
 */
export const etcdClockDrift = defineFault({
  id: 'etcd-clock-drift',
  title: "etcd's prober finds a peer's clock far off (members out of time sync)",
  layer: 'cluster',
  description:
    'The etcd pod on a control-plane node logs `"msg":"prober found high clock drift"` with `"remote-peer-id"`, `"clock-drift"` (`seconds`, as Go prints it: `5m12.4s`) and `"rtt"`, for ROUND_TRIPPER_SNAPSHOT and ROUND_TRIPPER_RAFT_MESSAGE, every 30 s for `minutes`. The pod stays Running and Ready.',
  params: z.strictObject({
    /** Control-plane node whose etcd logs the drift (default: the first). */
    node: z.string().optional(),
    /** How far the peer's clock is (seconds, over 1: etcd warns only past 1 s). */
    seconds: z.number().min(1.001).max(86_400).default(312.4),
    /** Minutes of warnings up to now. */
    minutes: z.number().int().min(1).max(600).default(10),
  }),
  apply(ctx, p) {
    const etcd = controlPlanePod(ctx, 'etcd', p.node);
    const peer = hexId(16, 'etcd-peer', etcd.metadata.name);
    const lines: string[] = [];
    for (let s = p.minutes * 60, n = 0; s >= 30; s -= 30, n++) {
      for (const [i, tripper] of ['ROUND_TRIPPER_SNAPSHOT', 'ROUND_TRIPPER_RAFT_MESSAGE'].entries()) {
        const at = ago(ctx, s - i * 0.01, `drift-${s}-${tripper}`, 20);
        const drift = goDurationNs(Math.round(p.seconds * 1e9) + ((n * 7919 + i * 104_729) % 5_000_000));
        const rtt = goDurationNs(400_000 + ((n * 31_337 + i * 9_973) % 900_000));
        lines.push(
          logLine(
            at,
            `{"level":"warn","ts":"${zapTs(at)}","caller":"rafthttp/probing_status.go:82","msg":"prober found high clock drift","round-tripper-name":"${tripper}","remote-peer-id":"${peer}","clock-drift":"${drift}","rtt":"${rtt}"}`,
          ),
        );
      }
    }
    appendLog(ctx, 'kube-system', etcd.metadata.name, 'etcd', lines);
  },
});
