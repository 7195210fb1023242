import { isIP } from 'node:net';
import { z } from 'zod';
import { quoteArg } from '../../nodeaccess/quote.js';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult } from '../types.js';
import { clusterName, hostOf } from '../../kube/dnsNames.js';
import { closest } from './objects.js';

const outcomes = [
  'matches',
  'not-given',
  'external',
  'no-such-service',
  'wrong-namespace',
  'names-other-service',
] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  namespace: z.string().min(1),
  service: z.string().min(1),
  /** The name (or URL) the client uses. */
  name: z.string().default(''),
  /** The client's namespace: a bare name is looked up there first (the pod's resolv.conf search list). */
  clientNamespace: z.string().default(''),
});
type Params = z.infer<typeof params>;

const command = (p: Params) =>
  `kubectl get service -n ${quoteArg(p.namespace)}; kubectl run dnstest --rm -it --restart=Never --image=busybox:1.36 -n ${quoteArg(p.clientNamespace || p.namespace)} -- nslookup ${quoteArg(hostOf(p.name) || p.service)}`;

/**
 * The name the client uses, held against the Service's own DNS names
 * (<service>.<namespace>.svc.cluster.local, and the short forms the pod's
 * search list completes): a typo in either part, or a bare name used from
 * another namespace, gets NXDOMAIN while CoreDNS is perfectly healthy.
 */
export const serviceDnsName = defineCheck({
  id: 'service.dns-name',
  layer: 'cluster',
  title: "Is the name the client uses the Service's DNS name?",
  why: 'Cluster DNS answers <service>.<namespace>.svc.cluster.local; a bare <service> only from pods in the same namespace. A name that is off by one letter fails exactly like a broken CoreDNS.',
  params,
  outcomes,
  healthy: ['matches', 'not-given', 'external'],
  facts: ['dnsName', 'askedName', 'askedService', 'askedNamespace', 'similarService'],
  sets: {
    '*': ['dnsName'],
    'no-such-service': ['askedName', 'askedService', 'askedNamespace'],
    'wrong-namespace': ['askedName', 'askedNamespace'],
    'names-other-service': ['askedName', 'askedService'],
  },
  command,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const dnsName = `${p.service}.${p.namespace}.svc.cluster.local`;
    const host = hostOf(p.name);
    const evidence = [
      { label: "the Service's name", value: dnsName },
      { label: 'the client uses', value: p.name || '(not given)' },
    ];
    if (!host)
      return {
        outcome: 'not-given',
        summary: `no name given; the Service answers as ${dnsName}`,
        evidence,
        facts: { dnsName },
      };
    if (isIP(host))
      return {
        outcome: 'not-given',
        summary: `the client uses an address (${host}), not a name: DNS is not on its path`,
        evidence,
        facts: { dnsName },
      };
    const parsed = clusterName(host);
    const clientNs = p.clientNamespace || p.namespace;
    // Two labels may be an outside name (shop.example) or <service>.<namespace>: a namespace that exists decides.
    const nsExists = parsed?.namespace
      ? parsed.qualified ||
        (await ifExists(ctx.kube.getJson(`/api/v1/namespaces/${encodeURIComponent(parsed.namespace)}`))) !== undefined
      : true;
    if (!parsed || !nsExists)
      return {
        outcome: 'external',
        summary: `${host} is not a cluster Service name; CoreDNS forwards it upstream (an Ingress host, or a name outside the cluster)`,
        evidence,
        facts: { dnsName },
      };
    const askedNs = parsed.namespace ?? clientNs;
    const facts = { dnsName, askedName: host, askedService: parsed.service, askedNamespace: askedNs };
    if (parsed.service === p.service && askedNs === p.namespace)
      return { outcome: 'matches', summary: `${host} is ${dnsName}`, evidence, facts };
    if (parsed.service === p.service && !parsed.namespace) {
      return {
        outcome: 'wrong-namespace',
        summary: `the bare name ${host} is looked up in the client's namespace ${clientNs} (${host}.${clientNs}.svc.cluster.local), not in ${p.namespace} where the Service is`,
        evidence,
        facts,
      };
    }
    const exists = await ifExists(ctx.kube.readService(askedNs, parsed.service));
    if (exists)
      return {
        outcome: 'names-other-service',
        summary: `${host} is Service ${askedNs}/${parsed.service}, not ${p.namespace}/${p.service}`,
        evidence,
        facts,
      };
    const names = (
      await ctx.kube
        .listJson<{ metadata: { name: string } }>(`/api/v1/namespaces/${encodeURIComponent(askedNs)}/services`, {
          maxItems: 500,
        })
        .catch(() => [])
    ).map((s) => s.metadata.name);
    const near = closest(parsed.service, names);
    return {
      outcome: 'no-such-service',
      summary: `${host} names Service ${parsed.service} in ${askedNs}, which does not exist: DNS answers NXDOMAIN${near ? ` (did you mean ${near}?)` : ''}`,
      evidence,
      facts: { ...facts, ...(near ? { similarService: near } : {}) },
    };
  },
});
