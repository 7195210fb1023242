import { createHash } from 'node:crypto';
import { dirname, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { runbookFile } from '../assets.js';
import type { AnyCheck } from '../checks/types.js';
import { precompiled } from '../precompiled.js';
import { flattenIncludes } from './include.js';
import type { ResolvedInclude } from './include.js';
import { lintIncludes, lintRunbook } from './lint.js';
import { runbook } from './schema.js';
import { checkFile } from '../checks/declared/schema.js';
import type { DeclaredCheckSpec } from '../checks/declared/schema.js';
import { compileDeclaredCheck } from '../checks/declared/compile.js';
import { lintDeclaredCheck } from '../checks/declared/lint.js';
import { isDeepStrictEqual } from 'node:util';
import type { RunbookSpec } from './schema.js';
import {
  containedPath,
  FileReadError,
  InputError,
  ownFolder,
  parseYamlSource,
  readInputText,
  readYamlSource,
  yamlLimit,
} from '../base/source.js';
import type { SourceProblem, YamlSource } from '../base/source.js';

export interface LoadedRunbook {
  /** Flat: included runbooks' steps are inlined as `<as>.<step>`. */
  spec: RunbookSpec;
  file: string;
  /** sha256 of the file's text (and of the runbooks it includes), recorded in transcripts so a replay knows which version ran. */
  hash: string;
  /** The checks this runbook (or a file or runbook it includes) declares as data, compiled. */
  declared: ReadonlyMap<string, DeclaredEntry>;
  /** Its declared checks, then the built-in ones: what its steps' `check:` names. */
  lookup: CheckLookup;
}

/** A declared check and where it is written. */
export interface DeclaredEntry {
  check: AnyCheck;
  spec: DeclaredCheckSpec;
  file: string;
}

export type CheckLookup = (id: string) => AnyCheck | undefined;

export async function loadRunbookFile(file: string, lookup: CheckLookup): Promise<LoadedRunbook> {
  // A bundled runbook unchanged since the build was validated then (src/precompiled.ts).
  const built = precompiled('runbooks', file) as Pick<LoadedRunbook, 'spec' | 'hash'> | undefined;
  // The build keeps only runbooks that declare no checks of their own (src/precompiledWrite.ts): they use the built-in ones.
  if (built) return { ...built, file, declared: new Map(), lookup };
  return fromSource(await readYamlSource(file), lookup, [], ownFolder(file));
}

/** A runbook already read and parsed (lint reads a file once to tell a runbook from a scenario). */
export function loadRunbookSource(source: YamlSource, lookup: CheckLookup): LoadedRunbook {
  return fromSource(source, lookup, [], ownFolder(source.file));
}

export function loadRunbookText(file: string, text: string, lookup: CheckLookup): LoadedRunbook {
  return fromSource(parseYamlSource(file, text), lookup, [], ownFolder(file));
}

/** Where `include: [{ runbook: x }]` is read from: a path (relative to the including file) or a bundled runbook id. */
export function includedRunbookFile(ref: string, fromFile: string): string {
  if (isIncludePath(ref)) return resolve(dirname(fromFile), ref);
  return runbookFile(ref);
}

function isIncludePath(ref: string): boolean {
  return ref.includes('/') || ref.endsWith('.yaml') || ref.endsWith('.yml');
}

/**
 * `root`: the folder the runbook named on the command line (or a bundled one)
 * is in; included paths must stay in it, so a shared runbook cannot read
 * /etc/shadow into its error messages.
 */
function fromSource(source: YamlSource, lookup: CheckLookup, stack: readonly string[], root: string): LoadedRunbook {
  const raw = validate(source, runbook);
  const problems: SourceProblem[] = [];
  const included: ResolvedInclude[] = [];
  const hashes: string[] = [];
  const here = resolve(source.file);
  const declared = new Map<string, DeclaredEntry>();
  /** Adds a declared check unless another definition already has its id. */
  const declare = (
    id: string,
    spec: DeclaredCheckSpec,
    from: YamlSource,
    path: PropertyKey[],
    clash: (message: string) => void,
  ) => {
    const have = declared.get(id);
    if (have) {
      if (!isDeepStrictEqual(have.spec, spec))
        clash(`check ${id} is declared twice, differently (also in ${shortPath(have.file)})`);
      return;
    }
    if (lookup(id)) {
      clash(
        `check ${id} is a built-in check; a declared check needs its own id (plumbline list checks shows the built-in ones)`,
      );
      return;
    }
    const found = lintDeclaredCheck(id, spec);
    if (found.length > 0) {
      problems.push(...found.map((p) => from.problem([...path, ...p.path], p.message)));
      return;
    }
    declared.set(id, { check: compileDeclaredCheck(id, spec), spec, file: from.file });
  };
  for (const [id, spec] of Object.entries(raw.checks))
    declare(id, spec, source, ['checks', id], (m) => problems.push(source.problem(['checks', id], m)));
  raw.checkFiles.forEach((ref, i) => {
    const at = (message: string) => problems.push(source.problem(['checkFiles', i], message));
    const found = containedPath(root, relative(root, resolve(dirname(source.file), ref)));
    if ('why' in found) {
      at(`check file "${ref}" ${found.why}`);
      return;
    }
    let fileSource: YamlSource;
    try {
      fileSource = parseYamlSource(found.path, readInputText(found.path, yamlLimit));
    } catch (err) {
      if (err instanceof FileReadError) at(`check file "${ref}": cannot read ${shortPath(found.path)}: ${err.why}`);
      else if (err instanceof InputError) problems.push(...err.problems);
      else throw err;
      return;
    }
    let parsed;
    try {
      parsed = validate(fileSource, checkFile);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(...err.problems);
      return;
    }
    hashes.push(createHash('sha256').update(fileSource.text).digest('hex'));
    for (const [id, spec] of Object.entries(parsed.checks))
      declare(id, spec, fileSource, ['checks', id], (m) => problems.push(fileSource.problem(['checks', id], m)));
  });
  raw.include.forEach((inc, i) => {
    const at = (message: string) => problems.push(source.problem(['include', i, 'runbook'], message));
    let file = includedRunbookFile(inc.runbook, source.file);
    let subRoot = ownFolder(file);
    if (isIncludePath(inc.runbook)) {
      const found = containedPath(root, relative(root, file));
      if ('why' in found) {
        at(`included runbook "${inc.runbook}" ${found.why}`);
        return;
      }
      file = found.path;
      subRoot = root;
    }
    const chain = [...stack, here];
    if (chain.includes(resolve(file))) {
      const names = [...chain.slice(chain.indexOf(resolve(file))), resolve(file)].map(shortPath);
      at(`include cycle: ${names.join(' → ')}`);
      return;
    }
    let text: string;
    try {
      text = readInputText(file, yamlLimit);
    } catch (err) {
      if (!(err instanceof FileReadError)) throw err;
      if (err.code === 'ENOENT')
        at(`unknown runbook "${inc.runbook}" (no bundled runbook by that id, and no file ${shortPath(file)})`);
      else at(`included runbook "${inc.runbook}": cannot read ${shortPath(file)}: ${err.why}`);
      return;
    }
    try {
      const sub = fromSource(parseYamlSource(file, text), lookup, chain, subRoot);
      included.push({ include: inc, spec: sub.spec });
      hashes.push(sub.hash);
      for (const [id, entry] of sub.declared) {
        const have = declared.get(id);
        if (!have) declared.set(id, entry);
        else if (!isDeepStrictEqual(have.spec, entry.spec))
          at(
            `check ${id} is declared both here (${shortPath(have.file)}) and, differently, in ${shortPath(entry.file)}`,
          );
      }
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      at(`included runbook "${inc.runbook}" has errors:`);
      problems.push(...err.problems);
    }
  });
  if (problems.length > 0) throw new InputError(problems);
  const spec = flattenIncludes(raw, included);
  const own: CheckLookup = (id) => declared.get(id)?.check ?? lookup(id);
  problems.push(...lintIncludes(raw, spec, source, included, own), ...lintRunbook(spec, source, own));
  if (problems.length > 0) throw new InputError(dedupe(problems));
  const hash = createHash('sha256').update(source.text);
  for (const h of hashes) hash.update(`\0${h}`);
  return { spec, file: source.file, hash: hash.digest('hex'), declared, lookup: own };
}

/** Relative to the working directory when under it, else absolute. */
function shortPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') ? file : rel;
}

