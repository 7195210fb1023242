import { z } from 'zod';
import { defineFault } from '../types.js';
import type { FaultContext } from '../types.js';
import { controlPlanePod, leaderIdentity, nodeOf, staleLeaderLease } from './support/controlPlane.js';
import { appendLog } from './support/logbook.js';
import { ago, klog, logLine } from './support/logs.js';
import type { Run } from './support/pods.js';
import { crashLoop, crashLoopEvents, crashLoopStatus } from './support/pods.js';
import { deploymentObjects, splitRef } from './support/workloads.js';
import type { Json } from '../../apiserver/json.js';

const fatal =
  'error starting controllers: failed to discover resources: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request';

/** One kube-controller-manager process: starts, wins the lease, fails API discovery, exits 255 (klog.Fatal). */
function runLog(ctx: FaultContext, node: string, run: Run, index: number): string[] {
  let step = 0;
  const at = (offset: number, level: 'I' | 'E' | 'F', source: string, message: string): string => {
    // Each line a few milliseconds after the one before, as one process writes them.
    const m = ago(ctx, run.startedAgo - offset - 0.003 * step++, `kcm-${index}-${step}`, 3);
    return logLine(m, klog(level, m, source, message));
  };
  const identity = leaderIdentity(node, 'kube-controller-manager', index);
  return [
    at(0, 'I', 'serving.go:386', 'Generated self-signed cert in-memory'),
    at(1, 'I', 'controllermanager.go:197', '"Starting" version="v1.31.4"'),
    at(1, 'I', 'controllermanager.go:199', '"Golang settings" GOGC="" GOMAXPROCS="" GOTRACEBACK=""'),
    at(
      1,
      'I',
      'dynamic_cafile_content.go:160',
      '"Starting controller" name="request-header::/etc/kubernetes/pki/front-proxy-ca.crt"',
    ),
    at(
      1,
      'I',
      'dynamic_cafile_content.go:160',
      '"Starting controller" name="client-ca-bundle::/etc/kubernetes/pki/ca.crt"',
    ),
    at(1, 'I', 'secure_serving.go:213', 'Serving securely on 127.0.0.1:10257'),
    at(1, 'I', 'tlsconfig.go:243', '"Starting DynamicServingCertificateController"'),
    at(1, 'I', 'leaderelection.go:254', 'attempting to acquire leader lease kube-system/kube-controller-manager...'),
    at(2, 'I', 'leaderelection.go:268', 'successfully acquired lease kube-system/kube-controller-manager'),
    at(
      2,
      'I',
      'event.go:389',
      `"Event occurred" object="kube-system/kube-controller-manager" fieldPath="" kind="Lease" apiVersion="coordination.k8s.io/v1" type="Normal" reason="LeaderElection" message="${identity} became leader"`,
    ),
    at(
      3,
      'E',
      'memcache.go:265',
      '"Unhandled Error" err="couldn\'t get resource list for metrics.k8s.io/v1beta1: the server is currently unable to handle the request" logger="UnhandledError"',
    ),
    at(run.startedAgo - run.finishedAgo, 'F', 'controllermanager.go:174', fatal),
  ];
}

/**
 * A Deployment the controllers last saw with one (already unready) pod; the
 * pod has since been deleted and nothing replaced it. A `rollout restart`
 * after that bumped the generation, which no controller observed.
 */
function starvedWorkload(ctx: FaultContext, ref: string, image: string, seconds: number): void {
  const { namespace, name } = splitRef(ctx, ref, 'starvedDeployment');
  const labels = { app: name };
  const { deployment, replicaSet } = deploymentObjects({
    namespace,
    name,
    labels,
    image,
    container: name,
    replicas: 1,
    readyReplicas: 0,
    currentReplicas: 1,
    created: ctx.at(`now-${seconds + 30 * 86400}s`),
  });
  const spec = deployment.spec as Json;
  const template = spec.template as { metadata: Json };
  template.metadata = {
    ...template.metadata,
    annotations: { 'kubectl.kubernetes.io/restartedAt': ctx.at(`now-${Math.round(seconds / 3)}s`) },
  };
  (deployment.metadata as Json).generation = 2;
  ctx.put(deployment);
  ctx.put(replicaSet);
  for (const pod of ctx.list('Pod', namespace).filter((p) => p.metadata.labels?.app === name))
    ctx.remove('Pod', namespace, pod.metadata.name);
}

export const controllerManagerDiscoveryCrashloop = defineFault({
  id: 'controller-manager-discovery-crashloop',
  title: 'kube-controller-manager crash-loops on API discovery (metrics.k8s.io/v1beta1 unavailable)',
  layer: 'cluster',
  description:
    'kube-controller-manager-<cp> is in CrashLoopBackOff: each run wins the leader lease, then fails discovery and exits 255 with "error starting controllers: failed to discover resources: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request" (the stale-control-plane incident\'s line). Restarts follow the kubelet\'s back-off; logs (current and --previous) show the last run; kubelet events Pulled/Created/Started/BackOff; the kube-controller-manager Lease was last renewed when the last run started. No controller runs, so nothing creates pods: `starvedDeployment` (ns/name) adds a Deployment whose ReplicaSet wants 1 pod and has none (status as the controllers last wrote it; generation 2 never observed). Pair it with apiservice-unavailable, which makes /apis/metrics.k8s.io answer 503.',
  params: z.strictObject({
    /** Control-plane node (default: the first). */
    node: z.string().optional(),
    /** Minutes since the first crash. */
    minutes: z.number().int().min(2).max(1440).default(45),
    /** A Deployment (`ns/name`) left without pods because no controller runs. */
    starvedDeployment: z.string().optional(),
    /** Image of the starved Deployment's pods. */
    image: z.string().default('mysql:8.0.39'),
  }),
  apply(ctx, p) {
    const pod = controlPlanePod(ctx, 'kube-controller-manager', p.node);
    const { node } = nodeOf(pod);
    const seconds = p.minutes * 60;
    const loop = crashLoop(seconds, 4);
    ctx.put(crashLoopStatus(ctx, pod, 'kube-controller-manager', loop, 255));
    crashLoopEvents(ctx, pod, 'kube-controller-manager', loop);
    // With the container waiting, the kubelet serves the last run's log with and without --previous.
    const last = runLog(ctx, node, loop.last, loop.restarts);
    appendLog(ctx, 'kube-system', pod.metadata.name, 'kube-controller-manager', last, false);
    appendLog(ctx, 'kube-system', pod.metadata.name, 'kube-controller-manager', last, true);

    const holder = leaderIdentity(node, 'kube-controller-manager', loop.restarts);
    const lease = staleLeaderLease(ctx, 'kube-controller-manager', {
      renewedAgo: loop.last.startedAgo - 2,
      holder,
      transitions: loop.restarts + 1,
    });
    ctx.event({
      about: lease,
      source: 'kube-controller-manager',
      type: 'Normal',
      reason: 'LeaderElection',
      message: `${holder} became leader`,
      firstSeen: `now-${loop.last.startedAgo - 2}s`,
      lastSeen: `now-${loop.last.startedAgo - 2}s`,
    });
    if (p.starvedDeployment) starvedWorkload(ctx, p.starvedDeployment, p.image, seconds);
  },
});
