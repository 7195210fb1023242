import { z } from 'zod';
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { KubeError } from '../../kube/errors.js';
import { plural } from '../format.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { quoteArg } from '../../nodeaccess/quote.js';

// ImageInspectError: the runtime could not even look the image up (CRI-O's short-name resolution, a broken image store): the image is not there to run.
const imagePullReasons = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'ImageInspectError',
]);
const configReasons = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

const outcomes = [
  'not-found',
  'unscheduled',
  'image-pull',
  'config-error',
  'crash-loop',
  'init-failed',
  'initializing',
  'restarting',
  'creating',
  'not-ready',
  'running',
  'completed',
  'failed',
  'terminating',
  'node-lost',
] as const;
type Outcome = (typeof outcomes)[number];

export const podStatus = defineCheck({
  id: 'pod.status',
  layer: 'pod',
  title: 'Pod status',
  why: 'The pod phase and each container state say which part of start-up failed: scheduling, image pull, start, or staying up.',
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
  outcomes,
  healthy: ['running'],
  facts: [
    'phase',
    'nodeName',
    'container',
    'initContainer',
    'initLastEnd',
    'waitingReason',
    'restartCount',
    'notReadyContainers',
    'image',
    'owner',
    'controlledBy',
    'podStatus',
    'workload',
    'rolloutTarget',
  ],
  // Every outcome past not-found read the pod; a pod the kubelet reports on (containers, init, probes) is bound to a node.
  sets: {
    unscheduled: ['phase', 'restartCount', 'controlledBy'],
    'image-pull': ['phase', 'restartCount', 'controlledBy', 'nodeName', 'container', 'image', 'waitingReason'],
    'config-error': ['phase', 'restartCount', 'controlledBy', 'nodeName', 'container', 'image', 'waitingReason'],
    'init-failed': [
      'phase',
      'restartCount',
      'controlledBy',
      'nodeName',
      'container',
      'image',
      'initContainer',
      'initLastEnd',
      'podStatus',
    ],
    initializing: [
      'phase',
      'restartCount',
      'controlledBy',
      'nodeName',
      'container',
      'image',
      'initContainer',
      'initLastEnd',
      'podStatus',
    ],
    'crash-loop': ['phase', 'restartCount', 'controlledBy', 'nodeName', 'container', 'image'],
    restarting: ['phase', 'restartCount', 'controlledBy', 'nodeName', 'container', 'image'],
    creating: ['phase', 'restartCount', 'controlledBy', 'nodeName'],
    'not-ready': ['phase', 'restartCount', 'controlledBy', 'nodeName', 'container', 'image', 'notReadyContainers'],
    running: ['phase', 'restartCount', 'controlledBy', 'nodeName'],
    completed: ['phase', 'restartCount', 'controlledBy', 'nodeName'],
    failed: ['phase', 'restartCount', 'controlledBy', 'nodeName'],
    'node-lost': ['phase', 'restartCount', 'controlledBy', 'nodeName'],
    terminating: ['phase', 'restartCount', 'controlledBy'],
  },
  command: (p) => `kubectl get pod ${quoteArg(p.name)} -n ${quoteArg(p.namespace)} -o wide`,
  async run(ctx, p) {
    let pod: V1Pod;
    try {
      pod = await ctx.kube.readPod(p.namespace, p.name);
    } catch (err) {
      if (err instanceof KubeError && err.kind === 'not-found') {
        return {
          outcome: 'not-found',
          summary: `pod ${p.name} does not exist in namespace ${p.namespace}`,
          evidence: [{ label: 'API', value: err.message }],
          facts: {},
        };
      }
      throw err;
    }
    return classify(pod, ctx.now());
  },
});

