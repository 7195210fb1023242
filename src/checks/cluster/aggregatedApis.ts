import { z } from 'zod';
import type { V1APIService, V1Endpoints } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/client.js';
import { KubeError } from '../../kube/errors.js';
import { clip } from '../pods.js';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';

const outcomes = ['all-available', 'service-not-found', 'missing-endpoints', 'failed-discovery-check', 'unavailable'] as const;
type Outcome = (typeof outcomes)[number];

/** One APIService per group/version: a few dozen on any cluster, whatever its size. */
const maxApiServices = 500;
/** Endpoints read for at most this many unavailable services. */
const maxServicesRead = 5;

/** The aggregator's condition reasons, most fundamental first: no Service beats no endpoints beats a failing backend. */
const reasonOutcome: [string, Outcome][] = [
  ['ServiceNotFound', 'service-not-found'],
  ['MissingEndpoints', 'missing-endpoints'],
  ['FailedDiscoveryCheck', 'failed-discovery-check'],
];

interface Unavailable {
  name: string;
  groupVersion: string;
  service: string;
  reason: string;
  message: string;
}

export const clusterAggregatedApis = defineCheck({
  id: 'cluster.aggregated-apis',
  layer: 'cluster',
  title: 'Aggregated APIs (APIServices) that are not Available',
  why: "An APIService that is not Available (metrics.k8s.io when metrics-server is down) breaks API discovery for every client: kube-controller-manager's discovery fails, namespace deletion hangs, kubectl warns; its condition names why and the Service behind it.",
  params: z.object({}),
  outcomes,
  healthy: ['all-available'],
  facts: ['unavailableApis', 'apiService', 'apiServiceReason', 'apiServiceMessage', 'apiServiceService', 'apiServiceEndpoints'],
  command: () => "kubectl get apiservices | grep -v 'True' && kubectl get apiservice <name> -o yaml",
  async run(ctx): Promise<CheckResult<Outcome>> {
    const all = await ctx.kube.listApiServices({ pageSize: maxApiServices, maxItems: maxApiServices });
    const down = all.map(unavailable).filter((u): u is Unavailable => u !== undefined);
    if (down.length === 0) {
      const aggregated = all.filter((a) => a.spec?.service).map((a) => a.metadata?.name ?? '');
      return {
        outcome: 'all-available',
        summary: `all ${all.length} APIServices are Available${aggregated.length ? ` (aggregated: ${aggregated.join(', ')})` : ''}`,
        evidence: [{ label: 'APIServices', value: `${all.length} Available` }],
        facts: { unavailableApis: '' },
      };
    }
    const rank = (u: Unavailable) => {
      const i = reasonOutcome.findIndex(([r]) => r === u.reason);
      return i === -1 ? reasonOutcome.length : i;
    };
    down.sort((a, b) => rank(a) - rank(b));
    const services = [...new Set(down.map((u) => u.service).filter((s) => s !== 'Local'))].slice(0, maxServicesRead);
    const endpoints = new Map(await Promise.all(services.map(async (s) => [s, await readyAddresses(ctx.kube, s)] as const)));

    const evidence: Evidence[] = down.map((u) => ({
      label: `${u.name} (${u.service})`,
      value: `Available=False ${u.reason}: ${clip(u.message, 220)}`,
    }));
    for (const [s, e] of endpoints) evidence.push({ label: `endpoints ${s}`, value: e });
    const top = down[0] as Unavailable;
    const facts: Facts = {
      unavailableApis: down.map((u) => u.groupVersion).join(','),
      apiService: top.name,
      apiServiceReason: top.reason,
      apiServiceMessage: top.message,
      apiServiceService: top.service,
    };
    const topEndpoints = endpoints.get(top.service);
    if (topEndpoints !== undefined) facts.apiServiceEndpoints = topEndpoints;
    const outcome = reasonOutcome.find(([r]) => r === top.reason)?.[1] ?? 'unavailable';
    const list = down.map((u) => u.groupVersion).join(', ');
    const why: Record<Outcome, string> = {
      'service-not-found': `its Service ${top.service} does not exist`,
      'missing-endpoints': `its Service ${top.service} has no ready endpoints (${topEndpoints ?? 'not read'}): the backing pod is down or not Ready`,
      'failed-discovery-check': `the aggregator cannot get discovery from ${top.service}: ${clip(top.message, 160)}`,
      unavailable: `${top.reason || 'no reason given'}: ${clip(top.message, 160)}`,
      'all-available': '',
    };
    return {
      outcome,
      summary: `${plural(down.length)} not Available (${list}); ${top.name}: ${why[outcome]}. API discovery of ${top.groupVersion} fails for every client, kube-controller-manager included`,
      evidence,
      facts,
    };
  },
});

function plural(n: number): string {
  return n === 1 ? '1 APIService is' : `${n} APIServices are`;
}

function unavailable(a: V1APIService): Unavailable | undefined {
  const c = a.status?.conditions?.find((x) => x.type === 'Available');
  if (c?.status === 'True') return undefined;
  const svc = a.spec?.service;
  return {
    name: a.metadata?.name ?? '',
    groupVersion: `${a.spec?.group ?? ''}/${a.spec?.version ?? ''}`,
    service: svc ? `${svc.namespace}/${svc.name}` : 'Local',
    reason: c?.reason ?? (c ? '' : 'NoCondition'),
    message: c?.message ?? (c ? '' : 'the APIService has no Available condition yet'),
  };
}

/** `2 ready (10.244.1.9:4443, …)`, `0 ready, 1 not ready`, `no Endpoints object`. */
async function readyAddresses(kube: KubeClient, service: string): Promise<string> {
  const [namespace = '', name = ''] = service.split('/');
  let ep: V1Endpoints | undefined;
  try {
    ep = await ifExists(kube.readEndpoints(namespace, name));
  } catch (err) {
    if (err instanceof KubeError && err.kind === 'forbidden') return `not read: ${err.message}`;
    throw err;
  }
  if (!ep) return 'no Endpoints object';
  const ready = (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).flatMap((a) => (s.ports ?? [{ port: 0 }]).map((p) => `${a.ip}:${p.port}`)));
  const notReady = (ep.subsets ?? []).reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  return `${ready.length} ready${ready.length ? ` (${ready.slice(0, 3).join(', ')})` : ''}${notReady ? `, ${notReady} not ready` : ''}`;
}
