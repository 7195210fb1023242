import { z } from 'zod';
import type { V1Node, V1NodeSelectorRequirement, V1NodeSelectorTerm, V1Taint, V1Toleration } from '@kubernetes/client-node';
import { labelString } from '../format.js';
import { podNotFound, readPodIfExists } from '../pods.js';
import { isMirrorPod } from '../node/schedulable.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { quoteArg } from '../../nodeaccess/quote.js';

const outcomes = ['not-pinned', 'satisfiable', 'no-matching-node', 'matching-nodes-not-ready', 'matching-nodes-unschedulable', 'static-pod', 'not-found'] as const;
type Outcome = (typeof outcomes)[number];

/** One page of nodes per selector term; a selector that matches more than this still proves "some node matches". */
const maxNodes = 500;
const maxNamed = 10;

export const podPinned = defineCheck({
  id: 'pod.pinned',
  layer: 'pod',
  title: 'Is the pod pinned to nodes, and does any Ready node satisfy it?',
  why: 'A nodeSelector, a required node affinity or a missing toleration pins a pod to some nodes; if none of those is Ready and schedulable, the pod cannot start anywhere, which looks like a cluster problem but is the pod\'s own spec.',
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
  outcomes,
  healthy: ['not-pinned', 'satisfiable', 'static-pod'],
  facts: ['nodeName', 'nodeSelector', 'requiredAffinity', 'tolerations', 'matchingNodes', 'readyMatchingNodes', 'pinned'],
  command: (p) =>
    `kubectl get pod ${quoteArg(p.name)} -n ${quoteArg(p.namespace)} -o jsonpath='{.spec.nodeName}{"\\n"}{.spec.nodeSelector}{"\\n"}{.spec.affinity.nodeAffinity}{"\\n"}{.spec.tolerations}{"\\n"}' && kubectl get nodes --show-labels`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const pod = await readPodIfExists(ctx.kube, p.namespace, p.name);
    if (!pod) return podNotFound(p.namespace, p.name);
    const spec = pod.spec;
    const facts: Facts = { pinned: false };
    const evidence: Evidence[] = [];
    if (spec?.nodeName) {
      facts.nodeName = spec.nodeName;
      evidence.push({ label: 'nodeName', value: spec.nodeName });
    }
    // A static pod belongs to its node's kubelet, which runs it from a manifest: it is tied to that node by
    // nature, and the scheduler's rules (selectors, taints such as the control-plane one) never apply to it.
    if (isMirrorPod(pod)) {
      facts.pinned = true;
      const annotation = pod.metadata?.annotations?.['kubernetes.io/config.mirror'];
      evidence.push({ label: 'static pod', value: annotation !== undefined ? `annotation kubernetes.io/config.mirror: ${annotation}` : 'owned by its Node' });
      return {
        outcome: 'static-pod',
        summary: `pod ${p.name} is a static pod of node ${spec?.nodeName ?? '(unknown)'}: its kubelet runs it from a manifest, so only that node can run it and taints do not apply`,
        evidence,
        facts,
      };
    }
    const nodeSelector = spec?.nodeSelector ?? {};
    const selector = labelString(nodeSelector);
    if (selector) {
      facts.nodeSelector = selector;
      evidence.push({ label: 'nodeSelector', value: selector });
    }
    const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
    if (terms.length) {
      facts.requiredAffinity = terms.map(describeTerm).join(' OR ');
      evidence.push({ label: 'required node affinity', value: String(facts.requiredAffinity) });
    }
    const tolerations = spec?.tolerations ?? [];
    facts.tolerations = tolerations.map(describeToleration).join(', ');
    if (tolerations.length) evidence.push({ label: 'tolerations', value: String(facts.tolerations) });

    if (!selector && terms.length === 0) {
      return {
        outcome: 'not-pinned',
        summary: `pod ${p.name} has no nodeSelector and no required node affinity: it is not pinned${spec?.nodeName ? ` (it was placed on ${spec.nodeName})` : ''}, so the cause is not its placement rules`,
        evidence,
        facts,
      };
    }
    facts.pinned = true;

    // One list per OR'd term, each narrowed on the server by the nodeSelector and the term's expressible requirements.
    const queries = (terms.length ? terms : [undefined]).map((t) => ({ term: t, labelSelector: [selector, t ? termSelector(t) : ''].filter(Boolean).join(',') }));
    const lists = await Promise.all(
      queries.map((q) => ctx.kube.listNodes({ ...(q.labelSelector ? { labelSelector: q.labelSelector } : {}), pageSize: maxNodes, maxItems: maxNodes })),
    );
    const matching = new Map<string, V1Node>();
    lists.forEach((nodes, i) => {
      const term = queries[i]?.term;
      for (const n of nodes) if (!term || termMatches(term, n)) matching.set(n.metadata?.name ?? '', n);
    });
    const all = [...matching.values()];
    const ready = all.filter(isReady);
    const usable = ready.filter((n) => !n.spec?.unschedulable && untolerated(n, tolerations).length === 0);
    facts.matchingNodes = all.length;
    facts.readyMatchingNodes = usable.map(nameOf).slice(0, maxNamed).join(',');
    evidence.push({ label: 'nodes matching', value: `${all.length}${all.length ? ` (${all.map(nameOf).slice(0, maxNamed).join(', ')}${all.length > maxNamed ? ', …' : ''})` : ''}` });
    const rules = [selector && `nodeSelector ${selector}`, terms.length && 'its required node affinity'].filter(Boolean).join(' and ');

    if (all.length === 0) {
      return { outcome: 'no-matching-node', summary: `no node has the labels pod ${p.name} requires (${rules}): it cannot be scheduled anywhere until a node is labelled or the rule is changed`, evidence, facts };
    }
    if (ready.length === 0) {
      for (const n of all.slice(0, maxNamed)) evidence.push({ label: `node ${nameOf(n)}`, value: `Ready=${readyStatus(n)}` });
      return {
        outcome: 'matching-nodes-not-ready',
        summary: `pod ${p.name} is pinned (${rules}) to ${all.map(nameOf).slice(0, maxNamed).join(', ')}, and none of them is Ready: it cannot move elsewhere, so the node is the problem to follow`,
        evidence,
        facts,
      };
    }
    if (usable.length === 0) {
      for (const n of ready.slice(0, maxNamed)) {
        const why = n.spec?.unschedulable ? 'cordoned (unschedulable)' : `untolerated taints ${untolerated(n, tolerations).map(describeTaint).join(', ')}`;
        evidence.push({ label: `node ${nameOf(n)}`, value: why });
      }
      return {
        outcome: 'matching-nodes-unschedulable',
        summary: `the Ready nodes pod ${p.name} is pinned to (${ready.map(nameOf).slice(0, maxNamed).join(', ')}) are cordoned or carry taints it does not tolerate`,
        evidence,
        facts,
      };
    }
    return {
      outcome: 'satisfiable',
      summary: `pod ${p.name} is pinned (${rules}), and ${usable.length} Ready, schedulable node${usable.length === 1 ? ' satisfies' : 's satisfy'} it (${usable.map(nameOf).slice(0, maxNamed).join(', ')}${usable.length > maxNamed ? ', …' : ''})`,
      evidence,
      facts,
    };
  },
});

