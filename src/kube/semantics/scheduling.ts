/**
 * Kubernetes' scheduling rules, written once for the checks (which explain why a pod
 * does not land) and the drill (which decides where it lands). Structural types, so
 * both client-node's V1 objects and the drill's plain JSON fit.
 *
 * Sources: k8s.io/api/core/v1 Toleration.ToleratesTaint (toleration.go);
 * k8s.io/component-helpers/scheduling/corev1/nodeaffinity (nodeaffinity.go:
 * NodeSelectorRequirementsAsSelector, the `metadata.name` field, terms ORed);
 * the DaemonSet controller's util.AddOrUpdateDaemonPodTolerations; and
 * https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/ .
 */

export interface Taint {
  key?: string;
  value?: string;
  effect?: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface SelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: SelectorRequirement[];
  matchFields?: SelectorRequirement[];
}

export interface NodeLike {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: { taints?: Taint[]; unschedulable?: boolean };
}

export interface PodSchedulingSpec {
  nodeSelector?: Record<string, string>;
  affinity?: {
    nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } };
  };
  tolerations?: Toleration[];
}

/**
 * Toleration.ToleratesTaint: an effect or key that is set must match; an empty key with
 * Exists tolerates every taint; Equal (or no operator) compares values; any other operator
 * tolerates nothing.
 */
export function toleratesTaint(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.key && tol.key !== taint.key) return false;
  switch (tol.operator ?? '') {
    case '':
    case 'Equal':
      return (tol.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** The taints no toleration covers, of the given effects (the scheduler filters on NoSchedule and NoExecute). */
export function untoleratedTaints(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  effects: readonly string[] = ['NoSchedule', 'NoExecute'],
): Taint[] {
  return taints.filter((t) => effects.includes(t.effect ?? '') && !tolerations.some((tol) => toleratesTaint(tol, t)));
}

/**
 * One requirement against one value (undefined: the label is absent). Gt and Lt take a
 * single integer and compare the label parsed as an integer; a label that is not one fails.
 */
export function requirementMatches(r: SelectorRequirement, value: string | undefined): boolean {
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
    case 'Lt': {
      const have = integer(value);
      const bound = integer(values[0]);
      if (have === undefined || bound === undefined || values.length !== 1) return false;
      return r.operator === 'Gt' ? have > bound : have < bound;
    }
    default:
      return false;
  }
}

function integer(s: string | undefined): bigint | undefined {
  if (s === undefined || !/^[+-]?\d+$/.test(s)) return undefined;
  return BigInt(s);
}

/**
 * A node selector term: its expressions over the node's labels and its fields (only
 * `metadata.name` is supported) all hold. A term with neither matches no node.
 */
export function termMatches(term: NodeSelectorTerm, node: NodeLike): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  return (
    exprs.every((r) => requirementMatches(r, labels[r.key])) &&
    fields.every((r) => requirementMatches(r, r.key === 'metadata.name' ? node.metadata?.name : undefined))
  );
}

/** Required node affinity: the terms are ORed; none at all means no constraint. */
export function requiredAffinityMatches(spec: PodSchedulingSpec, node: NodeLike): boolean {
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms === undefined) return true;
  return terms.some((t) => termMatches(t, node));
}

/** nodeSelector: every pair is a label the node has with that value. */
export function nodeSelectorMatches(spec: PodSchedulingSpec, node: NodeLike): boolean {
  const labels = node.metadata?.labels ?? {};
  return Object.entries(spec.nodeSelector ?? {}).every(([k, v]) => labels[k] === v);
}

/** Both node selection rules of a pod (the NodeAffinity filter plugin): nodeSelector and required affinity. */
export function podFitsNode(spec: PodSchedulingSpec, node: NodeLike): boolean {
  return nodeSelectorMatches(spec, node) && requiredAffinityMatches(spec, node);
}

/**
 * The tolerations the DaemonSet controller adds to every daemon pod
 * (AddOrUpdateDaemonPodTolerations), plus network-unavailable for hostNetwork pods.
 */
export function daemonPodTolerations(
  hostNetwork: boolean,
): Required<Pick<Toleration, 'key' | 'operator' | 'effect'>>[] {
  const t = (key: string, effect: string) => ({ key, operator: 'Exists', effect });
  return [
    t('node.kubernetes.io/not-ready', 'NoExecute'),
    t('node.kubernetes.io/unreachable', 'NoExecute'),
    t('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    t('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    t('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    t('node.kubernetes.io/unschedulable', 'NoSchedule'),
    ...(hostNetwork ? [t('node.kubernetes.io/network-unavailable', 'NoSchedule')] : []),
  ];
}

/** `key=value:Effect`, as `kubectl taint` takes it. */
export function taintString(t: Taint): string {
  return `${t.key ?? ''}${t.value ? `=${t.value}` : ''}:${t.effect ?? ''}`;
}

/** `key=value:Effect` or `key exists:Effect` (an empty key with Exists: `*`), with its tolerationSeconds. */
export function tolerationString(t: Toleration): string {
  const what = t.operator === 'Exists' ? `${t.key || '*'} exists` : `${t.key ?? ''}=${t.value ?? ''}`;
  return `${what}${t.effect ? `:${t.effect}` : ''}${t.tolerationSeconds !== undefined ? ` for ${t.tolerationSeconds}s` : ''}`;
}

/** `key In (a,b)`, `key Exists`: a requirement as a person reads it. */
export function requirementString(r: SelectorRequirement): string {
  return `${r.key} ${r.operator}${r.values?.length ? ` (${r.values.join(',')})` : ''}`;
}
