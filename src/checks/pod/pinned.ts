import { z } from 'zod';
import type {
  V1Node,
  V1NodeSelectorRequirement,
  V1NodeSelectorTerm,
  V1Taint,
  V1Toleration,
} from '@kubernetes/client-node';
import { labelString } from '../format.js';
import { podNotFound, readPodIfExists } from '../pods.js';
import { isMirrorPod } from '../node/schedulable.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { quoteArg } from '../../nodeaccess/quote.js';
import type { KubeClient } from '../../kube/client.js';
import { termMatches } from '../../kube/semantics/scheduling.js';

const outcomes = [
  'not-pinned',
  'satisfiable',
  'no-matching-node',
  'matching-nodes-not-ready',
  'matching-nodes-unschedulable',
  'static-pod',
  'not-found',
] as const;
type Outcome = (typeof outcomes)[number];

/** Nodes per request, and the most pages read per term looking for a node the pod can use. */
const pageSize = 500;
const maxPages = 10;
const maxNamed = 10;

export const podPinned = defineCheck({
  id: 'pod.pinned',
  layer: 'pod',
  title: 'Is the pod pinned to nodes, and does any Ready node satisfy it?',
  why: "A nodeSelector, a required node affinity or a missing toleration pins a pod to some nodes; if none of those is Ready and schedulable, the pod cannot start anywhere, which looks like a cluster problem but is the pod's own spec.",
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
  outcomes,
  healthy: ['not-pinned', 'satisfiable', 'static-pod'],
  facts: [
    'nodeName',
    'nodeSelector',
    'requiredAffinity',
    'tolerations',
    'matchingNodes',
    'readyMatchingNodes',
    'pinned',
  ],
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
      evidence.push({
        label: 'static pod',
        value: annotation !== undefined ? `annotation kubernetes.io/config.mirror: ${annotation}` : 'owned by its Node',
      });
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

    // One paged list per OR'd term, narrowed on the server by the nodeSelector and the term's
    // expressible requirements: labels as a labelSelector, matchFields (metadata.name) as a fieldSelector.
    const queries = (terms.length ? terms : [undefined]).map((t) => termQuery(selector, t));
    const found = await Promise.all(queries.map((q) => matchingNodes(ctx.kube, q, tolerations)));
    const matching = new Map<string, V1Node>();
    for (const f of found) for (const n of f.nodes) matching.set(nameOf(n), n);
    const all = [...matching.values()];
    const ready = all.filter(isReady);
    const usable = ready.filter((n) => !n.spec?.unschedulable && untolerated(n, tolerations).length === 0);
    // Every matching node was read only when each term's list was read to its end.
    const complete = found.every((f) => f.complete);
    const count = complete ? String(all.length) : `more than ${all.length}`;
    facts.matchingNodes = complete ? all.length : count;
    facts.readyMatchingNodes = usable.map(nameOf).slice(0, maxNamed).join(',');
    evidence.push({
      label: 'nodes matching',
      value: `${count}${all.length ? ` (${all.map(nameOf).slice(0, maxNamed).join(', ')}${all.length > maxNamed ? ', …' : ''})` : ''}`,
    });
    const rules = [selector && `nodeSelector ${selector}`, terms.length && 'its required node affinity']
      .filter(Boolean)
      .join(' and ');

    if (usable.length > 0) {
      const names = `${usable.map(nameOf).slice(0, maxNamed).join(', ')}${usable.length > maxNamed ? ', …' : ''}`;
      return {
        outcome: 'satisfiable',
        summary: complete
          ? `pod ${p.name} is pinned (${rules}), and ${usable.length} Ready, schedulable node${usable.length === 1 ? ' satisfies' : 's satisfy'} it (${names})`
          : `pod ${p.name} is pinned (${rules}), and Ready, schedulable nodes satisfy it (${names}): ${usable.length} of the first ${all.length} matching nodes read, and more match`,
        evidence,
        facts,
      };
    }
    if (!complete) {
      // Not one usable node among the thousands read, and more match: saying "none" would be a guess.
      return {
        outcome: 'error',
        summary: `pod ${p.name} is pinned (${rules}) to more than ${all.length} nodes; none of the ${all.length} read is Ready and schedulable, and the rest were not read: list them with ${queries.map(nodesCommand).join(' and ')} to see whether any is`,
        evidence,
        facts: { ...facts, errorKind: 'too-many-to-read' },
      };
    }
    if (all.length === 0) {
      return {
        outcome: 'no-matching-node',
        summary: `no node has the labels pod ${p.name} requires (${rules}): it cannot be scheduled anywhere until a node is labelled or the rule is changed`,
        evidence,
        facts,
      };
    }
    if (ready.length === 0) {
      for (const n of all.slice(0, maxNamed))
        evidence.push({ label: `node ${nameOf(n)}`, value: `Ready=${readyStatus(n)}` });
      return {
        outcome: 'matching-nodes-not-ready',
        summary: `pod ${p.name} is pinned (${rules}) to ${all.map(nameOf).slice(0, maxNamed).join(', ')}, and none of them is Ready: it cannot move elsewhere, so the node is the problem to follow`,
        evidence,
        facts,
      };
    }
    for (const n of ready.slice(0, maxNamed)) {
      const why = n.spec?.unschedulable
        ? 'cordoned (unschedulable)'
        : `untolerated taints ${untolerated(n, tolerations).map(describeTaint).join(', ')}`;
      evidence.push({ label: `node ${nameOf(n)}`, value: why });
    }
    return {
      outcome: 'matching-nodes-unschedulable',
      summary: `the Ready nodes pod ${p.name} is pinned to (${ready.map(nameOf).slice(0, maxNamed).join(', ')}) are cordoned or carry taints it does not tolerate`,
      evidence,
      facts,
    };
  },
});

