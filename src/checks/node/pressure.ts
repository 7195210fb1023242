import { z } from 'zod';
import type { V1Node, V1NodeCondition } from '@kubernetes/client-node';
import { KubeError } from '../../kube/errors.js';
import { ageSeconds, formatAge } from '../format.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { quoteArg } from '../../nodeaccess/quote.js';

const outcomes = [
  'disk-pressure',
  'memory-pressure',
  'pid-pressure',
  'network-unavailable',
  'conditions-unknown',
  'no-pressure',
  'not-found',
] as const;
type Outcome = (typeof outcomes)[number];

/** Most consequential first: disk pressure evicts pods and blocks image pulls, memory pressure evicts, PID pressure stops new processes. */
const conditions: { type: string; outcome: Outcome; effect: string }[] = [
  {
    type: 'DiskPressure',
    outcome: 'disk-pressure',
    effect:
      'the kubelet evicts pods and garbage-collects images; new pods are refused (taint node.kubernetes.io/disk-pressure)',
  },
  {
    type: 'MemoryPressure',
    outcome: 'memory-pressure',
    effect:
      'the kubelet evicts pods, BestEffort first; new BestEffort pods are refused (taint node.kubernetes.io/memory-pressure)',
  },
  {
    type: 'PIDPressure',
    outcome: 'pid-pressure',
    effect: 'processes cannot fork; the kubelet evicts pods (taint node.kubernetes.io/pid-pressure)',
  },
  {
    type: 'NetworkUnavailable',
    outcome: 'network-unavailable',
    effect: 'the pod network on this node is not configured (CNI or cloud routes); pods are not scheduled here',
  },
];

export const nodePressure = defineCheck({
  id: 'node.pressure',
  layer: 'node',
  title: 'Node pressure conditions',
  why: 'A node short of disk, memory or PIDs evicts pods and refuses new ones even while Ready; NetworkUnavailable means pods there get no network. The kubelet says which, with the threshold it crossed.',
  params: z.object({ name: z.string().min(1) }),
  outcomes,
  healthy: ['no-pressure'],
  facts: ['pressures', 'pressureMessage', 'pressureSinceSeconds'],
  sets: {
    'disk-pressure': ['pressures'],
    'memory-pressure': ['pressures'],
    'pid-pressure': ['pressures'],
    'network-unavailable': ['pressures'],
  },
  command: (p) =>
    `kubectl get node ${quoteArg(p.name)} -o jsonpath='{range .status.conditions[*]}{.type}{"\\t"}{.status}{"\\t"}{.reason}{"\\t"}{.message}{"\\n"}{end}'`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    let node: V1Node;
    try {
      node = await ctx.kube.readNode(p.name);
    } catch (err) {
      if (err instanceof KubeError && err.kind === 'not-found') {
        return {
          outcome: 'not-found',
          summary: `node ${p.name} does not exist`,
          evidence: [{ label: 'API', value: err.message }],
          facts: {},
        };
      }
      throw err;
    }
    const now = ctx.now();
    const byType = new Map((node.status?.conditions ?? []).map((c) => [c.type, c]));
    const evidence: Evidence[] = [];
    for (const { type } of conditions) {
      const c = byType.get(type);
      if (c) evidence.push({ label: type, value: describe(c, now) });
    }
    const active = conditions.filter(({ type }) => byType.get(type)?.status === 'True');
    const facts: Facts = { pressures: active.map((a) => a.type).join(',') };
    const first = active[0];
    if (first) {
      const c = byType.get(first.type);
      if (c?.message) facts.pressureMessage = c.message;
      const since = ageSeconds(c?.lastTransitionTime, now);
      if (since !== undefined) facts.pressureSinceSeconds = Math.round(since);
      const others = active.slice(1).map((a) => a.type);
      evidence.push({ label: 'effect', value: first.effect });
      return {
        outcome: first.outcome,
        summary: `node ${p.name} has ${first.type}${since === undefined ? '' : ` since ${formatAge(since)} ago`}${c?.message ? `: ${c.message}` : ''}${others.length > 0 ? ` (also ${others.join(', ')})` : ''}`,
        evidence,
        facts,
      };
    }
    // Unknown pressure conditions come with a silent kubelet: they say nothing either way.
    const unknown = conditions.filter(
      ({ type, outcome }) => outcome !== 'network-unavailable' && byType.get(type)?.status === 'Unknown',
    );
    if (unknown.length > 0) {
      return {
        outcome: 'conditions-unknown',
        summary: `node ${p.name}'s pressure conditions are Unknown (${unknown.map((u) => u.type).join(', ')}): the kubelet stopped reporting, so pressure cannot be judged`,
        evidence,
        facts,
      };
    }
    return {
      outcome: 'no-pressure',
      summary: `node ${p.name} reports no memory, disk or PID pressure${byType.has('NetworkUnavailable') ? ' and its network is available' : ''}`,
      evidence,
      facts,
    };
  },
});

function describe(c: V1NodeCondition, now: Date): string {
  const since = ageSeconds(c.lastTransitionTime, now);
  return `${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}${since === undefined ? '' : `, since ${formatAge(since)} ago`}`;
}
