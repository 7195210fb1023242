import { z } from 'zod';
import type { V1Node } from '@kubernetes/client-node';
import { KubeError } from '../../kube/errors.js';
import { ageSeconds, formatAge } from '../format.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { quoteArg } from '../../nodeaccess/quote.js';

const outcomes = ['ready', 'not-ready', 'unknown', 'not-found'] as const;
type Outcome = (typeof outcomes)[number];

/**
 * The systemd unit of the runtime the kubelet reports (`cri-o://1.28.2` → crio), so the host
 * checks ask about the node's own runtime: on a CRI-O node, containerd is simply not installed.
 */
export function runtimeUnit(version: string | undefined): string | undefined {
  const scheme = /^([a-z-]+):\/\//.exec(version ?? '')?.[1];
  return scheme === 'cri-o'
    ? 'crio'
    : scheme === 'docker'
      ? 'docker'
      : scheme === 'containerd'
        ? 'containerd'
        : undefined;
}

export const nodeReady = defineCheck({
  id: 'node.ready',
  layer: 'node',
  title: 'Node Ready condition and heartbeat',
  why: "The kubelet reports the node's Ready condition with a heartbeat; False means the kubelet says it is unhealthy, Unknown means it stopped reporting at all.",
  params: z.object({ name: z.string().min(1) }),
  outcomes,
  healthy: ['ready'],
  facts: ['nodeReady', 'nodeReadyReason', 'heartbeatAgeSeconds', 'heartbeatAge', 'nodeRuntimeUnit'],
  sets: {
    ready: ['heartbeatAge', 'nodeReady', 'nodeReadyReason'],
    'not-ready': ['heartbeatAge', 'nodeReady', 'nodeReadyReason'],
    unknown: ['heartbeatAge', 'nodeReady', 'nodeReadyReason'],
  },
  command: (p) =>
    `kubectl get node ${quoteArg(p.name)} && kubectl describe node ${quoteArg(p.name)} | sed -n '/Conditions:/,/Addresses:/p'`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    let node: V1Node;
    try {
      node = await ctx.kube.readNode(p.name);
    } catch (err) {
      if (err instanceof KubeError && err.kind === 'not-found') {
        return {
          outcome: 'not-found',
          summary: `node ${p.name} does not exist (deleted or renamed)`,
          evidence: [{ label: 'API', value: err.message }],
          facts: {},
        };
      }
      throw err;
    }
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    const evidence: Evidence[] = [];
    const facts: Facts = {};
    if (!ready) {
      return {
        outcome: 'unknown',
        summary: `node ${p.name} has no Ready condition: the kubelet never reported`,
        evidence: [{ label: 'Ready', value: 'missing' }],
        facts: { nodeReady: 'Missing' },
      };
    }
    const heartbeatAge = ageSeconds(ready.lastHeartbeatTime, ctx.now());
    evidence.push({
      label: 'Ready',
      value: `${ready.status} (${ready.reason ?? 'no reason'})${ready.message ? `: ${ready.message}` : ''}`,
    });
    if (heartbeatAge !== undefined) {
      evidence.push({ label: 'last heartbeat', value: `${formatAge(heartbeatAge)} ago` });
      facts.heartbeatAgeSeconds = Math.round(heartbeatAge);
      facts.heartbeatAge = formatAge(heartbeatAge);
    }
    if (ready.lastTransitionTime) evidence.push({ label: 'since', value: ready.lastTransitionTime.toISOString() });
    if (node.spec?.unschedulable) evidence.push({ label: 'cordoned', value: 'yes (SchedulingDisabled)' });
    const unit = runtimeUnit(node.status?.nodeInfo?.containerRuntimeVersion);
    if (unit) facts.nodeRuntimeUnit = unit;
    facts.nodeReady = ready.status;
    if (ready.reason) facts.nodeReadyReason = ready.reason;
    switch (ready.status) {
      case 'True':
        return { outcome: 'ready', summary: `node ${p.name} is Ready`, evidence, facts };
      case 'False':
        return {
          outcome: 'not-ready',
          summary: `node ${p.name} is NotReady: ${ready.message || ready.reason || 'no message'}`,
          evidence,
          facts,
        };
      default:
        return {
          outcome: 'unknown',
          summary: `node ${p.name} status is Unknown: ${ready.message || 'the kubelet stopped posting node status'}`,
          evidence,
          facts,
        };
    }
  },
});
