import { readFile } from 'node:fs/promises';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';

/** A problem in a YAML input file, located as `file:line:column`. */
export interface SourceProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export function formatProblem(p: SourceProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

/** Bad input the user can fix: the CLI prints each problem on one line and exits 2. */
export class InputError extends Error {
  constructor(readonly problems: SourceProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
  }
}

/** A parsed YAML file that can say where any path inside it is. */
export interface YamlSource {
  file: string;
  text: string;
  data: unknown;
  locate(path: readonly PropertyKey[]): { line: number; column: number };
  problem(path: readonly PropertyKey[], message: string): SourceProblem;
}

export async function readYamlSource(file: string): Promise<YamlSource> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(err);
    throw new InputError([{ file, line: 1, column: 1, message: why }]);
  }
  return parseYamlSource(file, text);
}

export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e) => ({ file, ...at(e.pos[0]), message: `invalid YAML: ${firstLine(e.message)}` })),
    );
  }
  // JavaScript drops or misreads these keys when it builds objects (a step named __proto__ would vanish): refuse them where they stand.
  const machinery: SourceProblem[] = [];
  visit(doc, {
    Pair(_key, pair) {
      if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === '__proto__') {
        machinery.push({ file, ...at(rangeStart(pair.key) ?? 0), message: `"${String(pair.key.value)}" cannot be a key: JavaScript objects reserve it` });
      }
    },
  });
  if (machinery.length > 0) throw new InputError(machinery);
  const locate = (path: readonly PropertyKey[]) => at(offsetOf(doc, path));
  return {
    file,
    text,
    data: doc.toJS({ maxAliasCount: 100 }) as unknown,
    locate,
    problem: (path, message) => ({ file, ...locate(path), message }),
  };
}

/** Keys that name JavaScript's object machinery rather than data. */
export const objectMachinery: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/** Offset of the deepest node that exists along `path`: a missing key is reported where its parent is. */
export function offsetOf(doc: Document, path: readonly PropertyKey[]): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(key));
      if (!pair) break;
      // Point at the key: `step x: ...` reads best at the key's own position.
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key];
      if (item === undefined) break;
      node = item;
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as YamlNode | null | undefined)?.range;
  return range ? range[0] : undefined;
}