function classify(pod: V1Pod, now: Date): CheckResult<Outcome> {
  const phase = pod.status?.phase ?? 'Unknown';
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const main = pod.status?.containerStatuses ?? [];
  const nodeName = pod.spec?.nodeName ?? '';
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  const notReady = main.filter((c) => !c.ready).map((c) => c.name);
  const restarts = statuses.reduce((n, c) => n + c.restartCount, 0);

  const evidence: Evidence[] = [{ label: 'phase', value: phase }];
  if (nodeName) evidence.push({ label: 'node', value: nodeName });
  if (pod.status?.reason)
    evidence.push({
      label: 'reason',
      value: `${pod.status.reason}${pod.status.message ? `: ${pod.status.message}` : ''}`,
    });
  for (const c of statuses) evidence.push({ label: `container ${c.name}`, value: describeContainer(c) });
  if (main.length > 0) evidence.push({ label: 'ready', value: `${main.length - notReady.length}/${main.length}` });

  const facts: Facts = { phase, restartCount: restarts };
  if (nodeName) facts.nodeName = nodeName;
  if (notReady.length > 0) facts.notReadyContainers = notReady.join(',');
  if (owner) facts.owner = `${owner.kind}/${owner.name}`;
  // The object a fix goes into, as kubectl names it: a Deployment's pod is owned by a ReplicaSet named <deployment>-<pod-template-hash>.
  const workload = workloadOf(owner, pod.metadata?.labels?.['pod-template-hash']);
  if (workload) facts.workload = workload;
  if (workload && /^(deployment|statefulset|daemonset)\//.test(workload)) facts.rolloutTarget = workload;
  // For sentences: the controller to fix, or that there is none (a bare pod is fixed and recreated by hand).
  facts.controlledBy = owner
    ? `its ${owner.kind} ${owner.name}`
    : 'the pod itself (it has no controller: recreate it with the fix)';

  const result = (outcome: Outcome, summary: string, container?: V1ContainerStatus): CheckResult<Outcome> => {
    if (container) {
      facts.container = container.name;
      facts.image = container.image;
      const reason = container.state?.waiting?.reason;
      if (reason) facts.waitingReason = reason;
    }
    return { outcome, summary, evidence, facts };
  };

  const waitingWith = (reasons: Set<string>) => statuses.find((c) => reasons.has(c.state?.waiting?.reason ?? ''));
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');

  if (pod.metadata?.deletionTimestamp) {
    return result(
      'terminating',
      `pod ${pod.metadata.name} is being deleted (since ${pod.metadata.deletionTimestamp.toISOString()})`,
    );
  }
  if (pod.status?.reason === 'NodeLost' || phase === 'Unknown') {
    return result(
      'node-lost',
      `pod ${pod.metadata?.name} is in phase ${phase}: its node ${nodeName || '(unknown)'} stopped reporting`,
    );
  }
  if (phase === 'Pending' && (!nodeName || scheduled?.status === 'False')) {
    const why = scheduled?.reason ? ` (${scheduled.reason})` : '';
    return result('unscheduled', `pod is Pending and not scheduled to any node${why}`);
  }
  if (phase === 'Succeeded')
    return result('completed', 'all containers exited successfully; the pod is done, not running');
  if (phase === 'Failed') return result('failed', `pod failed${pod.status?.reason ? `: ${pod.status.reason}` : ''}`);

  const pull = waitingWith(imagePullReasons);
  if (pull)
    return result(
      'image-pull',
      `container ${pull.name} cannot pull its image ${pull.image} (${pull.state?.waiting?.reason})`,
      pull,
    );
  const config = waitingWith(configReasons);
  if (config)
    return result(
      'config-error',
      `container ${config.name} cannot be created (${config.state?.waiting?.reason})`,
      config,
    );
  // An init container that has not finished holds every app container back: kubectl prints Init:<state>, and the
  // app containers wait in PodInitializing, which is not ContainerCreating.
  const inits = pod.status?.initContainerStatuses ?? [];
  const initSpecs = pod.spec?.initContainers ?? [];
  // A restartable init container (a native sidecar) runs alongside the app: it is not "initialising" once started.
  const sidecar = (name: string) => initSpecs.find((s) => s.name === name)?.restartPolicy === 'Always';
  const pendingInit = inits.find((c) => !sidecar(c.name) && !(c.state?.terminated?.exitCode === 0));
  if (pendingInit && phase !== 'Running') {
    const done = inits.filter((c) => c.state?.terminated?.exitCode === 0).length;
    const state = pendingInit.state;
    const failed =
      state?.waiting?.reason === 'CrashLoopBackOff' ||
      (state?.terminated !== undefined && state.terminated.exitCode !== 0) ||
      (pendingInit.restartCount > 0 &&
        pendingInit.lastState?.terminated !== undefined &&
        pendingInit.lastState.terminated.exitCode !== 0);
    const shown = failed
      ? `Init:${state?.waiting?.reason === 'CrashLoopBackOff' ? 'CrashLoopBackOff' : state?.terminated ? (state.terminated.reason === 'Error' || !state.terminated.reason ? 'Error' : state.terminated.reason) : 'Error'}`
      : `Init:${done}/${inits.length}`;
    facts.podStatus = shown;
    facts.initContainer = pendingInit.name;
    const end = state?.terminated ?? pendingInit.lastState?.terminated;
    facts.initLastEnd = end
      ? `its last run ended ${end.reason ?? 'Terminated'} with exit code ${end.exitCode}${end.message ? `: ${end.message.trim()}` : ''}`
      : state?.running?.startedAt
        ? `it has been running since ${state.running.startedAt.toISOString()}`
        : 'no run of it has ended yet';
    if (failed) {
      return result(
        'init-failed',
        `init container ${pendingInit.name} fails (${shown}${pendingInit.restartCount > 0 ? `, ${plural(pendingInit.restartCount, 'restart')}` : ''}${end ? `, last exit ${end.exitCode}` : ''}): the app containers wait in PodInitializing until it succeeds`,
        pendingInit,
      );
    }
    if (state?.running || (state?.waiting && state.waiting.reason === 'PodInitializing') || !state?.waiting) {
      return result(
        'initializing',
        `init container ${pendingInit.name} has not finished (${shown}${state?.running?.startedAt ? `, running since ${state.running.startedAt.toISOString()}` : ''}): the app containers wait in PodInitializing until it does`,
        pendingInit,
      );
    }
  }
  const crashing =
    waitingWith(new Set(['CrashLoopBackOff'])) ??
    statuses.find((c) => c.restartCount > 0 && c.lastState?.terminated && !c.ready);
  if (crashing) {
    return result(
      'crash-loop',
      `container ${crashing.name} keeps crashing: ${plural(crashing.restartCount, 'restart')}`,
      crashing,
    );
  }
  const c = statuses.find((s) => s.state?.waiting);
  if (phase === 'Pending' || c) {
    return result(
      'creating',
      `pod is on node ${nodeName} but its containers have not started${c ? ` (${c.name}: ${c.state?.waiting?.reason ?? 'waiting'})` : ''}`,
      c,
    );
  }
  if (notReady.length > 0) {
    const first = main.find((c) => !c.ready);
    return result(
      'not-ready',
      `pod is Running but ${notReady.length}/${main.length} containers are not ready: ${notReady.join(', ')}`,
      first,
    );
  }
  // Ready now, but restarted lately: a probe, the OOM killer or a crash ended the last instance.
  const restarted = main.find(
    (c) => c.restartCount > 0 && c.lastState?.terminated && recent(c.lastState.terminated.finishedAt, now),
  );
  if (restarted) {
    const t = restarted.lastState?.terminated;
    return result(
      'restarting',
      `pod is Running and ready, but container ${restarted.name} has restarted ${plural(restarted.restartCount, 'time')}; the last instance ended ${t?.reason ?? 'Terminated'} (exit ${t?.exitCode})`,
      restarted,
    );
  }
  return result('running', `pod is Running and all ${main.length} containers are ready`);
}

/**
 * The controller a person edits, sets an image on or rolls back, in kubectl's
 * kind/name form; none for a bare pod or a static pod (its Node). A
 * ReplicaSet named after its pod-template-hash belongs to a Deployment.
 */
export function workloadOf(
  owner: { kind: string; name: string } | undefined,
  templateHash: string | undefined,
): string | undefined {
  if (!owner || owner.kind === 'Node') return undefined;
  if (owner.kind === 'ReplicaSet' && templateHash && owner.name.endsWith(`-${templateHash}`))
    return `deployment/${owner.name.slice(0, -templateHash.length - 1)}`;
  return `${owner.kind.toLowerCase()}/${owner.name}`;
}

/** A restart within the last day still explains a page; an unknown time counts as recent. */
function recent(finishedAt: Date | undefined, now: Date): boolean {
  if (!finishedAt) return true;
  return now.getTime() - new Date(finishedAt).getTime() < 24 * 3600 * 1000;
}

function describeContainer(c: V1ContainerStatus): string {
  const s = c.state;
  const parts: string[] = [];
  if (s?.waiting)
    parts.push(`waiting: ${s.waiting.reason ?? 'unknown'}${s.waiting.message ? ` (${s.waiting.message})` : ''}`);
  else if (s?.running) parts.push(`running since ${s.running.startedAt?.toISOString() ?? '?'}`);
  else if (s?.terminated) parts.push(`terminated: ${s.terminated.reason ?? ''} exit ${s.terminated.exitCode}`);
  parts.push(c.ready ? 'ready' : 'not ready');
  if (c.restartCount > 0) parts.push(plural(c.restartCount, 'restart'));
  const last = c.lastState?.terminated;
  if (last) parts.push(`last exit: ${last.reason ?? 'Error'} (code ${last.exitCode})`);
  return parts.join(', ');
}
