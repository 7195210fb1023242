import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { packageRoot } from './assets.js';

/**
 * The bundled runbooks and scenarios, loaded and validated once at build time
 * (scripts/build.mjs writes dist/precompiled.json): a start then reads JSON
 * instead of parsing YAML, running zod and every runbook lint (~400 ms on the
 * home screen). An entry is used only when every file it was built from still
 * has the same content (sha256), so an edited YAML file is loaded and
 * validated as before. Only the bundle uses it: tests and `tsx` runs of the
 * source always validate, so a changed lint rule is never skipped.
 */
declare const PLUMBLINE_BUNDLED: boolean | undefined;

export type PrecompiledKind = 'runbooks' | 'scenarios' | 'signatures';

export interface PrecompiledEntry {
  /** Every file the value was built from, relative to the package root, with the sha256 of its content. */
  deps: Record<string, string>;
  /** The loaded value as JSON text: parsed on each use, so every caller gets its own copy (a drill changes its cluster). */
  value: string;
}

export interface Precompiled {
  runbooks: Record<string, PrecompiledEntry>;
  scenarios: Record<string, PrecompiledEntry>;
  /** Each signatures/*.yaml file's validated entries (the catalog a walk consults at its end). */
  signatures?: Record<string, PrecompiledEntry>;
}

let index: Precompiled | null | undefined;

function load(): Precompiled | null {
  if (index !== undefined) return index;
  index = null;
  if (typeof PLUMBLINE_BUNDLED === 'undefined') return index;
  try {
    index = JSON.parse(readFileSync(join(packageRoot(), 'dist', 'precompiled.json'), 'utf8')) as Precompiled;
  } catch {
    // No index (a build without it, or a damaged one): every load validates, as in a checkout.
  }
  return index;
}

/** Reads the index now (a TUI does it in a task of its own, src/cli/stages.ts), not at the first load that needs it. */
export function readPrecompiled(): void {
  load();
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The path a dep is recorded under: relative to the package root, with forward slashes. */
export function depKey(root: string, file: string): string {
  return relative(root, resolve(file)).split(sep).join('/');
}

/** The build-time value for this bundled file, when it and everything it was built from are unchanged. */
export function precompiled(kind: PrecompiledKind, file: string): unknown {
  const all = load();
  if (!all) return undefined;
  const root = packageRoot();
  const entry = all[kind]?.[depKey(root, file)];
  if (!entry) return undefined;
  for (const [dep, hash] of Object.entries(entry.deps)) {
    let text: Buffer;
    try {
      text = readFileSync(join(root, dep));
    } catch {
      return undefined;
    }
    if (sha256(text) !== hash) return undefined;
  }
  return JSON.parse(entry.value) as unknown;
}

/**
 * What a first frame shows before anything heavy loads (src/cli/preFrame.ts):
 * a bundled scenario's page and its runbook's title, a bundled runbook's
 * title. Written beside precompiled.json at build time (frames.json, a few KB);
 * an entry counts only while the files it came from are unchanged.
 */
export interface FrameIndex {
  scenarios: Record<string, { page: string; runbook: string; runbookTitle: string; deps: Record<string, string> }>;
  runbooks: Record<string, { title: string; deps: Record<string, string> }>;
}

let frames: FrameIndex | null | undefined;

function unchanged(root: string, deps: Record<string, string>): boolean {
  for (const [dep, hash] of Object.entries(deps)) {
    try {
      if (sha256(readFileSync(join(root, dep))) !== hash) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** The build-time frame facts of a bundled file (a scenario, or a runbook), when it and what it was built from are unchanged. */
export function frameFacts<K extends keyof FrameIndex>(kind: K, file: string): FrameIndex[K][string] | undefined {
  if (frames === undefined) {
    frames = null;
    if (typeof PLUMBLINE_BUNDLED === 'undefined') return undefined;
    try {
      frames = JSON.parse(readFileSync(join(packageRoot(), 'dist', 'frames.json'), 'utf8')) as FrameIndex;
    } catch {
      // No index: the first frame waits for the walk's own loading.
    }
  }
  const root = packageRoot();
  const entry = frames?.[kind][depKey(root, file)] as FrameIndex[K][string] | undefined;
  return entry && unchanged(root, entry.deps) ? entry : undefined;
}
