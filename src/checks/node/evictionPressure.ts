import { z } from 'zod';
import type { V1Node } from '@kubernetes/client-node';
import { groupEvents, involvedObjectSelector } from '../events.js';
import type { EventGroup } from '../events.js';
import { ageSeconds, formatAge } from '../format.js';
import { clip, podNotFound, readPodIfExists } from '../pods.js';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { quoteArg } from '../../nodeaccess/quote.js';

const outcomes = [
  'pressure-now',
  'pressure-in-events',
  'no-pressure-seen',
  'not-evicted',
  'no-node',
  'not-found',
] as const;
type Outcome = (typeof outcomes)[number];

const pressureTypes = ['DiskPressure', 'MemoryPressure', 'PIDPressure'] as const;

/** The kubelet's own node events that say it crossed an eviction threshold, and which pressure each means. */
function eventPressure(g: EventGroup): string | undefined {
  if (g.reason === 'EvictionThresholdMet' || /^Attempting to reclaim /.test(g.message)) {
    const what = /reclaim (\S+)/.exec(g.message)?.[1] ?? '';
    if (/^memory/.test(what)) return 'MemoryPressure';
    if (/^pids?/.test(what)) return 'PIDPressure';
    if (/^(ephemeral-storage|nodefs|imagefs|containerfs)/.test(what)) return 'DiskPressure';
    return undefined;
  }
  if (g.reason === 'FreeDiskSpaceFailed') return 'DiskPressure';
  if (g.reason === 'NodeHasDiskPressure') return 'DiskPressure';
  if (g.reason === 'NodeHasInsufficientMemory') return 'MemoryPressure';
  if (g.reason === 'NodeHasInsufficientPID') return 'PIDPressure';
  return undefined;
}

export const nodeEvictionPressure = defineCheck({
  id: 'node.eviction-pressure',
  layer: 'node',
  title: "An evicted pod's node: its pressure now and in its events",
  why: "The kubelet evicts pods when its node crosses an eviction threshold. By the time someone looks the pressure has often cleared (the eviction freed the disk or memory), so the node's own events (EvictionThresholdMet, FreeDiskSpaceFailed) are the lasting record of it.",
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
  outcomes,
  healthy: ['not-evicted'],
  facts: ['nodeName', 'pressures', 'pressureMessage', 'pressureSeen', 'evictionMessage'],
  sets: {
    'pressure-now': ['nodeName', 'pressures', 'pressureMessage', 'pressureSeen', 'evictionMessage'],
    'pressure-in-events': ['nodeName', 'pressures', 'pressureMessage', 'pressureSeen', 'evictionMessage'],
    'no-pressure-seen': ['nodeName', 'evictionMessage'],
  },
  // The node is known only once the pod is read: the shell reads it the same way.
  command: (p) =>
    `kubectl get pod ${quoteArg(p.name)} -n ${quoteArg(p.namespace)} -o jsonpath='{.status.reason}: {.status.message}{"\\n"}' && kubectl describe node "$(kubectl get pod ${quoteArg(p.name)} -n ${quoteArg(p.namespace)} -o jsonpath='{.spec.nodeName}')"`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const pod = await readPodIfExists(ctx.kube, p.namespace, p.name);
    if (!pod) return podNotFound(p.namespace, p.name);
    const reason = pod.status?.reason;
    if (reason !== 'Evicted') {
      return {
        outcome: 'not-evicted',
        summary: `pod ${p.name} was not evicted (status reason ${reason ?? 'none'})`,
        evidence: [],
        facts: {},
      };
    }
    const evictionMessage = (pod.status?.message ?? '').trim();
    const facts: Facts = { evictionMessage: evictionMessage || 'no message recorded' };
    const evidence: Evidence[] = [
      { label: 'pod status', value: `Evicted${evictionMessage ? `: ${clip(evictionMessage)}` : ''}` },
    ];
    const nodeName = pod.spec?.nodeName;
    if (!nodeName)
      return {
        outcome: 'no-node',
        summary: `pod ${p.name} was evicted but names no node (spec.nodeName is empty)`,
        evidence,
        facts,
      };
    facts.nodeName = nodeName;
    const node: V1Node | undefined = await ifExists(ctx.kube.readNode(nodeName));
    if (!node) {
      evidence.push({ label: 'node', value: `${nodeName} no longer exists` });
      return {
        outcome: 'no-node',
        summary: `pod ${p.name} was evicted from node ${nodeName}, which no longer exists`,
        evidence,
        facts,
      };
    }
    const now = ctx.now();
    const byType = new Map((node.status?.conditions ?? []).map((c) => [c.type, c]));
    for (const t of pressureTypes) {
      const c = byType.get(t);
      if (c)
        evidence.push({
          label: t,
          value: `${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`,
        });
    }
    const active = pressureTypes.filter((t) => byType.get(t)?.status === 'True');
    const first = active[0];
    if (first) {
      const c = byType.get(first);
      facts.pressures = active.join(',');
      facts.pressureMessage = c?.message ?? `${first} is True`;
      facts.pressureSeen = `reports ${active.join(', ')} now`;
      return {
        outcome: 'pressure-now',
        summary: `pod ${p.name} was evicted and its node ${nodeName} has ${active.join(', ')} now${c?.message ? `: ${c.message}` : ''}`,
        evidence,
        facts,
      };
    }

    // Node events are recorded in the default namespace, but a kubelet may record them elsewhere: list across namespaces.
    const groups = groupEvents(await ctx.kube.listEvents({ fieldSelector: involvedObjectSelector('Node', nodeName) }));
    // The kubelet's own eviction events first (they name the resource it reclaimed), then its status changes; newest first within each.
    const hits = groups
      .map((g) => ({ g, pressure: eventPressure(g) }))
      .filter((h): h is { g: EventGroup; pressure: string } => h.pressure !== undefined)
      .sort((a, b) => Number(a.g.reason.startsWith('NodeHas')) - Number(b.g.reason.startsWith('NodeHas')));
    for (const { g } of hits.slice(0, 5)) {
      const ago = ageSeconds(g.lastSeen, now);
      evidence.push({
        label: `${g.type} ${g.reason}`,
        value: `${g.message} (×${g.count}${ago === undefined ? '' : `, last ${formatAge(ago)} ago`})`,
      });
    }
    const hit = hits[0];
    if (hit) {
      const pressures = [...new Set(hits.map((h) => h.pressure))];
      const ago = ageSeconds(hit.g.lastSeen, now);
      facts.pressures = pressures.join(',');
      facts.pressureMessage = `${hit.g.reason}: ${hit.g.message}`;
      facts.pressureSeen = `recorded ${pressures.join(', ')} in its events${ago === undefined ? '' : ` (last ${formatAge(ago)} ago)`}; its conditions show none now`;
      return {
        outcome: 'pressure-in-events',
        summary: `pod ${p.name} was evicted; node ${nodeName} shows no pressure now, but its events record ${hit.g.reason}: ${hit.g.message}`,
        evidence,
        facts,
      };
    }
    return {
      outcome: 'no-pressure-seen',
      summary: `pod ${p.name} was evicted from ${nodeName}, which shows no memory, disk or PID pressure now and no eviction event (node events expire after an hour by default)`,
      evidence,
      facts,
    };
  },
});
