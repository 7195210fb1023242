import type { RunbookSpec, StepSpec } from '../runbook/schema.js';
import { specialTargets } from '../runbook/schema.js';
import { branches, isSpecialTarget, phases } from '../runbook/structure.js';

export type GraphNodeKind = StepSpec['type'] | 'start' | 'special';
export type GraphGroup = 'top-down' | 'bottom-up' | 'end';

export interface GraphNode {
  /** The step id, `$start`, or a special target (`$bottom-up`, `$no-finding`, `$incomplete`). */
  id: string;
  kind: GraphNodeKind;
  /** Work steps sit in their phase; diagnoses, special targets and the start are shared by both. */
  group: GraphGroup;
  /** The check a check step runs. */
  check?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** Outcomes or choices taking this edge; several into one target share one edge. */
  on: string[];
  /** The hand-over into the bottom-up sweep, not a branch of any step. */
  handover?: boolean;
}

export interface RunbookGraph {
  id: string;
  title: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const graphStart = '$start';

/** The decision tree of a runbook as nodes and outcome-labelled edges, in file order. */
export function runbookGraph(spec: RunbookSpec): RunbookGraph {
  const { topDown, bottomUp } = phases(spec);
  const nodes: GraphNode[] = [{ id: graphStart, kind: 'start', group: 'end' }];
  for (const [id, step] of Object.entries(spec.steps)) {
    // A work step no phase reaches (lint reports it) is still drawn, in the top-down box.
    const group: GraphGroup =
      step.type === 'diagnosis' ? 'end' : bottomUp.has(id) && !topDown.has(id) ? 'bottom-up' : 'top-down';
    nodes.push({ id, kind: step.type, group, ...(step.type === 'check' ? { check: step.check } : {}) });
  }
  const edges: GraphEdge[] = [{ from: graphStart, to: spec.start, on: [] }];
  const targets = new Set<string>();
  for (const [id, step] of Object.entries(spec.steps)) {
    const byTarget = new Map<string, string[]>();
    for (const b of branches(step)) byTarget.set(b.target, [...(byTarget.get(b.target) ?? []), b.on]);
    for (const [to, on] of byTarget) {
      edges.push({ from: id, to, on });
      targets.add(to);
    }
  }
  if (spec.bottomUp) {
    edges.push({ from: '$bottom-up', to: spec.bottomUp, on: [], handover: true });
    targets.add('$bottom-up');
  }
  for (const t of specialTargets) if (targets.has(t)) nodes.push({ id: t, kind: 'special', group: 'end' });
  return { id: spec.id, title: spec.title, nodes, edges };
}

const groupTitles: Record<Exclude<GraphGroup, 'end'>, string> = {
  'top-down': 'top-down',
  'bottom-up': 'bottom-up sweep',
};

/**
 * Mermaid `flowchart TD`: the phases as subgraphs, checks as boxes (with the
 * check they run), questions as diamonds, actions as hexagons, diagnoses as
 * green stadiums, the start and special targets as grey circles.
 */
export function graphMermaid(graph: RunbookGraph): string {
  const ids = new MermaidIds();
  const lines = ['flowchart TD'];
  const nodeLine = (n: GraphNode) => {
    const id = ids.of(n.id);
    const text = n.kind === 'start' ? 'start' : mermaidText(n.id);
    const label = `"${n.check ? `${text}<br/><small>${mermaidText(n.check)}</small>` : text}"`;
    switch (n.kind) {
      case 'start':
      case 'special':
        return `${id}((${label}))`;
      case 'ask':
        return `${id}{${label}}`;
      case 'action':
        return `${id}{{${label}}}`;
      case 'diagnosis':
        return `${id}([${label}])`;
      case 'check':
        return `${id}[${label}]`;
    }
  };
  for (const group of ['top-down', 'bottom-up'] as const) {
    const members = graph.nodes.filter((n) => n.group === group);
    if (members.length === 0) continue;
    lines.push(`  subgraph ${group.replace('-', '_')}["${groupTitles[group]}"]`);
    for (const n of members) lines.push(`    ${nodeLine(n)}`);
    lines.push('  end');
  }
  for (const n of graph.nodes.filter((m) => m.group === 'end')) lines.push(`  ${nodeLine(n)}`);
  for (const e of graph.edges) {
    const label = e.on.length > 0 ? `|"${mermaidText(e.on.join(', '))}"|` : '';
    lines.push(`  ${ids.of(e.from)} ${e.handover ? '-.->' : '-->'}${label} ${ids.of(e.to)}`);
  }
  lines.push('  classDef diagnosis fill:#d3f9d8,stroke:#2b8a3e,color:#1b4332');
  lines.push('  classDef special fill:#f1f3f5,stroke:#868e96,color:#495057');
  const diagnoses = graph.nodes.filter((n) => n.kind === 'diagnosis').map((n) => ids.of(n.id));
  const specials = graph.nodes.filter((n) => n.kind === 'special' || n.kind === 'start').map((n) => ids.of(n.id));
  if (diagnoses.length > 0) lines.push(`  class ${diagnoses.join(',')} diagnosis`);
  if (specials.length > 0) lines.push(`  class ${specials.join(',')} special`);
  return lines.join('\n');
}

/** Graphviz DOT: the phases as clusters, the same shapes and colours as the Mermaid chart. */
export function graphDot(graph: RunbookGraph): string {
  const lines = [
    `digraph ${dotId(graph.id)} {`,
    `  label=${dotId(graph.title)};`,
    '  labelloc=t;',
    '  rankdir=TB;',
    '  node [shape=box, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  const nodeLine = (n: GraphNode) => {
    const label = n.kind === 'start' ? 'start' : n.check ? `${n.id}\n${n.check}` : n.id;
    const attrs = [`label=${dotId(label)}`];
    switch (n.kind) {
      case 'start':
      case 'special':
        attrs.push('shape=circle', 'style=filled', 'fillcolor="#f1f3f5"', 'color="#868e96"');
        break;
      case 'ask':
        attrs.push('shape=diamond');
        break;
      case 'action':
        attrs.push('shape=hexagon');
        break;
      case 'diagnosis':
        attrs.push('style="rounded,filled"', 'fillcolor="#d3f9d8"', 'color="#2b8a3e"');
        break;
      case 'check':
        break;
    }
    return `${dotId(n.id)} [${attrs.join(', ')}];`;
  };
  for (const group of ['top-down', 'bottom-up'] as const) {
    const members = graph.nodes.filter((n) => n.group === group);
    if (members.length === 0) continue;
    lines.push(
      `  subgraph cluster_${group.replace('-', '_')} {`,
      `    label=${dotId(groupTitles[group])};`,
      '    style=dashed;',
    );
    for (const n of members) lines.push(`    ${nodeLine(n)}`);
    lines.push('  }');
  }
  for (const n of graph.nodes.filter((m) => m.group === 'end')) lines.push(`  ${nodeLine(n)}`);
  for (const e of graph.edges) {
    const attrs = [
      ...(e.on.length > 0 ? [`label=${dotId(e.on.join(', '))}`] : []),
      ...(e.handover ? ['style=dashed'] : []),
    ];
    lines.push(`  ${dotId(e.from)} -> ${dotId(e.to)}${attrs.length > 0 ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return lines.join('\n');
}

/** A DOT quoted string: every id and label is quoted, so `$bottom-up` and `nn.kubelet` need no mangling. */
function dotId(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Mermaid labels take HTML entities as `#name;`; quotes and angle brackets would end or open markup. */
function mermaidText(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

/** Step ids as Mermaid ids (`pod-status` → `s_pod_status`): words like `end` or a leading `o`/`x` would read as syntax. */
class MermaidIds {
  private readonly byName = new Map<string, string>();
  private readonly used = new Set<string>();

  of(name: string): string {
    const known = this.byName.get(name);
    if (known) return known;
    const base = (
      name === graphStart ? 'walk_start' : isSpecialTarget(name) ? `t_${name.slice(1)}` : `s_${name}`
    ).replace(/[^A-Za-z0-9_]/g, '_');
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.used.add(id);
    this.byName.set(name, id);
    return id;
  }
}
