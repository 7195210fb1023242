import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
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

const MiB = 1024 * 1024;

/** How much of a file plumbline reads, and what to call the file when it is more. */
export interface ReadLimit {
  bytes: number;
  what: string;
}

/** Runbooks and scenarios: hand-written, the biggest bundled one is tens of KiB. */
export const yamlLimit: ReadLimit = { bytes: 8 * MiB, what: 'a runbook or scenario' };
/** Pasted output a scenario names (objects, logs, host command output). */
export const rawLimit: ReadLimit = { bytes: 16 * MiB, what: 'a file of pasted output' };
/** A transcript read back by report or replay. */
export const transcriptLimit: ReadLimit = { bytes: 64 * MiB, what: 'a transcript' };

/** A file that could not be read, with why in words (`no such file`, `is a FIFO ...`). */
export class FileReadError extends Error {
  constructor(
    readonly file: string,
    readonly why: string,
    readonly code?: string,
  ) {
    super(`${file}: ${why}`);
    this.name = 'FileReadError';
  }
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(bytes % MiB === 0 ? 0 : 1)} MiB`;
}

function errnoWhy(err: unknown): { why: string; code?: string } {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : // open(2) says ENXIO for a UNIX domain socket.
            code === 'ENXIO'
            ? 'is a socket, not a regular file'
            : code === 'ELOOP'
              ? 'too many symbolic links'
              : code === 'ENOTDIR'
                ? 'a part of the path is not a directory'
                : (err as Error).message;
  return code === undefined ? { why } : { why, code };
}

/**
 * The one way plumbline reads a file it is given: only a regular file (a FIFO
 * would hang the read, /dev/zero or /dev/urandom never end it), and at most
 * `limit.bytes`, counted as read (a file in /proc says size 0).
 */
export function readInputFile(file: string, limit: ReadLimit): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would wait for a writer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    const { why, code } = errnoWhy(err);
    throw new FileReadError(file, why, code);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new FileReadError(file, `is ${kindOf(st)}, not a regular file`);
    const tooBig = () => new FileReadError(file, `is over the ${mib(limit.bytes)} limit for ${limit.what}`);
    if (st.size > limit.bytes) throw tooBig();
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(MiB, limit.bytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > limit.bytes) throw tooBig();
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof FileReadError) throw err;
    const { why, code } = errnoWhy(err);
    throw new FileReadError(file, why, code);
  } finally {
    closeSync(fd);
  }
}

export function readInputText(file: string, limit: ReadLimit): string {
  return readInputFile(file, limit).toString('utf8');
}

/**
 * Where a file named inside a scenario or runbook is, when it stays in `root`
 * (that file's own folder): symlinks are followed first, so a link pointing out
 * is refused like `../../etc/shadow`. Paths the user typed on the command line
 * are theirs and never come through here.
 */
export function containedPath(root: string, ref: string): { path: string } | { why: string } {
  const outside = { why: `is outside ${root}: a runbook or scenario reads files only from its own folder` };
  const lexical = resolve(root, ref);
  if (!isInside(root, lexical)) return outside;
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return { path: lexical };
  }
  let real: string;
  try {
    real = realpathSync(lexical);
  } catch {
    // Missing: the read says so; a dangling link's target is never read.
    return { path: lexical };
  }
  return isInside(realRoot, real) ? { path: real } : outside;
}

function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The folder files named inside `file` must stay in. */
export function ownFolder(file: string): string {
  return dirname(resolve(file));
}

/** A parsed YAML file that can say where any path inside it is. */
export interface YamlSource {
  file: string;
  text: string;
  data: unknown;
  locate(path: readonly PropertyKey[]): { line: number; column: number };
  problem(path: readonly PropertyKey[], message: string): SourceProblem;
}

/** Reads a runbook or scenario: a regular file of at most yamlLimit, else one located problem. */
export function readYamlSource(file: string): Promise<YamlSource> {
  try {
    return Promise.resolve(parseYamlSource(file, readInputText(file, yamlLimit)));
  } catch (err) {
    return Promise.reject(
      err instanceof FileReadError ? new InputError([{ file, line: 1, column: 1, message: err.why }]) : (err as Error),
    );
  }
}

/** How every YAML input is parsed. Duplicate keys are found by documentData: the parser's own check is quadratic in a map's size. */
export const yamlParseOptions = { prettyErrors: false, uniqueKeys: false } as const;

export type Locator = (offset: number) => { line: number; column: number };

export function locator(lineCounter: LineCounter): Locator {
  return (offset) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
}

export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, ...yamlParseOptions });
  const at = locator(lineCounter);
  const data = documentData(doc, file, at);
  const locate = (path: readonly PropertyKey[]) => at(offsetOf(doc, path));
  return { file, text, data, locate, problem: (path, message) => ({ file, ...locate(path), message }) };
}

/** Aliases may stand for at most this many values in all: a "billion laughs" file names 10^9 with a few lines. */
const maxAliasExpansion = 100_000;
/** And be at most this many: the YAML library looks each one up through every anchor before it. */
const maxAliases = 10_000;

/**
 * A parsed document as JavaScript data, or every problem in it located: the
 * parser's errors, duplicate keys, keys JavaScript objects reserve, aliases
 * that name no anchor, sit inside the node they name, or multiply it past
 * maxAliasExpansion.
 */
export function documentData(doc: Document, file: string, at: Locator): unknown {
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e) => ({ file, ...at(e.pos[0]), message: `invalid YAML: ${firstLine(e.message)}` })),
    );
  }
  const problems: SourceProblem[] = [];
  const say = (node: unknown, message: string) => problems.push({ file, ...at(rangeStart(node) ?? 0), message });
  const anchors = new Map<string, YamlNode>();
  const aliasTargets = new Map<YamlNode, YamlNode>();
  const sizes = new Map<unknown, number>();
  // Values a node stands for with its aliases written out; an alias's target comes before it, so is already sized or sizable.
  const expanded = (node: unknown): number => {
    const known = sizes.get(node);
    if (known !== undefined) return known;
    let n = 1;
    if (isAlias(node)) n = expanded(aliasTargets.get(node));
    else if (isPair(node)) n = expanded(node.key) + expanded(node.value);
    else if (isCollection(node)) for (const item of node.items) n += expanded(item);
    sizes.set(node, n);
    return n;
  };
  let aliases = 0;
  let expansion = 0;
  visit(doc, {
    Pair(_key, pair) {
      // JavaScript drops or misreads this key when it builds objects (a step named __proto__ would vanish): refuse it where it stands.
      if (isScalar(pair.key) && String(pair.key.value) === '__proto__')
        say(pair.key, `"${String(pair.key.value)}" cannot be a key: JavaScript objects reserve it`);
    },
    Node(_key, node, path) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target === undefined) {
          say(node, `invalid YAML: alias *${node.source} names no anchor before it`);
          return visit.BREAK;
        }
        if (path.includes(target)) {
          say(node, `invalid YAML: alias *${node.source} is inside the node it names`);
          return visit.BREAK;
        }
        aliasTargets.set(node, target);
        aliases += 1;
        expansion += expanded(target);
        if (aliases > maxAliases || expansion > maxAliasExpansion) {
          say(
            node,
            `invalid YAML: aliases stand for more than ${aliases > maxAliases ? `${maxAliases} aliases` : `${maxAliasExpansion} values`} (a YAML alias bomb?); write the values out`,
          );
          return visit.BREAK;
        }
      }
      if (!isAlias(node) && node.anchor) anchors.set(node.anchor, node);
      if (isMap(node)) {
        const keys = new Set<string>();
        for (const pair of node.items) {
          if (!isScalar(pair.key)) continue;
          const name = String(pair.key.value);
          if (keys.has(name) && name !== '__proto__') say(pair.key, 'invalid YAML: Map keys must be unique');
          keys.add(name);
        }
      }
      return undefined;
    },
  });
  if (problems.length > 0) throw new InputError(problems);
  try {
    // Aliases were counted above; the library's own count (maxAliasCount) would throw without a location.
    return doc.toJS({ maxAliasCount: -1 }) as unknown;
  } catch (err) {
    throw new InputError([
      {
        file,
        ...at(rangeStart(doc.contents) ?? 0),
        message: `invalid YAML: ${firstLine(err instanceof Error ? err.message : String(err))}`,
      },
    ]);
  }
}

/** Keys that name JavaScript's object machinery rather than data. */
export const objectMachinery: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/** Each map's pairs by key, built once: a lookup per problem over a map of 30,000 steps made lint quadratic. */
const keyIndex = new WeakMap<object, Map<string, { key: unknown; value: unknown }>>();

function pairByKey(
  map: { items: { key: unknown; value: unknown }[] },
  key: string,
): { key: unknown; value: unknown } | undefined {
  let index = keyIndex.get(map);
  if (!index) {
    index = new Map();
    for (const it of map.items) {
      if (isScalar(it.key) && !index.has(String(it.key.value))) index.set(String(it.key.value), it);
    }
    keyIndex.set(map, index);
  }
  return index.get(key);
}

/** Offset of the deepest node that exists along `path`: a missing key is reported where its parent is. */
export function offsetOf(doc: Document, path: readonly PropertyKey[]): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const key of path) {
    if (isMap(node)) {
      const pair = pairByKey(node, String(key));
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
