import { z } from 'zod';
import { ageSeconds, formatAge } from '../format.js';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { quoteArg } from '../../nodeaccess/quote.js';

const outcomes = ['fresh', 'stale', 'missing', 'not-found'] as const;
type Outcome = (typeof outcomes)[number];

/** The kubelet renews every 10 s; the node controller gives up after node-monitor-grace-period (40 s by default). */
const defaultLeaseSeconds = 40;
/** Without changes the kubelet posts node status only every 5 minutes: an older Ready heartbeat alone is normal. */
const statusReportSeconds = 300;

export const nodeHeartbeatLease = defineCheck({
  id: 'node.heartbeat-lease',
  layer: 'node',
  title: "The kubelet's heartbeat Lease",
  why: "Every kubelet renews its node's Lease in kube-node-lease about every 10 s; that renewal, not the Ready condition, is the heartbeat the node controller watches, so a stale Lease means the kubelet is down or cannot reach the API server.",
  params: z.object({ name: z.string().min(1) }),
  outcomes,
  healthy: ['fresh'],
  facts: [
    'leaseAgeSeconds',
    'leaseDurationSeconds',
    'leaseHolder',
    'leaseRenewTime',
    'heartbeatAgeSeconds',
    'nodeReady',
  ],
  sets: { fresh: ['leaseAgeSeconds', 'nodeReady'], stale: ['leaseAgeSeconds', 'nodeReady'] },
  command: (p) =>
    `kubectl get lease ${quoteArg(p.name)} -n kube-node-lease -o jsonpath='{.spec.holderIdentity} {.spec.renewTime}{"\\n"}' && kubectl get node ${quoteArg(p.name)}`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const [lease, node] = await Promise.all([
      ifExists(ctx.kube.readLease('kube-node-lease', p.name)),
      ifExists(ctx.kube.readNode(p.name)),
    ]);
    const now = ctx.now();
    const evidence: Evidence[] = [];
    const facts: Facts = {};
    const ready = node?.status?.conditions?.find((c) => c.type === 'Ready');
    const heartbeat = ageSeconds(ready?.lastHeartbeatTime, now);
    if (ready) {
      facts.nodeReady = ready.status;
      evidence.push({
        label: 'Ready',
        value: `${ready.status}${ready.reason ? ` (${ready.reason})` : ''}${heartbeat === undefined ? '' : `, status posted ${formatAge(heartbeat)} ago`}`,
      });
    }
    if (heartbeat !== undefined) facts.heartbeatAgeSeconds = Math.round(heartbeat);

    if (!lease) {
      if (!node) {
        return {
          outcome: 'not-found',
          summary: `node ${p.name} does not exist, and neither does its Lease`,
          evidence: [{ label: 'API', value: `nodes "${p.name}" not found` }],
          facts,
        };
      }
      evidence.unshift({ label: 'Lease kube-node-lease/' + p.name, value: 'not found' });
      return {
        outcome: 'missing',
        summary: `node ${p.name} has no Lease in kube-node-lease: its kubelet never registered a heartbeat (or the Lease was deleted), so only node status shows it is alive`,
        evidence,
        facts,
      };
    }

    const renew = lease.spec?.renewTime ?? lease.spec?.acquireTime;
    const age = ageSeconds(renew, now);
    const duration = lease.spec?.leaseDurationSeconds ?? defaultLeaseSeconds;
    facts.leaseDurationSeconds = duration;
    if (lease.spec?.holderIdentity) facts.leaseHolder = lease.spec.holderIdentity;
    if (renew) facts.leaseRenewTime = new Date(renew).toISOString();
    if (age !== undefined) facts.leaseAgeSeconds = Math.round(age);
    evidence.unshift({
      label: `Lease kube-node-lease/${p.name}`,
      value: `holder ${lease.spec?.holderIdentity ?? '(none)'}, renewed ${age === undefined ? 'never' : `${formatAge(age)} ago`}, duration ${duration}s`,
    });

    if (age === undefined || age > duration) {
      return {
        outcome: 'stale',
        summary: `the kubelet on ${p.name} last renewed its Lease ${age === undefined ? 'never' : `${formatAge(age)} ago`} (allowed ${duration}s): it is down, hung, or cannot reach the API server`,
        evidence,
        facts,
      };
    }
    let note = '';
    if (ready && ready.status !== 'True')
      note = `; Ready is ${ready.status}, so the kubelet is alive and reporting a problem`;
    else if (heartbeat !== undefined && heartbeat > statusReportSeconds + duration)
      note = `; but node status was last posted ${formatAge(heartbeat)} ago: the kubelet renews its Lease yet fails to update status`;
    return {
      outcome: 'fresh',
      summary: `the kubelet on ${p.name} renewed its Lease ${formatAge(age)} ago (allowed ${duration}s)${note}`,
      evidence,
      facts,
    };
  },
});
