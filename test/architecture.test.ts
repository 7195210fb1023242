import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layers, lowest first. A module may import its own layer's modules and any
 * layer below; never one above. Modules that share a rank (`[a, b]`) may not
 * import each other. Type-only imports count: a type is a dependency too.
 * docs/architecture.md explains each layer and where new work goes.
 */
export const layers: readonly (readonly string[])[] = [
  ['base', 'assets'], // YAML with positions, redaction, private files, where the package's files are
  ['precompiled'], // runbooks and scenarios parsed at build time
  ['kube'], // the API client and Kubernetes' own rules (semantics/)
  ['nodeaccess'], // how a node's host commands are run (ssh, debug pod, drill hosts)
  ['checks'], // one check per file, and the registry
  ['runbook'], // runbook schema, loading, compiling to a state machine
  ['signatures', 'runbook-graph'], // evidence signatures; the runbook graph for docs
  ['engine'], // walks a compiled runbook, runs checks, decides
  ['drill'], // the simulated cluster: API server, hosts, faults, scenarios
  ['training'], // guided / free drills, tracking, debriefs
  ['transcript'], // what a walk wrote, read back, reported
  ['ui'], // ink screens
  ['cli', 'precompiledWrite'], // commands; the build step that writes precompiled data
];

const root = resolve(import.meta.dirname, '..', 'src');

/** The module (layer member) a source file belongs to: its top folder under src, or its own name at the top. */
export function moduleOf(file: string): string {
  const parts = relative(root, file).split(sep);
  return parts.length > 1 ? parts[0]! : parts[0]!.replace(/\.tsx?$/, '');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

const importPattern =
  /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?[^'"`;]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

/** Every relative import of a file's text, resolved to the source file it names (static, type-only and dynamic). */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(importPattern)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec?.startsWith('.')) continue;
    const base = resolve(dirname(file), spec).replace(/\.jsx?$/, '');
    const found = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((c) => existsSync(c));
    if (found) out.push(found);
  }
  return out;
}

export function importGraph(files: readonly string[], read: (f: string) => string): Map<string, string[]> {
  return new Map(files.map((f) => [f, importsOf(f, read(f))]));
}

/** Strongly connected components of more than one file (Tarjan): each is a cycle, listed by its edges. */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) {
      const members = new Set(component);
      found.push(
        component.flatMap((a) =>
          (graph.get(a) ?? []).filter((b) => members.has(b)).map((b) => `${relative(root, a)} → ${relative(root, b)}`),
        ),
      );
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** Imports that reach a higher layer, or a sibling in the same rank; modules missing from `layers` are named too. */
export function layerViolations(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const rank = new Map(layers.flatMap((group, i) => group.map((m) => [m, i] as const)));
  const out: string[] = [];
  for (const [from, targets] of graph) {
    const a = moduleOf(from);
    if (!rank.has(a)) out.push(`${relative(root, from)}: module "${a}" has no layer in test/architecture.test.ts`);
    for (const to of targets) {
      const b = moduleOf(to);
      if (a === b || !rank.has(a) || !rank.has(b)) continue;
      if (rank.get(b)! >= rank.get(a)!)
        out.push(`${relative(root, from)} (${a}) imports ${relative(root, to)} (${b}): a layer above or beside it`);
    }
  }
  return out;
}

describe('module layout', () => {
  const files = sourceFiles(root);
  const graph = importGraph(files, (f) => readFileSync(f, 'utf8'));

  it('has no import cycle between source files', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('imports only downward: kube ← nodeaccess ← checks ← runbook ← engine ← drill ← training ← transcript ← ui ← cli', () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it('would see an upward import and a cycle if one were added', () => {
    const check = join(root, 'checks', 'x.ts');
    const engine = join(root, 'engine', 'y.ts');
    const fake = new Map([
      [check, [engine]],
      [engine, [check]],
    ]);
    expect(layerViolations(fake)).toEqual([
      'checks/x.ts (checks) imports engine/y.ts (engine): a layer above or beside it',
    ]);
    expect(cycles(fake)).toEqual([['engine/y.ts → checks/x.ts', 'checks/x.ts → engine/y.ts']]);
  });

  it('reads static, type-only and dynamic imports', () => {
    const file = join(root, 'cli', 'z.ts');
    const text =
      "import type { CliArgs } from './args.js';\nconst { dispatch } = await import('./dispatch.js');\nexport { UsageError } from './usageError.js';";
    expect(importsOf(file, text).map((f) => relative(root, f))).toEqual([
      'cli/args.ts',
      'cli/dispatch.ts',
      'cli/usageError.ts',
    ]);
  });
});
