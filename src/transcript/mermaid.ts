import type { RunbookSpec } from '../runbook/schema.js';
import { branches, isSpecialTarget } from '../runbook/structure.js';

/** One transition the walk took: out of `from` on an outcome or choice, into a step or a special target. */
export interface TakenEdge {
  from: string;
  on: string;
  to: string;
}

export interface PathDiagramInput {
  /** The runbook as it is now; without it only the taken path is drawn. */
  spec?: RunbookSpec;
  /** Steps in the order they were entered (repeats allowed), with their kind when known. */
  visited: { step: string; kind: StepKind }[];
  taken: TakenEdge[];
}

/** Pseudo-step for where the walk begins, so the first step has an incoming edge. */
export const startNode = '$start';

const takenStyle = 'stroke:#d9480f,stroke-width:3px';

/**
 * A Mermaid `flowchart TD` of the runbook with the walk's path highlighted:
 * `classDef taken` on the nodes, `linkStyle` on the edges (by index, the only
 * way Mermaid styles one edge). Edges between the same two steps are merged,
 * their outcomes listed on one label, so a step with eight outcomes into one
 * diagnosis stays one arrow.
 */
export function pathFlowchart(input: PathDiagramInput): string {
  const ids = new NodeIds();
  const lines: string[] = ['flowchart TD'];
  const edges: { from: string; to: string; ons: string[]; dotted?: boolean }[] = [];
  const takenPairs = new Map<string, string[]>();
  for (const e of input.taken) {
    const key = pairKey(e.from, e.to);
    const ons = takenPairs.get(key) ?? [];
    if (e.on !== '' && !ons.includes(e.on)) ons.push(e.on);
    takenPairs.set(key, ons);
  }
  const kinds = new Map<string, StepKind>();
  const nodeOrder: string[] = [startNode];

  if (input.spec) {
    const spec = input.spec;
    for (const [id, step] of Object.entries(spec.steps)) {
      kinds.set(id, step.type);
      nodeOrder.push(id);
    }
    edges.push({ from: startNode, to: spec.start, ons: [] });
    for (const [id, step] of Object.entries(spec.steps)) {
      const byTarget = new Map<string, string[]>();
      for (const b of branches(step)) byTarget.set(b.target, [...(byTarget.get(b.target) ?? []), b.on]);
      for (const [target, ons] of byTarget) edges.push({ from: id, to: target, ons });
    }
    if (spec.bottomUp) edges.push({ from: '$bottom-up', to: spec.bottomUp, ons: [], dotted: true });
  } else {
    for (const v of input.visited) {
      if (!kinds.has(v.step)) nodeOrder.push(v.step);
      kinds.set(v.step, v.kind);
    }
    const seen = new Set<string>();
    for (const e of input.taken) {
      const key = pairKey(e.from, e.to);
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push({ from: e.from, to: e.to, ons: takenPairs.get(key) ?? [] });
    }
  }
  for (const e of edges) for (const n of [e.from, e.to]) if (!nodeOrder.includes(n)) nodeOrder.push(n);

  for (const n of nodeOrder) lines.push(`  ${node(ids.of(n), n, kinds.get(n))}`);

  const takenLinks: number[] = [];
  edges.forEach((e, i) => {
    const takenOns = takenPairs.get(pairKey(e.from, e.to));
    // The taken outcome first: a merged label must still say which one happened.
    const ons = takenOns ? [...takenOns, ...e.ons.filter((o) => !takenOns.includes(o))] : e.ons;
    const arrow = e.dotted ? '-.->' : '-->';
    const label = ons.length > 0 ? `|"${escapeLabel(shortList(ons, takenOns?.length ?? 0))}"|` : '';
    lines.push(`  ${ids.of(e.from)} ${arrow}${label} ${ids.of(e.to)}`);
    if (takenOns) takenLinks.push(i);
  });

  const takenNodes = new Set<string>([startNode]);
  for (const e of input.taken) takenNodes.add(e.from).add(e.to);
  for (const v of input.visited) takenNodes.add(v.step);
  // taken after endpoint: a special target the walk reached must show as taken.
  lines.push('  classDef endpoint fill:#f1f3f5,stroke:#868e96');
  lines.push(`  classDef taken fill:#fff4e6,${takenStyle}`);
  const specials = nodeOrder.filter((n) => isSpecialTarget(n) || n === startNode);
  if (specials.length > 0) lines.push(`  class ${specials.map((n) => ids.of(n)).join(',')} endpoint`);
  lines.push(
    `  class ${[...takenNodes]
      .filter((n) => nodeOrder.includes(n))
      .map((n) => ids.of(n))
      .join(',')} taken`,
  );
  if (takenLinks.length > 0) lines.push(`  linkStyle ${takenLinks.join(',')} ${takenStyle}`);
  return lines.join('\n');
}

function pairKey(from: string, to: string): string {
  return `${from}\u0000${to}`;
}

/** Up to three outcomes, then a count: a label wider than its node makes the chart unreadable. */
function shortList(ons: string[], keep: number): string {
  const shown = Math.max(3, keep);
  return ons.length <= shown ? ons.join(', ') : `${ons.slice(0, shown).join(', ')} +${ons.length - shown}`;
}

type StepKind = 'check' | 'ask' | 'action' | 'diagnosis';

/** Node shapes: actions are hexagons, checks are boxes, questions diamonds, diagnoses stadiums, special targets circles. */
function node(id: string, name: string, kind: StepKind | undefined): string {
  const label = `"${escapeLabel(name === startNode ? 'start' : name)}"`;
  if (name === startNode || isSpecialTarget(name)) return `${id}((${label}))`;
  switch (kind) {
    case 'ask':
      return `${id}{${label}}`;
    case 'diagnosis':
      return `${id}([${label}])`;
    case 'action':
      return `${id}{{${label}}}`;
    case 'check':
    case undefined:
      return `${id}[${label}]`;
  }
}

/** Mermaid labels take HTML entities as `#name;`; quotes and angle brackets would end or open markup. */
function escapeLabel(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

/** Step ids become safe Mermaid ids (`pod-status` → `s_pod_status`); words like `end` or a leading `o`/`x` would be read as syntax. */
class NodeIds {
  private readonly byName = new Map<string, string>();
  private readonly used = new Set<string>();

  of(name: string): string {
    const known = this.byName.get(name);
    if (known) return known;
    const base = name === startNode ? 'walk_start' : isSpecialTarget(name) ? `t_${name.slice(1)}` : `s_${name}`;
    let id = base.replace(/[^A-Za-z0-9_]/g, '_');
    for (let n = 2; this.used.has(id); n++) id = `${base.replace(/[^A-Za-z0-9_]/g, '_')}_${n}`;
    this.used.add(id);
    this.byName.set(name, id);
    return id;
  }
}
