/**
 * metav1.LabelSelector as the API defines it (matchLabels ANDed with
 * matchExpressions; an empty selector selects everything), for code that
 * holds selectors as objects: NetworkPolicy peers, the checks and the drill.
 */
export interface LabelSelectorRequirement {
  key: string;
  /** In, NotIn, Exists or DoesNotExist; anything else selects nothing. */
  operator: string;
  values?: string[] | null;
}

export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirement[] | null;
}

export type Labels = Readonly<Record<string, string>>;

export function selectorMatches(
  selector: LabelSelector | null | undefined,
  labels: Labels | null | undefined,
): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (have[k] !== v) return false;
  for (const r of selector.matchExpressions ?? []) {
    const present = Object.hasOwn(have, r.key);
    const values = r.values ?? [];
    switch (r.operator) {
      case 'In':
        if (!present || !values.includes(have[r.key] ?? '')) return false;
        break;
      case 'NotIn':
        // NotIn also selects objects without the key (labels.Requirement.Matches).
        if (present && values.includes(have[r.key] ?? '')) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        // An operator the API would have refused selects nothing, rather than everything.
        return false;
    }
  }
  return true;
}

/** A Service's spec.selector (a plain map): every pair must match; an empty or absent one selects no pods (endpoints are managed by hand). */
export function serviceSelects(selector: Labels | null | undefined, labels: Labels | null | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  if (entries.length === 0) return false;
  return entries.every(([k, v]) => labels?.[k] === v);
}

/** `a=b,c=d`, as kubectl -l takes it. */
export function selectorText(selector: Labels | null | undefined): string {
  return Object.entries(selector ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
