import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { bundledPath } from '../assets.js';
import type { AnyCheck } from '../checks/types.js';
import { flattenIncludes } from './include.js';
import type { ResolvedInclude } from './include.js';
import { lintIncludes, lintRunbook } from './lint.js';
import { runbook } from './schema.js';
import type { RunbookSpec } from './schema.js';
import { InputError, parseYamlSource, readYamlSource } from './source.js';
import type { SourceProblem, YamlSource } from './source.js';

export interface LoadedRunbook {
  /** Flat: included runbooks' steps are inlined as `<as>.<step>`. */
  spec: RunbookSpec;
  file: string;
  /** sha256 of the file's text (and of the runbooks it includes), recorded in transcripts so a replay knows which version ran. */
  hash: string;
}

export type CheckLookup = (id: string) => AnyCheck | undefined;

export async function loadRunbookFile(file: string, lookup: CheckLookup): Promise<LoadedRunbook> {
  return fromSource(await readYamlSource(file), lookup, []);
}

export function loadRunbookText(file: string, text: string, lookup: CheckLookup): LoadedRunbook {
  return fromSource(parseYamlSource(file, text), lookup, []);
}

/** Where `include: [{ runbook: x }]` is read from: a path (relative to the including file) or a bundled runbook id. */
export function includedRunbookFile(ref: string, fromFile: string): string {
  if (ref.includes('/') || ref.endsWith('.yaml') || ref.endsWith('.yml')) return resolve(dirname(fromFile), ref);
  return bundledPath('runbooks', ref);
}

function fromSource(source: YamlSource, lookup: CheckLookup, stack: readonly string[]): LoadedRunbook {
  const raw = validate(source, runbook);
  const problems: SourceProblem[] = [];
  const included: ResolvedInclude[] = [];
  const hashes: string[] = [];
  const here = resolve(source.file);
  raw.include.forEach((inc, i) => {
    const file = includedRunbookFile(inc.runbook, source.file);
    const at = (message: string) => problems.push(source.problem(['include', i, 'runbook'], message));
    const chain = [...stack, here];
    if (chain.includes(resolve(file))) {
      const names = [...chain.slice(chain.indexOf(resolve(file))), resolve(file)].map(shortPath);
      at(`include cycle: ${names.join(' → ')}`);
      return;
    }
    if (!existsSync(file)) {
      at(`unknown runbook "${inc.runbook}" (no bundled runbook by that id, and no file ${shortPath(file)})`);
      return;
    }
    try {
      const sub = fromSource(parseYamlSource(file, readFileSync(file, 'utf8')), lookup, chain);
      included.push({ include: inc, spec: sub.spec });
      hashes.push(sub.hash);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      at(`included runbook "${inc.runbook}" has errors:`);
      problems.push(...err.problems);
    }
  });
  if (problems.length > 0) throw new InputError(problems);
  const spec = flattenIncludes(raw, included);
  problems.push(...lintIncludes(raw, spec, source, included, lookup), ...lintRunbook(spec, source, lookup));
  if (problems.length > 0) throw new InputError(dedupe(problems));
  const hash = createHash('sha256').update(source.text);
  for (const h of hashes) hash.update(`\0${h}`);
  return { spec, file: source.file, hash: hash.digest('hex') };
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
    return source.problem([...path, issue.keys[0] ?? ''], `${describePath(path)}unknown field${plural} ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
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
