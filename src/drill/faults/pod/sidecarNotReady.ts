import { z } from 'zod';
import { defineFault } from '../types.js';
import { applyCloudpodsPod, cloudpodsParams } from './cloudpods.js';
import { controlPlaneIP } from './workload.js';
import { ago, containerEvent } from './podStatus.js';

/**
 * The Cloudpods host pod at 2/3: ovn-controller runs but cannot reach the OVN
 * southbound database, so its readiness probe fails and the host stays
 * offline for VPC networking.
 */
export const sidecarNotReady = defineFault({
  id: 'sidecar-not-ready',
  title: 'A sidecar container runs but is not ready (ovn-controller of the Cloudpods host pod, 2/3 ready)',
  layer: 'pod',
  description:
    'Creates the Cloudpods default-host DaemonSet pod in onecloud with host and sdnagent ready and ovn-controller Running but not ready (READY 2/3, STATUS Running, no restarts). ovn-controller\'s exec readiness probe prints the connection status: Unhealthy events "Readiness probe failed: not connected" every period. Its log shows the reconnect loop to the southbound database (`southbound`, default tcp:<first control-plane IP>:32242): "connecting...", "connection attempt failed (Connection refused)", "waiting 8 seconds before reconnect".',
  params: z.strictObject({
    ...cloudpodsParams,
    /** The OVN southbound database ovn-controller cannot reach. */
    southbound: z.string().optional(),
    /** How long ovn-controller has been not ready, in seconds. */
    sinceSeconds: z.number().int().min(30).max(86400).default(1800),
  }),
  apply(ctx, p) {
    const age = p.sinceSeconds + 120;
    const built = applyCloudpodsPod(ctx, {
      ...p,
      ...(p.pod ? { pod: p.pod } : {}),
      ...(p.node ? { node: p.node } : {}),
      ageSeconds: age,
      readyChanged: ago(p.sinceSeconds),
      probes: {
        'ovn-controller': {
          readinessProbe: {
            exec: {
              command: [
                'sh',
                '-c',
                'status=$(ovn-appctl -t ovn-controller connection-status); echo "$status"; test "$status" = connected',
              ],
            },
            initialDelaySeconds: 10,
            periodSeconds: 10,
            failureThreshold: 3,
            timeoutSeconds: 5,
            successThreshold: 1,
          },
        },
      },
      states: {
        'ovn-controller': {
          pulled: true,
          ready: false,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: ctx.at(ago(age)) } },
        },
      },
    });
    const ds = ctx.find('DaemonSet', p.namespace, p.name);
    if (ds) Object.assign(ds.status as object, { numberReady: 0, numberAvailable: 0, numberUnavailable: 1 });
    containerEvent(ctx, built.pod, 'ovn-controller', {
      type: 'Warning',
      reason: 'Unhealthy',
      message: 'Readiness probe failed: not connected',
      count: Math.round(p.sinceSeconds / 10),
      firstSeen: ago(p.sinceSeconds),
      lastSeen: 'now-6s',
    });
    const sb = p.southbound ?? `tcp:${controlPlaneIP(ctx)}:32242`;
    // OVS's vlog format: time|sequence|module|level|message; reconnect backs off 1, 2, 4, then 8 s.
    const lines: string[] = [];
    let seq = 1;
    const vlog = (secondsAgo: number, module: string, level: string, message: string) => {
      const t = new Date(ctx.now.getTime() - secondsAgo * 1000).toISOString();
      lines.push(`${ago(secondsAgo)} ${t}|${String(seq++).padStart(5, '0')}|${module}|${level}|${message}`);
    };
    vlog(age, 'vlog', 'INFO', 'opened log file /var/log/ovn/ovn-controller.log');
    vlog(age, 'reconnect', 'INFO', 'unix:/var/run/openvswitch/db.sock: connecting...');
    vlog(age, 'reconnect', 'INFO', 'unix:/var/run/openvswitch/db.sock: connected');
    vlog(age - 1, 'main', 'INFO', 'OVN internal version is : [24.03.2-20.33.0-72.4]');
    vlog(age - 1, 'main', 'INFO', `OVNSB IDL reconnected, force recompute.`);
    let t = age - 1;
    for (let wait = 1; ; wait *= 2) {
      vlog(t, 'reconnect', 'INFO', `${sb}: connecting...`);
      vlog(t, 'reconnect', 'INFO', `${sb}: connection attempt failed (Connection refused)`);
      if (wait > 8) {
        vlog(
          t,
          'reconnect',
          'INFO',
          `${sb}: continuing to reconnect in the background but suppressing further logging`,
        );
        break;
      }
      vlog(t, 'reconnect', 'INFO', `${sb}: waiting ${wait} seconds before reconnect`);
      t -= wait;
    }
    ctx.log(p.namespace, built.podName, 'ovn-controller', lines);
  },
});
