import { z } from 'zod';
import type { V1Pod } from '@kubernetes/client-node';
import { KubeError } from '../../kube/errors.js';
import { quoteArg } from '../../nodeaccess/quote.js';
import { systemNamespace } from '../cluster/components.js';
import { groupEvents, involvedObjectSelector } from '../events.js';
import { ageSeconds, formatAge } from '../format.js';
import { clip } from '../pods.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';

const outcomes = ['sync-failed', 'no-controller-seen', 'in-progress', 'controller-quiet'] as const;
type Outcome = (typeof outcomes)[number];

/** kube-system is small; a cluster with more pods there than this is not one whose CCM a check should hunt for. */
const maxSystemPods = 500;
/** The cloud-controller-manager logs every service it syncs; the last lines cover the last retries. */
const tail = 1000;

/**
 * A cloud-controller-manager pod by its name, labels or image: cloud-controller-manager,
 * aws-cloud-controller-manager, openstack-cloud-controller-manager, azure's cloud-controller-manager, hcloud's ccm.
 */
export function isCloudControllerManager(pod: V1Pod): boolean {
  const names = [
    pod.metadata?.name ?? '',
    ...Object.values(pod.metadata?.labels ?? {}),
    ...(pod.spec?.containers ?? []).map((c) => `${c.name} ${c.image ?? ''}`),
  ];
  return names.some((n) => /cloud-controller-manager|\bccm\b|-ccm\b|cloud-provider-/.test(n));
}

/**
 * The failure the service controller reports for a LoadBalancer it cannot ensure: its Event
 * (`Error syncing load balancer: failed to ensure load balancer: ...`, reason SyncLoadBalancerFailed), or the
 * cloud-controller-manager's log line for the Service (`error processing service istio-system/istio-ingressgateway
 * (will retry): failed to ensure load balancer: ...`, kubernetes/cloud-provider-aws#249; older: `Error creating load
 * balancer (will retry): failed to ensure load balancer for service default/nginx: ...`).
 */
export function lbErrorLine(line: string, namespace: string, service: string): string | undefined {
  const key = `${namespace}/${service}`;
  if (!line.includes(key)) return undefined;
  const m =
    /error processing service \S+ \(will retry\): (.+)$/.exec(line) ??
    /Error (?:creating|syncing) load balancer[^:]*: (.+)$/.exec(line) ??
    /reason="SyncLoadBalancerFailed" message="([^"]+)"/.exec(line);
  return m?.[1]?.replace(/"$/, '');
}