/** One OR'd term as the API can narrow it, and whether what comes back still needs the term checked here. */
interface TermQuery {
  term: V1NodeSelectorTerm | undefined;
  labelSelector: string;
  fieldSelector: string;
  /** Gt/Lt, or matchFields no field selector expresses: the server's answer is a superset. */
  filterHere: boolean;
}

function termQuery(nodeSelector: string, t: V1NodeSelectorTerm | undefined): TermQuery {
  if (!t) return { term: undefined, labelSelector: nodeSelector, fieldSelector: '', filterHere: false };
  const fields = (t.matchFields ?? []).map(fieldRequirement);
  return {
    term: t,
    labelSelector: [nodeSelector, termSelector(t)].filter(Boolean).join(','),
    fieldSelector: fields.filter((f): f is string => f !== undefined).join(','),
    filterHere:
      fields.includes(undefined) ||
      fields.length + (t.matchExpressions?.length ?? 0) === 0 ||
      (t.matchExpressions ?? []).some((r) => r.operator === 'Gt' || r.operator === 'Lt'),
  };
}

/**
 * A matchFields requirement as a field selector. The API accepts only the key
 * metadata.name with In or NotIn and exactly one value (the form the DaemonSet
 * controller writes to pin each of its pods to its node); anything else has no
 * field-selector form and is checked here.
 */
function fieldRequirement(r: V1NodeSelectorRequirement): string | undefined {
  if (r.key !== 'metadata.name' || r.values?.length !== 1) return undefined;
  if (r.operator === 'In') return `metadata.name=${r.values[0]}`;
  if (r.operator === 'NotIn') return `metadata.name!=${r.values[0]}`;
  return undefined;
}

/**
 * The nodes a term selects, a page at a time: the first page decides when it
 * holds a node the pod can use (a selector such as kubernetes.io/os=linux
 * matches every node of a 5,000-node cluster, and one page is enough to say
 * so); otherwise later pages are read, up to maxPages, looking for one.
 */
async function matchingNodes(
  kube: KubeClient,
  q: TermQuery,
  tolerations: V1Toleration[],
): Promise<{ nodes: V1Node[]; complete: boolean }> {
  const nodes: V1Node[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await kube.listNodesPage({
      ...(q.labelSelector ? { labelSelector: q.labelSelector } : {}),
      ...(q.fieldSelector ? { fieldSelector: q.fieldSelector } : {}),
      pageSize,
      continue: token,
    });
    pages++;
    for (const n of page.items) if (!q.term || !q.filterHere || termMatches(q.term, n)) nodes.push(n);
    token = page.continue;
  } while (
    token &&
    pages < maxPages &&
    !nodes.some((n) => isReady(n) && !n.spec?.unschedulable && untolerated(n, tolerations).length === 0)
  );
  return { nodes, complete: token === undefined };
}

function nodesCommand(q: TermQuery): string {
  return [
    'kubectl get nodes',
    q.labelSelector && `-l ${quoteArg(q.labelSelector)}`,
    q.fieldSelector && `--field-selector ${quoteArg(q.fieldSelector)}`,
  ]
    .filter(Boolean)
    .join(' ');
}

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

function describeTerm(t: V1NodeSelectorTerm): string {
  const req = (r: V1NodeSelectorRequirement) =>
    `${r.key} ${r.operator}${r.values?.length ? ` (${r.values.join(',')})` : ''}`;
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
  return (n.spec?.taints ?? []).filter(
    (t) => t.effect !== 'PreferNoSchedule' && !tolerations.some((tol) => tolerates(tol, t)),
  );
}
