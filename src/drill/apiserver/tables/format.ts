import { asArray, asObject, asString, asStrings } from '../json.js';
import type { Json } from '../json.js';

/** Cell formatting shared by the printers, after apimachinery's helpers. */

/** labels.FormatLabels: `k=v` pairs sorted by key, `<none>` when empty. */
export function formatLabels(labels: unknown): string {
  const entries = Object.entries(asObject(labels)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${asString(v)}`).join(',');
}

/** labels.Selector.String() of metav1.LabelSelectorAsSelector: requirements sorted by key; "" for an empty selector. */
export function labelSelectorString(selector: unknown): string {
  const sel = asObject(selector);
  const reqs: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(asObject(sel.matchLabels)))
    reqs.push({ key, text: `${key}=${asString(value)}` });
  for (const e of asArray(sel.matchExpressions)) {
    const key = asString(e.key);
    const values = asStrings(e.values).sort();
    const op = asString(e.operator);
    if (op === 'In') reqs.push({ key, text: `${key} in (${values.join(',')})` });
    else if (op === 'NotIn') reqs.push({ key, text: `${key} notin (${values.join(',')})` });
    else if (op === 'Exists') reqs.push({ key, text: key });
    else if (op === 'DoesNotExist') reqs.push({ key, text: `!${key}` });
  }
  return reqs
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.text)
    .join(',');
}

/** metav1.FormatLabelSelector: the selector string, `<none>` when it selects nothing or everything. */
export function formatLabelSelector(selector: unknown): string {
  return labelSelectorString(selector) || '<none>';
}

/** layoutContainerCells: container names and images, comma-joined in spec order. */
export function containerCells(podSpec: unknown): [string, string] {
  const containers = asArray(asObject(podSpec).containers);
  return [containers.map((c) => asString(c.name)).join(','), containers.map((c) => asString(c.image)).join(',')];
}

/** The pod template's spec of a workload (`spec.template.spec`). */
export function templateSpec(obj: Record<string, unknown>): Json {
  return asObject(asObject(asObject(obj.spec).template).spec);
}

/** An int32 the apiserver defaults (replicas: 1) when the stored object leaves it out. */
export function intOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, whatever the given order. */
export function accessModes(modes: unknown): string {
  const given = new Set(asStrings(modes));
  const short: [string, string][] = [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ];
  return short
    .filter(([mode]) => given.has(mode))
    .map(([, s]) => s)
    .join(',');
}

/** "a,b,c + 2 more..." after three items, `<unset>` for none (listWithMoreString). */
export function listWithMore(items: string[], max = 3): string {
  if (items.length === 0) return '<unset>';
  const shown = items.slice(0, max).join(',');
  return items.length > max ? `${shown} + ${items.length - max} more...` : shown;
}