function dedupe(problems: SourceProblem[]): SourceProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}:${p.line}:${p.column}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Validates with zod and turns every issue into a located problem. */
export function validate<T extends z.ZodType>(source: YamlSource, schema: T): z.infer<T> {
  const result = schema.safeParse(source.data);
  if (result.success) return result.data;
  throw new InputError(result.error.issues.map((issue) => toProblem(source, issue)));
}

function toProblem(source: YamlSource, issue: z.core.$ZodIssue): SourceProblem {
  const path = [...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const plural = issue.keys.length > 1 ? 's' : '';
    return source.problem(
      [...path, issue.keys[0] ?? ''],
      `${describePath(path)}unknown field${plural} ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
    );
  }
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) {
    const parent = path.slice(0, -1);
    return source.problem(parent, `${describePath(parent)}"${String(path.at(-1))}" is required`);
  }
  return source.problem(path, `${describePath(path)}${issue.message}`);
}

/** `step "pod-status": ` for anything inside a step, else the dotted path. */
export function describePath(path: readonly PropertyKey[]): string {
  if (path[0] === 'steps' && path.length >= 2) {
    const rest = path.slice(2).map(String).join('.');
    return `step "${String(path[1])}"${rest ? ` ${rest}` : ''}: `;
  }
  return path.length > 0 ? `${path.map(String).join('.')}: ` : '';
}
