import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { AnyCheck } from '../checks/types.js';
import { lintRunbook } from './lint.js';
import { runbook } from './schema.js';
import type { RunbookSpec } from './schema.js';
import { InputError, parseYamlSource, readYamlSource } from './source.js';
import type { SourceProblem, YamlSource } from './source.js';

export interface LoadedRunbook {
  spec: RunbookSpec;
  file: string;
  /** sha256 of the file's text, recorded in transcripts so a replay knows which version ran. */
  hash: string;
}

export type CheckLookup = (id: string) => AnyCheck | undefined;

export async function loadRunbookFile(file: string, lookup: CheckLookup): Promise<LoadedRunbook> {
  return fromSource(await readYamlSource(file), lookup);
}

export function loadRunbookText(file: string, text: string, lookup: CheckLookup): LoadedRunbook {
  return fromSource(parseYamlSource(file, text), lookup);
}

function fromSource(source: YamlSource, lookup: CheckLookup): LoadedRunbook {
  const spec = validate(source, runbook);
  const problems = lintRunbook(spec, source, lookup);
  if (problems.length > 0) throw new InputError(problems);
  return { spec, file: source.file, hash: createHash('sha256').update(source.text).digest('hex') };
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
