import { z } from 'zod';
import type { V1Pod } from '@kubernetes/client-node';
import { defineCheck } from '../types.js';
import type { CheckContext, CheckResult, Evidence } from '../types.js';
import { quoteArg, quoteInside } from '../../nodeaccess/quote.js';

const outcomes = ['runs', 'not-scheduled', 'not-started', 'fails-to-start', 'not-run'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  node: z.string().min(1),
  namespace: z.string().min(1).default('default'),
  image: z.string().min(1).default('registry.k8s.io/pause:3.10'),
  timeoutSeconds: z.coerce.number().int().min(5).max(300).default(20),
});
type Params = z.infer<typeof params>;

const podName = (node: string) =>
  `plumbline-test-${node}`
    .slice(0, 63)
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+$/, '');

/** Small, storage-free, tolerating every taint: only the node itself (and the scheduler) can keep it from running. */
function testPod(p: Params): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName(p.node),
      namespace: p.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'plumbline', 'plumbline.dev/test-pod': 'true' },
    },
    spec: {
      // By label, not nodeName: the scheduler has to place it, so a dead scheduler shows too.
      nodeSelector: { 'kubernetes.io/hostname': p.node },
      tolerations: [{ operator: 'Exists' }],
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'pause',
          image: p.image,
          resources: { requests: { cpu: '1m', memory: '8Mi' }, limits: { memory: '16Mi' } },
        },
      ],
    },
  };
}

function commandOf(p: Params): string {
  const overrides = JSON.stringify({
    spec: { nodeSelector: { 'kubernetes.io/hostname': p.node }, tolerations: [{ operator: 'Exists' }] },
  });
  const name = podName(p.node);
  return `kubectl run ${quoteArg(name)} -n ${quoteArg(p.namespace)} --image=${quoteArg(p.image)} --restart=Never --overrides='${quoteInside(overrides)}' && kubectl wait pod/${quoteArg(name)} -n ${quoteArg(p.namespace)} --for=condition=Ready --timeout=${p.timeoutSeconds}s; kubectl delete pod ${quoteArg(name)} -n ${quoteArg(p.namespace)} --grace-period=0`;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

type Stage = { outcome: Outcome; summary: string } | undefined;

/** Where a pod is on its way to running; undefined while it may still get there. */
function stageOf(pod: V1Pod, node: string): Stage {
  const waiting = pod.status?.containerStatuses?.find(
    (c) => c.state?.waiting && c.state.waiting.reason !== 'ContainerCreating',
  )?.state?.waiting;
  if (waiting?.reason)
    return {
      outcome: 'fails-to-start',
      summary: `the test pod reached node ${node} but its container cannot start: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`,
    };
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  if (pod.status?.phase === 'Running' && ready)
    return { outcome: 'runs', summary: `a test pod was scheduled to ${node}, started and ran: the node runs new pods` };
  return undefined;
}

async function observe(ctx: CheckContext, p: Params): Promise<CheckResult<Outcome>> {
  const evidence: Evidence[] = [];
  const name = podName(p.node);
  const created = await ctx.kube.createPod(p.namespace, testPod(p));
  evidence.push({
    label: 'created',
    value: `pod ${p.namespace}/${created.metadata?.name ?? name} (image ${p.image}, nodeSelector kubernetes.io/hostname=${p.node}, tolerates every taint)`,
  });
  const deadline = Date.now() + p.timeoutSeconds * 1000;
  let last: V1Pod = created;
  while (Date.now() < deadline && !ctx.signal.aborted) {
    last = await ctx.kube.readPod(p.namespace, name);
    const stage = stageOf(last, p.node);
    if (stage)
      return {
        ...stage,
        evidence: [...evidence, ...describe(last)],
        facts: { testPodNode: last.spec?.nodeName ?? '', testPodPhase: last.status?.phase ?? '' },
      };
    await sleep(500, ctx.signal);
  }
  const scheduled = Boolean(last.spec?.nodeName);
  const summary = scheduled
    ? `the test pod was scheduled to ${p.node} but did not start within ${p.timeoutSeconds}s: the kubelet there is not running new pods`
    : `the test pod was not scheduled within ${p.timeoutSeconds}s: no scheduler placed it (is kube-scheduler running?)`;
  return {
    outcome: scheduled ? 'not-started' : 'not-scheduled',
    summary,
    evidence: [...evidence, ...describe(last)],
    facts: { testPodNode: last.spec?.nodeName ?? '', testPodPhase: last.status?.phase ?? 'Pending' },
  };
}

function describe(pod: V1Pod): Evidence[] {
  const conditions = (pod.status?.conditions ?? [])
    .map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`)
    .join(', ');
  return [
    { label: 'phase', value: pod.status?.phase ?? 'Pending' },
    { label: 'node', value: pod.spec?.nodeName ?? '(not scheduled)' },
    ...(conditions ? [{ label: 'conditions', value: conditions }] : []),
  ];
}

/**
 * The incident's "schedule a pod without storage to that node": the only
 * direct proof that a node runs new pods. It writes to the cluster, so it runs
 * only with --allow-mutations (always in a drill), and always deletes its pod.
 */
export const nodeTestPod = defineCheck({
  id: 'node.test-pod',
  layer: 'node',
  title: 'Does the node run a new pod?',
  why: 'Status can lag or lie; a tiny pod with no storage, pinned to the node, is the direct test: not scheduled points at the scheduler, scheduled but never started at the kubelet or runtime, started and running clears the node.',
  params,
  outcomes,
  healthy: ['runs'],
  facts: ['testPodNode', 'testPodPhase'],
  command: commandOf,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    if (!ctx.allowMutations) {
      return {
        outcome: 'not-run',
        summary:
          'not run: this check creates a pod (read-only; rerun with --allow-mutations, or run the command yourself)',
        evidence: [{ label: 'command', value: commandOf(p) }],
        facts: {},
      };
    }
    // API errors (a 403 on create, say) become the error outcome in runCheck, like any check's.
    try {
      return await observe(ctx, p);
    } finally {
      // Always cleaned up, even when the walk is cancelled: a fresh signal, a short deadline.
      await ctx.kube
        .withSignal(AbortSignal.timeout(5_000))
        .deletePod(p.namespace, podName(p.node))
        .catch(() => undefined);
    }
  },
});
