import { z } from 'zod';
import type { V1APIService, V1Endpoints } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/client.js';
import { KubeError } from '../../kube/errors.js';
import { labelString } from '../format.js';
import { clip } from '../pods.js';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';

const outcomes = [
  'all-available',
  'service-not-found',
  'missing-endpoints',
  'failed-discovery-check',
  'unavailable',
] as const;
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
  params: z.object({
    /** The group/version (or group) a discovery error named: that APIService is looked at first. */
    group: z.string().optional(),
  }),
  outcomes,
  healthy: ['all-available'],
  facts: [
    'unavailableApis',
    'apiService',
    'apiServiceGroup',
    'apiServiceReason',
    'apiServiceMessage',
    'apiServiceService',
    'apiServiceEndpoints',
    'apiServicePods',
    'apiServiceCause',
    'apiServiceNamespace',
    'apiServiceFix',
  ],
  sets: {
    'service-not-found': [
      'apiService',
      'apiServiceCause',
      'apiServiceEndpoints',
      'apiServiceFix',
      'apiServiceGroup',
      'apiServiceMessage',
      'apiServicePods',
      'apiServiceReason',
      'apiServiceService',
    ],
    'missing-endpoints': [
      'apiService',
      'apiServiceCause',
      'apiServiceEndpoints',
      'apiServiceFix',
      'apiServiceGroup',
      'apiServiceMessage',
      'apiServicePods',
      'apiServiceReason',
      'apiServiceService',
    ],
    'failed-discovery-check': [
      'apiService',
      'apiServiceCause',
      'apiServiceEndpoints',
      'apiServiceFix',
      'apiServiceGroup',
      'apiServicePods',
      'apiServiceReason',
      'apiServiceService',
    ],
  },
  // The APIService's name is <version>.<group>: named when the discovery error gave both, else every one not Available.
  command: (p) => {
    const [group, version] = (p.group ?? '').split('/');
    if (group && version)
      return `kubectl get apiservices | grep -v 'True' && kubectl get apiservice ${version}.${group} -o yaml`;
    return `kubectl get apiservices | grep -v 'True' && kubectl get apiservices -o yaml $(kubectl get apiservices --no-headers | awk '$3 != "True" {print $1}')`;
  },
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const all = await ctx.kube.listApiServices({ pageSize: maxApiServices, maxItems: maxApiServices });
    const down = all.map(unavailable).filter((u): u is Unavailable => u !== undefined);
    if (down.length === 0) {
      const aggregated = all.filter((a) => a.spec?.service).map((a) => a.metadata?.name ?? '');
      return {
        outcome: 'all-available',
        summary:
          all.length === 0
            ? 'no APIService is registered, so none can make discovery wait'
            : `${all.length === 1 ? 'its one APIService is' : `all ${all.length} APIServices are`} Available${aggregated.length ? ` (aggregated: ${aggregated.join(', ')})` : ''}`,
        evidence: [{ label: 'APIServices', value: `${all.length} Available` }],
        facts: { unavailableApis: '' },
      };
    }
    const rank = (u: Unavailable) => {
      const i = reasonOutcome.findIndex(([r]) => r === u.reason);
      return i === -1 ? reasonOutcome.length : i;
    };
    // The group a discovery error named comes first: it is the one a client actually tripped on.
    const named = (u: Unavailable) =>
      p.group ? Number(!(u.groupVersion === p.group || u.groupVersion.startsWith(`${p.group}/`))) : 0;
    down.sort((a, b) => named(a) - named(b) || rank(a) - rank(b));
    const services = [...new Set(down.map((u) => u.service).filter((s) => s !== 'Local'))].slice(0, maxServicesRead);
    const endpoints = new Map(
      await Promise.all(services.map(async (s) => [s, await readyAddresses(ctx.kube, s)] as const)),
    );

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
    facts.apiServiceGroup = top.groupVersion;
    const topEndpoints = endpoints.get(top.service);
    if (topEndpoints !== undefined) facts.apiServiceEndpoints = topEndpoints;
    if (top.service !== 'Local') {
      const backing = await backingPods(ctx.kube, top.service);
      facts.apiServicePods = backing;
      evidence.push({ label: `pods behind ${top.service}`, value: backing });
    }
    facts.apiServiceCause = causeOf(top);
    facts.apiServiceFix = fixOf(top);
    facts.apiServiceNamespace = top.service === 'Local' ? '' : (top.service.split('/')[0] ?? '');
    const outcome = reasonOutcome.find(([r]) => r === top.reason)?.[1] ?? 'unavailable';
    const list = down.map((u) => u.groupVersion).join(', ');
    const why: Record<Outcome, string> = {
      'service-not-found': `its Service ${top.service} does not exist`,
      'missing-endpoints': `its Service ${top.service} has no ready endpoints (${topEndpoints ?? 'not read'}): the backing pod is down or not Ready`,
      'failed-discovery-check': `the aggregator cannot get discovery from ${top.service}: ${clip(top.message, 160)} (${String(facts.apiServiceCause)})`,
      unavailable: `${top.reason || 'no reason given'}: ${clip(top.message, 160)}`,
      'all-available': '',
    };
    return {
      outcome,
      summary: `${plural(down.length)} not Available (${list}); ${top.name}: ${why[outcome]}. API discovery of ${top.groupVersion} fails for every client that lists all groups (kubectl, the namespace and garbage collectors, kube-controller-manager)`,
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
  const ready = (ep.subsets ?? []).flatMap((s) =>
    (s.addresses ?? []).flatMap((a) => (s.ports ?? [{ port: 0 }]).map((p) => `${a.ip}:${p.port}`)),
  );
  const notReady = (ep.subsets ?? []).reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  return `${ready.length} ready${ready.length ? ` (${ready.slice(0, 3).join(', ')})` : ''}${notReady ? `, ${notReady} not ready` : ''}`;
}

