import { z } from 'zod';
import { ageSeconds, formatAge } from '../format.js';
import { groupEvents, involvedObjectSelector } from '../events.js';
import type { EventGroup } from '../events.js';
import { probeKill } from '../probeEvents.js';
import { defineCheck } from '../types.js';
import type { CheckResult } from '../types.js';
import { quoteArg } from '../../nodeaccess/quote.js';

const outcomes = [
  'failed-scheduling',
  'failed-mount',
  'image-pull-failed',
  'probe-failed',
  'back-off',
  'other-warnings',
  'no-warnings',
] as const;
type Outcome = (typeof outcomes)[number];

/** Which warning reasons mean what, most decisive first. */
const reasonOutcomes: { outcome: Outcome; reasons: RegExp }[] = [
  { outcome: 'failed-scheduling', reasons: /^FailedScheduling$/ },
  { outcome: 'failed-mount', reasons: /^(FailedMount|FailedAttachVolume)$/ },
  { outcome: 'image-pull-failed', reasons: /^(Failed|ErrImagePull|ImagePullBackOff)$/ },
  // Killing is a Normal event, but one that says "failed liveness probe" is a probe failure (see significant).
  { outcome: 'probe-failed', reasons: /^(Unhealthy|ProbeWarning|Killing)$/ },
  { outcome: 'back-off', reasons: /^BackOff$/ },
];

export const podEvents = defineCheck({
  id: 'pod.events',
  layer: 'pod',
  title: 'Pod events',
  why: 'Events are what the scheduler, the kubelet and the controllers said about this pod; the latest warnings usually name the failure.',
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
  outcomes,
  healthy: ['no-warnings'],
  facts: ['eventReason', 'eventMessage', 'eventCount'],
  sets: {
    'failed-scheduling': ['eventMessage', 'eventReason'],
    'probe-failed': ['eventMessage', 'eventReason'],
    'other-warnings': ['eventMessage', 'eventReason'],
  },
  command: (p) =>
    `kubectl get events -n ${quoteArg(p.namespace)} --field-selector ${quoteArg(involvedObjectSelector('Pod', p.name, p.namespace))}`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const events = await ctx.kube.listEvents({
      namespace: p.namespace,
      fieldSelector: involvedObjectSelector('Pod', p.name, p.namespace),
    });
    const groups = groupEvents(events);
    const now = ctx.now();
    const evidence = groups.slice(0, 8).map((g) => ({ label: `${g.type} ${g.reason}`, value: describe(g, now) }));
    const warnings = groups.filter(significant);
    if (warnings.length === 0) {
      return {
        outcome: 'no-warnings',
        summary:
          groups.length === 0
            ? 'no events for this pod (events expire after an hour by default)'
            : `${groups.length} normal event groups, no warnings`,
        evidence,
        facts: {},
      };
    }
    for (const { outcome, reasons } of reasonOutcomes) {
      const hit = warnings.find(
        (g) =>
          reasons.test(g.reason) &&
          (outcome !== 'image-pull-failed' || g.reason !== 'Failed' || /image/i.test(g.message)),
      );
      if (hit) return found(outcome, hit, evidence);
    }
    const first = warnings[0];
    return first
      ? found('other-warnings', first, evidence)
      : { outcome: 'no-warnings', summary: 'no warnings', evidence, facts: {} };
  },
});

/** Warnings, and the kubelet's Normal-typed kills that report a failed probe. */
function significant(g: EventGroup): boolean {
  return g.type === 'Warning' || (g.reason === 'Killing' && probeKill(g.message) !== undefined);
}

function found(outcome: Outcome, g: EventGroup, evidence: CheckResult['evidence']): CheckResult<Outcome> {
  return {
    outcome,
    summary: `${g.reason} ×${g.count}: ${g.message}`,
    evidence,
    facts: { eventReason: g.reason, eventMessage: g.message, eventCount: g.count },
  };
}

function describe(g: EventGroup, now: Date): string {
  const age = ageSeconds(g.lastSeen, now);
  return `×${g.count}${age === undefined ? '' : `, last ${formatAge(age)} ago`}: ${g.message}`;
}
