import { z } from 'zod';
import type { V1DaemonSet, V1Node } from '@kubernetes/client-node';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import {
  daemonPodTolerations,
  requiredAffinityMatches,
  requirementString,
  taintString,
  untoleratedTaints,
} from '../../kube/semantics/scheduling.js';
import type { NodeSelectorTerm } from '../../kube/semantics/scheduling.js';
import { quoteArg } from '../../nodeaccess/quote.js';

const outcomes = [
  'pod-present',
  'selector-mismatch',
  'taint-not-tolerated',
  'pod-missing',
  'daemonset-not-found',
  'node-not-found',
] as const;
type Outcome = (typeof outcomes)[number];

/** What of the DaemonSet's node selection this node does not meet: nodeSelector labels, then required node affinity. */
function unmet(ds: V1DaemonSet, node: V1Node): { missing: string[]; selector: string } {
  const labels = node.metadata?.labels ?? {};
  const spec = ds.spec?.template.spec;
  const nodeSelector = spec?.nodeSelector ?? {};
  const missing = Object.entries(nodeSelector)
    .filter(([k, v]) => labels[k] !== v)
    .map(([k, v]) => `${k}=${v}${labels[k] !== undefined ? ` (the node has ${k}=${labels[k]})` : ''}`);
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const termText = (t: NodeSelectorTerm) =>
    [...(t.matchExpressions ?? []), ...(t.matchFields ?? [])].map(requirementString).join(' and ');
  if (spec && !requiredAffinityMatches(spec, node)) missing.push(`node affinity: ${terms.map(termText).join(' or ')}`);
  const selector = [...Object.entries(nodeSelector).map(([k, v]) => `${k}=${v}`), ...terms.map(termText)].join(', ');
  return { missing, selector };
}

export const nodeDaemonSetCoverage = defineCheck({
  id: 'node.daemonset-coverage',
  layer: 'node',
  title: "The DaemonSet's view of this node: does it select it, tolerate it, and run its pod there?",
  why: 'A DaemonSet runs one pod on every node it selects. A node with none of its pods is either not selected (its labels miss the nodeSelector or node affinity), repelled (a taint the pod template does not tolerate), or selected but not served (the controller has not created the pod).',
  params: z.object({ name: z.string().min(1), namespace: z.string().min(1), daemonset: z.string().min(1) }),
  outcomes,
  healthy: ['pod-present'],
  facts: [
    'dsPod',
    'dsDesired',
    'dsScheduled',
    'dsReady',
    'dsNodeSelector',
    'missingLabels',
    'untoleratedTaints',
    'nodeLabels',
  ],
  sets: {
    'pod-present': ['dsDesired', 'dsScheduled', 'dsReady', 'dsPod'],
    'selector-mismatch': ['dsDesired', 'dsScheduled', 'dsReady', 'dsNodeSelector', 'missingLabels'],
    'taint-not-tolerated': ['dsDesired', 'dsScheduled', 'dsReady', 'dsNodeSelector', 'untoleratedTaints'],
    'pod-missing': ['dsDesired', 'dsScheduled', 'dsReady', 'dsNodeSelector'],
  },
  command: (p) =>
    `kubectl -n ${quoteArg(p.namespace)} get daemonset ${quoteArg(p.daemonset)} -o wide && kubectl -n ${quoteArg(p.namespace)} get pods -o wide --field-selector spec.nodeName=${quoteArg(p.name)} && kubectl get node ${quoteArg(p.name)} --show-labels -o jsonpath='{.spec.taints}'`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const [node, ds, pods] = await Promise.all([
      ifExists(ctx.kube.readNode(p.name)),
      ifExists(ctx.kube.readDaemonSet(p.namespace, p.daemonset)),
      ctx.kube.listPods({ namespace: p.namespace, fieldSelector: `spec.nodeName=${p.name}` }),
    ]);
    if (!node)
      return {
        outcome: 'node-not-found',
        summary: `node ${p.name} does not exist`,
        evidence: [{ label: 'API', value: `nodes "${p.name}" not found` }],
        facts: {},
      };
    if (!ds) {
      return {
        outcome: 'daemonset-not-found',
        summary: `there is no DaemonSet ${p.daemonset} in ${p.namespace}: nothing would put its pod on any node`,
        evidence: [{ label: 'API', value: `daemonsets.apps "${p.daemonset}" not found` }],
        facts: {},
      };
    }
    const st = ds.status;
    const facts: Facts = {
      dsDesired: st?.desiredNumberScheduled ?? 0,
      dsScheduled: st?.currentNumberScheduled ?? 0,
      dsReady: st?.numberReady ?? 0,
      nodeLabels: Object.entries(node.metadata?.labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    };
    const evidence: Evidence[] = [
      {
        label: `daemonset ${p.daemonset}`,
        value: `desired ${String(facts.dsDesired)}, scheduled ${String(facts.dsScheduled)}, ready ${String(facts.dsReady)}`,
      },
    ];
    const own = pods.find((pod) =>
      pod.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet' && o.name === p.daemonset),
    );
    if (own?.metadata?.name) {
      facts.dsPod = own.metadata.name;
      evidence.push({
        label: `its pod on ${p.name}`,
        value: `${own.metadata.name} (${own.status?.phase ?? 'phase unknown'})`,
      });
      return {
        outcome: 'pod-present',
        summary: `DaemonSet ${p.daemonset} runs pod ${own.metadata.name} on ${p.name}`,
        evidence,
        facts,
      };
    }
    evidence.push({ label: `its pod on ${p.name}`, value: 'none' });
    const { missing, selector } = unmet(ds, node);
    facts.dsNodeSelector = selector || '(none: every node)';
    evidence.push({ label: 'selects nodes', value: selector || 'every node (no nodeSelector, no node affinity)' });
    if (missing.length > 0) {
      facts.missingLabels = missing.join('; ');
      evidence.push({ label: `${p.name} lacks`, value: missing.join('; ') });
      return {
        outcome: 'selector-mismatch',
        summary: `DaemonSet ${p.daemonset} does not select ${p.name}: the node lacks ${missing.join('; ')}, so no pod of it is ever made there (it selects ${String(facts.dsDesired)} node${facts.dsDesired === 1 ? '' : 's'}, not this one)`,
        evidence,
        facts,
      };
    }
    // The controller adds its own tolerations to every pod it makes (cordon, pressure, NotReady).
    const template = ds.spec?.template.spec;
    const tolerations = [...(template?.tolerations ?? []), ...daemonPodTolerations(template?.hostNetwork === true)];
    const repelling = untoleratedTaints(node.spec?.taints ?? [], tolerations);
    if (repelling.length > 0) {
      facts.untoleratedTaints = repelling.map(taintString).join(',');
      evidence.push({ label: 'taints not tolerated', value: String(facts.untoleratedTaints) });
      return {
        outcome: 'taint-not-tolerated',
        summary: `${p.name} matches DaemonSet ${p.daemonset}'s selection but its taint ${String(facts.untoleratedTaints)} is not tolerated by the pod template, so no pod of it runs there`,
        evidence,
        facts,
      };
    }
    return {
      outcome: 'pod-missing',
      summary: `${p.name} is selected by DaemonSet ${p.daemonset} and tolerated, yet no pod of it is there (desired ${String(facts.dsDesired)}, scheduled ${String(facts.dsScheduled)}): the DaemonSet controller has not created it`,
      evidence,
      facts,
    };
  },
});
