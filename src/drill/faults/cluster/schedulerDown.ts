import { z } from 'zod';
import { pod } from '../../objects/core.js';
import { uidFor } from '../../generate.js';
import { defineFault } from '../types.js';
import type { FaultContext } from '../types.js';
import { controlPlanePod, leaderIdentity, nodeOf, staleLeaderLease } from './support/controlPlane.js';
import { appendLog } from './support/logbook.js';
import { ago, klog, logLine } from './support/logs.js';
import type { Run } from './support/pods.js';
import { crashLoop, crashLoopEvents, crashLoopStatus } from './support/pods.js';
import { splitRef } from './support/workloads.js';

/** One kube-scheduler start that cannot bind its secure port (something else holds 10259) and exits 1. */
function runLog(ctx: FaultContext, run: Run, index: number): string[] {
  const start = ago(ctx, run.startedAgo, `sched-${index}-start`, 100);
  const end = ago(ctx, run.finishedAgo, `sched-${index}-end`, 100);
  return [
    logLine(start, klog('I', start, 'serving.go:386', 'Generated self-signed cert in-memory')),
    logLine(
      end,
      klog(
        'E',
        end,
        'run.go:72',
        '"command failed" err="failed to create listener: failed to listen on 127.0.0.1:10259: listen tcp 127.0.0.1:10259: bind: address already in use"',
      ),
    ),
  ];
}

/** A pod nobody schedules: no node, no PodScheduled condition, and no FailedScheduling event either. */
function pendingPod(ctx: FaultContext, ref: string, image: string, createdAgo: number): void {
  const { namespace, name } = splitRef(ctx, ref, 'pendingPod');
  const created = ctx.at(`now-${createdAgo}s`);
  ctx.put(
    pod(
      {
        name,
        namespace,
        uid: uidFor('pod', namespace, name),
        creationTimestamp: created,
        labels: { run: name },
      },
      {
        containers: [
          {
            name,
            image,
            imagePullPolicy: 'IfNotPresent',
            resources: {},
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        restartPolicy: 'Always',
        dnsPolicy: 'ClusterFirst',
        schedulerName: 'default-scheduler',
        serviceAccountName: 'default',
        terminationGracePeriodSeconds: 30,
        enableServiceLinks: true,
        preemptionPolicy: 'PreemptLowerPriority',
        priority: 0,
        tolerations: [
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ],
      },
      { phase: 'Pending', qosClass: 'BestEffort' },
    ),
  );
}

export const schedulerDown = defineFault({
  id: 'scheduler-down',
  title: 'kube-scheduler is down: new pods stay Pending with no scheduling events',
  layer: 'cluster',
  description:
    'kube-scheduler-<cp> cannot run. `crashloop` (default): the static pod is in CrashLoopBackOff, each start exiting 1 with `"command failed" err="failed to create listener: failed to listen on 127.0.0.1:10259: listen tcp 127.0.0.1:10259: bind: address already in use"` (a stray kube-scheduler service on the host holds the port), with restarts, logs and kubelet back-off events. `absent`: the manifest is gone from /etc/kubernetes/manifests, so there is no mirror pod at all. Either way the kube-scheduler Lease was last renewed when it went down, and a new pod (`pendingPod`, ns/name) stays Pending with no node, no PodScheduled condition and no FailedScheduling event: nobody tried.',
  params: z.strictObject({
    node: z.string().optional(),
    mode: z.enum(['crashloop', 'absent']).default('crashloop'),
    /** Minutes since the scheduler went down. */
    minutes: z.number().int().min(2).max(1440).default(30),
    /** A pod (`ns/name`) created since, which nothing schedules. */
    pendingPod: z.string().optional(),
    image: z.string().default('nginx:1.27'),
  }),
  apply(ctx, p) {
    const pod = controlPlanePod(ctx, 'kube-scheduler', p.node);
    const { node } = nodeOf(pod);
    const seconds = p.minutes * 60;
    if (p.mode === 'absent') {
      ctx.remove('Pod', 'kube-system', pod.metadata.name);
    } else {
      const loop = crashLoop(seconds, 1);
      ctx.put(crashLoopStatus(ctx, pod, 'kube-scheduler', loop, 1));
      crashLoopEvents(ctx, pod, 'kube-scheduler', loop);
      const last = runLog(ctx, loop.last, loop.restarts);
      appendLog(ctx, 'kube-system', pod.metadata.name, 'kube-scheduler', last, false);
      appendLog(ctx, 'kube-system', pod.metadata.name, 'kube-scheduler', last, true);
    }
    // The last healthy instance's identity, renewed up to the moment it stopped.
    staleLeaderLease(ctx, 'kube-scheduler', {
      renewedAgo: seconds + 3,
      acquiredAgo: seconds + 86400 * 20,
      holder: leaderIdentity(node, 'kube-scheduler', -1),
    });
    if (p.pendingPod) pendingPod(ctx, p.pendingPod, p.image, Math.max(60, Math.round(seconds / 2)));
  },
});