/**
 * What an aggregator condition message means, in the words of kube-aggregator's
 * available controller: its backend never answered, refused, or answered an error.
 */
export function causeOf(u: Pick<Unavailable, 'reason' | 'message'>): string {
  const m = u.message;
  if (u.reason === 'ServiceNotFound') return 'the Service is gone: its backend was uninstalled, the APIService was not';
  if (u.reason === 'MissingEndpoints')
    return 'the Service has no ready endpoint: the backing pods are missing or not Ready';
  if (/bad status from .*: (401|403)/.test(m))
    return 'the backend refuses the API server (401/403): its authentication/authorization setup (RBAC, requestheader client CA)';
  if (/x509|tls:/.test(m))
    return "the API server does not trust the backend's serving certificate (caBundle / insecureSkipTLSVerify)";
  if (/connection refused/.test(m)) return 'nothing listens on the backend port the Service sends to';
  if (/Client\.Timeout|deadline exceeded|i\/o timeout|no route to host|request canceled/.test(m))
    return "the API server cannot reach the backend pod's IP: a network path from the control plane to the pod network (a firewall or security group on the pod port, a CNI that does not route from the control-plane host; hostNetwork: true is the usual workaround)";
  if (/bad status from .*: (\d{3})/.test(m)) return 'the backend answers discovery with an error status';
  if (u.reason === 'FailedDiscoveryCheck')
    return "the API server's discovery request to the backend fails: it cannot reach the pod or the pod answers an error (the condition's message says which)";
  return u.reason ? `${u.reason}` : 'no reason given';
}

/** Where the fix is, for each kind of failure causeOf names. */
export function fixOf(u: Pick<Unavailable, 'reason' | 'message' | 'service'>): string {
  const ns = u.service.split('/')[0] ?? '';
  const m = u.message;
  if (u.reason === 'ServiceNotFound')
    return `reinstall the backend (its Service ${u.service}), or delete the APIService if it is no longer used`;
  if (u.reason === 'MissingEndpoints')
    return `kubectl -n ${ns} get pods and describe the backend pods: why they are not Ready (their logs name it)`;
  if (/bad status from .*: (401|403)/.test(m))
    return `check the backend's RBAC (the auth-delegator ClusterRoleBinding, the extension-apiserver-authentication-reader RoleBinding) and its logs in ${ns}`;
  if (/x509|tls:/.test(m))
    return 'set the APIService caBundle to the CA that signed the backend serving certificate (or insecureSkipTLSVerify, knowingly)';
  if (/Client\.Timeout|deadline exceeded|i\/o timeout|no route to host|request canceled/.test(m))
    return "allow the control plane to reach the pod's port (the port in the message): a firewall rule from the control-plane range (GKE private clusters allow only 443 and 10250), the node security group (EKS), or hostNetwork: true for the backend";
  return `kubectl -n ${ns} get svc,endpoints,pods for ${u.service}, and the backend pods' logs`;
}

/** `metrics-server-5b6f (Running, 0/1 ready, 3 restarts)`: the pods the Service's selector picks. */
async function backingPods(kube: KubeClient, service: string): Promise<string> {
  const [namespace = '', name = ''] = service.split('/');
  try {
    const svc = await ifExists(kube.readService(namespace, name));
    if (!svc) return `Service ${service} not found`;
    const sel = labelString(svc.spec?.selector);
    if (!sel) return `Service ${service} has no selector`;
    const pods = await kube.listPods({ namespace, labelSelector: sel, pageSize: 10, maxItems: 10 });
    if (pods.length === 0) return `no pod matches ${sel} in ${namespace}`;
    return pods
      .map((pod) => {
        const statuses = pod.status?.containerStatuses ?? [];
        const ready = statuses.filter((c) => c.ready).length;
        const restarts = statuses.reduce((n, c) => n + c.restartCount, 0);
        const waiting = statuses.find((c) => c.state?.waiting?.reason)?.state?.waiting?.reason;
        return `${pod.metadata?.name ?? ''} (${waiting ?? pod.status?.phase ?? 'Unknown'}, ${ready}/${statuses.length || pod.spec?.containers.length || 0} ready, ${restarts} restart${restarts === 1 ? '' : 's'})`;
      })
      .join(', ');
  } catch (err) {
    if (err instanceof KubeError && err.kind === 'forbidden') return `not read: ${err.message}`;
    throw err;
  }
}