function nameOf(n: V1Node): string {
  return n.metadata?.name ?? '';
}

function readyStatus(n: V1Node): string {
  return n.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
}

function isReady(n: V1Node): boolean {
  return readyStatus(n) === 'True';
}

/** The label-selector form of a term's requirements; Gt/Lt and matchFields have none and are checked here. */
function termSelector(t: V1NodeSelectorTerm): string {
  return (t.matchExpressions ?? [])
    .map((r) => {
      const values = (r.values ?? []).join(',');
      switch (r.operator) {
        case 'In':
          return `${r.key} in (${values})`;
        case 'NotIn':
          return `${r.key} notin (${values})`;
        case 'Exists':
          return r.key;
        case 'DoesNotExist':
          return `!${r.key}`;
        default:
          return '';
      }
    })
    .filter(Boolean)
    .join(',');
}

function requirementMatches(r: V1NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(values[0]);
    default:
      return false;
  }
}

/** A term matches when all its expressions (labels) and fields (metadata.name only) match. */
function termMatches(t: V1NodeSelectorTerm, n: V1Node): boolean {
  const labels = n.metadata?.labels ?? {};
  const exprs = (t.matchExpressions ?? []).every((r) => requirementMatches(r, labels[r.key]));
  const fields = (t.matchFields ?? []).every((r) => requirementMatches(r, r.key === 'metadata.name' ? nameOf(n) : undefined));
  return exprs && fields;
}

function describeTerm(t: V1NodeSelectorTerm): string {
  const req = (r: V1NodeSelectorRequirement) => `${r.key} ${r.operator}${r.values?.length ? ` (${r.values.join(',')})` : ''}`;
  return [...(t.matchExpressions ?? []).map(req), ...(t.matchFields ?? []).map(req)].join(', ') || '(empty term)';
}

function describeToleration(t: V1Toleration): string {
  const what = t.operator === 'Exists' ? (t.key ?? '*') : `${t.key ?? ''}=${t.value ?? ''}`;
  return `${what}${t.effect ? `:${t.effect}` : ''}`;
}

function describeTaint(t: V1Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

function tolerates(tol: V1Toleration, taint: V1Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.operator === 'Exists') return tol.key === undefined || tol.key === '' || tol.key === taint.key;
  return tol.key === taint.key && (tol.value ?? '') === (taint.value ?? '');
}

/** Taints that keep the pod off the node: NoSchedule and NoExecute ones no toleration covers. */
function untolerated(n: V1Node, tolerations: V1Toleration[]): V1Taint[] {
  return (n.spec?.taints ?? []).filter((t) => t.effect !== 'PreferNoSchedule' && !tolerations.some((tol) => tolerates(tol, t)));
}