export const serviceLoadBalancerController = defineCheck({
  id: 'service.lb-controller',
  layer: 'cluster',
  title: "What the load-balancer controller says about the Service: its Events and the cloud-controller-manager's log",
  why: 'A LoadBalancer Service gets its address from the service controller of the cloud-controller-manager (or an add-on such as MetalLB). When the cloud refuses (no subnet it may use, a quota, a bad annotation), the controller says why in a SyncLoadBalancerFailed Event on the Service and in its own log; no Event at all means nothing is working on it.',
  params: z.object({ namespace: z.string().min(1), service: z.string().min(1) }),
  outcomes,
  healthy: [],
  facts: ['lbError', 'lbErrorSource', 'ccmPod', 'lbEvents'],
  sets: {
    'sync-failed': ['lbError', 'lbErrorSource'],
  },
  command: (p) =>
    `kubectl describe service ${quoteArg(p.service)} -n ${quoteArg(p.namespace)} && kubectl get pods -n ${systemNamespace} -o wide | grep -iE 'cloud-controller|ccm'`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const now = ctx.now();
    const events = groupEvents(
      await ctx.kube.listEvents({
        namespace: p.namespace,
        fieldSelector: involvedObjectSelector('Service', p.service, p.namespace),
      }),
    );
    const evidence: Evidence[] = [];
    const facts: Facts = {};
    const lbEvents = events.filter((g) => /LoadBalancer/.test(g.reason));
    facts.lbEvents = lbEvents.length;
    for (const g of lbEvents.slice(0, 3)) {
      const age = ageSeconds(g.lastSeen, now);
      evidence.push({
        label: `${g.type} ${g.reason}`,
        value: `×${g.count}${age === undefined ? '' : `, last ${formatAge(age)} ago`}: ${clip(g.message, 400)}`,
      });
    }

    let ccm: V1Pod[] = [];
    try {
      ccm = (await ctx.kube.listPods({ namespace: systemNamespace, maxItems: maxSystemPods })).filter(
        isCloudControllerManager,
      );
    } catch (err) {
      if (!(err instanceof KubeError) || err.kind === 'aborted' || err.kind === 'timeout') throw err;
      evidence.push({ label: `pods in ${systemNamespace}`, value: `not read: ${err.kind}` });
    }
    let logLine: { line: string; error: string; pod: string } | undefined;
    const read: string[] = [];
    for (const pod of ccm.slice(0, 3)) {
      const name = pod.metadata?.name ?? '';
      try {
        const text = await ctx.kube.readPodLog(systemNamespace, name, { tailLines: tail, limitBytes: tail * 2048 });
        read.push(name);
        for (const line of text.split('\n')) {
          const error = lbErrorLine(line, p.namespace, p.service);
          if (error) logLine = { line: line.trim(), error, pod: name };
        }
      } catch (err) {
        if (!(err instanceof KubeError) || err.kind === 'aborted' || err.kind === 'timeout') throw err;
        evidence.push({ label: `log of ${name}`, value: `not read: ${err.kind}: ${clip(err.message, 160)}` });
      }
    }
    if (ccm.length > 0) facts.ccmPod = ccm.map((c) => c.metadata?.name ?? '').join(',');
    if (logLine) evidence.push({ label: `log of ${systemNamespace}/${logLine.pod}`, value: clip(logLine.line, 400) });
    else if (read.length > 0)
      evidence.push({
        label: `log of ${read.join(', ')}`,
        value: `no error about ${p.namespace}/${p.service} in the last ${tail} lines`,
      });

    const failed = lbEvents.find((g) => g.type === 'Warning' && /Failed/.test(g.reason));
    if (failed || logLine) {
      const error = failed ? failed.message.replace(/^Error syncing load balancer: /, '') : (logLine?.error ?? '');
      facts.lbError = error;
      facts.lbErrorSource = failed
        ? `Event ${failed.reason} on the Service (×${failed.count}, from the service controller)`
        : `the log of ${systemNamespace}/${logLine?.pod ?? ''}`;
      return {
        outcome: 'sync-failed',
        summary: `the service controller cannot create ${p.service}'s load balancer: ${clip(error, 300)}`,
        evidence,
        facts,
      };
    }
    if (lbEvents.length === 0 && ccm.length === 0) {
      return {
        outcome: 'no-controller-seen',
        summary: `no load-balancer Event on ${p.service} and no cloud-controller-manager pod in ${systemNamespace}: nothing seen working on its address (Events expire after an hour, and a managed control plane keeps its controller out of sight, so this is what is visible, not proof)`,
        evidence,
        facts,
      };
    }
    if (
      lbEvents.some((g) => g.reason === 'EnsuringLoadBalancer') &&
      !lbEvents.some((g) => g.reason === 'EnsuredLoadBalancer')
    ) {
      return {
        outcome: 'in-progress',
        summary: `the service controller is still ensuring ${p.service}'s load balancer and has reported no failure${read.length ? `; ${read.join(', ')} logs no error about it` : ''}`,
        evidence,
        facts,
      };
    }
    return {
      outcome: 'controller-quiet',
      summary: `neither ${p.service}'s Events nor ${read.length ? `the log of ${read.join(', ')}` : 'a cloud-controller-manager log'} say why it has no address`,
      evidence,
      facts,
    };
  },
});
